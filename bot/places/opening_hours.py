"""Is it open? Applying an office's or place's timetable to real days and moments.

    hours_on(office, date(2026, 11, 26))          # [TimeRange(14:00, 17:00)]
    status(office, now)                           # OpenStatus(open_now, closes_at, next_opening, ...)
    next_opening(office, now)                     # aware datetime in Europe/Berlin, or None
    closed_reason(office, date(2026, 12, 25))     # ClosedReason("public_holiday", "Erster Weihnachtstag")

A day's hours are the timetable's ranges for that weekday (respecting "1st Wednesday of the month"
rules), unless the day is
- an NRW public holiday and the subject has `closed_on_public_holidays`,
- an NRW school-holiday day and the subject has `closed_in_school_holidays`,
- inside one of the subject's temporary `closures`.
A place whose times are not published (`hours is None`) has no known hours: `status` says so
with `hours_known=False` instead of claiming "closed".

`now` is always an aware datetime (any zone); results are aware datetimes in Europe/Berlin. Wall
clock times are turned into instants per day, so 09:00 stays 09:00 across daylight-saving switches.
The search for the next opening looks ahead a bounded number of days (`SEARCH_DAYS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, Protocol

from bot.places.calendar import (
    SchoolCalendar,
    load_school_calendar,
    local_datetime,
    public_holiday_name,
    to_local,
)
from bot.places.offices import Closure, Office
from bot.places.timetable import TimeRange, WeeklyHours

# Long enough to get past the summer school holidays (6 weeks) plus a monthly rule.
SEARCH_DAYS = 120


class Scheduled(Protocol):
    """What opening-hours logic needs; `Office` and `Place` both have it."""

    @property
    def hours(self) -> WeeklyHours | None: ...
    @property
    def closed_on_public_holidays(self) -> bool: ...
    @property
    def closed_in_school_holidays(self) -> bool: ...
    @property
    def closures(self) -> tuple[Closure, ...]: ...


@dataclass(frozen=True)
class OpenStatus:
    open_now: bool
    closes_at: datetime | None  # when open: the end of the current opening
    next_opening: datetime | None  # the next start after `now` (after the current one when open);
    # None when nothing opens within the search window
    hours_known: bool = True  # False: the times are not published, nothing else is claimed


@dataclass(frozen=True)
class ClosedReason:
    """Why a day that would normally have hours has none."""

    kind: Literal["public_holiday", "school_holiday", "closure"]
    name: str  # holiday name (German) or the closure's reason
    until: date  # last day of it (the day itself for a public holiday)


def closed_reason(subject: Scheduled, day: date, *, calendar: SchoolCalendar | None = None) -> ClosedReason | None:
    """Why `subject` is closed on `day` although its timetable has hours then; None if it is not."""
    if subject.hours is None or not subject.hours.ranges_for(day):
        return None
    return _exception_on(subject, day, calendar)


def _exception_on(subject: Scheduled, day: date, calendar: SchoolCalendar | None) -> ClosedReason | None:
    for closure in subject.closures:
        if closure.contains(day):
            return ClosedReason("closure", closure.reason, closure.end)
    if subject.closed_on_public_holidays:
        holiday = public_holiday_name(day)
        if holiday is not None:
            return ClosedReason("public_holiday", holiday, day)
    if subject.closed_in_school_holidays:
        period = (calendar or load_school_calendar()).holiday_on(day)
        if period is not None:
            return ClosedReason("school_holiday", period.name, period.end)
    return None


def hours_on(subject: Scheduled, day: date, *, calendar: SchoolCalendar | None = None) -> list[TimeRange]:
    """The local opening ranges of `subject` on `day` (empty when closed or times not published)."""
    if subject.hours is None:
        return []
    ranges = subject.hours.ranges_for(day)
    if not ranges or _exception_on(subject, day, calendar) is not None:
        return []
    return list(ranges)


def intervals_on(
    subject: Scheduled, day: date, *, calendar: SchoolCalendar | None = None
) -> list[tuple[datetime, datetime]]:
    """`hours_on` as aware (start, end) instants in Europe/Berlin."""
    return [
        (local_datetime(day, r.start), local_datetime(day, r.end)) for r in hours_on(subject, day, calendar=calendar)
    ]


def status(
    subject: Scheduled,
    now: datetime,
    *,
    calendar: SchoolCalendar | None = None,
    search_days: int = SEARCH_DAYS,
) -> OpenStatus:
    """Open right now? Until when, and when does it open next?"""
    local_now = to_local(now)
    if subject.hours is None:
        return OpenStatus(open_now=False, closes_at=None, next_opening=None, hours_known=False)
    if calendar is None and subject.closed_in_school_holidays:
        calendar = load_school_calendar()  # once, not per day searched
    closes_at: datetime | None = None
    today = local_now.date()
    for offset in range(search_days + 1):
        for start, end in intervals_on(subject, today + timedelta(days=offset), calendar=calendar):
            if start <= local_now < end:
                closes_at = end
            elif start > local_now:
                return OpenStatus(open_now=closes_at is not None, closes_at=closes_at, next_opening=start)
    return OpenStatus(open_now=closes_at is not None, closes_at=closes_at, next_opening=None)


def next_opening(
    subject: Scheduled,
    now: datetime,
    *,
    calendar: SchoolCalendar | None = None,
    search_days: int = SEARCH_DAYS,
) -> datetime | None:
    """The next moment after `now` at which `subject` opens (None: unknown or not within the window)."""
    return status(subject, now, calendar=calendar, search_days=search_days).next_opening


def openings_between(
    subject: Scheduled,
    start: datetime,
    end: datetime,
    *,
    calendar: SchoolCalendar | None = None,
) -> list[tuple[datetime, datetime]]:
    """All openings overlapping [start, end), e.g. "the next 7 days" for a list; aware, Europe/Berlin."""
    first, last = to_local(start), to_local(end)
    found: list[tuple[datetime, datetime]] = []
    day = first.date()
    while day <= last.date():
        found.extend((a, b) for a, b in intervals_on(subject, day, calendar=calendar) if b > first and a < last)
        day += timedelta(days=1)
    return found


def appointment_windows_on(office: Office, day: date, *, calendar: SchoolCalendar | None = None) -> list[TimeRange]:
    """The appointment windows of `office` on `day`: its `appointments.windows` for that weekday, on
    days the office is not closed (public holiday, closure, school holiday where it applies)."""
    ranges = office.appointments.windows.ranges_for(day)
    if not ranges or _exception_on(office, day, calendar) is not None:
        return []
    return list(ranges)


@dataclass(frozen=True)
class Opening:
    """When one of several subjects (an office and its extra places) is open or opens next."""

    subject: Scheduled
    status: OpenStatus


def soonest(
    subjects: list[Scheduled] | tuple[Scheduled, ...], now: datetime, *, calendar: SchoolCalendar | None = None
) -> Opening | None:
    """Of an office and its extra consultation places: the one open now (closing last), else the
    one that opens first. Subjects whose times are not published do not count; None when none
    opens within the search window."""
    statuses = [Opening(subject, status(subject, now, calendar=calendar)) for subject in subjects]
    # (time, opening) pairs keep the narrowed datetime beside its opening; the key reads only the time
    open_now = [(o.status.closes_at, o) for o in statuses if o.status.open_now and o.status.closes_at is not None]
    if open_now:
        return max(open_now, key=lambda pair: pair[0])[1]
    upcoming = [(o.status.next_opening, o) for o in statuses if o.status.next_opening is not None]
    if not upcoming:
        return None
    return min(upcoming, key=lambda pair: pair[0])[1]
