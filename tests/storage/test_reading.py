"""`reading` sessions: on SQLite a plain BEGIN, so a read never waits for the transaction that
holds the write lock (a web page's long poll or session lookup beside a turn)."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.database import reading
from bot.storage.models import Person


async def count_people(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with reading(sessions) as session:
        return int(await session.scalar(select(func.count()).select_from(Person)) or 0)


async def test_a_read_does_not_wait_for_the_writer_and_sees_only_what_it_committed(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as writer:
        writer.add(Person(channel="web", external_id="a" * 64))
        await writer.flush()  # the write lock is held (SQLite) until this block commits
        assert await asyncio.wait_for(count_people(sessions), 2) == 0
    assert await asyncio.wait_for(count_people(sessions), 2) == 1


async def test_reads_and_writes_interleave_without_errors(sessions: async_sessionmaker[AsyncSession]) -> None:
    async def write(i: int) -> None:
        async with sessions.begin() as session:
            session.add(Person(channel="web", external_id=f"person-{i:03d}"))

    counts = await asyncio.gather(*(count_people(sessions) for _ in range(20)), *(write(i) for i in range(20)))
    assert all(isinstance(c, int) for c in counts[:20])
    assert await count_people(sessions) == 20
