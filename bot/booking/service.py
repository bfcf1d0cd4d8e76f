"""Bookings in the database: book, cancel, reschedule, list.

Double-booking is impossible by construction: the partial unique index `uq_bookings_live_seat` on
(office, starts_at, seat) WHERE status = 'booked' lets each seat of a slot be held once. `book`
tries the free seats (< capacity) one by one, each INSERT in a savepoint (`begin_nested`), so an
IntegrityError from a racing booking only rolls back that savepoint and the next seat is tried;
when none is left the answer is `SlotTaken` with the next free times. The caller's session stays
usable and commits as usual (the Telegram adapter commits after the turn).

Every function takes the session of the caller and `now` (aware), and never commits.

    result = await book(session, person_id=p.id, office=offices.get("mh"), start=start, now=now, topic="school",
                        language="ar", interpreter="ar", note=None)
    match result:
        case Booked(booking): ...
        case SlotTaken(next_free=alternatives): ...
        case LimitReached(upcoming=bookings): ...
        case NotBookable(problem=problem, next_free=alternatives): ...
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.booking import slots
from bot.booking.slots import Slot, SlotProblem
from bot.metrics import BOOKINGS
from bot.places.offices import Office
from bot.staff_tools import counters
from bot.storage.models import Booking, Person

if TYPE_CHECKING:
    from bot.core.turn import Turn

log = logging.getLogger(__name__)
UTC = UTC

MAX_UPCOMING = 2  # upcoming bookings one person may hold at once
ALTERNATIVES = 3  # next free times offered when a slot is gone
NOTE_MAX = 300  # Booking.note is String(300)


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Booked:
    booking: Booking
    already: bool = False  # the person already held exactly this slot (nothing new)


@dataclass(frozen=True)
class Moved:
    """A reschedule: `new` is booked, `old` is cancelled (one transaction)."""

    old: Booking
    new: Booking


@dataclass(frozen=True)
class SlotTaken:
    """Every place of the slot went to someone else; `next_free` are alternatives."""

    office: str
    start: datetime
    next_free: tuple[Slot, ...]


@dataclass(frozen=True)
class LimitReached:
    upcoming: tuple[Booking, ...]
    limit: int = MAX_UPCOMING


@dataclass(frozen=True)
class NotBookable:
    """The start is not bookable at all (not a slot, past, too soon, beyond the horizon, unknown office)."""

    problem: SlotProblem | Literal["unknown_office"]
    next_free: tuple[Slot, ...]


@dataclass(frozen=True)
class Refused:
    """A booking id that cannot be acted on. Someone else's booking is `not_found` too: we never
    tell whether an id exists."""

    reason: Literal["not_found", "cancelled", "past"]


BookResult = Booked | SlotTaken | LimitReached | NotBookable


# --- reading ----------------------------------------------------------------------------------


async def taken_counts(session: AsyncSession, office_id: str, start: datetime, end: datetime) -> dict[datetime, int]:
    """Live bookings per slot start (aware UTC) in [start, end)."""
    rows = await session.execute(
        select(Booking.starts_at, func.count())
        .where(
            Booking.office == office_id, Booking.status == "booked", Booking.starts_at >= start, Booking.starts_at < end
        )
        .group_by(Booking.starts_at)
    )
    return {starts_at: count for starts_at, count in rows.all()}


def _horizon_range(office: Office, now: datetime) -> tuple[datetime, datetime]:
    end_day = slots.last_day(office, now) + timedelta(days=2)
    return now - timedelta(days=1), datetime(end_day.year, end_day.month, end_day.day, tzinfo=UTC)


async def taken_in_horizon(session: AsyncSession, office: Office, now: datetime) -> dict[datetime, int]:
    start, end = _horizon_range(office, now)
    return await taken_counts(session, office.id, start, end)


async def next_free(
    session: AsyncSession, office: Office, now: datetime, *, near: datetime | None = None, count: int = ALTERNATIVES
) -> tuple[Slot, ...]:
    taken = await taken_in_horizon(session, office, now)
    return tuple(slots.next_free_slots(office, now=now, taken=taken, near=near, count=count))


async def upcoming_for(session: AsyncSession, person_id: int, now: datetime) -> list[Booking]:
    """The person's live bookings that have not started yet, earliest first."""
    return list(
        (
            await session.scalars(
                select(Booking)
                .where(Booking.person_id == person_id, Booking.status == "booked", Booking.starts_at > now)
                .order_by(Booking.starts_at, Booking.id)
            )
        ).all()
    )


async def bookings_between(session: AsyncSession, office: str | None, start: datetime, end: datetime) -> list[Booking]:
    """Live bookings starting in [start, end) at one office (None: all), by office and time."""
    query = select(Booking).where(Booking.status == "booked", Booking.starts_at >= start, Booking.starts_at < end)
    if office is not None:
        query = query.where(Booking.office == office)
    return list((await session.scalars(query.order_by(Booking.office, Booking.starts_at, Booking.seat))).all())


async def own_upcoming(session: AsyncSession, person_id: int, booking_id: int, now: datetime) -> Booking | Refused:
    """The person's own live, upcoming booking with this id, or why not."""
    booking = await session.get(Booking, booking_id, populate_existing=True)
    if booking is None or booking.person_id != person_id:
        return Refused("not_found")
    if booking.status != "booked":
        return Refused("cancelled")
    if booking.starts_at <= now:
        return Refused("past")
    return booking


# --- writing ----------------------------------------------------------------------------------


async def _lock_person(session: AsyncSession, person_id: int) -> None:
    """Serialise the bookings of one person (the "at most 2 upcoming" check and the insert).

    A no-op UPDATE of the person's row: on PostgreSQL it holds the row lock until the transaction
    ends, so two simultaneous bookings of one person cannot both pass the limit check. On SQLite it
    opens the transaction (the driver only sends BEGIN before a write; a SAVEPOINT without it would
    commit on release) and takes the database's write lock, so reads that follow are current."""
    await session.execute(
        update(Person)
        .where(Person.id == person_id)
        .values(last_seen_at=Person.last_seen_at)
        .execution_options(synchronize_session=False)
    )


async def book(
    session: AsyncSession,
    *,
    person_id: int,
    office: Office,
    start: datetime,
    now: datetime,
    topic: str | None = None,
    language: str | None = None,
    interpreter: str | None = None,
    note: str | None = None,
    replacing: int | None = None,
) -> BookResult:
    """Book one place of the slot starting at `start`. Never double-books (see module docstring).

    `replacing`: the id of the person's booking this one replaces (a reschedule), left out of the
    "at most MAX_UPCOMING" count."""
    start = start.astimezone(UTC)
    await _lock_person(session, person_id)

    mine = await session.scalar(
        select(Booking).where(
            Booking.person_id == person_id,
            Booking.office == office.id,
            Booking.starts_at == start,
            Booking.status == "booked",
        )
    )
    if mine is not None:
        return Booked(mine, already=True)
    problem = slots.check_slot(office, start, now=now, taken={})
    if problem is not None:
        return NotBookable(problem, await next_free(session, office, now, near=start))
    upcoming = [b for b in await upcoming_for(session, person_id, now) if b.id != replacing]
    if len(upcoming) >= MAX_UPCOMING:
        return LimitReached(tuple(upcoming))

    held = set(
        (
            await session.scalars(
                select(Booking.seat).where(
                    Booking.office == office.id, Booking.starts_at == start, Booking.status == "booked"
                )
            )
        ).all()
    )
    settings = office.appointments
    for seat in range(settings.capacity):
        if seat in held:
            continue
        booking = Booking(
            person_id=person_id,
            office=office.id,
            starts_at=start,
            ends_at=start + timedelta(minutes=settings.slot_minutes),
            seat=seat,
            topic=topic,
            language=language,
            interpreter=interpreter,
            note=(note or None) and note[:NOTE_MAX],
            status="booked",
            created_at=now,
            updated_at=now,
        )
        try:
            async with session.begin_nested():
                session.add(booking)
        except IntegrityError:
            log.info("seat %s of %s %s went to someone else; trying the next", seat, office.id, start.isoformat())
            continue
        log.info("person %s booked #%s at %s", person_id, booking.id, office.id)
        if replacing is None:  # a move is counted by reschedule
            BOOKINGS.labels(event="booked").inc()
            await counters.count(session, counters.BOOKED, now, topic=topic, lang=language)
        return Booked(booking)
    return SlotTaken(office.id, start, await next_free(session, office, now, near=start))


async def cancel(
    session: AsyncSession,
    booking_id: int,
    *,
    by: Literal["person", "staff"],
    now: datetime,
    person_id: int | None = None,
) -> Booking | Refused:
    """Cancel a live, upcoming booking (the person's own when `person_id` is given)."""
    result = await _cancel(session, booking_id, by=by, now=now, person_id=person_id)
    if not isinstance(result, Refused):
        BOOKINGS.labels(event="cancelled").inc()
        await counters.count(session, counters.CANCELLED, now, topic=result.topic, lang=result.language)
    return result


async def _cancel(
    session: AsyncSession,
    booking_id: int,
    *,
    by: Literal["person", "staff"],
    now: datetime,
    person_id: int | None = None,
) -> Booking | Refused:
    """Cancel without counting (a move is counted as one).

    A conditional UPDATE, so two simultaneous cancellations cancel once. The note is erased with
    the cancellation: it was only for preparing the appointment."""
    conditions = [Booking.id == booking_id, Booking.status == "booked", Booking.starts_at > now]
    if person_id is not None:
        conditions.append(Booking.person_id == person_id)
    result = cast(
        "CursorResult[Any]",
        await session.execute(  # an UPDATE's result is a CursorResult
            update(Booking)
            .where(*conditions)
            .values(status="cancelled", cancelled_by=by, note=None, updated_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    booking = await session.get(Booking, booking_id, populate_existing=True)
    if result.rowcount == 1 and booking is not None:
        log.info("booking #%s cancelled by %s", booking_id, by)
        return booking
    if booking is None or (person_id is not None and booking.person_id != person_id):
        return Refused("not_found")
    if booking.status != "booked":
        return Refused("cancelled")
    return Refused("past")


async def reschedule(
    session: AsyncSession,
    *,
    person_id: int,
    booking_id: int,
    start: datetime,
    now: datetime,
    office: Office,
) -> Moved | BookResult | Refused:
    """Move the person's booking to `start` at `office` (the caller knows it from
    `services.places`; usually the booking's own office).

    Atomic: the new booking is made first (so the person never ends up with neither), then the old
    one is cancelled, both inside one savepoint. Topic, language, interpreter and note are kept.
    `Booked(old, already=True)` when the new time is the old one."""
    await _lock_person(session, person_id)  # before the savepoint: see _lock_person
    old = await own_upcoming(session, person_id, booking_id, now)
    if isinstance(old, Refused):
        return old
    async with session.begin_nested():
        result = await book(
            session,
            person_id=person_id,
            office=office,
            start=start,
            now=now,
            topic=old.topic,
            language=old.language,
            interpreter=old.interpreter,
            note=old.note,
            replacing=old.id,
        )
        if not isinstance(result, Booked) or result.booking.id == old.id:
            return result
        cancelled = await _cancel(session, old.id, by="person", now=now, person_id=person_id)
        if isinstance(cancelled, Refused):  # cannot happen under the person lock; never keep both
            raise RuntimeError(f"booking #{old.id} could not be cancelled while rescheduling: {cancelled.reason}")
    BOOKINGS.labels(event="moved").inc()
    return Moved(old=cancelled, new=result.booking)


# --- reminders hook ---------------------------------------------------------------------------


async def booking_changed(
    session: AsyncSession, booking: Booking, *, offsets_minutes: tuple[int, ...], now: datetime
) -> None:
    """Plan or drop the reminders of a booking that was created, moved or cancelled.

    Delegates to bot.reminders.planning (another engineer's module) when it is installed."""
    if importlib.util.find_spec("bot.reminders") is None or importlib.util.find_spec("bot.reminders.planning") is None:
        return
    from bot.reminders import planning

    if booking.status == "booked":
        await planning.plan_for_booking(session, booking, offsets_minutes=offsets_minutes, now=now)
    else:
        await planning.cancel_for_booking(session, booking.id)


async def on_booking_changed(turn: Turn, booking: Booking) -> None:
    """Called by the booking dialogue after each change (the hook the reminders plug into)."""
    await booking_changed(
        turn.session, booking, offsets_minutes=turn.services.settings.reminder_offset_minutes, now=turn.now
    )
