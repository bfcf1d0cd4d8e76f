"""Typed text, shared locations, and media in private chats."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message

from bot.core.conversation import Conversation
from bot.core.events import LocationIn, MediaIn, TextIn
from bot.core.turn import Turn
from bot.telegram.filters import Matches
from bot.telegram.render import TelegramRenderer
from bot.telegram.respond import respond
from bot.telegram.routers import private_router

MEDIA_KINDS = (
    "photo",
    "document",
    "sticker",
    "voice",
    "video",
    "video_note",
    "audio",
    "animation",
    "contact",
    "poll",
    "dice",
    "venue",
)


async def location(
    message: Message, turn: Turn, conversation: Conversation, renderer: TelegramRenderer, language_hint: str | None
) -> None:
    assert message.location is not None
    event = LocationIn(message.location.latitude, message.location.longitude)
    await respond(
        message.chat.id, event, turn=turn, conversation=conversation, renderer=renderer, language_hint=language_hint
    )


async def text(
    message: Message, turn: Turn, conversation: Conversation, renderer: TelegramRenderer, language_hint: str | None
) -> None:
    await respond(
        message.chat.id,
        TextIn(message.text or ""),
        turn=turn,
        conversation=conversation,
        renderer=renderer,
        language_hint=language_hint,
    )


async def media(
    message: Message, turn: Turn, conversation: Conversation, renderer: TelegramRenderer, language_hint: str | None
) -> None:
    kind = next((k for k in MEDIA_KINDS if getattr(message, k, None)), "other")
    await respond(
        message.chat.id,
        MediaIn(kind, message.caption),
        turn=turn,
        conversation=conversation,
        renderer=renderer,
        language_hint=language_hint,
    )


def build_router() -> Router:
    router = private_router("messages")
    router.message.register(location, Matches(F.location))
    router.message.register(text, Matches(F.text))
    router.message.register(media)
    return router
