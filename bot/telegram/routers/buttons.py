"""Button presses in private chats. The callback query is answered before the work starts
(CallbackAnswerMiddleware), so no one sees an endless spinner."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer, CallbackAnswerMiddleware

from bot.core.actions import Action
from bot.core.conversation import Conversation
from bot.core.events import PressIn
from bot.core.turn import Turn
from bot.telegram.filters import ActionFilter
from bot.telegram.render import TelegramRenderer
from bot.telegram.respond import respond
from bot.telegram.routers import private_router

log = logging.getLogger(__name__)


class AnswerPressesFirst(CallbackAnswerMiddleware):
    """aiogram's answer to a press before the work starts. Telegram refuses that answer for a press
    older than about 15 s (one queued during an outage, or a slow network): the press is then
    still handled; only the spinner's answer is lost."""

    async def answer(  # type: ignore[override]  # aiogram only awaits the answer: async to catch a refusal
        self, event: CallbackQuery, callback_answer: CallbackAnswer
    ) -> Any:
        try:
            return await super().answer(event, callback_answer)
        except TelegramBadRequest as exc:
            log.info("press %s: Telegram refused its answer (%s); handled anyway", event.id, exc.message)
            return None


async def pressed(
    query: CallbackQuery,
    action: Action,
    turn: Turn,
    conversation: Conversation,
    renderer: TelegramRenderer,
    language_hint: str | None,
) -> None:
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    await respond(
        chat_id, PressIn(action), turn=turn, conversation=conversation, renderer=renderer, language_hint=language_hint
    )


def build_router() -> Router:
    router = private_router("buttons")
    router.callback_query.register(pressed, ActionFilter())
    # Answer the press before the work starts: no endless spinner, even if the handler fails.
    router.callback_query.middleware(AnswerPressesFirst(pre=True))
    return router
