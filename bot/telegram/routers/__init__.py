"""Routers of the Telegram adapter. Private chats go to the conversation core; groups are silent
(except the staff chat, which has routers of its own)."""

from __future__ import annotations

from aiogram import F, Router

from bot.telegram.filters import Matches

PRIVATE = Matches(F.chat.type == "private")


def private_router(name: str) -> Router:
    router = Router(name=name)
    router.message.filter(PRIVATE)
    router.callback_query.filter(Matches(F.message.chat.type == "private"))
    return router
