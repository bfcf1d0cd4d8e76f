"""Planning reminders for a booking: one row per offset, idempotent, re-planned on reschedule."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from bot.clock import FakeClock
from bot.config import parse_offsets
from bot.reminders.planning import cancel_for_booking, due_times, plan_for_booking, sync_for_booking
from bot.storage.models import Reminder
from tests.reminders.factories import OFFSETS, add_booking, add_person, reminders_of


def test_due_times_are_start_minus_offset() -> None:
    start = datetime.fromisoformat("2026-11-25T09:00:00+00:00")
    assert due_times(start, parse_offsets("24h,2h,30m")) == {
        1440: datetime.fromisoformat("2026-11-24T09:00:00+00:00"),
        120: datetime.fromisoformat("2026-11-25T07:00:00+00:00"),
        30: datetime.fromisoformat("2026-11-25T08:30:00+00:00"),
    }
    with pytest.raises(ValueError):
        due_times(datetime(2026, 11, 25, 9), [60])


async def test_one_pending_reminder_per_offset(sessions, clock: FakeClock) -> None:
    now = clock.now()
    start = now + timedelta(days=3)
    async with sessions() as session:
        person = await add_person(session)
        booking = await add_booking(session, person, starts_at=start)
        planned = await plan_for_booking(session, booking, offsets_minutes=OFFSETS, now=now)
        await session.commit()
    assert [r.offset_minutes for r in planned] == [1440, 120]
    rows = await reminders_of(sessions, booking.id)
    assert set(rows) == {1440, 120}
    assert rows[1440].due_at == start - timedelta(hours=24)
    assert rows[120].due_at == start - timedelta(hours=2)
    assert {r.status for r in rows.values()} == {"pending"}


async def test_planning_twice_changes_nothing_and_keeps_sent(sessions, clock: FakeClock) -> None:
    now = clock.now()
    async with sessions() as session:
        person = await add_person(session)
        booking = await add_booking(session, person, starts_at=now + timedelta(days=3))
        first = await plan_for_booking(session, booking, offsets_minutes=OFFSETS, now=now)
        first[0].status, first[0].sent_at = "sent", now
        await session.commit()
    async with sessions() as session:
        booking = await session.merge(booking)
        again = await plan_for_booking(session, booking, offsets_minutes=OFFSETS, now=now)
        await session.commit()
    assert sorted(r.id for r in again) == sorted(r.id for r in first)
    rows = await reminders_of(sessions, booking.id)
    assert rows[1440].status == "sent" and rows[120].status == "pending"


async def test_reschedule_plans_every_reminder_afresh(sessions, clock: FakeClock) -> None:
    now = clock.now()
    async with sessions() as session:
        person = await add_person(session)
        booking = await add_booking(session, person, starts_at=now + timedelta(hours=20))
        await plan_for_booking(session, booking, offsets_minutes=OFFSETS, now=now - timedelta(days=2))
        rows = (await session.execute(Reminder.__table__.select())).all()
        assert len(rows) == 2
        # the 24h reminder went out; then the person moves the appointment by a week
        reminder_24h = (await plan_for_booking(session, booking, offsets_minutes=OFFSETS, now=now))[0]
        reminder_24h.status, reminder_24h.sent_at, reminder_24h.attempts = "sent", now, 1
        booking.starts_at = booking.starts_at + timedelta(days=7)
        booking.ends_at = booking.ends_at + timedelta(days=7)
        await plan_for_booking(session, booking, offsets_minutes=OFFSETS, now=now)
        await session.commit()
    rows_after = await reminders_of(sessions, booking.id)
    assert rows_after[1440].status == "pending"
    assert rows_after[1440].due_at == booking.starts_at - timedelta(hours=24)
    assert rows_after[1440].sent_at is None and rows_after[1440].attempts == 0
    assert rows_after[120].due_at == booking.starts_at - timedelta(hours=2)


async def test_offsets_already_past_at_booking_time_are_skipped(sessions, clock: FakeClock) -> None:
    """Booked 3 hours ahead: the 24h reminder makes no sense, the 2h one does."""
    now = clock.now()
    async with sessions() as session:
        person = await add_person(session)
        booking = await add_booking(session, person, starts_at=now + timedelta(hours=3))
        await plan_for_booking(session, booking, offsets_minutes=OFFSETS, now=now)
        await session.commit()
    rows = await reminders_of(sessions, booking.id)
    assert rows[1440].status == "skipped"
    assert rows[120].status == "pending"


async def test_cancel_skips_open_reminders_but_not_sent_ones(sessions, clock: FakeClock) -> None:
    now = clock.now()
    async with sessions() as session:
        person = await add_person(session)
        booking = await add_booking(session, person, starts_at=now + timedelta(days=2))
        planned = await plan_for_booking(
            session, booking, offsets_minutes=(2880, 1440, 120), now=now - timedelta(days=1)
        )
        planned[0].status = "sent"
        await session.commit()
    async with sessions() as session:
        assert await cancel_for_booking(session, booking.id) == 2
        await session.commit()
    rows = await reminders_of(sessions, booking.id)
    assert {o: r.status for o, r in rows.items()} == {2880: "sent", 1440: "skipped", 120: "skipped"}


async def test_sync_follows_the_booking_status(sessions, clock: FakeClock) -> None:
    now = clock.now()
    async with sessions() as session:
        person = await add_person(session)
        booking = await add_booking(session, person, starts_at=now + timedelta(days=2))
        assert len(await sync_for_booking(session, booking, offsets_minutes=OFFSETS, now=now)) == 2
        booking.status = "cancelled"
        assert await sync_for_booking(session, booking, offsets_minutes=OFFSETS, now=now) == []
        await session.commit()
    rows = await reminders_of(sessions, booking.id)
    assert {r.status for r in rows.values()} == {"skipped"}


async def test_offsets_no_longer_configured_are_skipped(sessions, clock: FakeClock) -> None:
    now = clock.now()
    async with sessions() as session:
        person = await add_person(session)
        booking = await add_booking(session, person, starts_at=now + timedelta(days=2))
        await plan_for_booking(session, booking, offsets_minutes=(1440, 120), now=now)
        await plan_for_booking(session, booking, offsets_minutes=(1440,), now=now)
        await session.commit()
    rows = await reminders_of(sessions, booking.id)
    assert rows[1440].status == "pending" and rows[120].status == "skipped"


async def test_database_refuses_a_second_row_for_the_same_offset(sessions, clock: FakeClock) -> None:
    now = clock.now()
    async with sessions() as session:
        person = await add_person(session)
        booking = await add_booking(session, person, starts_at=now + timedelta(days=2))
        await plan_for_booking(session, booking, offsets_minutes=(120,), now=now)
        await session.commit()
    async with sessions() as session:
        session.add(Reminder(booking_id=booking.id, offset_minutes=120, due_at=now, status="pending"))
        with pytest.raises(IntegrityError):
            await session.commit()
