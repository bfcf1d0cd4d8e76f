"""Dates, times, opening hours and distances as plain text in the bot's languages (via Babel).

`lang` is the bot's language code: de en ar uk ru tr fa ro bg fr (anything else falls back to de).

    weekday_name(0, "de")                  # "Montag"
    format_time(time(14, 0), "ar")         # "14:00"  (always 24-hour, Latin digits)
    format_date(date(2026, 11, 26), "de")  # "Donnerstag, 26. November"
    format_weekly_hours(office, "de")      # ["Montag 09:00–12:00", "Dienstag 13:00–16:00", ...]
    format_distance_km(1.234, "de")        # "1,2 km"     ("1.2 km" in English, "1,2 км" in Ukrainian)

Outputs are plain text: the caller escapes them for HTML and isolates left-to-right runs inside
right-to-left messages (bot.text.bidi); no bidi marks are added here. Phrases such as "1st Wednesday
of the month" are sentences, so they belong in the locale files: `hours_lines` hands the parts
(weekday name, times, nth) to the caller, and `format_weekly_hours` lists only the weekly rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime as _babel_format_datetime
from babel.dates import get_day_names
from babel.units import format_unit

from bot.places.calendar import to_local
from bot.places.timetable import TimeRange, WeeklyHours

FALLBACK_LANGUAGE = "de"
RANGE_DASH = "–"  # en dash between times, as in "09:00–12:00"


@lru_cache(maxsize=32)
def _locale(lang: str) -> Locale:
    try:
        return Locale.parse((lang or FALLBACK_LANGUAGE).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK_LANGUAGE)


def _label(text: str) -> str:
    """First letter upper-case: weekday names start a line ("понеділок" -> "Понеділок")."""
    return text[:1].upper() + text[1:]


def weekday_name(day: date | int, lang: str) -> str:
    """The full weekday name for a date or an index (0 = Monday), as a label (capitalised)."""
    index = day.weekday() if isinstance(day, date) else int(day)
    if not 0 <= index <= 6:
        raise ValueError(f"weekday index must be 0..6, got {index}")
    return _label(get_day_names("wide", context="format", locale=_locale(lang))[index])


def format_time(moment: time | datetime, lang: str) -> str:
    """ "14:00" in every language: 24-hour clock, Latin digits. Aware datetimes are shown in Europe/Berlin."""
    if isinstance(moment, datetime):
        moment = to_local(moment).time() if moment.tzinfo is not None else moment.time()
    return f"{moment.hour:02d}:{moment.minute:02d}"


def format_time_range(value: TimeRange, lang: str) -> str:
    """ "09:00–12:00"."""
    return f"{format_time(value.start, lang)}{RANGE_DASH}{format_time(value.end, lang)}"


@lru_cache(maxsize=64)
def _date_pattern(lang: str, with_year: bool) -> str:
    locale = _locale(lang)
    if with_year:
        return str(locale.date_formats["full"].pattern)
    skeletons = locale.datetime_skeletons
    pattern = str(skeletons.get("MMMMEd") or skeletons.get("MMMEd") or locale.date_formats["long"].pattern)
    # The skeleton gives abbreviated names ("Do., 26. November"); ask for full weekday and month names.
    pattern = re.sub(r"(?<!')\b(E{1,4}|c{1,4})\b", "EEEE", pattern)
    pattern = re.sub(r"(?<![ML])M{3}(?!M)", "MMMM", pattern)
    return pattern


def format_date(day: date | datetime, lang: str, *, with_year: bool = False, capitalize: bool = False) -> str:
    """ "Donnerstag, 26. November" (de), "Thursday, November 26" (en), "الخميس، 26 نوفمبر" (ar).

    As CLDR writes it mid-sentence ("четвер, 26 листопада"); `capitalize=True` for the start of a line."""
    if isinstance(day, datetime):
        day = to_local(day).date() if day.tzinfo is not None else day.date()
    moment = datetime(day.year, day.month, day.day, 12, 0)
    text = _babel_format_datetime(moment, _date_pattern(lang, with_year), locale=_locale(lang))
    return _label(text) if capitalize else text


@dataclass(frozen=True)
class HoursLine:
    """One weekday of a timetable, ready to put into a locale string."""

    weekday: int  # 0 = Monday
    weekday_name: str  # "Mittwoch"
    times: str  # "08:30–11:00" or "09:00–12:00, 13:00–16:00"
    nth_of_month: int | None  # set: only that occurrence in the month (-1 = last)


def hours_lines(hours: WeeklyHours | None, lang: str) -> list[HoursLine]:
    """All rules of a timetable, Monday first. Empty when the times are not published (None)."""
    if hours is None:
        return []
    lines = []
    for rule in sorted(hours.rules, key=lambda r: r.weekday):
        if not rule.ranges:
            continue
        times = ", ".join(format_time_range(r, lang) for r in rule.ranges)
        lines.append(HoursLine(rule.weekday, weekday_name(rule.weekday, lang), times, rule.nth_of_month))
    return lines


def format_weekly_hours(subject: object, lang: str) -> list[str]:
    """One line per open weekday, "Montag 09:00–12:00", for an Office, Place or WeeklyHours.

    Rules limited to the n-th weekday of the month are left out (see `hours_lines`)."""
    hours = subject if isinstance(subject, WeeklyHours) else getattr(subject, "hours", None)
    return [f"{line.weekday_name} {line.times}" for line in hours_lines(hours, lang) if line.nth_of_month is None]


def format_distance_km(km: float, lang: str) -> str:
    """ "1,2 km" (de), "1.2 km" (en), "1,2 км" (uk): one decimal below 10 km, whole km above."""
    if km < 0:
        raise ValueError("distance cannot be negative")
    if km < 10:
        value, pattern = max(round(km, 1), 0.1), "#,##0.0"
    else:
        value, pattern = round(km), "#,##0"
    return format_unit(value, "length-kilometer", length="short", format=pattern, locale=_locale(lang))
