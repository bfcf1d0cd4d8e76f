"""After the appointment: one question per booking in the staff chat; the first answer counts."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.clock import FakeClock
from bot.content.locales import Catalog, html_to_plain
from bot.core.actions import MarkAttendance, pack, unpack
from bot.core.replies import Choice, Reply
from bot.jobs.attendance import ask_staff, mark_attendance, outcome_text
from bot.places.data import Places
from bot.storage.database import create_engine, session_factory
from bot.storage.models import Booking
from tests.reminders.factories import add_booking, add_person

CATALOG = Catalog.load()
PLACES = Places()  # the offices of data/ (Services.places in the bot)


class Questions:
    def __init__(self, fail: bool = False) -> None:
        self.items: list[Reply] = []
        self.fail = fail

    async def __call__(self, reply: Reply) -> None:
        await asyncio.sleep(0)
        if self.fail:
            raise RuntimeError("staff chat unreachable")
        self.items.append(reply)

    def bookings(self) -> list[int]:
        return [item.choices[0][0].action.booking for item in self.items]


async def _bookings(sessions, clock: FakeClock) -> dict[str, int]:
    now = clock.now()
    async with sessions() as session:
        person = await add_person(session)
        ids = {
            "ended": (await add_booking(session, person, starts_at=now - timedelta(minutes=45))).id,
            "ended_2": (await add_booking(session, person, starts_at=now - timedelta(minutes=45), seat=1)).id,
            "running": (await add_booking(session, person, starts_at=now - timedelta(minutes=10))).id,
            "future": (await add_booking(session, person, starts_at=now + timedelta(hours=2))).id,
            "cancelled": (
                await add_booking(session, person, starts_at=now - timedelta(hours=3), status="cancelled")
            ).id,
            "long_ago": (await add_booking(session, person, starts_at=now - timedelta(days=5))).id,
        }
        await session.commit()
    return ids


async def test_ended_bookings_are_asked_about_once_with_two_buttons(sessions, clock: FakeClock) -> None:
    ids = await _bookings(sessions, clock)
    questions = Questions()
    assert await ask_staff(sessions, now=clock.now(), post=questions, catalog=CATALOG, places=PLACES, owner="p") == 2
    assert sorted(questions.bookings()) == sorted([ids["ended"], ids["ended_2"]])

    first = questions.items[0]
    text = html_to_plain(CATALOG.render(first.text, "de"))
    assert "Termin vorbei: lokal willkommen Brackel/Aplerbeck, 23.11.2026 09:15" in text
    buttons = [item for row in first.choices for item in row]
    assert all(isinstance(b, Choice) for b in buttons)
    assert [CATALOG.render(b.label, "de") for b in buttons] == ["✅ Gekommen", "❌ Nicht gekommen"]
    booking = questions.bookings()[0]
    assert [unpack(pack(b.action)) for b in buttons] == [
        MarkAttendance(booking, True),
        MarkAttendance(booking, False),
    ]

    assert await ask_staff(sessions, now=clock.now(), post=questions, catalog=CATALOG, places=PLACES, owner="p") == 0
    clock.advance(timedelta(minutes=30))  # the running one has ended now
    assert await ask_staff(sessions, now=clock.now(), post=questions, catalog=CATALOG, places=PLACES, owner="p") == 1
    assert questions.bookings()[-1] == ids["running"]


async def test_two_processes_ask_once(sessions, db_url: str, clock: FakeClock) -> None:
    await _bookings(sessions, clock)
    questions = Questions()
    engines = [create_engine(db_url), create_engine(db_url)]
    try:
        counts = await asyncio.gather(
            *(
                ask_staff(
                    session_factory(e), now=clock.now(), post=questions, catalog=CATALOG, places=PLACES, owner=f"p{i}"
                )
                for i, e in enumerate(engines)
            )
        )
    finally:
        for engine in engines:
            await engine.dispose()
    assert sum(counts) == 2 and len(questions.items) == 2
    assert len(set(questions.bookings())) == 2


async def test_a_failed_post_is_asked_again_next_run(sessions, clock: FakeClock) -> None:
    await _bookings(sessions, clock)
    assert (
        await ask_staff(sessions, now=clock.now(), post=Questions(fail=True), catalog=CATALOG, places=PLACES, owner="p")
        == 0
    )
    questions = Questions()
    assert await ask_staff(sessions, now=clock.now(), post=questions, catalog=CATALOG, places=PLACES, owner="p") == 2


async def test_the_first_answer_counts(sessions, clock: FakeClock) -> None:
    ids = await _bookings(sessions, clock)
    async with sessions() as session:
        changed, booking = await mark_attendance(session, ids["ended"], attended=True, now=clock.now())
        await session.commit()
    assert changed and booking is not None and booking.status == "attended"
    assert outcome_text(booking, CATALOG, PLACES.offices(), marked_by="Anna").endswith("– eingetragen von Anna")

    async with sessions() as session:  # a colleague presses "did not come" a moment later
        changed, booking = await mark_attendance(session, ids["ended"], attended=False, now=clock.now())
        await session.commit()
    assert not changed and booking is not None and booking.status == "attended"

    async with sessions() as session:
        no_show, _ = await mark_attendance(session, ids["ended_2"], attended=False, now=clock.now())
        future, _ = await mark_attendance(session, ids["future"], attended=True, now=clock.now())
        cancelled, _ = await mark_attendance(session, ids["cancelled"], attended=True, now=clock.now())
        missing = await mark_attendance(session, 999999, attended=True, now=clock.now())
        await session.commit()
    assert no_show and not future and not cancelled and missing == (False, None)
    async with sessions() as session:
        statuses = {key: (await session.get(Booking, ids[key])).status for key in ("ended_2", "future", "cancelled")}
    assert statuses == {"ended_2": "no_show", "future": "booked", "cancelled": "cancelled"}
