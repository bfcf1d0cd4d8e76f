"""Which reminders a booking gets: one row per offset (due_at = starts_at - offset).

The booking service calls, inside its own transaction (it commits):

    await plan_for_booking(session, booking, offsets_minutes=settings.reminder_offset_minutes, now=now)
    await cancel_for_booking(session, booking.id)
    await sync_for_booking(session, booking, offsets_minutes=..., now=now)   # either, by status

Planning is idempotent: calling it again for an unchanged booking changes nothing (a reminder
already sent stays sent). After a reschedule (starts_at changed) every reminder of the booking is
planned afresh, sent ones included: the new time deserves its own reminders. A reminder whose time
has already passed when the booking is made (booked 3 hours ahead: the 24h reminder) is planned as
`skipped`: the booking confirmation has just told the person everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Booking, Reminder

PENDING = "pending"
CLAIMED = "claimed"
SENT = "sent"
SKIPPED = "skipped"
FAILED = "failed"
OPEN_STATUSES = (PENDING, CLAIMED)


def due_times(starts_at: datetime, offsets_minutes: Iterable[int]) -> dict[int, datetime]:
    """{offset: due_at} for an appointment start (pure)."""
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be an aware datetime")
    return {int(m): starts_at - timedelta(minutes=int(m)) for m in offsets_minutes}


def _reset(reminder: Reminder, due_at: datetime, now: datetime) -> None:
    reminder.due_at = due_at
    reminder.status = SKIPPED if due_at <= now else PENDING
    reminder.claimed_by = None
    reminder.claimed_at = None
    reminder.sent_at = None
    reminder.attempts = 0


async def plan_for_booking(
    session: AsyncSession, booking: Booking, *, offsets_minutes: Iterable[int], now: datetime
) -> list[Reminder]:
    """Create (or re-plan) one Reminder per offset for a live booking; returns them, largest
    offset first. Reminders of offsets no longer configured are skipped if still open.
    Does not commit."""
    if booking.id is None:
        await session.flush()
    wanted = due_times(booking.starts_at, offsets_minutes)
    existing = {
        r.offset_minutes: r
        for r in (await session.scalars(select(Reminder).where(Reminder.booking_id == booking.id))).all()
    }
    planned: list[Reminder] = []
    for offset, due_at in sorted(wanted.items(), reverse=True):
        reminder = existing.get(offset)
        if reminder is None:
            reminder = Reminder(booking_id=booking.id, offset_minutes=offset)
            _reset(reminder, due_at, now)
            try:
                async with session.begin_nested():
                    session.add(reminder)
            except IntegrityError:
                # Planned at the same moment by someone else: take theirs and re-plan it.
                reminder = (
                    await session.scalars(
                        select(Reminder).where(Reminder.booking_id == booking.id, Reminder.offset_minutes == offset)
                    )
                ).one()
                if reminder.due_at != due_at:
                    _reset(reminder, due_at, now)
        elif reminder.due_at != due_at:
            _reset(reminder, due_at, now)  # rescheduled
        elif reminder.status == SKIPPED and due_at > now and booking.status == "booked":
            reminder.status = PENDING  # re-booked after a cancel at the same time
        planned.append(reminder)
    for offset, reminder in existing.items():
        if offset not in wanted and reminder.status in OPEN_STATUSES:
            reminder.status = SKIPPED
    await session.flush()
    return planned


async def cancel_for_booking(session: AsyncSession, booking_id: int) -> int:
    """Skip the reminders of a booking that have not been sent; returns how many. Does not commit.

    A reminder being sent at this very moment (claimed) is skipped too: the dispatcher's
    "mark sent" then finds nothing to mark, and it re-reads the booking before sending anyway."""
    result = cast(
        "CursorResult[Any]",
        await session.execute(  # an UPDATE's result is a CursorResult
            update(Reminder)
            .where(Reminder.booking_id == booking_id, Reminder.status.in_(OPEN_STATUSES))
            .values(status=SKIPPED)
            .execution_options(synchronize_session="fetch")
        ),
    )
    return int(result.rowcount or 0)


async def sync_for_booking(
    session: AsyncSession, booking: Booking, *, offsets_minutes: Iterable[int], now: datetime
) -> list[Reminder]:
    """After any change to a booking: plan its reminders while it is booked and ahead,
    skip them otherwise. Suits a hook like `on_booking_changed(session, booking)`."""
    if booking.status == "booked" and booking.starts_at > now:
        return await plan_for_booking(session, booking, offsets_minutes=offsets_minutes, now=now)
    if booking.id is not None:
        await cancel_for_booking(session, booking.id)
    return []
