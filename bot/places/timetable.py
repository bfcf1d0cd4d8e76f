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
from typing import Any

from bot.content.problems import Problem
from bot.places.calendar import matches_nth
from bot.places.datafile import Fields

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


def parse_weekly_hours(fields: Fields) -> WeeklyHours:
    """Parse a weekday mapping (see module docstring); problems go to `fields.problems`."""
    rules: list[WeeklyRule] = []
    for weekday, key in enumerate(WEEKDAY_KEYS):
        value = fields.raw(key, None, required=False)
        if value is None:
            continue
        nth: int | None = None
        location = fields.at(key)
        if isinstance(value, dict):
            sub = Fields(value, fields.file, location, fields.problems)
            nth = sub.integer("nth", 0)
            if nth not in (1, 2, 3, 4, 5, -1):
                sub.problem("nth", f"should be 1, 2, 3, 4, 5 or -1 (last), found {value.get('nth')!r}")
                nth = None
                sub.finish()
                continue
            times = sub.seq("times")
            location = sub.at("times")
            sub.finish()
        elif isinstance(value, list):
            times = value
        else:
            fields.problem(key, f"should be a list of time ranges or {{nth: ..., times: [...]}}, found {value!r}")
            continue
        ranges: list[TimeRange] = []
        for i, item in enumerate(times):
            try:
                ranges.append(parse_time_range(item))
            except ValueError as exc:
                fields.problems.append(Problem(fields.file, f"{location}[{i}]", str(exc)))
        ordered = sorted(ranges)
        for a, b in zip(ordered, ordered[1:], strict=False):
            if b.start < a.end:
                fields.problems.append(Problem(fields.file, location, f"ranges {a} and {b} overlap"))
        if ranges != ordered:
            fields.problems.append(Problem(fields.file, location, "ranges should be listed in time order"))
        if ranges:
            rules.append(WeeklyRule(weekday=weekday, ranges=tuple(merge_ranges(ranges)), nth_of_month=nth))
    fields.finish()
    return WeeklyHours(rules=tuple(rules))
