from datetime import UTC, date, datetime, time

import pytest

from bot.places.formatting import (
    format_date,
    format_distance_km,
    format_time,
    format_time_range,
    format_weekly_hours,
    hours_lines,
    weekday_name,
)
from bot.places.offices import load_offices
from bot.places.timetable import TimeRange

BIDI_MARKS = set("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@pytest.fixture
def office():
    return load_offices().get("ba")


def test_weekday_names():
    assert weekday_name(0, "de") == "Montag"
    assert weekday_name(date(2026, 11, 26), "de") == "Donnerstag"
    assert weekday_name(0, "en") == "Monday"
    assert weekday_name(0, "ar") == "الاثنين"
    assert weekday_name(0, "uk") == "Понеділок"  # capitalised as a label
    assert weekday_name(2, "ru") == "Среда"
    with pytest.raises(ValueError):
        weekday_name(7, "de")


def test_times_are_24_hour_everywhere():
    for lang in ("de", "en", "ar", "uk", "ru", "tr", "fa", "ro", "bg", "fr"):
        assert format_time(time(14, 0), lang) == "14:00"
        assert format_time(time(9, 5), lang) == "09:05"
    assert format_time_range(TimeRange(time(9), time(12)), "ar") == "09:00–12:00"


def test_aware_datetimes_are_shown_in_berlin_time():
    assert format_time(datetime(2026, 11, 23, 13, 0, tzinfo=UTC), "de") == "14:00"
    assert format_time(datetime(2026, 7, 1, 13, 0, tzinfo=UTC), "de") == "15:00"


def test_dates():
    day = date(2026, 11, 26)
    assert format_date(day, "de") == "Donnerstag, 26. November"
    assert format_date(day, "en") == "Thursday, November 26"
    assert format_date(day, "ar") == "الخميس، 26 نوفمبر"
    assert format_date(day, "uk") == "четвер, 26 листопада"
    assert format_date(day, "uk", capitalize=True) == "Четвер, 26 листопада"
    assert format_date(day, "de", with_year=True) == "Donnerstag, 26. November 2026"
    # An aware datetime late in the evening UTC is already the next day in Dortmund.
    assert format_date(datetime(2026, 11, 25, 23, 30, tzinfo=UTC), "de") == "Donnerstag, 26. November"


def test_weekly_hours_de(office):
    assert format_weekly_hours(office, "de") == [
        "Montag 09:00–12:00",
        "Dienstag 13:00–16:00",
        "Donnerstag 14:00–17:00",
        "Freitag 09:00–12:00",
    ]


def test_weekly_hours_ar_and_uk(office):
    ar = format_weekly_hours(office, "ar")
    assert ar[0] == "الاثنين 09:00–12:00"
    assert len(ar) == 4
    assert not any(ch in BIDI_MARKS for line in ar for ch in line)  # the caller isolates, not us
    assert format_weekly_hours(office, "uk")[2] == "Четвер 14:00–17:00"


def test_monthly_rules_are_handed_out_separately():
    kautsky = load_offices().place("es-kautsky")
    assert format_weekly_hours(kautsky, "de") == []  # "1st Wednesday" is a sentence for the locale file
    (line,) = hours_lines(kautsky.hours, "de")
    assert (line.weekday_name, line.times, line.nth_of_month) == ("Mittwoch", "08:30–11:00", 1)
    assert hours_lines(load_offices().place("ld-mlk").hours, "de") == []  # times not published


def test_distances():
    assert format_distance_km(1.234, "de") == "1,2 km"
    assert format_distance_km(1.234, "en") == "1.2 km"
    assert format_distance_km(1.234, "uk") == "1,2 км"
    assert format_distance_km(1.234, "ar") == "1.2 كم"
    assert format_distance_km(12.6, "de") == "13 km"
    assert format_distance_km(0.02, "de") == "0,1 km"  # never "0,0 km"
    with pytest.raises(ValueError):
        format_distance_km(-1, "de")


def test_unknown_language_falls_back_to_german(office):
    assert weekday_name(0, "xx") == "Montag"
    assert format_weekly_hours(office, "zz")[0] == "Montag 09:00–12:00"
