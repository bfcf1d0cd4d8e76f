"""One writer at a time on SQLite, queued on the event loop instead of in SQLite's busy handler.

SQLite lets one connection write at a time. A second writer used to wait in SQLite's busy
handler, which sleeps 1, 2, 5, 10 ... 100 ms between tries: writers slept while the lock had
long been free, and 50 bookings at once ran at a third of the sequential rate (bench/README.md,
*Profiled and fixed*, 9).
Now a connection that is about to write first takes this process's `WriteGate` (an asyncio lock,
handed on the moment the holder commits or rolls back); SQLite's own lock is then free, and the
busy handler only waits for writers of other processes.

The gate is taken from inside SQLAlchemy's execution (a connection event), which runs in the
greenlet of an async engine, so it can await. A transaction that waits longer than `timeout` for
the gate fails as SQLite would after its busy timeout.
"""
from __future__ import annotations

import asyncio
import re
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import await_only

# Statements that take SQLite's write lock (pysqlite opens the transaction right before them).
_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
_GATES: WeakKeyDictionary[Engine, WriteGate] = WeakKeyDictionary()


def write_gate(engine: AsyncEngine) -> WriteGate | None:
    """The gate installed on this engine, if any."""
    return _GATES.get(engine.sync_engine)


class WriteGate:
    """Held by at most one DBAPI connection of an engine, from its first write to its commit or
    rollback."""

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._lock = asyncio.Lock()
        self._holder: Any = None  # the DBAPI connection whose transaction writes
        self.waits = 0  # how often a writer found the gate taken (for tests and benchmarks)

    @property
    def holder(self) -> Any:
        return self._holder

    def install(self, engine: AsyncEngine) -> None:
        sync_engine = engine.sync_engine
        _GATES[sync_engine] = self
        event.listen(sync_engine, "before_cursor_execute", self._before_execute)
        dialect = sync_engine.dialect
        commit, rollback = dialect.do_commit, dialect.do_rollback

        # The dialect's own commit and rollback, so that the gate passes on once SQLite has
        # finished them (the engine's "commit" event fires before the commit).
        def do_commit(dbapi_connection: Any) -> None:
            try:
                commit(dbapi_connection)
            finally:
                self._release(dbapi_connection)

        def do_rollback(dbapi_connection: Any) -> None:
            try:
                rollback(dbapi_connection)
            finally:
                self._release(dbapi_connection)

        dialect.do_commit = do_commit  # type: ignore[method-assign]
        dialect.do_rollback = do_rollback  # type: ignore[method-assign]
        # A connection that is dropped rather than committed or rolled back lets go as well.
        for name in ("checkin", "invalidate", "close", "close_detached"):
            event.listen(sync_engine.pool, name, self._on_pool_event)

    def _before_execute(self, conn: Connection, _cursor: Any, statement: str, _parameters: Any,
                        _context: Any, _executemany: bool) -> None:
        if not _WRITES.match(statement):
            return
        dbapi_connection = conn.connection.dbapi_connection
        if self._holder is dbapi_connection:
            return
        await_only(self._acquire())
        self._holder = dbapi_connection

    async def _acquire(self) -> None:
        if self._lock.locked():
            self.waits += 1
        try:
            async with asyncio.timeout(self.timeout):  # awaited in this task: a late grant is not lost
                await self._lock.acquire()
        except TimeoutError:
            raise OperationalError("(write gate)", None,
                                   Exception(f"database is locked: no write turn within {self.timeout:g} s")) from None

    def _release(self, dbapi_connection: Any) -> None:
        if dbapi_connection is not None and self._holder is dbapi_connection:
            self._holder = None
            self._lock.release()

    def _on_pool_event(self, dbapi_connection: Any, *_args: Any) -> None:
        self._release(dbapi_connection)
