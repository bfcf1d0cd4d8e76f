"""aiogram's FSM middleware (event isolation per chat, `data["state"]`) without its read of the
state before every update.

aiogram reads the state up front for state filters (`data["raw_state"]`), which we do not use: the
conversation core keeps its dialogue steps itself. The read cost a transaction of its own per
update; the turn now reads the state once, when a dialogue first asks (bot.core.turn_state)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.storage.base import DEFAULT_DESTINY, StorageKey
from aiogram.types import TelegramObject

from bot.storage.conversation_storage import DatabaseConversation, DatabaseStorage


class ConversationStateMiddleware(FSMContextMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        data["fsm_storage"] = self.storage
        context = self.resolve_event_context(cast(Bot, data["bot"]), data)
        if context is None:
            return await handler(event, data)
        async with self.events_isolation.lock(key=context.key):
            data["state"] = context
            return await handler(event, data)

    def get_context(
        self,
        bot: Bot,
        chat_id: int,
        user_id: int,
        thread_id: int | None = None,
        business_connection_id: str | None = None,
        destiny: str = DEFAULT_DESTINY,
    ) -> FSMContext:
        key = StorageKey(
            user_id=user_id,
            chat_id=chat_id,
            bot_id=bot.id,
            thread_id=thread_id,
            business_connection_id=business_connection_id,
            destiny=destiny,
        )
        if isinstance(self.storage, DatabaseStorage):
            return DatabaseConversation(self.storage, key)
        return FSMContext(storage=self.storage, key=key)
