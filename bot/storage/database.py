"""The async engine and session factory, and schema migration at start-up."""

from __future__ import annotations

import ast
import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection
    from sqlalchemy.engine.interfaces import DBAPIConnection
    from sqlalchemy.pool import ConnectionPoolEntry

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Seconds a PostgreSQL connect, statement or wait for a pooled connection may take (DATABASE_TIMEOUT):
# an unreachable server then costs a turn a few seconds and a polite apology, not a hang.
DEFAULT_TIMEOUT = 5.0


class DatabaseUnavailable(Exception):
    """The database cannot be reached; the message says which URL (without password) and why."""


def create_engine(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> AsyncEngine:
    """The engine for `url`; `timeout` bounds PostgreSQL's connects and statements (SQLite keeps its
    30 s busy timeout: its "outage" is another connection holding the file's lock, which passes)."""
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    return create_async_engine(
        url,
        pool_size=10,
        max_overflow=10,
        pool_pre_ping=True,
        pool_timeout=timeout,
        connect_args={"timeout": timeout, "command_timeout": timeout},
    )


# SQLAlchemy's documented recipe for SQLite transactions (the aiosqlite dialect's "Serializable
# isolation / Savepoints / Transactional DDL"): the driver's own BEGIN is switched off and every
# transaction starts with BEGIN IMMEDIATE. A deferred transaction that read first and writes later
# fails at once with "database is locked" when another connection wrote in between (WAL cannot
# move its snapshot on); an immediate one takes the write lock up front and waits its turn in the
# busy timeout. So transactions are kept short: a turn understands its text before it begins
# (bot.core.turn.open_turn) and sends its replies after it commits. A session opened by `reading`
# only reads: its transaction is a plain (deferred) BEGIN, which in WAL takes no lock, so it
# neither waits for the writer nor makes the writer wait.
def _sqlite_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers beside the one writer
    cursor.execute("PRAGMA foreign_keys=ON")  # off by default in SQLite
    # WAL with NORMAL syncs at checkpoints, not at every commit (3-15 ms each here): a crash of the
    # process loses nothing, a power cut may lose the last commits but never corrupts the file.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


READ_ONLY = "lw_read_only"  # execution option of `reading` sessions


def _sqlite_begin(connection: Connection) -> None:
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


@asynccontextmanager
async def reading(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for reads only (a write in it may fail on SQLite with "database is locked")."""
    async with sessions() as session:
        await session.connection(execution_options={READ_ONLY: True})
        yield session


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _upgrade(url: str) -> None:
    from alembic import command  # only when there is something to do: ~0.3 s and ~10 MB at start

    command.upgrade(alembic_config(url), "head")


async def migrate(url: str) -> None:
    """Bring the schema to the newest revision (Alembic runs its own event loop, so in a thread)."""
    await asyncio.to_thread(_upgrade, url)


@cache
def head_revision(versions: Path = MIGRATIONS_DIR / "versions") -> str | None:
    """The newest revision of the migration files, read without importing Alembic.

    The revision no other file names as its `down_revision`; None when that is not exactly one
    (a branch, or a file this reader does not understand), and then Alembic decides."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        assigned = _module_constants(path)
        revision, down = assigned.get("revision"), assigned.get("down_revision", ...)
        if not isinstance(revision, str) or down is ...:
            return None
        revisions.add(revision)
        if isinstance(down, str):
            parents.add(down)
        elif isinstance(down, (tuple, list)):
            parents.update(down)
        elif down is not None:
            return None
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _module_constants(path: Path) -> dict[str, object]:
    """`name = <literal>` at the top level of a Python file (plain or annotated assignments)."""
    constants: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            try:
                constants[target.id] = ast.literal_eval(value)
            except ValueError:
                continue
    return constants


async def schema_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at (None for a database Alembic has not touched yet)."""
    async with engine.connect() as connection:
        try:
            rows = (await connection.execute(text("SELECT version_num FROM alembic_version"))).all()
        except DBAPIError as exc:
            if _is_connection_error(exc):
                raise
            return None  # no alembic_version table: a new database
    return rows[0][0] if len(rows) == 1 else None


async def migrate_engine(engine: AsyncEngine, url: str) -> None:
    """Migrate unless the database is already at the newest revision (the usual start: one query)."""
    head = head_revision()
    if head is None or await schema_revision(engine) != head:
        await migrate(url)


def _is_connection_error(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    message = str(exc).lower()
    return "connect" in message or "unable to open" in message


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


async def connect(url: str, *, attempts: int = 5, delay: float = 2.0, timeout: float = DEFAULT_TIMEOUT) -> AsyncEngine:
    """Create the engine, migrate, and retry while the database is not reachable yet."""
    last: Exception | None = None
    for attempt in range(1, attempts + 1):
        engine = create_engine(url, timeout=timeout)
        try:
            await migrate_engine(engine, url)
            return engine
        except Exception as exc:
            await engine.dispose()
            # OSError covers refused connections; drivers word their own "cannot connect" errors.
            if not isinstance(exc, OSError) and not _is_connection_error(exc):
                raise
            last = exc
        log.warning("database %s not reachable (attempt %d of %d)", safe_url(url), attempt, attempts)
        if attempt < attempts:
            await asyncio.sleep(delay)
    raise DatabaseUnavailable(f"cannot reach the database {safe_url(url)}: {last}")


# The session of the transaction under way in this task, if any: a turn's (bot.core.turn.open_turn)
# or one that unit_of_work opened.
turn_session: ContextVar[AsyncSession | None] = ContextVar("turn_session", default=None)


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """The transaction under way (a turn's, or an enclosing unit_of_work's): its changes commit or
    roll back with it. With none under way: a short transaction of its own, committed at the end,
    that code called inside it joins in turn.

    One session per task matters on SQLite, where every transaction takes the one write lock up
    front: a second session would wait for the lock its own task holds (30 s, then fail)."""
    current = turn_session.get()
    if current is not None:
        yield current
        await current.flush()
        return
    async with sessions.begin() as own:
        token = turn_session.set(own)
        try:
            yield own
        finally:
            turn_session.reset(token)
