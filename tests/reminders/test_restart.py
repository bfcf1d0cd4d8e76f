"""After downtime: reminders whose time passed are sent if they still make sense, else skipped.

Each test plans the reminders when the booking is made, then moves the FakeClock to the moment
the bot (re)starts and runs one dispatch, as the scheduler does at start-up."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import FakeClock
from bot.reminders.dispatch import ReminderDispatcher
from bot.reminders.planning import plan_for_booking
from tests.reminders.factories import OFFSETS, RecordingSender, add_booking, add_person, reminders_of


async def _booked(sessions, *, starts_at: datetime, booked_at: datetime):
    async with sessions() as session:
        person = await add_person(session)
        booking = await add_booking(session, person, starts_at=starts_at)
        await plan_for_booking(session, booking, offsets_minutes=OFFSETS, now=booked_at)
        await session.commit()
    return booking


def _statuses(rows) -> dict[int, str]:
    return {offset: row.status for offset, row in rows.items()}


async def test_started_23_hours_before_sends_the_24h_reminder_at_once(sessions, clock: FakeClock) -> None:
    appointment = clock.now() + timedelta(days=3)
    booking = await _booked(sessions, starts_at=appointment, booked_at=clock.now())
    sender = RecordingSender()
    dispatcher = ReminderDispatcher(sessions, sender=sender, clock=clock)

    clock.set(appointment - timedelta(hours=23))  # the bot was down when the 24h reminder was due
    await dispatcher.run_once()
    assert sender.bookings == [booking.id]
    assert _statuses(await reminders_of(sessions, booking.id)) == {1440: "sent", 120: "pending"}

    clock.set(appointment - timedelta(hours=2, minutes=1))
    await dispatcher.run_once()
    assert len(sender.sent) == 1  # the 2h reminder is not due yet

    clock.set(appointment - timedelta(hours=2))
    await dispatcher.run_once()
    assert sender.bookings == [booking.id, booking.id]
    assert _statuses(await reminders_of(sessions, booking.id)) == {1440: "sent", 120: "sent"}

    clock.set(appointment - timedelta(minutes=30))
    await dispatcher.run_once()
    assert len(sender.sent) == 2


async def test_back_one_hour_before_sends_only_the_2h_reminder(sessions, clock: FakeClock) -> None:
    appointment = clock.now() + timedelta(days=3)
    booking = await _booked(sessions, starts_at=appointment, booked_at=clock.now())
    sender = RecordingSender()
    clock.set(appointment - timedelta(hours=1))  # both were due while the bot was down

    report = await ReminderDispatcher(sessions, sender=sender, clock=clock).run_once()

    assert sender.bookings == [booking.id]
    assert report.sent == 1 and report.reasons == {"superseded": 1}
    rows = await reminders_of(sessions, booking.id)
    assert _statuses(rows) == {1440: "skipped", 120: "sent"}
    text = str(sender.sent[0][2].text)
    assert "reminders.intro_today" in text  # the appointment is today


async def test_back_after_the_appointment_sends_nothing(sessions, clock: FakeClock) -> None:
    appointment = clock.now() + timedelta(days=3)
    booking = await _booked(sessions, starts_at=appointment, booked_at=clock.now())
    sender = RecordingSender()
    clock.set(appointment + timedelta(hours=1))

    report = await ReminderDispatcher(sessions, sender=sender, clock=clock).run_once()

    assert sender.sent == [] and report.skipped == 2
    assert _statuses(await reminders_of(sessions, booking.id)) == {1440: "skipped", 120: "skipped"}


async def test_back_minutes_before_the_appointment_sends_nothing(sessions, clock: FakeClock) -> None:
    appointment = clock.now() + timedelta(days=3)
    booking = await _booked(sessions, starts_at=appointment, booked_at=clock.now())
    sender = RecordingSender()
    clock.set(appointment - timedelta(minutes=5))  # too late to be of use

    report = await ReminderDispatcher(sessions, sender=sender, clock=clock, min_lead=timedelta(minutes=10)).run_once()

    assert sender.sent == [] and report.reasons == {"too_late": 2}
    assert _statuses(await reminders_of(sessions, booking.id)) == {1440: "skipped", 120: "skipped"}


async def test_an_abandoned_24h_claim_is_dropped_once_the_2h_reminder_is_due(sessions, clock: FakeClock) -> None:
    """A process claimed the 24h reminder and died; when the bot is back, the 2h one is due:
    sending "tomorrow" now would be wrong, so the abandoned 24h reminder is skipped, not sent."""
    from bot.reminders.dispatch import beat, claim

    appointment = clock.now() + timedelta(days=3)
    booking = await _booked(sessions, starts_at=appointment, booked_at=clock.now())
    rows = await reminders_of(sessions, booking.id)
    clock.set(appointment - timedelta(hours=24))
    async with sessions() as session:
        await beat(session, "dead", now=clock.now())
        assert await claim(session, [rows[1440].id], owner="dead", now=clock.now())
        await session.commit()
    sender = RecordingSender()
    clock.set(appointment - timedelta(hours=2))
    await ReminderDispatcher(sessions, sender=sender, clock=clock).run_once()
    assert _statuses(await reminders_of(sessions, booking.id)) == {1440: "skipped", 120: "sent"}
    assert sender.bookings == [booking.id] and "reminders.intro_today" in str(sender.sent[0][2].text)


async def test_a_stale_24h_claim_of_a_live_process_is_dropped_once_the_2h_reminder_is_out(
    sessions, clock: FakeClock
) -> None:
    """A live process claimed the 24h reminder and never finished; the 2h one has gone out
    meanwhile: once the claim is stale, the 24h reminder is skipped, not retried."""
    from bot.reminders.dispatch import beat, claim

    appointment = clock.now() + timedelta(days=3)
    booking = await _booked(sessions, starts_at=appointment, booked_at=clock.now())
    rows = await reminders_of(sessions, booking.id)
    clock.set(appointment - timedelta(hours=24))
    async with sessions() as session:
        assert await claim(session, [rows[1440].id], owner="stuck", now=clock.now())
        await session.commit()
    sender = RecordingSender()
    dispatcher = ReminderDispatcher(sessions, sender=sender, clock=clock, stale_after=timedelta(days=1))
    clock.set(appointment - timedelta(hours=2))
    async with sessions() as session:
        await beat(session, "stuck", now=clock.now())  # still alive
    await dispatcher.run_once()  # the 24h claim is not stale yet (1 day), the 2h reminder goes out
    assert _statuses(await reminders_of(sessions, booking.id)) == {1440: "claimed", 120: "sent"}

    clock.set(appointment - timedelta(minutes=30))
    async with sessions() as session:
        await beat(session, "stuck", now=clock.now())
    dispatcher.stale_after = timedelta(minutes=10)
    await dispatcher.run_once()
    assert _statuses(await reminders_of(sessions, booking.id)) == {1440: "skipped", 120: "sent"}
    assert len(sender.sent) == 1


async def test_many_bookings_after_downtime_each_get_at_most_one_reminder(sessions, clock: FakeClock) -> None:
    start = clock.now()
    ahead = {}  # booking id -> hours ahead when the bot comes back
    async with sessions() as session:
        person = await add_person(session)
        for seat, hours in enumerate((0.5, 1, 3, 23, 30)):
            booking = await add_booking(session, person, starts_at=start + timedelta(days=2, hours=hours), seat=seat)
            await plan_for_booking(session, booking, offsets_minutes=OFFSETS, now=start)
            ahead[booking.id] = hours
        await session.commit()
    clock.set(start + timedelta(days=2))  # two days of downtime
    sender = RecordingSender()
    await ReminderDispatcher(sessions, sender=sender, clock=clock).run_once()

    assert len(sender.bookings) == len(set(sender.bookings))  # nobody twice
    expected = {b for b, hours in ahead.items() if hours <= 24}  # 30h ahead: nothing due yet
    assert set(sender.bookings) == expected
    for booking_id, hours in ahead.items():
        statuses = _statuses(await reminders_of(sessions, booking_id))
        if hours <= 2:
            assert statuses == {1440: "skipped", 120: "sent"}
        elif hours <= 24:
            assert statuses == {1440: "sent", 120: "pending"}
        else:
            assert statuses == {1440: "pending", 120: "pending"}
