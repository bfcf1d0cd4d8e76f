"""Staff chat: bookings. /today and /week list them per office, /cancel <id> cancels one (the person
is told in their language). Only messages from the staff chat reach these handlers: in a private
chat /today is an unknown command like any other (the private routers answer it).

    dp.include_router(staff.build_router(settings.staff_chat_id))   # before the fallback router

The work is done in bot.booking.staff; this module only adapts Telegram to it.
"""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.booking import staff
from bot.core.replies import Msg, Raw, Reply
from bot.core.services import Services
from bot.telegram.filters import Matches
from bot.telegram.render import TelegramRenderer

log = logging.getLogger(__name__)


async def _answer(message: Message, renderer: TelegramRenderer, html: str) -> None:
    thread_id = message.message_thread_id if message.is_topic_message else None
    await renderer.send(message.chat.id, [Reply(Raw(html))], "de", thread_id=thread_id)


async def _failed(message: Message, renderer: TelegramRenderer, services: Services, what: str) -> None:
    log.exception("staff command %s failed", what)
    await _answer(message, renderer, services.catalog.render(Msg("staff.booking.error"), "de"))


def build_router(staff_chat_id: int) -> Router:
    router = Router(name="staff_bookings")
    router.message.filter(Matches(F.chat.id == staff_chat_id))

    @router.message(Command("today"))
    async def today(message: Message, services: Services, renderer: TelegramRenderer) -> None:
        try:
            html = await staff.today_text(services, services.clock.now())
        except Exception:  # noqa: BLE001 - staff get 'that failed' and the log the cause
            await _failed(message, renderer, services, "today")
            return
        await _answer(message, renderer, html)

    @router.message(Command("week"))
    async def week(message: Message, services: Services, renderer: TelegramRenderer) -> None:
        try:
            html = await staff.week_text(services, services.clock.now())
        except Exception:  # noqa: BLE001 - staff get 'that failed' and the log the cause
            await _failed(message, renderer, services, "week")
            return
        await _answer(message, renderer, html)

    @router.message(Command("cancel"))
    async def cancel(message: Message, command: CommandObject, services: Services, renderer: TelegramRenderer) -> None:
        try:
            html = await staff.cancel_from_staff(services, command.args)
        except Exception:  # noqa: BLE001 - staff get 'that failed' and the log the cause
            await _failed(message, renderer, services, "cancel")
            return
        await _answer(message, renderer, html)

    return router
