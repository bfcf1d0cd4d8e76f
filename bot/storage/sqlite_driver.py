"""SQLite for SQLAlchemy's asyncio engine, run on the event loop instead of in a thread.

aiosqlite, the driver SQLAlchemy's ``sqlite+aiosqlite`` dialect expects, gives every connection a
thread and hands every call to it: ``cursor()``, ``execute``, ``fetchall`` and ``close`` are four
hand-offs per statement, each a wake-up of that thread, the interpreter lock passed to it and
back, and a wake-up of the event loop through its self-pipe. A statement on a local SQLite file
takes tens of microseconds, less than the hand-offs around it (bench/README.md, *Profiled and
fixed*, 11). This module gives the dialect a connection with aiosqlite's interface that runs
those calls where they are awaited.

Only two things can make SQLite wait, and they still leave the event loop:
- **A lock held by another connection.** Inline, SQLite's busy timeout is 0: a statement that
  finds the database locked fails at once with ``SQLITE_BUSY`` without having changed anything,
  and is then run again in a worker thread with the full busy timeout. In this process writers
  queue in the `WriteGate` first (bot/storage/sqlite_writes.py), so that path is for other
  processes and other engines on the same file.
- **The disk.** ``COMMIT`` of a transaction that wrote syncs the write-ahead log; it runs in a
  worker thread. A read-only transaction has nothing to commit (pysqlite begins a transaction only
  before a write).
"""
from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

# Own threads, not the event loop's default executor, which anything may fill (the terminal
# chat keeps one of its threads waiting for input): a commit must never queue behind those.
# Commits and waits for a lock have separate threads, so that connections of this process
# waiting for a lock cannot keep the holder from committing it.
_COMMITS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sqlite-commit")
_LOCK_WAITS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="sqlite-wait")


async def _in_thread(executor: ThreadPoolExecutor, function: Callable[..., T], *args: Any) -> T:
    return await asyncio.get_running_loop().run_in_executor(executor, functools.partial(function, *args))


# Primary result code SQLITE_BUSY (5) and SQLITE_BUSY_RECOVERY (261) are worth waiting for;
# SQLITE_BUSY_SNAPSHOT (517) is not: the transaction read a snapshot that another writer has
# since replaced, and only starting it again helps (SQLite's own busy handler does not wait
# for it either).
_WAIT_FOR = {5, 261}


def _worth_waiting(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) in _WAIT_FOR


class _Queue:
    """aiosqlite's call queue, for SQLAlchemy's ``isolation_level`` setter, which uses it: the
    call runs at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:  # handed to the awaiting side, like aiosqlite does
            if future is not None and not future.done():
                future.set_exception(exc)
            return
        if future is not None and not future.done():
            future.set_result(result)


class Connection:
    """One sqlite3 connection with aiosqlite's async interface (the part SQLAlchemy uses)."""

    def __init__(self, connection: sqlite3.Connection, busy_timeout: float) -> None:
        self._conn: sqlite3.Connection | None = connection
        self._busy_timeout_ms = int(busy_timeout * 1000)
        self._tx = _Queue()

    @property
    def _connection(self) -> sqlite3.Connection | None:
        # SQLAlchemy checks aiosqlite's ``_connection`` before it commits or rolls back.
        return self._conn

    def _open(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError("no active connection")
        return self._conn

    @property
    def isolation_level(self) -> str | None:
        return self._open().isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._open().isolation_level = value

    @property
    def in_transaction(self) -> bool:
        return self._open().in_transaction

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` here; if the database is locked, again in a thread that waits."""
        try:
            return function(*args)
        except sqlite3.OperationalError as exc:
            if not _worth_waiting(exc):
                raise
        return await _in_thread(_LOCK_WAITS, self._waiting, function, *args)

    def _waiting(self, function: Callable[..., T], *args: Any) -> T:
        connection = self._open()
        connection.execute(f"PRAGMA busy_timeout={self._busy_timeout_ms}")
        try:
            return function(*args)
        finally:
            connection.execute("PRAGMA busy_timeout=0")

    def cursor(self) -> Cursor:
        # Not a coroutine: SQLAlchemy enters what aiosqlite returns here with ``async with``.
        return Cursor(self, self._open().cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        connection = self._open()
        if connection.in_transaction:  # it wrote: the commit syncs the log to disk
            await _in_thread(_COMMITS, self._waiting, connection.commit)

    async def rollback(self) -> None:
        # In WAL mode a rollback discards the transaction's pages in memory: no disk, no lock.
        connection = self._open()
        if connection.in_transaction:
            connection.rollback()

    async def close(self) -> None:
        if self._conn is not None:
            connection, self._conn = self._conn, None
            # The last connection to close checkpoints the log into the database file.
            await _in_thread(_COMMITS, connection.close)

    def stop(self) -> None:
        """Close at once (SQLAlchemy's terminate, when a connection is dropped)."""
        if self._conn is not None:
            connection, self._conn = self._conn, None
            connection.close()

    async def create_function(self, name: str, num_params: int, func: Callable[..., Any],
                              deterministic: bool = False) -> None:
        self._open().create_function(name, num_params, func, deterministic=deterministic)


class Cursor:
    """A sqlite3 cursor with aiosqlite's async interface."""

    def __init__(self, connection: Connection, cursor: sqlite3.Cursor) -> None:
        self._connection = connection
        self._cursor = cursor

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        await self._connection.run(self._cursor.execute, sql, parameters)
        return self

    async def executemany(self, sql: str,
                          parameters: Iterable[Sequence[Any] | dict[str, Any]]) -> Cursor:
        await self._connection.run(self._cursor.executemany, sql, list(parameters))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


async def connect(database: str, *, timeout: float = 5.0, **kwargs: Any) -> Connection:
    """Open ``database`` like ``sqlite3.connect``; ``timeout`` is how long a statement may wait
    for another connection's lock (in a worker thread; on the event loop it never waits)."""
    kwargs["check_same_thread"] = False  # commits and lock waits run in worker threads
    connection = await _in_thread(_COMMITS, functools.partial(sqlite3.connect, database, timeout=0, **kwargs))
    return Connection(connection, busy_timeout=timeout)
