"""The async engine and session factory, and schema migration at start-up."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseUnavailable(Exception):
    """The database cannot be reached; the message says which URL (without password) and why."""


def create_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            # WAL lets readers run beside the one writer; foreign keys are off by default in SQLite.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _upgrade(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


async def migrate(url: str) -> None:
    """Bring the schema to the newest revision (Alembic runs its own event loop, so in a thread)."""
    await asyncio.to_thread(_upgrade, url)


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


async def connect(url: str, *, attempts: int = 5, delay: float = 2.0) -> AsyncEngine:
    """Create the engine, migrate, and retry while the database is not reachable yet."""
    last: Exception | None = None
    for attempt in range(1, attempts + 1):
        try:
            await migrate(url)
            return create_engine(url)
        except (OSError, ConnectionError) as exc:
            last = exc
        except Exception as exc:  # driver-specific "cannot connect" errors
            if "connect" not in str(exc).lower() and "unable to open" not in str(exc).lower():
                raise
            last = exc
        log.warning("database %s not reachable (attempt %d of %d)", safe_url(url), attempt, attempts)
        if attempt < attempts:
            await asyncio.sleep(delay)
    raise DatabaseUnavailable(f"cannot reach the database {safe_url(url)}: {last}")


# The session of the turn being handled, if any (set by bot.core.turn.open_turn).
turn_session: ContextVar[AsyncSession | None] = ContextVar("turn_session", default=None)


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """Inside a turn: the turn's own session (its transaction commits or rolls back with the turn).
    Elsewhere (jobs, the staff chat): a short transaction of its own, committed at the end.

    One writer per turn matters on SQLite, where a second connection would wait for the write lock
    the turn itself holds; everywhere it keeps a turn's changes all-or-nothing."""
    current = turn_session.get()
    if current is not None:
        yield current
        await current.flush()
        return
    async with sessions.begin() as own:
        yield own
