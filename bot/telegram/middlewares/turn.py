"""Per update in a private chat: the `turn` (person, database session, conversation state) for the
handler; committed after the handler, rolled back when it fails (bot.core.turn.open_turn).

At most MAX_CONCURRENT_TURNS turns run at once (one semaphore shared by every TurnMiddleware of a
dispatcher): each turn holds a database connection from start to end, and a burst of updates must
queue here rather than exhaust the connection pool (SQLite 5 + 10 overflow, PostgreSQL 10 + 10),
which the scheduled jobs and the staff chat need too (bench/load.py sends 50 newcomers at once)."""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.core.services import Services
from bot.core.turn import open_turn

CHANNEL = "telegram"
# Well below the smallest pool (15 connections on SQLite); SQLite writes one transaction at a time
# anyway, so more would not be faster.
MAX_CONCURRENT_TURNS = 8


class TurnMiddleware(BaseMiddleware):
    def __init__(self, services: Services, slots: asyncio.Semaphore | None = None) -> None:
        self.services = services
        self.slots = slots if slots is not None else asyncio.Semaphore(MAX_CONCURRENT_TURNS)

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        chat_id = _chat_id(event)
        user = getattr(event, "from_user", None)
        if chat_id is None or user is None:
            return await handler(event, data)
        async with self.slots, open_turn(self.services, CHANNEL, str(chat_id), data["state"],
                                         display_name=user.first_name) as turn:
            data["turn"] = turn
            data["language_hint"] = user.language_code
            return await handler(event, data)


def _chat_id(event: TelegramObject) -> int | None:
    if isinstance(event, Message):
        return event.chat.id
    if isinstance(event, CallbackQuery) and event.message is not None:
        return event.message.chat.id
    if isinstance(event, CallbackQuery):
        return event.from_user.id
    return None
