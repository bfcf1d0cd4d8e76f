"""Staff chat: /closed and /open (temporary closures of an office), /stats (anonymous figures).
Only messages from the staff chat reach these handlers; elsewhere they are unknown commands like
any other. Every command answers with what it did.

    dp.include_router(staff_tools.build_router(settings.staff_chat_id))   # before the fallback router

The work is done in bot.staff_tools; this module only adapts Telegram to it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.core.replies import Msg, Raw, Reply
from bot.core.services import Services
from bot.staff_tools.closures import closed_text, open_text
from bot.staff_tools.stats import stats_text
from bot.telegram.filters import Matches
from bot.telegram.render import TelegramRenderer

log = logging.getLogger(__name__)
Work = Callable[[Services, str | None], Awaitable[str]]


async def _run(
    message: Message, command: CommandObject, services: Services, renderer: TelegramRenderer, work: Work, name: str
) -> None:
    try:
        html = await work(services, command.args)
    except Exception:
        log.exception("staff command %s failed", name)
        html = services.catalog.render(Msg("staff.booking.error"), "de")
    thread_id = message.message_thread_id if message.is_topic_message else None
    await renderer.send(message.chat.id, [Reply(Raw(html))], "de", thread_id=thread_id)


def build_router(staff_chat_id: int) -> Router:
    router = Router(name="staff_tools")
    router.message.filter(Matches(F.chat.id == staff_chat_id))

    @router.message(Command("closed"))
    async def closed(message: Message, command: CommandObject, services: Services, renderer: TelegramRenderer) -> None:
        await _run(message, command, services, renderer, closed_text, "closed")

    @router.message(Command("open"))
    async def reopened(
        message: Message, command: CommandObject, services: Services, renderer: TelegramRenderer
    ) -> None:
        await _run(message, command, services, renderer, open_text, "open")

    @router.message(Command("stats"))
    async def stats(message: Message, command: CommandObject, services: Services, renderer: TelegramRenderer) -> None:
        await _run(message, command, services, renderer, stats_text, "stats")

    return router
