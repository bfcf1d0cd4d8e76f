"""Appointment slots: which start times an office offers, and which of them are still free.

Pure: no database, no Telegram, no clock. `now` is an argument (aware), and how many places of a
slot are taken comes in as `taken`, a mapping from slot start (aware datetime, any zone) to count.

    all_slots_on(office, date(2026, 11, 26))                     # every slot of the day (UTC starts)
    free_slots_on(office, day, now=now, taken=counts)            # bookable ones (lead time, horizon, capacity)
    days_with_free_slots(office, now=now, taken=counts)          # [date, ...] within the horizon
    next_free_slots(office, now=now, taken=counts, near=start)   # alternatives for a taken slot
    check_slot(office, start, now=now, taken=counts)             # None when bookable, else a SlotProblem

Rules (per office, from `Office.appointments`):
- slots of `slot_minutes` start at each window's start and must end by the window's end; windows
  come from `appointment_windows_on` (none on public holidays, closures, school holidays where the
  office closes then);
- the earliest bookable start is `now + lead_hours`; the last bookable day is today (Berlin) +
  `horizon_days`;
- a slot holds `capacity` people.
Wall-clock times are turned into instants per day, so a 09:00 slot stays 09:00 across the
daylight-saving switches; a wall-clock start that does not exist (spring-forward gap) is skipped.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.places.calendar import SchoolCalendar, local_datetime, to_local
from bot.places.offices import Office
from bot.places.opening_hours import appointment_windows_on

UTC = UTC
Taken = Mapping[datetime, int]


@dataclass(frozen=True)
class Slot:
    office: str
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    capacity: int
    taken: int = 0

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.taken)

    @property
    def minutes(self) -> int:
        """The start as Unix minutes (what a BookSlot button carries)."""
        return to_minutes(self.start)

    @property
    def local_day(self) -> date:
        return to_local(self.start).date()


class SlotProblem(enum.Enum):
    NOT_A_SLOT = "not_a_slot"  # not a start time the office offers (or a closed day)
    PAST = "past"  # already begun
    TOO_SOON = "too_soon"  # inside the lead time
    BEYOND_HORIZON = "beyond_horizon"  # later than the last bookable day
    FULL = "full"  # every place taken


def to_minutes(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("expected an aware datetime")
    return int(moment.timestamp()) // 60


def from_minutes(minutes: int) -> datetime:
    return datetime.fromtimestamp(minutes * 60, tz=UTC)


def today(now: datetime) -> date:
    return to_local(now).date()


def earliest_start(office: Office, now: datetime) -> datetime:
    return now.astimezone(UTC) + timedelta(hours=office.appointments.lead_hours)


def last_day(office: Office, now: datetime) -> date:
    return today(now) + timedelta(days=office.appointments.horizon_days)


def _count(taken: Taken, start: datetime) -> int:
    return int(taken.get(start, 0))


def all_slots_on(
    office: Office, day: date, *, taken: Taken | None = None, calendar: SchoolCalendar | None = None
) -> list[Slot]:
    """Every slot the office offers on `day` (Berlin), regardless of now, lead time and horizon."""
    settings = office.appointments
    length = settings.slot_minutes
    taken = taken or {}
    found: dict[datetime, Slot] = {}
    for window in appointment_windows_on(office, day, calendar=calendar):
        first = window.start.hour * 60 + window.start.minute
        last = window.end.hour * 60 + window.end.minute
        for minute in range(first, last - length + 1, length):
            wall = time(minute // 60, minute % 60)
            local = local_datetime(day, wall)
            if local.time() != wall:
                continue  # inside the spring-forward gap: this wall-clock time does not exist today
            start = local.astimezone(UTC)
            found[start] = Slot(
                office.id, start, start + timedelta(minutes=length), settings.capacity, _count(taken, start)
            )
    return sorted(found.values(), key=lambda s: s.start)


def free_slots_on(
    office: Office, day: date, *, now: datetime, taken: Taken, calendar: SchoolCalendar | None = None
) -> list[Slot]:
    """The slots of `day` a person can book now: after the lead time, within the horizon, not full."""
    if day < today(now) or day > last_day(office, now):
        return []
    earliest = earliest_start(office, now)
    return [s for s in all_slots_on(office, day, taken=taken, calendar=calendar) if s.start >= earliest and s.free > 0]


def bookable_days(office: Office, now: datetime) -> list[date]:
    first = today(now)
    return [first + timedelta(days=i) for i in range((last_day(office, now) - first).days + 1)]


def days_with_free_slots(
    office: Office,
    *,
    now: datetime,
    taken: Taken,
    after: date | None = None,
    limit: int | None = None,
    calendar: SchoolCalendar | None = None,
) -> list[date]:
    """The days (Berlin) with at least one free slot, from today (or the day after `after`)."""
    days: list[date] = []
    for day in bookable_days(office, now):
        if after is not None and day <= after:
            continue
        if free_slots_on(office, day, now=now, taken=taken, calendar=calendar):
            days.append(day)
            if limit is not None and len(days) >= limit:
                break
    return days


def free_slots(office: Office, *, now: datetime, taken: Taken, calendar: SchoolCalendar | None = None) -> list[Slot]:
    """Every bookable slot within the horizon, earliest first."""
    return [
        slot
        for day in bookable_days(office, now)
        for slot in free_slots_on(office, day, now=now, taken=taken, calendar=calendar)
    ]


def next_free_slots(
    office: Office,
    *,
    now: datetime,
    taken: Taken,
    near: datetime | None = None,
    count: int = 3,
    calendar: SchoolCalendar | None = None,
) -> list[Slot]:
    """Up to `count` free slots to offer instead: those after `near` first (the person wanted about
    that time), then the earliest ones before it. Sorted by time."""
    candidates = free_slots(office, now=now, taken=taken, calendar=calendar)
    if near is None:
        return candidates[:count]
    later = [s for s in candidates if s.start > near]
    earlier = [s for s in candidates if s.start < near]
    chosen = later[:count]
    if len(chosen) < count:
        chosen += earlier[-(count - len(chosen)) :]
    return sorted(chosen, key=lambda s: s.start)


def check_slot(
    office: Office, start: datetime, *, now: datetime, taken: Taken, calendar: SchoolCalendar | None = None
) -> SlotProblem | None:
    """Why `start` cannot be booked at `office` right now; None when it can."""
    if start.tzinfo is None:
        raise ValueError("expected an aware datetime")
    start = start.astimezone(UTC)
    if start <= now:
        return SlotProblem.PAST
    day = to_local(start).date()
    if day > last_day(office, now):
        return SlotProblem.BEYOND_HORIZON
    slot = next((s for s in all_slots_on(office, day, taken=taken, calendar=calendar) if s.start == start), None)
    if slot is None:
        return SlotProblem.NOT_A_SLOT
    if start < earliest_start(office, now):
        return SlotProblem.TOO_SOON
    if slot.free <= 0:
        return SlotProblem.FULL
    return None


def check_day(office: Office, day: date, *, now: datetime) -> SlotProblem | None:
    """Whether `day` lies inside what can be booked at all (past or beyond the horizon)."""
    if day < today(now):
        return SlotProblem.PAST
    if day > last_day(office, now):
        return SlotProblem.BEYOND_HORIZON
    return None
