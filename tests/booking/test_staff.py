"""Staff side of bookings (bot.booking.staff): /today, /week, /cancel <id>, and the notices."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from bot.booking import service, staff
from bot.clock import FakeClock
from bot.content.locales import html_to_plain
from bot.places.calendar import TZ
from bot.storage.models import Booking, Person, Reminder
from tests.booking.chat import RecordingOutbox, make_services

MONDAY_8 = datetime(2026, 11, 23, 8, 0, tzinfo=TZ)


@pytest.fixture
def outbox():
    return RecordingOutbox()


@pytest.fixture
def services(sessions, outbox):
    return make_services(sessions, FakeClock(MONDAY_8), outbox)


async def make_booking(
    services, start, *, office="mh", language="ar", interpreter=None, note=None, topic="school", person_language="ar"
) -> Booking:
    async with services.sessions() as session:
        person = Person(channel="telegram", external_id=f"7{start:%d%H%M}{office}", language=person_language)
        session.add(person)
        await session.flush()
        result = await service.book(
            session,
            person_id=person.id,
            office=services.places.offices().get(office),
            start=start,
            now=MONDAY_8,
            topic=topic,
            language=language,
            interpreter=interpreter,
            note=note,
        )
        await service.booking_changed(session, result.booking, offsets_minutes=(1440, 120), now=MONDAY_8)
        await session.commit()
        return result.booking


def plain(html: str) -> str:
    return html_to_plain(html)


async def test_today_lists_the_days_bookings_per_office_with_notes(services):
    a = await make_booking(
        services,
        datetime(2026, 11, 23, 11, 0, tzinfo=TZ),
        office="ns",
        interpreter="ar",
        note="Brief <Jobcenter> mitbringen",
    )
    b = await make_booking(
        services, datetime(2026, 11, 23, 10, 30, tzinfo=TZ), office="mh", language="uk", topic="other"
    )
    tomorrow = await make_booking(services, datetime(2026, 11, 24, 13, 0, tzinfo=TZ))
    html = await staff.today_text(services, MONDAY_8)
    text = plain(html)
    assert "Termine heute, Mo 23.11.2026" in text
    assert text.index("Mengede/Huckarde (1)") < text.index("Nordstadt (1)")  # the offices' order
    assert f"10:30 #{b.id} · anderes Thema · Ukrainisch" in text
    assert f"11:00 #{a.id} · 🎒 Schule · Arabisch · 🗣 Arabisch" in text
    assert "📝 Brief <Jobcenter> mitbringen" in text
    assert "&lt;Jobcenter&gt;" in html  # escaped
    assert f"#{tomorrow.id}" not in text


async def test_week_lists_seven_days_without_note_texts(services):
    a = await make_booking(services, datetime(2026, 11, 24, 13, 0, tzinfo=TZ), note="privat")
    b = await make_booking(services, datetime(2026, 11, 30, 9, 0, tzinfo=TZ), office="io")
    later = await make_booking(services, datetime(2026, 12, 3, 14, 0, tzinfo=TZ))
    text = plain(await staff.week_text(services, MONDAY_8))
    assert "Termine 23.11. – 29.11.2026" in text
    assert f"Di 24.11. 13:00 #{a.id}" in text
    assert f"#{b.id}" not in text and f"#{later.id}" not in text
    assert "privat" not in text


async def test_an_empty_day(services):
    assert "Keine Termine." in plain(await staff.today_text(services, MONDAY_8))


async def test_staff_cancel_tells_the_person_in_their_language(services, outbox):
    booking = await make_booking(services, datetime(2026, 11, 26, 14, 0, tzinfo=TZ), person_language="en")
    answer = plain(await staff.cancel_from_staff(services, f" #{booking.id} "))
    assert f"Termin #{booking.id} abgesagt" in answer and "Mengede/Huckarde" in answer
    assert "Do 26.11.2026, 14:00 Uhr" in answer and "in ihrer Sprache benachrichtigt" in answer
    ((person_id, replies),) = outbox.to_people
    assert person_id == booking.person_id
    told = plain(services.catalog.render(replies[0].text, "en"))
    assert "Thursday, November 26" in told and "14:00" in told  # dates in the person's language
    async with services.sessions() as session:
        stored = await session.get(Booking, booking.id)
        reminders = (await session.scalars(select(Reminder.status).where(Reminder.booking_id == booking.id))).all()
    assert stored.status == "cancelled" and stored.cancelled_by == "staff"
    assert set(reminders) == {"skipped"}
    again = plain(await staff.cancel_from_staff(services, str(booking.id)))
    assert "nicht mehr aktiv" in again and len(outbox.to_people) == 1


@pytest.mark.parametrize("args", ["", "abc", "12 13", None, "-3"])
async def test_staff_cancel_needs_a_number(services, args):
    assert "So sagst du einen Termin ab: /cancel 12" in plain(await staff.cancel_from_staff(services, args))


async def test_staff_cancel_of_an_unknown_booking(services, outbox):
    assert "#4711 gibt es nicht" in plain(await staff.cancel_from_staff(services, "4711"))
    assert outbox.to_people == []


def test_parse_booking_id():
    assert staff.parse_booking_id("12") == 12
    assert staff.parse_booking_id("#7") == 7
    assert staff.parse_booking_id("1e3") is None
    assert staff.parse_booking_id("9" * 12) is None
