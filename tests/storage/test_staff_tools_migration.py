"""Migration 0004 (office closures, daily counts, first-reply waits) goes down and up again on
SQLite and PostgreSQL, and the tables then take what the staff tools write."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import inspect

from bot.places.calendar import TZ
from bot.staff_tools import counters
from bot.staff_tools.stats import figures
from bot.storage.database import alembic_config, create_engine, session_factory
from bot.storage.models import OfficeClosure

TABLES = {"office_closures", "daily_counts", "first_reply_waits"}


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def test_0004_down_and_up(db_url: str) -> None:
    assert TABLES <= await _tables(db_url)
    await asyncio.to_thread(command.downgrade, alembic_config(db_url), "0003")
    assert not TABLES & await _tables(db_url)
    await asyncio.to_thread(command.upgrade, alembic_config(db_url), "head")
    assert TABLES <= await _tables(db_url)

    engine = create_engine(db_url)
    try:
        sessions = session_factory(engine)
        now = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
        async with sessions() as session:
            session.add(
                OfficeClosure(
                    office="mh",
                    starts_on=date(2026, 12, 24),
                    ends_on=date(2026, 12, 31),
                    reason="Betriebsferien",
                    created_at=now,
                )
            )
            for _ in range(3):  # the upsert adds up
                await counters.count(session, counters.QUESTION, now, topic="housing", lang="ar")
            await counters.count(session, counters.QUESTION, now, topic=None, lang="de")
            await counters.first_reply(session, now.astimezone(UTC), now.replace(hour=9, minute=8))
            await session.commit()
        async with sessions() as session:
            found = await figures(session, date(2026, 11, 17), date(2026, 11, 23))
        assert found.questions == 4 and found.questions_by_topic["housing"] == 3
        assert found.questions_by_lang == {"ar": 3, "de": 1}
        assert found.median_first_reply_seconds == 480
    finally:
        await engine.dispose()
