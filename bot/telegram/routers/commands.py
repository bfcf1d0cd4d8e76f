"""Commands in private chats: /start, /menu, /office, ... (the core knows them; unknown ones get help)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message

from bot.core.conversation import Conversation
from bot.core.events import CommandIn
from bot.core.turn import Turn
from bot.telegram.filters import Matches
from bot.telegram.render import TelegramRenderer
from bot.telegram.respond import respond
from bot.telegram.routers import private_router


async def start(
    message: Message,
    command: CommandObject,
    turn: Turn,
    conversation: Conversation,
    renderer: TelegramRenderer,
    language_hint: str | None,
) -> None:
    await respond(
        message.chat.id,
        CommandIn("start", command.args or ""),
        turn=turn,
        conversation=conversation,
        renderer=renderer,
        language_hint=language_hint,
    )


async def any_command(
    message: Message, turn: Turn, conversation: Conversation, renderer: TelegramRenderer, language_hint: str | None
) -> None:
    head, _, args = (message.text or "").partition(" ")
    name = head[1:].split("@", 1)[0].lower()
    await respond(
        message.chat.id,
        CommandIn(name, args.strip()),
        turn=turn,
        conversation=conversation,
        renderer=renderer,
        language_hint=language_hint,
    )


def build_router() -> Router:
    router = private_router("commands")
    router.message.register(start, CommandStart())
    router.message.register(any_command, Matches(F.text.startswith("/")))
    return router
