"""The booking service on SQLite and PostgreSQL: no double booking (a 50-way race), the limit of
two upcoming bookings, cancel, reschedule, lists, and the reminders hook."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.booking import service, slots
from bot.booking.service import Booked, LimitReached, Moved, NotBookable, Refused, SlotTaken
from bot.booking.slots import SlotProblem
from bot.places.calendar import TZ
from bot.places.offices import load_offices
from bot.storage.models import Booking, Person, Reminder

UTC = UTC
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)  # Monday
OFFICES = load_offices()  # what services.places serves, read straight from data/offices.yaml
THURSDAY_14 = datetime(2026, 11, 26, 14, 0, tzinfo=TZ)  # a slot of "mh" (capacity 2)


async def make_people(sessions, n: int) -> list[int]:
    async with sessions() as session:
        people = [Person(channel="telegram", external_id=str(5000 + i), language="de") for i in range(n)]
        session.add_all(people)
        await session.commit()
        return [p.id for p in people]


async def book(sessions, person_id: int, start=THURSDAY_14, office="mh", **kwargs):
    async with sessions() as session:
        result = await service.book(
            session,
            person_id=person_id,
            office=OFFICES.get(office),
            start=start,
            now=NOW,
            topic=kwargs.pop("topic", "school"),
            **kwargs,
        )
        await session.commit()
        return result


async def live_at(sessions, start=THURSDAY_14, office="mh") -> list[Booking]:
    async with sessions() as session:
        return list(
            (
                await session.scalars(
                    select(Booking).where(
                        Booking.office == office, Booking.starts_at == start, Booking.status == "booked"
                    )
                )
            ).all()
        )


@pytest.mark.parametrize("already_taken", [0, 1])
async def test_fifty_people_race_for_the_last_places(sessions, already_taken):
    capacity = 2
    people = await make_people(sessions, 50 + already_taken)
    for person_id in people[:already_taken]:
        assert isinstance(await book(sessions, person_id), Booked)
    racers = people[already_taken:]
    gate = asyncio.Event()

    async def attempt(person_id: int):
        await gate.wait()
        async with sessions() as session:  # each racer has its own session (and connection)
            result = await service.book(
                session,
                person_id=person_id,
                office=OFFICES.get("mh"),
                start=THURSDAY_14,
                now=NOW,
                topic="work",
                language="ar",
                interpreter="ar",
            )
            await session.commit()
            return result

    tasks = [asyncio.create_task(attempt(p)) for p in racers]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*tasks)

    winners = [r for r in results if isinstance(r, Booked)]
    losers = [r for r in results if isinstance(r, SlotTaken)]
    assert len(winners) == capacity - already_taken
    assert len(losers) == 50 - len(winners)
    assert all(not w.already for w in winners)
    for lost in losers:
        assert lost.start == THURSDAY_14 and lost.office == "mh"
        assert len(lost.next_free) == service.ALTERNATIVES
        assert all(s.start != THURSDAY_14 and s.free > 0 for s in lost.next_free)
        assert lost.next_free[0].start == datetime(2026, 11, 26, 14, 30, tzinfo=TZ)  # the next time that day
    live = await live_at(sessions)
    assert len(live) == capacity
    assert sorted(b.seat for b in live) == list(range(capacity))
    assert len({b.person_id for b in live}) == capacity


async def test_a_full_slot_offers_the_next_free_times(sessions):
    a, b, c = await make_people(sessions, 3)
    assert isinstance(await book(sessions, a), Booked)
    assert isinstance(await book(sessions, b), Booked)
    result = await book(sessions, c)
    assert isinstance(result, SlotTaken)
    assert [s.start.astimezone(TZ).strftime("%d %H:%M") for s in result.next_free] == [
        "26 14:30",
        "26 15:00",
        "26 15:30",
    ]


async def test_booking_stores_utc_and_the_details(sessions):
    (person,) = await make_people(sessions, 1)
    result = await book(sessions, person, language="uk", interpreter="uk", note="Brief vom Jobcenter")
    assert isinstance(result, Booked)
    async with sessions() as session:
        stored = await session.get(Booking, result.booking.id)
    assert stored.starts_at == THURSDAY_14 and stored.starts_at.tzinfo is not None
    assert stored.starts_at.utcoffset() == timedelta(0)
    assert stored.ends_at - stored.starts_at == timedelta(minutes=30)
    assert (stored.office, stored.topic, stored.language, stored.interpreter, stored.note, stored.status) == (
        "mh",
        "school",
        "uk",
        "uk",
        "Brief vom Jobcenter",
        "booked",
    )


async def test_the_same_slot_twice_is_the_same_booking(sessions):
    (person,) = await make_people(sessions, 1)
    first = await book(sessions, person)
    again = await book(sessions, person)
    assert isinstance(again, Booked) and again.already and again.booking.id == first.booking.id
    assert len(await live_at(sessions)) == 1


async def test_at_most_two_upcoming_bookings(sessions):
    (person,) = await make_people(sessions, 1)
    assert isinstance(await book(sessions, person, start=datetime(2026, 11, 24, 13, 0, tzinfo=TZ)), Booked)
    assert isinstance(await book(sessions, person, start=THURSDAY_14), Booked)
    third = await book(sessions, person, start=datetime(2026, 11, 27, 9, 0, tzinfo=TZ))
    assert isinstance(third, LimitReached) and third.limit == 2
    assert [b.starts_at for b in third.upcoming] == [datetime(2026, 11, 24, 13, 0, tzinfo=TZ), THURSDAY_14]
    async with sessions() as session:
        assert len(await service.upcoming_for(session, person, NOW)) == 2
        # a past booking does not count
        assert len(await service.upcoming_for(session, person, datetime(2026, 11, 25, 0, 0, tzinfo=TZ))) == 1


@pytest.mark.parametrize(
    ("start", "problem"),
    [
        (datetime(2026, 11, 23, 9, 0, tzinfo=TZ), SlotProblem.PAST),
        (datetime(2026, 11, 23, 11, 30, tzinfo=TZ), SlotProblem.TOO_SOON),
        (datetime(2026, 11, 26, 14, 10, tzinfo=TZ), SlotProblem.NOT_A_SLOT),
        (datetime(2026, 12, 25, 9, 0, tzinfo=TZ), SlotProblem.BEYOND_HORIZON),
        (datetime(2026, 12, 22, 13, 0, tzinfo=TZ), SlotProblem.BEYOND_HORIZON),
    ],
)
async def test_what_is_not_a_bookable_slot_is_refused(sessions, start, problem):
    (person,) = await make_people(sessions, 1)
    result = await book(sessions, person, start=start)
    assert isinstance(result, NotBookable) and result.problem is problem
    assert result.next_free and all(s.free > 0 for s in result.next_free)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Booking)) == 0


async def test_cancel_frees_the_place_and_is_refused_twice(sessions):
    a, b, c = await make_people(sessions, 3)
    first = (await book(sessions, a)).booking
    await book(sessions, b)
    async with sessions() as session:
        assert await service.cancel(session, first.id, by="person", now=NOW, person_id=c) == Refused("not_found")
        cancelled = await service.cancel(session, first.id, by="person", now=NOW, person_id=a)
        await session.commit()
    assert cancelled.status == "cancelled" and cancelled.cancelled_by == "person" and cancelled.note is None
    async with sessions() as session:
        assert await service.cancel(session, first.id, by="person", now=NOW, person_id=a) == Refused("cancelled")
        assert await service.cancel(session, 999_999, by="staff", now=NOW) == Refused("not_found")
    again = await book(sessions, c)  # the freed seat can be booked again
    assert isinstance(again, Booked) and again.booking.seat == first.seat
    assert len(await live_at(sessions)) == 2


async def test_a_past_booking_cannot_be_cancelled(sessions):
    (person,) = await make_people(sessions, 1)
    booking = (await book(sessions, person)).booking
    later = THURSDAY_14 + timedelta(minutes=5)
    async with sessions() as session:
        assert await service.cancel(session, booking.id, by="staff", now=later) == Refused("past")
        assert await service.own_upcoming(session, person, booking.id, later) == Refused("past")


async def test_own_upcoming_never_shows_someone_elses_booking(sessions):
    a, b = await make_people(sessions, 2)
    booking = (await book(sessions, a)).booking
    async with sessions() as session:
        assert await service.own_upcoming(session, b, booking.id, NOW) == Refused("not_found")
        assert (await service.own_upcoming(session, a, booking.id, NOW)).id == booking.id


async def test_reschedule_books_the_new_time_and_cancels_the_old(sessions):
    (person,) = await make_people(sessions, 1)
    old = (await book(sessions, person, interpreter="fa", note="Mietvertrag")).booking
    second = (await book(sessions, person, start=datetime(2026, 11, 27, 9, 0, tzinfo=TZ))).booking
    new_start = datetime(2026, 12, 3, 15, 0, tzinfo=TZ)
    async with sessions() as session:  # two upcoming already: a reschedule is still allowed
        result = await service.reschedule(
            session, person_id=person, booking_id=old.id, start=new_start, now=NOW, office=OFFICES.get("mh")
        )
        await session.commit()
    assert isinstance(result, Moved)
    assert result.old.id == old.id and result.old.status == "cancelled"
    assert result.new.starts_at == new_start and result.new.status == "booked"
    assert (result.new.topic, result.new.interpreter, result.new.note) == ("school", "fa", "Mietvertrag")
    async with sessions() as session:
        upcoming = await service.upcoming_for(session, person, NOW)
    assert {b.id for b in upcoming} == {second.id, result.new.id}


async def test_reschedule_to_a_full_slot_keeps_the_old_booking(sessions):
    person, x, y = await make_people(sessions, 3)
    full = datetime(2026, 11, 27, 9, 0, tzinfo=TZ)
    await book(sessions, x, start=full)
    await book(sessions, y, start=full)
    old = (await book(sessions, person)).booking
    async with sessions() as session:
        result = await service.reschedule(
            session, person_id=person, booking_id=old.id, start=full, now=NOW, office=OFFICES.get("mh")
        )
        await session.commit()
    assert isinstance(result, SlotTaken) and result.next_free
    async with sessions() as session:
        assert (await session.get(Booking, old.id)).status == "booked"
        assert len(await service.upcoming_for(session, person, NOW)) == 1


async def test_reschedule_is_atomic_with_the_turn(sessions):
    """New booking and cancellation are one unit: rolled back together."""
    (person,) = await make_people(sessions, 1)
    old = (await book(sessions, person)).booking
    async with sessions() as session:
        result = await service.reschedule(
            session,
            person_id=person,
            booking_id=old.id,
            start=datetime(2026, 12, 3, 15, 0, tzinfo=TZ),
            now=NOW,
            office=OFFICES.get("mh"),
        )
        assert isinstance(result, Moved)
        await session.rollback()
    async with sessions() as session:
        live = await service.upcoming_for(session, person, NOW)
    assert [b.id for b in live] == [old.id]


async def test_reschedule_someone_elses_or_a_cancelled_booking(sessions):
    a, b = await make_people(sessions, 2)
    booking = (await book(sessions, a)).booking
    start = datetime(2026, 12, 3, 15, 0, tzinfo=TZ)
    async with sessions() as session:
        assert await service.reschedule(
            session, person_id=b, booking_id=booking.id, start=start, now=NOW, office=OFFICES.get("mh")
        ) == Refused("not_found")
        await service.cancel(session, booking.id, by="staff", now=NOW)
        assert await service.reschedule(
            session, person_id=a, booking_id=booking.id, start=start, now=NOW, office=OFFICES.get("mh")
        ) == Refused("cancelled")


async def test_bookings_between_lists_live_bookings_per_office(sessions):
    a, b, c = await make_people(sessions, 3)
    await book(sessions, a, office="mh")
    await book(sessions, b, office="ns", start=datetime(2026, 11, 26, 15, 0, tzinfo=TZ))
    gone = (await book(sessions, c, office="mh", start=datetime(2026, 11, 26, 16, 0, tzinfo=TZ))).booking
    async with sessions() as session:
        await service.cancel(session, gone.id, by="person", now=NOW, person_id=c)
        await session.commit()
        day = (datetime(2026, 11, 26, 0, 0, tzinfo=TZ), datetime(2026, 11, 27, 0, 0, tzinfo=TZ))
        everything = await service.bookings_between(session, None, *day)
        only_mh = await service.bookings_between(session, "mh", *day)
        next_day = await service.bookings_between(session, None, day[1], day[1] + timedelta(days=1))
    assert [(x.office, x.person_id) for x in everything] == [("mh", a), ("ns", b)]
    assert [x.person_id for x in only_mh] == [a]
    assert next_day == []


async def test_taken_counts(sessions):
    a, b = await make_people(sessions, 2)
    await book(sessions, a)
    await book(sessions, b)
    async with sessions() as session:
        office = OFFICES.get("mh")
        counts = await service.taken_in_horizon(session, office, NOW)
    assert counts == {THURSDAY_14: 2}
    assert slots.check_slot(office, THURSDAY_14, now=NOW, taken=counts) is SlotProblem.FULL


async def test_reminders_are_planned_and_dropped_with_the_booking(sessions):
    (person,) = await make_people(sessions, 1)
    async with sessions() as session:
        booking = (
            await service.book(session, person_id=person, office=OFFICES.get("mh"), start=THURSDAY_14, now=NOW)
        ).booking
        await service.booking_changed(session, booking, offsets_minutes=(1440, 120), now=NOW)
        await session.commit()
        reminders = (await session.scalars(select(Reminder).where(Reminder.booking_id == booking.id))).all()
        assert sorted(r.offset_minutes for r in reminders) == [120, 1440]
        assert all(r.status == "pending" for r in reminders)
        cancelled = await service.cancel(session, booking.id, by="person", now=NOW, person_id=person)
        await service.booking_changed(session, cancelled, offsets_minutes=(1440, 120), now=NOW)
        await session.commit()
        statuses = (await session.scalars(select(Reminder.status).where(Reminder.booking_id == booking.id))).all()
    assert set(statuses) == {"skipped"}


async def test_a_seat_lost_to_a_concurrent_insert_moves_on_to_the_next_seat(sessions, db_url, caplog):
    """B reads the seats while A's booking is not committed yet; on PostgreSQL B's INSERT of seat 0
    then fails on the unique index (inside a savepoint) and B takes seat 1 in the same session."""
    a, b = await make_people(sessions, 2)
    caplog.set_level("INFO", logger="bot.booking.service")
    async with sessions() as first:
        mine = await service.book(first, person_id=a, office=OFFICES.get("mh"), start=THURSDAY_14, now=NOW)
        assert isinstance(mine, Booked) and mine.booking.seat == 0

        async def second_booking():
            async with sessions() as session:
                result = await service.book(session, person_id=b, office=OFFICES.get("mh"), start=THURSDAY_14, now=NOW)
                await session.commit()
                return result

        task = asyncio.create_task(second_booking())
        await asyncio.sleep(0.5)  # B is now waiting (for the row on PostgreSQL, the write lock on SQLite)
        assert not task.done()
        await first.commit()
    result = await asyncio.wait_for(task, 30)
    assert isinstance(result, Booked) and result.booking.seat == 1
    if db_url.startswith("postgresql"):
        assert any("went to someone else" in r.getMessage() for r in caplog.records)
    assert sorted(x.seat for x in await live_at(sessions)) == [0, 1]
