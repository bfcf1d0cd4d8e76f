"""An update that meets an unreachable Redis or database is not dropped in silence: the person gets a
short apology in their language saying to try again in a few minutes, and the outage is logged
once, not per update (bot.health.OutageLog).

Registered twice by the composition root: around the whole update (the update log and the Redis
lock run there) and around each private-chat turn, inside `ApologizeOnError`, so that an outage
gets this apology rather than the one for a bug. Other failures pass through untouched."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, Update

from bot.content.locales import Catalog
from bot.core.replies import Msg, Reply
from bot.health import Health, outage_of
from bot.telegram.render import TelegramRenderer

log = logging.getLogger(__name__)


def unavailable() -> Reply:
    return Reply(Msg("errors.unavailable"))


class AnswerDuringOutages(BaseMiddleware):
    def __init__(self, health: Health, catalog: Catalog) -> None:
        self.health = health
        self.catalog = catalog

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        except Exception as error:
            service = outage_of(error)
            if service is None:
                raise
            self.health.failed(service, error)
            renderer: TelegramRenderer | None = data.get("renderer")
            if renderer is not None:
                await self._tell(renderer, event.event if isinstance(event, Update) else event, data)
            return None

    async def _tell(self, renderer: TelegramRenderer, event: TelegramObject, data: dict[str, Any]) -> None:
        """The apology in a private chat; staff in their group see the outage in the log only."""
        if isinstance(event, Message) and event.chat.type == "private":
            chat_id = event.chat.id
        elif isinstance(event, CallbackQuery) and (event.message is None or event.message.chat.type == "private"):
            chat_id = event.from_user.id
        else:
            return
        turn = data.get("turn")
        lang = (
            turn.lang
            if turn is not None and self.catalog.supports(turn.lang)
            else self.catalog.language_for_app(event.from_user.language_code if event.from_user else None)
        )
        answer = data.get("callback_answer")  # aiogram's CallbackAnswerMiddleware, on the buttons router
        if isinstance(event, CallbackQuery) and not (answer is not None and answer.answered):
            try:
                await event.answer()  # never an endless spinner
            except Exception as error:  # noqa: BLE001 - Telegram unreachable: the message below may pass
                log.info("could not answer the press during the outage (%s)", type(error).__name__)
        try:
            await renderer.send(chat_id, [unavailable()], lang)
        except Exception as error:  # noqa: BLE001 - Telegram itself unreachable: nothing more to do
            log.warning("could not send the outage apology (%s)", type(error).__name__)
