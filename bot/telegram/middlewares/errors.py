"""Every handler error becomes a short apology in the person's language and one log line with the
update id (no personal data); the process carries on.

By the time a handler's error arrives here, its turn has rolled back and closed its session, so
the turn's ORM objects are expired and detached: only the turn's plain values (`person_id`,
`lang`) and the Telegram event are read."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.core.services import Services
from bot.core.turn import Turn
from bot.dialogues.basics import apology
from bot.telegram.render import TelegramRenderer

log = logging.getLogger(__name__)


class ApologizeOnError(BaseMiddleware):
    def __init__(self, services: Services) -> None:
        self.services = services

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        except Exception:
            update_id = getattr(data.get("event_update"), "update_id", "?")
            turn = data.get("turn")
            turn = turn if isinstance(turn, Turn) else None
            log.exception(
                "handler failed for update %s (person %s)", update_id, turn.person_id if turn is not None else "?"
            )
            try:
                await self._apologize(event, turn, data.get("renderer"))
            except Exception:
                log.exception("could not send the apology for update %s", update_id)
            return None

    async def _apologize(self, event: TelegramObject, turn: Turn | None, renderer: TelegramRenderer | None) -> None:
        chat_id = self._chat_id(event)
        if chat_id is None or renderer is None:
            return
        lang = (
            turn.lang
            if turn is not None
            else self.services.catalog.language_for_app(
                getattr(getattr(event, "from_user", None), "language_code", None)
            )
        )
        await renderer.send(chat_id, [apology()], lang)

    @staticmethod
    def _chat_id(event: TelegramObject) -> int | None:
        if isinstance(event, Message):
            return event.chat.id
        if isinstance(event, CallbackQuery):
            return event.message.chat.id if event.message is not None else event.from_user.id
        return None
