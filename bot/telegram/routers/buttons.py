"""Button presses in private chats. The callback query is answered before the work starts
(CallbackAnswerMiddleware), so no one sees an endless spinner."""
from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswerMiddleware

from bot.core.actions import Action
from bot.core.conversation import Conversation
from bot.core.events import PressIn
from bot.core.turn import Turn
from bot.telegram.filters import ActionFilter
from bot.telegram.render import TelegramRenderer
from bot.telegram.respond import respond
from bot.telegram.routers import private_router

async def pressed(query: CallbackQuery, action: Action, turn: Turn, conversation: Conversation,
                  renderer: TelegramRenderer, language_hint: str | None) -> None:
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    await respond(chat_id, PressIn(action), turn=turn, conversation=conversation, renderer=renderer,
                  language_hint=language_hint)


def build_router() -> Router:
    router = private_router("buttons")
    router.callback_query.register(pressed, ActionFilter())
    # Answer the press before the work starts: no endless spinner, even if the handler fails.
    router.callback_query.middleware(CallbackAnswerMiddleware(pre=True))
    return router
