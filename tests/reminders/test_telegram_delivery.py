"""Reminders through the real aiogram Bot, the rate limiter and the renderer, against the fake
Telegram Bot API with its flood limits switched on."""

from __future__ import annotations

from datetime import timedelta

from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode

from bot.clock import FakeClock
from bot.config import Settings
from bot.content.flows import FlowLibrary
from bot.content.locales import Catalog
from bot.core.actions import CancelBooking, RescheduleBooking, ShowOffice, WillAttend, pack
from bot.core.services import Services
from bot.reminders.dispatch import ReminderDispatcher
from bot.reminders.planning import plan_for_booking
from bot.storage.models import Person
from bot.telegram.outbox import TelegramOutbox
from bot.telegram.ratelimit import OutboundRateLimiter
from bot.telegram.render import TelegramRenderer
from bot.translation import NoTranslator
from tests.fakebotapi import FakeBotAPI
from tests.reminders.factories import OFFSETS, add_booking, add_person, reminders_of


def telegram_outbox(
    server: FakeBotAPI,
    sessions,
    clock: FakeClock,
    catalog: Catalog,
) -> tuple[OutboundRateLimiter, TelegramOutbox]:
    """The production delivery path: aiogram Bot with the rate limiter, renderer and outbox."""
    bot = server.make_bot(default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    limiter = OutboundRateLimiter()
    bot.session.middleware(limiter)
    outbox = TelegramOutbox(staff_chat_id=None)
    outbox.renderer = TelegramRenderer(bot, catalog)
    outbox.services = Services(
        settings=Settings(),
        clock=clock,
        sessions=sessions,
        catalog=catalog,
        flows=FlowLibrary.load(),
        translator=NoTranslator(),
        outbox=outbox,
    )
    return limiter, outbox


async def test_reminders_reach_telegram_with_buttons_and_without_429(sessions, clock: FakeClock) -> None:
    catalog = Catalog.load()
    async with FakeBotAPI() as server:
        server.enable_rate_limits()
        users = [server.user(7000 + i, first_name=f"P{i}") for i in range(12)]
        blocked = server.user(7999, first_name="Gone")
        blocked.block()
        bookings = {}
        async with sessions() as session:
            for i, user in enumerate([*users, blocked]):
                person = await add_person(session, str(user.id))
                booking = await add_booking(session, person, starts_at=clock.now() + timedelta(hours=23), seat=i)
                await plan_for_booking(session, booking, offsets_minutes=OFFSETS, now=clock.now() - timedelta(days=2))
                bookings[user.id] = (person.id, booking.id)
            await session.commit()

        limiter, outbox = telegram_outbox(server, sessions, clock, catalog)
        dispatcher = ReminderDispatcher(
            sessions, sender=outbox.to_person, clock=clock, supports_language=catalog.supports
        )
        report = await dispatcher.run_once()

        assert report.sent == 12 and report.failed == 1
        assert [r for r in server.requests if r.status == 429] == []
        for user in users:
            (message,) = user.replies
            booking_id = bookings[user.id][1]
            assert message.text.startswith("⏰ Erinnerung: Morgen haben Sie einen Termin")  # HTML parsed
            assert "Dienstag, 24. November" in message.text and "Brackeler Hellweg 146" in message.text
            assert message.callback_data == [
                pack(WillAttend(booking_id)),
                pack(ShowOffice("ba")),
                pack(RescheduleBooking(booking_id)),
                pack(CancelBooking(booking_id)),
            ]
            assert message.button_texts == ["✅ Ich komme", "🗺 Weg zeigen", "🔁 Verschieben", "❌ Absagen"]
        person_id, booking_id = bookings[blocked.id]
        assert (await reminders_of(sessions, booking_id))[1440].status == "failed"
        async with sessions() as session:
            assert (await session.get(Person, person_id)).active is False
        server.expect_violation("blocked", status=403)
        server.assert_no_violations()


async def test_a_429_and_a_502_are_retried_and_the_reminder_arrives_once(sessions, clock: FakeClock) -> None:
    catalog = Catalog.load()
    async with FakeBotAPI() as server:
        user = server.user(7100, first_name="Olena")
        async with sessions() as session:
            person = await add_person(session, str(user.id))
            booking = await add_booking(session, person, starts_at=clock.now() + timedelta(hours=23))
            await plan_for_booking(session, booking, offsets_minutes=OFFSETS, now=clock.now() - timedelta(days=2))
            await session.commit()
        server.fail_next("sendMessage", 429, retry_after=1)
        server.fail_next("sendMessage", 502)
        limiter, outbox = telegram_outbox(server, sessions, clock, catalog)

        report = await ReminderDispatcher(sessions, sender=outbox.to_person, clock=clock).run_once()

        assert report.sent == 1
        assert [r.status for r in server.calls("sendMessage")] == [429, 502, 200]
        assert len(user.replies) == 1
        assert limiter.retried_429 == 1 and limiter.retried_errors == 1
        assert (await reminders_of(sessions, booking.id))[1440].status == "sent"
        server.assert_no_violations()
