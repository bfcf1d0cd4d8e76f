"""Claiming and sending: each due reminder goes out once, also with two dispatchers at a time
(a crash between claim and send: tests/reminders/test_crash.py)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.clock import FakeClock
from bot.content.locales import Catalog, html_to_plain
from bot.core.actions import CancelBooking, RescheduleBooking, ShowOffice, WillAttend
from bot.core.replies import Choice
from bot.reminders.dispatch import ReminderDispatcher, claim, due_reminders
from bot.reminders.planning import plan_for_booking
from bot.storage.database import create_engine, session_factory
from bot.storage.models import Person, Reminder
from tests.reminders.factories import OFFSETS, RecordingSender, add_booking, add_person, reminders_of

STALE = timedelta(minutes=10)


async def _booking_with_reminders(
    sessions,
    clock: FakeClock,
    *,
    hours_ahead: float,
    external_id: str = "1001",
    language: str = "de",
    planned_days_before: int = 3,
    **booking_kwargs,
):
    now = clock.now()
    async with sessions() as session:
        person = await add_person(session, external_id, language=language)
        booking = await add_booking(session, person, starts_at=now + timedelta(hours=hours_ahead), **booking_kwargs)
        await plan_for_booking(
            session, booking, offsets_minutes=OFFSETS, now=booking.starts_at - timedelta(days=planned_days_before)
        )
        await session.commit()
    return person, booking


def _dispatcher(sessions, clock, sender, **kwargs) -> ReminderDispatcher:
    kwargs.setdefault("stale_after", STALE)
    return ReminderDispatcher(sessions, sender=sender, clock=clock, **kwargs)


async def test_a_due_reminder_is_sent_once_with_its_buttons(sessions, clock: FakeClock) -> None:
    person, booking = await _booking_with_reminders(sessions, clock, hours_ahead=23, interpreter="ar")
    sender = RecordingSender()
    dispatcher = _dispatcher(sessions, clock, sender)

    report = await dispatcher.run_once()
    again = await dispatcher.run_once()

    assert report.sent == 1 and again.sent == 0
    assert sender.bookings == [booking.id]
    rows = await reminders_of(sessions, booking.id)
    assert rows[1440].status == "sent" and rows[1440].sent_at == clock.now()
    assert rows[1440].claimed_by == dispatcher.owner and rows[1440].attempts == 1
    assert rows[120].status == "pending"

    reply = sender.sent[0][2]
    text = html_to_plain(Catalog.load().render(reply.text, "de"))
    # 23 hours after Monday 10:00 is Tuesday 09:00 in Dortmund
    assert "Morgen haben Sie einen Termin" in text
    assert "Dienstag, 24. November" in text and "09:00" in text
    assert "lokal willkommen Brackel/Aplerbeck" in text and "Brackeler Hellweg 146, 44309 Dortmund" in text
    assert "Dolmetschen: Arabisch" in text
    actions = [item.action for row in reply.choices for item in row if isinstance(item, Choice)]
    assert actions == [
        WillAttend(booking.id),
        ShowOffice("ba"),
        RescheduleBooking(booking.id),
        CancelBooking(booking.id),
    ]


async def test_the_reminder_speaks_the_persons_language(sessions, clock: FakeClock) -> None:
    _, booking = await _booking_with_reminders(sessions, clock, hours_ahead=23, language="en")
    sender = RecordingSender()
    await _dispatcher(sessions, clock, sender, supports_language=Catalog.load().supports).run_once()
    text = html_to_plain(Catalog.load().render(sender.sent[0][2].text, "en"))
    assert "Tuesday, November 24" in text


async def test_nothing_is_sent_before_its_time(sessions, clock: FakeClock) -> None:
    _, booking = await _booking_with_reminders(sessions, clock, hours_ahead=30)
    sender = RecordingSender()
    report = await _dispatcher(sessions, clock, sender).run_once()
    assert report.sent == 0 and sender.sent == []
    assert {r.status for r in (await reminders_of(sessions, booking.id)).values()} == {"pending"}


async def test_two_dispatchers_at_once_never_send_a_reminder_twice(sessions, db_url: str, clock: FakeClock) -> None:
    """Two dispatchers with their own engines (connections), as two processes would have,
    over 60 due reminders in small batches; every reminder goes out exactly once."""
    bookings = []
    for i in range(60):
        _, booking = await _booking_with_reminders(sessions, clock, hours_ahead=23, external_id=str(2000 + i), seat=i)
        bookings.append(booking.id)
    engines = [create_engine(db_url), create_engine(db_url)]
    try:
        senders = [RecordingSender(), RecordingSender()]
        dispatchers = [
            _dispatcher(session_factory(engine), clock, sender, batch_size=7, concurrency=4)
            for engine, sender in zip(engines, senders, strict=False)
        ]
        reports = await asyncio.gather(*(d.run_once() for d in dispatchers))
    finally:
        for engine in engines:
            await engine.dispose()
    sent = senders[0].bookings + senders[1].bookings
    assert sorted(sent) == sorted(bookings)  # all of them, none twice
    assert reports[0].sent + reports[1].sent == 60
    async with sessions() as session:
        rows = (await session.scalars(select(Reminder).where(Reminder.offset_minutes == 1440))).all()
    assert {r.status for r in rows} == {"sent"}
    assert {r.attempts for r in rows} == {1}
    owners = {d.owner for d in dispatchers}
    assert {r.claimed_by for r in rows} <= owners


async def test_claiming_is_won_by_one(sessions, clock: FakeClock) -> None:
    _, booking = await _booking_with_reminders(sessions, clock, hours_ahead=23)
    now = clock.now()
    async with sessions() as session:
        (candidate,) = await due_reminders(session, now=now, stale_after=STALE)
    async with sessions() as session:
        first = await claim(session, [candidate.id], owner="a", now=now, stale_after=STALE)
        await session.commit()
    async with sessions() as session:
        second = await claim(session, [candidate.id], owner="b", now=now, stale_after=STALE)
        await session.commit()
    assert first == [candidate.id] and second == []
    assert (await reminders_of(sessions, booking.id))[1440].claimed_by == "a"


async def test_a_failed_send_keeps_its_claim_and_gives_up_after_max_attempts(sessions, clock: FakeClock) -> None:
    _, booking = await _booking_with_reminders(sessions, clock, hours_ahead=23)
    failing = RecordingSender(fail=True)
    dispatcher = _dispatcher(sessions, clock, failing, max_attempts=2)

    first = await dispatcher.run_once()
    assert first.released == 1 and failing.calls == 1  # not retried in a tight loop
    assert (await reminders_of(sessions, booking.id))[1440].status == "claimed"

    clock.advance(STALE + timedelta(seconds=1))
    second = await dispatcher.run_once()
    assert second.failed == 1 and failing.calls == 2
    assert (await reminders_of(sessions, booking.id))[1440].status == "failed"

    clock.advance(STALE + timedelta(seconds=1))
    assert (await dispatcher.run_once()).sent == 0 and failing.calls == 2


async def test_an_unreachable_person_fails_the_reminder_and_is_marked_inactive(sessions, clock: FakeClock) -> None:
    person, booking = await _booking_with_reminders(sessions, clock, hours_ahead=23)
    sender = RecordingSender(unreachable={person.id})
    report = await _dispatcher(sessions, clock, sender).run_once()
    assert report.failed == 1 and sender.sent == []
    assert (await reminders_of(sessions, booking.id))[1440].status == "failed"
    async with sessions() as session:
        assert (await session.get(Person, person.id)).active is False

    # the 2h reminder of an inactive person is skipped without trying
    clock.advance(timedelta(hours=21, minutes=30))
    report = await _dispatcher(sessions, clock, sender).run_once()
    assert report.skipped == 1 and report.reasons["person_unreachable"] == 1 and sender.calls == 1


async def test_a_booking_cancelled_after_the_claim_is_not_reminded(sessions, clock: FakeClock) -> None:
    _, booking = await _booking_with_reminders(sessions, clock, hours_ahead=23)

    class CancelWhileClaimed(RecordingSender):
        pass

    sender = CancelWhileClaimed()
    dispatcher = _dispatcher(sessions, clock, sender)
    original = dispatcher._send_one

    async def cancel_then_send(job):  # the person cancels between claim and send
        from bot.reminders.planning import cancel_for_booking
        from bot.storage.models import Booking

        async with sessions() as session:
            (await session.get(Booking, booking.id)).status = "cancelled"
            await cancel_for_booking(session, booking.id)
            await session.commit()
        return await original(job)

    dispatcher._send_one = cancel_then_send
    report = await dispatcher.run_once()
    assert report.sent == 0 and sender.calls == 0
    assert {r.status for r in (await reminders_of(sessions, booking.id)).values()} == {"skipped"}


async def test_people_without_a_person_row_are_skipped(sessions, clock: FakeClock) -> None:
    """A person erased their data: the booking stays (person_id NULL); nobody to remind."""
    now = clock.now()
    async with sessions() as session:
        booking = await add_booking(session, None, starts_at=now + timedelta(hours=23))
        await plan_for_booking(session, booking, offsets_minutes=OFFSETS, now=now - timedelta(days=2))
        await session.commit()
    sender = RecordingSender()
    report = await _dispatcher(sessions, clock, sender).run_once()
    assert report.sent == 0 and report.reasons["person_unreachable"] == 1
    assert (await reminders_of(sessions, booking.id))[1440].status == "skipped"


async def test_two_processes_never_send_a_reminder_twice(sessions, db_url: str, clock: FakeClock, tmp_path) -> None:
    """The real thing: two OS processes dispatch from the same database at the same moment."""
    import sys
    from pathlib import Path

    bookings = []
    for i in range(40):
        _, booking = await _booking_with_reminders(sessions, clock, hours_ahead=23, external_id=str(3000 + i), seat=i)
        bookings.append(booking.id)
    go = tmp_path / "go"
    outs = [tmp_path / "a.txt", tmp_path / "b.txt"]
    root = Path(__file__).resolve().parents[2]
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.reminders.dispatch_process",
            db_url,
            clock.now().isoformat(),
            str(out),
            str(go),
            cwd=root,
        )
        for out in outs
    ]
    await asyncio.sleep(0.5)  # let both import and wait at the start line
    go.touch()
    codes = await asyncio.wait_for(asyncio.gather(*(p.wait() for p in procs)), timeout=120)
    assert codes == [0, 0]
    sent = [int(line) for out in outs if out.exists() for line in out.read_text().split()]
    assert sorted(sent) == sorted(bookings)
    async with sessions() as session:
        rows = (await session.scalars(select(Reminder).where(Reminder.offset_minutes == 1440))).all()
    assert {r.status for r in rows} == {"sent"} and len(rows) == 40
