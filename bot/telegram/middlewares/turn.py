"""Per update in a private chat: a database session, the Person and their language, as a `turn`.

The session commits after the handler, or rolls back when it fails."""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.core import people
from bot.core.services import Services
from bot.core.turn import Turn

CHANNEL = "telegram"


class TurnMiddleware(BaseMiddleware):
    def __init__(self, services: Services) -> None:
        self.services = services

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        chat_id = _chat_id(event)
        user = getattr(event, "from_user", None)
        if chat_id is None or user is None:
            return await handler(event, data)
        async with self.services.sessions() as session:
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
