"""The NRW calendar: time zone, public holidays, school holidays, "which Wednesday of the month".

- `TZ` is the time zone of everything the bot shows (Europe/Berlin); the database stores UTC.
- Public holidays come from the `holidays` package (`Germany(subdiv="NW")`, 11 a year), built once
  per year and cached.
- School holidays are not computable: they come from data/calendar.yaml (`load_school_calendar`).
  A date the file does not cover counts as "no school holiday"; `SchoolCalendar.covers` tells.

Pure functions: nothing here reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
from pydantic import Field, ValidationInfo, field_validator

from bot.content.problems import Problem
from bot.places.datafile import (
    DATA_DIR,
    DataModel,
    Day,
    Source,
    SourcedModel,
    Text,
    parsed_file_loader,
    validate_document,
)

TZ = ZoneInfo("Europe/Berlin")
CALENDAR_FILE = DATA_DIR / "calendar.yaml"


# --- public holidays ---------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> holidays.HolidayBase:
    # One object per year: building it computes Easter etc., so it is worth caching.
    # holidays builds its country classes at import, so mypy cannot see Germany.
    germany: holidays.HolidayBase = holidays.country_holidays("DE", subdiv="NW", years=year, language="de")
    return germany


def public_holiday_name(day: date) -> str | None:
    """The German name of the NRW public holiday on `day` ("Erster Weihnachtstag"), or None."""
    return _public_holidays(day.year).get(day)


def is_public_holiday(day: date) -> bool:
    return public_holiday_name(day) is not None


def public_holidays_in(year: int) -> dict[date, str]:
    """All NRW public holidays of a year with their German names."""
    return dict(sorted(_public_holidays(year).items()))


# --- weekdays within the month -------------------------------------------------------------------


def nth_weekday_of_month(day: date) -> int:
    """Which occurrence of its weekday `day` is within its month: 1 for the first Wednesday, etc."""
    return (day.day - 1) // 7 + 1


def is_last_weekday_of_month(day: date) -> bool:
    """True when no later day of the same month falls on the same weekday."""
    return (day + timedelta(days=7)).month != day.month


def matches_nth(day: date, nth: int) -> bool:
    """nth = 1..5 counts from the start of the month; nth = -1 means the last such weekday."""
    if nth == -1:
        return is_last_weekday_of_month(day)
    return nth_weekday_of_month(day) == nth


# --- local time ------------------------------------------------------------------------------------


def local_datetime(day: date, at: time) -> datetime:
    """`day` at wall-clock time `at` in Europe/Berlin, as an aware datetime.

    The round trip through UTC normalises wall-clock times that do not exist (inside the spring-forward
    gap) so the result is always a real instant with the right UTC offset.
    """
    naive = datetime.combine(day, at.replace(tzinfo=None))
    return naive.replace(tzinfo=TZ).astimezone(ZoneInfo("UTC")).astimezone(TZ)


def to_local(moment: datetime) -> datetime:
    """An aware datetime converted to Europe/Berlin. Naive datetimes are refused: their meaning is unknown."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("expected an aware datetime (with tzinfo), got a naive one")
    return moment.astimezone(TZ)


# --- school holidays ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolHoliday:
    name: str
    start: date
    end: date  # included

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class SchoolCalendar:
    """NRW school holiday periods from data/calendar.yaml."""

    periods: tuple[SchoolHoliday, ...]
    source: Source | None

    def holiday_on(self, day: date) -> SchoolHoliday | None:
        for period in self.periods:
            if period.contains(day):
                return period
        return None

    def is_holiday(self, day: date) -> bool:
        return self.holiday_on(day) is not None

    def covers(self, day: date) -> bool:
        """True when the file lists the school years around `day` (from 1 January of the first listed
        year to the end of the last period), i.e. "no holiday" is a fact and not a gap."""
        if not self.periods:
            return False
        first = min(p.start for p in self.periods)
        last = max(p.end for p in self.periods)
        return date(first.year, 1, 1) <= day <= last


class _Period(DataModel):
    name: Text
    start: Day = Field(alias="from")
    end: Day = Field(alias="to")

    @field_validator("end")
    @classmethod
    def _not_before_start(cls, end: date, info: ValidationInfo) -> date:
        start = info.data.get("start")
        if start is not None and end < start:
            raise ValueError(f"ends ({end}) before it starts ({start})")
        return end


class _SchoolHolidays(SourcedModel):
    periods: list[_Period]


class _CalendarFile(DataModel):
    school_holidays: _SchoolHolidays


def parse_school_calendar(document: object, file: str, problems: list[Problem]) -> SchoolCalendar | None:
    """Build the calendar from a parsed YAML document, appending problems instead of raising."""
    parsed = validate_document(_CalendarFile, document, file, problems)
    if parsed is None:
        return None
    block = parsed.school_holidays
    periods = sorted(
        (SchoolHoliday(name=p.name, start=p.start, end=p.end) for p in block.periods), key=lambda p: p.start
    )
    for earlier, later in zip(periods, periods[1:], strict=False):
        if later.start <= earlier.end:
            problems.append(
                Problem(
                    file,
                    "school_holidays.periods",
                    f"{earlier.name} {earlier.start} and {later.name} {later.start} overlap",
                )
            )
    return SchoolCalendar(periods=tuple(periods), source=block.fact_source)


_load_school_calendar_cached = parsed_file_loader(parse_school_calendar)


def load_school_calendar(path: Path | None = None) -> SchoolCalendar:
    """The school calendar from data/calendar.yaml (or `path`); cached, re-read when the file changes.

    Raises PlacesDataError naming file and key when the file is broken."""
    return _load_school_calendar_cached(path or CALENDAR_FILE)


def school_holiday_on(day: date, calendar: SchoolCalendar | None = None) -> SchoolHoliday | None:
    return (calendar or load_school_calendar()).holiday_on(day)


def is_school_holiday(day: date, calendar: SchoolCalendar | None = None) -> bool:
    """True on a day of the NRW school holidays (both ends of a period included)."""
    return school_holiday_on(day, calendar) is not None
