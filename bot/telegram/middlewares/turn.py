"""Per update in a private chat: the `turn` (person, database session, conversation state) for the
handler; committed after the handler, rolled back when it fails (bot.core.turn.open_turn).

At most MAX_CONCURRENT_TURNS turns work with the database at once (one semaphore shared by every
TurnMiddleware of a dispatcher): a turn holds a database connection until its transaction commits,
and a burst of updates must queue here rather than exhaust the connection pool (SQLite 5 + 10
overflow, PostgreSQL 10 + 10), which the scheduled jobs and the staff chat need too
(bench/load.py sends 50 newcomers at once). A turn gives its slot back once it has committed:
sending the replies holds no connection, and waiting for Telegram must not keep others waiting."""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.core.services import Services
from bot.core.turn import open_turn, understand_first

CHANNEL = "telegram"
# Below the smallest pool (15 connections on PostgreSQL's 10 + 10), leaving room for the jobs and
# the update log. At capacity 12 was within the noise of 8 (bench/README.md, item 10).
MAX_CONCURRENT_TURNS = 12


def shared_turn_slots(database_url: str) -> asyncio.Semaphore:
    """The slots one process's turns share. On SQLite one: its transactions take the one write
    lock one at a time anyway (bot.storage.database), and a turn waiting here is woken the moment
    the one before commits, where a turn waiting in SQLite's busy handler sleeps in steps of up to
    100 ms."""
    return asyncio.Semaphore(1 if database_url.startswith("sqlite") else MAX_CONCURRENT_TURNS)


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
        typed = event.text if isinstance(event, Message) and event.text and event.text[0] != "/" else None
        understood = await understand_first(self.services, typed)  # before the wait for a slot
        async with TurnSlot(self.slots) as slot, open_turn(
                self.services, CHANNEL, str(chat_id), data["state"], display_name=user.first_name,
                understood=understood) as turn:
            turn.after_commit.append(slot.release)
            data["turn"] = turn
            data["language_hint"] = user.language_code
            return await handler(event, data)


class TurnSlot:
    """One of the semaphore's places, given back at most once: after the turn's commit, or when
    the turn ends (whichever comes first)."""

    def __init__(self, slots: asyncio.Semaphore) -> None:
        self._slots = slots
        self._held = False

    async def __aenter__(self) -> TurnSlot:
        await self._slots.acquire()
        self._held = True
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self.release()

    def release(self) -> None:
        if self._held:
            self._held = False
            self._slots.release()


def _chat_id(event: TelegramObject) -> int | None:
    if isinstance(event, Message):
        return event.chat.id
    if isinstance(event, CallbackQuery) and event.message is not None:
        return event.message.chat.id
    if isinstance(event, CallbackQuery):
        return event.from_user.id
    return None
