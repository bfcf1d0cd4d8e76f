"""A person blocking or unblocking the bot (my_chat_member in a private chat)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import ChatMemberUpdated

from bot.core import people
from bot.core.services import Services
from bot.telegram.filters import Matches

CHANNEL = "telegram"


async def membership_changed(update: ChatMemberUpdated, services: Services) -> None:
    async with services.sessions() as session:
        person = await people.find(session, CHANNEL, str(update.chat.id))
        if person is None:
            return
        if update.new_chat_member.status == "kicked":
            await people.mark_unreachable(session, person, services, services.clock.now())
        elif update.new_chat_member.status == "member":
            person.active = True
        await session.commit()


def build_router() -> Router:
    router = Router(name="membership")
    router.my_chat_member.register(membership_changed, Matches(F.chat.type == "private"))
    return router
