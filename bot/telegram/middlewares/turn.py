"""Per update in a private chat: the `turn` (person, database session, conversation state) for the
handler; committed after the handler, rolled back when it fails (bot.core.turn.open_turn).

A turn works with the database in one of the process's turn slots (`Services.turn_slots`, shared
with the web chat's turns; bench/load.py sends 50 newcomers at once). It gives its slot back once
it has committed: sending the replies holds no connection, and waiting for Telegram must not keep
others waiting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.core.services import Services
from bot.core.turn import open_turn, understand_first

CHANNEL = "telegram"


class TurnMiddleware(BaseMiddleware):
    def __init__(self, services: Services) -> None:
        self.services = services

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        chat_id = _chat_id(event)
        user = getattr(event, "from_user", None)
        if chat_id is None or user is None:
            return await handler(event, data)
        typed = event.text if isinstance(event, Message) and event.text and event.text[0] != "/" else None
        understood = await understand_first(self.services, typed)  # before the wait for a slot
        async with (
            self.services.turn_slot() as slot,
            open_turn(
                self.services, CHANNEL, str(chat_id), data["state"], display_name=user.first_name, understood=understood
            ) as turn,
        ):
            turn.after_commit.append(slot.release)
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
