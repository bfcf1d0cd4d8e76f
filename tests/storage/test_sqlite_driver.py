"""The SQLite driver that runs statements on the event loop (bot/storage/sqlite_driver.py): where
each call runs, and that a lock held elsewhere is waited for off the loop."""
from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.storage import sqlite_driver
from bot.storage.database import create_engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.sqlite3'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    yield engine
    await engine.dispose()


async def driver_of(connection: AsyncConnection) -> sqlite_driver.Connection:
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert isinstance(driver, sqlite_driver.Connection)
    return driver


class Ticker:
    """Counts how often the event loop gets to run a task while something else waits."""

    def __init__(self) -> None:
        self.ticks = 0
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(0.01)
            self.ticks += 1

    def stop(self) -> None:
        self._task.cancel()


async def test_statements_run_on_the_event_loop_and_a_commit_that_wrote_runs_in_a_thread(engine: AsyncEngine) -> None:
    seen: list[tuple[str, bool]] = []
    loop_thread = threading.get_ident()
    async with engine.connect() as connection:
        driver = await driver_of(connection)
        assert driver._conn is not None
        driver._conn.set_trace_callback(
            lambda statement: seen.append((statement.split()[0].upper(), threading.get_ident() == loop_thread)))
        await connection.execute(text("SELECT count(*) FROM notes"))
        await connection.execute(text("INSERT INTO notes (body) VALUES ('hello')"))
        await connection.commit()
        driver._conn.set_trace_callback(None)
    assert ("SELECT", True) in seen
    assert ("INSERT", True) in seen
    assert ("COMMIT", False) in seen
    assert ("COMMIT", True) not in seen


async def test_a_read_only_transaction_commits_without_a_thread(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        driver = await driver_of(connection)
        await connection.execute(text("SELECT count(*) FROM notes"))
        assert not driver.in_transaction  # pysqlite begins only before a write: nothing to sync
        await connection.commit()


async def test_a_rollback_discards_the_writes(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("INSERT INTO notes (body) VALUES ('draft')"))
        await connection.rollback()
        assert (await connection.execute(text("SELECT count(*) FROM notes"))).scalar_one() == 0


async def test_a_write_waits_off_the_loop_for_another_connections_lock(engine: AsyncEngine, tmp_path: Path) -> None:
    other = sqlite3.connect(tmp_path / "driver.sqlite3", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process's writer, as SQLite sees it
    other.execute("INSERT INTO notes (body) VALUES ('other')")
    asyncio.get_running_loop().call_later(0.4, other.execute, "COMMIT")
    ticker = Ticker()
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO notes (body) VALUES ('ours')"))
    ticker.stop()
    other.close()
    assert ticker.ticks >= 10  # the loop ran on while the insert waited (0.4 s)
    async with engine.connect() as connection:
        bodies = (await connection.execute(text("SELECT body FROM notes ORDER BY id"))).scalars().all()
    assert bodies == ["other", "ours"]


async def test_a_lock_held_longer_than_the_timeout_fails_as_locked_without_blocking_the_loop(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE notes (body TEXT)")
    setup.execute("BEGIN IMMEDIATE")
    connection = await sqlite_driver.connect(str(path), timeout=0.3)
    ticker = Ticker()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        await connection.execute("INSERT INTO notes VALUES ('ours')")
    ticker.stop()
    assert ticker.ticks >= 5
    setup.execute("ROLLBACK")
    await connection.execute("INSERT INTO notes VALUES ('ours')")  # the lock is free: at once
    await connection.commit()
    await connection.close()
    assert setup.execute("SELECT body FROM notes").fetchall() == [("ours",)]
    setup.close()


async def test_the_busy_timeout_is_back_to_zero_after_a_wait(tmp_path: Path) -> None:
    path = tmp_path / "timeout.sqlite3"
    connection = await sqlite_driver.connect(str(path), timeout=5)
    cursor = await connection.execute("PRAGMA busy_timeout")
    assert await cursor.fetchall() == [(0,)]
    assert connection._waiting(lambda: connection._open().execute("PRAGMA busy_timeout").fetchall()) == [(5000,)]
    cursor = await connection.execute("PRAGMA busy_timeout")
    assert await cursor.fetchall() == [(0,)]
    await connection.close()


async def test_isolation_level_and_an_in_memory_database_work() -> None:
    engine = create_engine("sqlite+aiosqlite://")
    try:
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(text("CREATE TABLE t (x INTEGER)"))
            await autocommit.execute(text("INSERT INTO t VALUES (1)"))
            driver = await driver_of(connection)
            assert driver.isolation_level is None  # autocommit, as pysqlite spells it
            assert not driver.in_transaction
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT x FROM t"))).scalar_one() == 1
    finally:
        await engine.dispose()


async def test_errors_are_sqlalchemys_as_with_aiosqlite(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        with pytest.raises(OperationalError, match="no such table"):
            await connection.execute(text("SELECT * FROM missing"))
