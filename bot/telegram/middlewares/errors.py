"""Every handler error becomes a short apology in the person's language and one log line with the
update id (no personal data); the process carries on."""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.core.services import Services
from bot.dialogues.basics import apology
from bot.telegram.render import TelegramRenderer

log = logging.getLogger(__name__)


class ApologizeOnError(BaseMiddleware):
    def __init__(self, services: Services) -> None:
        self.services = services

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except Exception:
            update = data.get("event_update")
            turn = data.get("turn")
            log.exception("handler failed for update %s (person %s)",
                          getattr(update, "update_id", "?"), getattr(getattr(turn, "person", None), "id", "?"))
            lang = getattr(turn, "lang", None) or self.services.catalog.language_for_app(
                getattr(getattr(event, "from_user", None), "language_code", None))
            chat_id = self._chat_id(event)
            renderer: TelegramRenderer | None = data.get("renderer")
            if chat_id is not None and renderer is not None:
                try:
                    await renderer.send(chat_id, [apology()], lang)
                except Exception:
                    log.exception("could not send the apology for update %s", getattr(update, "update_id", "?"))
            return None

    @staticmethod
    def _chat_id(event: TelegramObject) -> int | None:
        if isinstance(event, Message):
            return event.chat.id
        if isinstance(event, CallbackQuery):
            return event.message.chat.id if event.message is not None else event.from_user.id
        return None
