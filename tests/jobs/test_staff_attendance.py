"""The staff chat buttons "came / did not come", end to end over the fake Telegram Bot API."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiogram import Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode

from bot.clock import FakeClock
from bot.config import Settings
from bot.content.locales import Catalog
from bot.jobs.attendance import ask_staff
from bot.storage.models import Booking
from bot.telegram.render import TelegramRenderer
from bot.telegram.routers import fallback, staff_attendance
from tests.fakebotapi import FakeBotAPI
from tests.reminders.factories import add_booking, add_person
from tests.services import services_for

STAFF = -1001234567890
OTHER_GROUP = -1009999


async def test_staff_mark_attendance_with_the_buttons(sessions, clock: FakeClock) -> None:
    catalog = Catalog.load()
    services = services_for(
        sessions,
        clock,
        settings=Settings(STAFF_CHAT_ID=STAFF),
        catalog=catalog,
    )
    async with sessions() as session:
        person = await add_person(session)
        came = await add_booking(session, person, starts_at=clock.now() - timedelta(hours=1))
        missed = await add_booking(session, person, starts_at=clock.now() - timedelta(hours=1), seat=1)
        await session.commit()
    async with sessions() as session:  # ended too, but its question is not posted in this test
        untouched = await add_booking(session, None, starts_at=clock.now() - timedelta(hours=1), seat=2)
        await session.commit()

    async with FakeBotAPI() as server:
        staff = server.group(STAFF, "lokal willkommen Team")
        other = server.group(OTHER_GROUP, "Somewhere else")
        anna = server.user(501, first_name="Anna")
        bot = server.make_bot(default=DefaultBotProperties(parse_mode=ParseMode.HTML))
        renderer = TelegramRenderer(bot, catalog)

        async def post(reply):
            return await renderer.send(STAFF, [reply], "de")

        assert (
            await ask_staff(
                sessions, now=clock.now(), post=post, catalog=catalog, places=services.places, owner="t", limit=2
            )
            == 2
        )
        questions = {m.callback_data[0].split(":")[1]: m for m in staff.messages}
        assert set(questions) == {str(came.id), str(missed.id)}

        dp = Dispatcher()
        dp["services"] = services
        dp["catalog"] = catalog
        dp.include_routers(staff_attendance.build_router(STAFF), fallback.build_router())
        polling = asyncio.create_task(
            dp.start_polling(bot, handle_signals=False, polling_timeout=1, close_bot_session=False)
        )
        try:
            press = await staff.press(anna, "✅ Gekommen", questions[str(came.id)])
            await press.wait_answered()
            assert press.text == "Eingetragen."
            await server.wait_for(lambda r: r.method == "editMessageText")
            edited = questions[str(came.id)]
            assert edited.text.startswith("✅ Gekommen: lokal willkommen Brackel/Aplerbeck, 23.11.2026 09:00")
            assert edited.buttons == []

            press = await staff.press(anna, "❌ Nicht gekommen", questions[str(missed.id)])
            await press.wait_answered()
            await server.wait_for(
                lambda r: (
                    r.method == "editMessageText" and r.params.get("message_id") == questions[str(missed.id)].message_id
                )
            )

            # the same buttons pressed in another group do nothing (the fallback answers)
            bot_message = await bot.send_message(OTHER_GROUP, "copy", reply_markup=_markup(untouched.id))
            foreign = await other.press(anna, "❌ Nicht gekommen", bot_message.message_id)
            await foreign.wait_answered()
            assert foreign.text != "Eingetragen."
        finally:
            await dp.stop_polling()
            await asyncio.wait_for(polling, 10)
        server.assert_all_callbacks_answered()
        server.assert_no_violations()

    async with sessions() as session:
        assert (await session.get(Booking, came.id)).status == "attended"
        assert (await session.get(Booking, missed.id)).status == "no_show"
        assert (await session.get(Booking, untouched.id)).status == "booked"


def _markup(booking_id: int):
    from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

    from bot.core.actions import MarkAttendance, pack

    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="❌ Nicht gekommen", callback_data=pack(MarkAttendance(booking_id, False)))]
        ]
    )
