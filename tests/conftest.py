"""Shared fixtures: databases on SQLite and PostgreSQL, a fake clock."""

from __future__ import annotations

import asyncio
import shutil
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


class SqliteTemplate:
    """One migrated SQLite file per test session; each test gets a copy (a copy takes a
    millisecond, running the migrations ~0.3 s)."""

    def __init__(self, folder: Path) -> None:
        self.file = folder / "template.sqlite3"
        self.migrated = False

    async def path(self) -> Path:
        if not self.migrated:
            await migrate(f"sqlite+aiosqlite:///{self.file}")
            self.migrated = True
        return self.file


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: SqliteTemplate,
    postgres_databases: PostgresDatabases,
) -> str:
    """A fresh, migrated database; every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        database = tmp_path / "bot.sqlite3"
        shutil.copyfile(await sqlite_template.path(), database)
        return f"sqlite+aiosqlite:///{database}"
    error = await postgres_reachable()
    if error is not None:
        require_service("PostgreSQL", error)
    return await postgres_databases.emptied()


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(db_url)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    """Monday 23 November 2026, 10:00 in Dortmund: the offices are open."""
    return FakeClock(datetime(2026, 11, 23, 10, 0, tzinfo=TZ))
