"""aiogram FSM storage kept in the database, so a person mid-dialogue continues after a restart.

The default storage; with REDIS_URL set, aiogram's RedisStorage is used instead (bot.telegram.app).
The terminal adapter uses it too, with its own StorageKey, so both channels share one mechanism.

While a turn is being handled, state reads and writes join the turn's transaction
(bot.storage.database.unit_of_work). The step a person is in and the booking or
handoff it belongs to are thus committed together — and on SQLite a second connection never
waits for the write lock the turn itself holds."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any, cast

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql.dml import Insert

from bot.storage.database import turn_session, unit_of_work
from bot.storage.models import ConversationState, utcnow

__all__ = ["DatabaseConversation", "DatabaseStorage", "turn_session"]

_TABLE = cast(Table, ConversationState.__table__)  # declarative mapping types it as a FromClause


class DatabaseStorage(BaseStorage):
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._keys = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    def _key(self, key: StorageKey) -> str:
        return self._keys.build(key)

    def _session(self) -> AbstractAsyncContextManager[AsyncSession]:
        return unit_of_work(self._sessions)

    async def load(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        """The step and its data, in one statement."""
        async with self._session() as session:
            row = (await session.execute(_LOAD, {"key": self._key(key)})).first()
        return (row.state, dict(row.data or {})) if row is not None else (None, {})

    async def save(self, key: StorageKey, state: str | None, data: Mapping[str, Any]) -> None:
        """Replace the step and its data, in one statement (an upsert, or a delete when nothing is
        left to remember: no row is kept then, its key holds the chat id, as RedisStorage does)."""
        async with self._session() as session:
            if state is None and not data:
                await session.execute(_DELETE, {"key": self._key(key)})
                return
            await session.execute(
                _upsert(session.get_bind().dialect.name),
                {"key": self._key(key), "state": state, "data": dict(data), "updated_at": utcnow()},
            )

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        _, data = await self.load(key)
        await self.save(key, state.state if isinstance(state, State) else state, data)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self.load(key))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        state, _ = await self.load(key)
        await self.save(key, state, data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return (await self.load(key))[1]

    async def forget(self, key: StorageKey) -> None:
        """Erase state and data (for /deletemydata)."""
        await self.save(key, None, {})

    async def close(self) -> None:
        """The engine is owned by the application, not by the storage."""


class DatabaseConversation(FSMContext):
    """aiogram's FSMContext for a DatabaseStorage, able to read and write the step and its data
    together (bot.core.turn_state.StateRecordStore): a turn then costs one read and at most one
    write of its conversation state."""

    storage: DatabaseStorage

    async def load(self) -> tuple[str | None, dict[str, Any]]:
        return await self.storage.load(self.key)

    async def save(self, state: str | None, data: dict[str, Any]) -> None:
        await self.storage.save(self.key, state, data)


# Built once: constructing a statement costs more than running it on SQLite (bench/README.md).
_LOAD = select(_TABLE.c.state, _TABLE.c.data).where(_TABLE.c.key == bindparam("key"))
_DELETE = delete(_TABLE).where(_TABLE.c.key == bindparam("key"))
_UPSERTS: dict[str, Insert] = {}


def _upsert(dialect: str) -> Insert:
    """INSERT ... ON CONFLICT (key) DO UPDATE: both databases have it, under the same name."""
    statement = _UPSERTS.get(dialect)
    if statement is None:
        from sqlalchemy.dialects import postgresql, sqlite

        values = postgresql.insert(_TABLE) if dialect == "postgresql" else sqlite.insert(_TABLE)
        statement = _UPSERTS[dialect] = values.on_conflict_do_update(
            index_elements=[_TABLE.c.key],
            set_={
                "state": values.excluded.state,
                "data": values.excluded.data,
                "updated_at": values.excluded.updated_at,
            },
        )
    return statement
