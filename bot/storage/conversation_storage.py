"""aiogram FSM storage kept in the database, so a person mid-dialogue continues after a restart.

The default storage; with REDIS_URL set, aiogram's RedisStorage is used instead (bot.telegram.app).
The terminal adapter uses it too, with its own StorageKey, so both channels share one mechanism.

While a turn is being handled, state reads and writes join the turn's transaction
(bot.storage.database.unit_of_work). The step a person is in and the booking or
handoff it belongs to are thus committed together — and on SQLite a second connection never
waits for the write lock the turn itself holds."""
from __future__ import annotations

from typing import Any, Mapping

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.database import turn_session, unit_of_work
from bot.storage.models import ConversationState, utcnow

__all__ = ["DatabaseStorage", "turn_session"]


class DatabaseStorage(BaseStorage):
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._keys = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    def _key(self, key: StorageKey) -> str:
        return self._keys.build(key)

    def _session(self):  # type: ignore[no-untyped-def]
        return unit_of_work(self._sessions)

    async def _row(self, session: AsyncSession, key: StorageKey) -> ConversationState | None:
        return await session.get(ConversationState, self._key(key))

    async def _upsert(self, key: StorageKey, **values: Any) -> None:
        async with self._session() as session:
            row = await session.get(ConversationState, self._key(key), with_for_update=True)
            if row is None:
                row = ConversationState(key=self._key(key), state=None, data={})
                session.add(row)
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = utcnow()
            if row.state is None and not row.data:
                # Nothing left to remember: keep no row (its key holds the chat id), as RedisStorage does.
                if row in session.new:
                    session.expunge(row)
                else:
                    await session.delete(row)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._upsert(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._session() as session:
            row = await self._row(session, key)
            return row.state if row is not None else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._upsert(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._session() as session:
            row = await self._row(session, key)
            return dict(row.data or {}) if row is not None else {}

    async def forget(self, key: StorageKey) -> None:
        """Erase state and data (for /deletemydata)."""
        async with self._session() as session:
            await session.execute(delete(ConversationState).where(ConversationState.key == self._key(key)))

    async def close(self) -> None:
        """The engine is owned by the application, not by the storage."""
