"""Per update in a private chat: a database session, the Person and their language, as a `turn`.

The session commits after the handler, or rolls back when it fails.

At most MAX_CONCURRENT_TURNS turns run at once (one semaphore shared by every TurnMiddleware of a
dispatcher). A turn holds a database connection from start to end, and needs a second one for a
moment whenever the conversation state is read or written (DatabaseStorage opens its own
sessions). With as many turns in flight as the pool has connections (SQLite 5 + 10 overflow,
PostgreSQL 10 + 10), each held one and waited for another, and nothing moved until the pool's
30 s timeout failed them all: 20 newcomers sending /start at once were enough (bench/load.py).
Turns beyond the limit now wait here for their turn instead."""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.core import people
from bot.core.services import Services
from bot.core.turn import Turn

CHANNEL = "telegram"
# Well below the smallest pool (15 connections on SQLite), leaving room for jobs and staff chats;
# SQLite writes one transaction at a time anyway, so more would not be faster.
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
        async with self.slots, self.services.sessions() as session:
            person, _ = await people.get_or_create(session, CHANNEL, str(chat_id))
            turn = Turn(
                services=self.services,
                session=session,
                person=person,
                state=data["state"],
                now=self.services.clock.now(),
                display_name=user.first_name,
            )
            data["turn"] = turn
            data["language_hint"] = user.language_code
            try:
                result = await handler(event, data)
            except BaseException:
                await session.rollback()
                raise
            await session.commit()
            return result


def _chat_id(event: TelegramObject) -> int | None:
    if isinstance(event, Message):
        return event.chat.id
    if isinstance(event, CallbackQuery) and event.message is not None:
        return event.message.chat.id
    if isinstance(event, CallbackQuery):
        return event.from_user.id
    return None
