"""Weekly timetables as data: time ranges per weekday, optionally only on the n-th weekday of a month.

This module only describes a timetable and parses it from YAML. Applying it to a real day
(public holidays, school holidays, closures) is `bot.places.opening_hours`.

YAML shape (see data/offices.yaml):

    mon: ["09:00-12:00"]                       # every Monday
    tue: ["09:00-12:00", "13:00-16:00"]        # two ranges
    wed: {nth: 1, times: ["08:30-11:00"]}      # 1st Wednesday of the month (nth: -1 = last)
    thu: []                                    # closed (same as leaving it out)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Discriminator, PlainValidator, Tag

from bot.places.calendar import matches_nth
from bot.places.datafile import DataModel

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = date.weekday()

_TIME_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, order=True)
class TimeRange:
    """A wall-clock range on one day, start included, end excluded (local time Europe/Berlin)."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(f"time range must start before it ends: {self.start}-{self.end}")

    def contains(self, at: time) -> bool:
        return self.start <= at < self.end

    @property
    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    def __str__(self) -> str:  # "09:00–12:00" (en dash); for people use formatting.format_time_range
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True)
class WeeklyRule:
    """Open at `ranges` on `weekday` (0 = Monday); if `nth_of_month` is set, only on that occurrence
    of the weekday in the month (1..5, or -1 for the last one)."""

    weekday: int
    ranges: tuple[TimeRange, ...]
    nth_of_month: int | None = None

    def applies_to(self, day: date) -> bool:
        if day.weekday() != self.weekday:
            return False
        return self.nth_of_month is None or matches_nth(day, self.nth_of_month)


@dataclass(frozen=True)
class WeeklyHours:
    """A timetable: the rules for each weekday, sorted by weekday. No rule for a weekday = closed."""

    rules: tuple[WeeklyRule, ...]

    def ranges_for(self, day: date) -> tuple[TimeRange, ...]:
        """The timetable's ranges on `day`, before holidays and closures are considered."""
        found: list[TimeRange] = []
        for rule in self.rules:
            if rule.applies_to(day):
                found.extend(rule.ranges)
        return tuple(merge_ranges(found))

    def rule_for(self, weekday: int) -> WeeklyRule | None:
        for rule in self.rules:
            if rule.weekday == weekday:
                return rule
        return None

    @property
    def open_weekdays(self) -> tuple[int, ...]:
        return tuple(sorted({rule.weekday for rule in self.rules if rule.ranges}))

    @property
    def is_empty(self) -> bool:
        return not any(rule.ranges for rule in self.rules)


def merge_ranges(ranges: list[TimeRange] | tuple[TimeRange, ...]) -> list[TimeRange]:
    """Sorted ranges with overlapping or touching ones joined (09-12 + 12-14 -> 09-14)."""
    merged: list[TimeRange] = []
    for current in sorted(ranges):
        if merged and current.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = TimeRange(last.start, max(last.end, current.end))
        else:
            merged.append(current)
    return merged


def parse_time_range(text: Any) -> TimeRange:
    """ "09:00-12:00" (hyphen or en dash) -> TimeRange. Raises ValueError with a readable reason."""
    if not isinstance(text, str):
        raise ValueError(f'should be a quoted text like "09:00-12:00", found {text!r}')
    match = _TIME_RANGE.match(text)
    if not match:
        raise ValueError(f'should look like "09:00-12:00", found {text!r}')
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h2 == 24 and m2 == 0:
        raise ValueError("use 23:59 instead of 24:00 for the end of the day")
    try:
        start, end = time(h1, m1), time(h2, m2)
    except ValueError:
        raise ValueError(f"{text!r} is not a valid time of day") from None
    if not start < end:
        raise ValueError(f"{text!r} ends before it starts")
    return TimeRange(start, end)


def _ordered(ranges: list[TimeRange]) -> list[TimeRange]:
    ordered = sorted(ranges)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.start < a.end:
            raise ValueError(f"ranges {a} and {b} overlap")
    if ranges != ordered:
        raise ValueError("ranges should be listed in time order")
    return ranges


DayRanges = Annotated[list[Annotated[TimeRange, PlainValidator(parse_time_range)]], AfterValidator(_ordered)]


class NthWeekday(DataModel):
    """`{nth: 1, times: [...]}`: only on the n-th weekday of the month (-1: the last one)."""

    nth: Literal[1, 2, 3, 4, 5, -1]
    times: DayRanges


def _day_shape(value: Any) -> str:
    return "nth weekday" if isinstance(value, dict) else "every week"


DayHours = Annotated[
    Annotated[DayRanges, Tag("every week")] | Annotated[NthWeekday, Tag("nth weekday")],
    Discriminator(_day_shape),
]


class WeeklyHoursModel(DataModel):
    """A weekday mapping as written in the data files (see module docstring)."""

    mon: DayHours | None = None
    tue: DayHours | None = None
    wed: DayHours | None = None
    thu: DayHours | None = None
    fri: DayHours | None = None
    sat: DayHours | None = None
    sun: DayHours | None = None

    def to_hours(self) -> WeeklyHours:
        rules: list[WeeklyRule] = []
        for weekday, key in enumerate(WEEKDAY_KEYS):
            value: list[TimeRange] | NthWeekday | None = getattr(self, key)
            if value is None:
                continue
            ranges, nth = (value.times, value.nth) if isinstance(value, NthWeekday) else (value, None)
            if ranges:
                rules.append(WeeklyRule(weekday=weekday, ranges=tuple(merge_ranges(ranges)), nth_of_month=nth))
        return WeeklyHours(rules=tuple(rules))
