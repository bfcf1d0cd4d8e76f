"""SQLite's one writer at a time: this process's writers queue on the event loop (WriteGate)
instead of sleeping in SQLite's busy handler."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.database import create_engine, migrate
from bot.storage.sqlite_writes import WriteGate, write_gate

NOTE = "INSERT INTO job_runs (name, run_key, claimed_by, claimed_at) VALUES (:n, :k, 'test', '2026-11-23')"


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncEngine:
    url = f"sqlite+aiosqlite:///{tmp_path / 'gate.sqlite3'}"
    await migrate(url)
    engine = create_engine(url)
    yield engine
    await engine.dispose()


def gate_of(engine: AsyncEngine) -> WriteGate:
    gate = write_gate(engine)
    assert isinstance(gate, WriteGate)
    return gate


async def claimed(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT run_key FROM job_runs ORDER BY run_key"))
        return [row[0] for row in rows]


async def test_a_second_writer_waits_for_the_first_to_commit_and_then_writes(engine: AsyncEngine) -> None:
    gate = gate_of(engine)
    first_wrote = asyncio.Event()
    release_first = asyncio.Event()
    order: list[str] = []

    async def first() -> None:
        async with engine.begin() as connection:
            await connection.execute(text(NOTE), {"n": "a", "k": "1"})
            first_wrote.set()
            await release_first.wait()
            order.append("first commits")

    async def second() -> None:
        await first_wrote.wait()
        async with engine.begin() as connection:
            await connection.execute(text(NOTE), {"n": "a", "k": "2"})
            order.append("second wrote")

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await first_wrote.wait()
    await asyncio.sleep(0.05)  # the second writer is queued at the gate, not inside SQLite
    assert gate.waits == 1 and order == []
    release_first.set()
    await asyncio.gather(*tasks)
    assert order == ["first commits", "second wrote"]
    assert await claimed(engine) == ["1", "2"]
    assert gate.holder is None


async def test_readers_do_not_wait_for_a_writer(engine: AsyncEngine) -> None:
    async with engine.begin() as writer:
        await writer.execute(text(NOTE), {"n": "a", "k": "1"})
        assert await asyncio.wait_for(claimed(engine), 1.0) == []  # not committed yet
    assert await claimed(engine) == ["1"]


async def test_a_rollback_or_a_dropped_connection_lets_the_next_writer_in(engine: AsyncEngine) -> None:
    gate = gate_of(engine)
    with pytest.raises(RuntimeError):
        async with engine.begin() as connection:
            await connection.execute(text(NOTE), {"n": "a", "k": "1"})
            raise RuntimeError("the turn failed")
    assert gate.holder is None
    connection = await engine.connect()
    await connection.execute(text(NOTE), {"n": "a", "k": "2"})
    assert gate.holder is not None
    await connection.close()  # neither commit nor rollback by us: the pool resets it
    assert gate.holder is None
    async with engine.begin() as connection:
        await asyncio.wait_for(connection.execute(text(NOTE), {"n": "a", "k": "3"}), 1.0)
    assert await claimed(engine) == ["3"]


async def test_a_writer_that_waits_too_long_fails_like_a_locked_database(engine: AsyncEngine) -> None:
    gate = gate_of(engine)
    gate.timeout = 0.2
    async with engine.begin() as holder:
        await holder.execute(text(NOTE), {"n": "a", "k": "1"})
        with pytest.raises(OperationalError, match="database is locked"):
            async with engine.begin() as waiter:
                await waiter.execute(text(NOTE), {"n": "a", "k": "2"})
    assert await claimed(engine) == ["1"]
    assert gate.holder is None


def test_only_sqlite_gets_a_gate() -> None:
    assert write_gate(create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")) is None


async def test_many_writers_at_once_all_commit(engine: AsyncEngine) -> None:
    async def write(key: int) -> None:
        async with engine.begin() as connection:
            await connection.execute(text("SELECT count(*) FROM job_runs"))
            await connection.execute(text(NOTE), {"n": "many", "k": f"{key:02d}"})
            await asyncio.sleep(0)  # hold the write a moment, as a turn does

    await asyncio.gather(*(write(key) for key in range(30)))
    assert await claimed(engine) == [f"{key:02d}" for key in range(30)]
    assert gate_of(engine).holder is None
