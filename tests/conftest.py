"""Shared fixtures: databases on SQLite and PostgreSQL, a fake clock."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.places.calendar import TZ
from bot.storage.database import create_engine, migrate, session_factory
from tests.databases import PostgresDatabases, postgres_reachable, require_service


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases()
    yield databases
    if databases.created or databases.template:
        loop = asyncio.new_event_loop()
        loop.run_until_complete(databases.drop_all())
        loop.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path,
                 postgres_databases: PostgresDatabases) -> str:
    """A fresh, migrated database; every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
        await migrate(url)
        return url
    error = await postgres_reachable()
    if error is not None:
        require_service("PostgreSQL", error)
    return await postgres_databases.new()


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(db_url)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    """Monday 23 November 2026, 10:00 in Dortmund: the offices are open."""
    return FakeClock(datetime(2026, 11, 23, 10, 0, tzinfo=TZ))
