from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.places.calendar import TZ, SchoolCalendar
from bot.places.offices import Closure, load_offices
from bot.places.opening_hours import (
    appointment_windows_on,
    closed_reason,
    hours_on,
    intervals_on,
    next_opening,
    openings_between,
    status,
)
from bot.places.timetable import TimeRange


def berlin(*args):
    return datetime(*args, tzinfo=TZ)


def tr(a, b):
    return TimeRange(time.fromisoformat(a), time.fromisoformat(b))


@pytest.fixture
def office():
    return load_offices().get("mh")


@pytest.fixture
def kautsky():
    return load_offices().place("es-kautsky")


def test_weekly_hours_of_an_office(office):
    assert hours_on(office, date(2026, 11, 23)) == [tr("09:00", "12:00")]  # Monday
    assert hours_on(office, date(2026, 11, 24)) == [tr("13:00", "16:00")]  # Tuesday
    assert hours_on(office, date(2026, 11, 25)) == []  # Wednesday
    assert hours_on(office, date(2026, 11, 26)) == [tr("14:00", "17:00")]  # Thursday
    assert hours_on(office, date(2026, 11, 27)) == [tr("09:00", "12:00")]  # Friday
    assert hours_on(office, date(2026, 11, 28)) == []  # Saturday
    assert hours_on(office, date(2026, 11, 29)) == []  # Sunday


def test_open_on_monday_morning_until_noon(office):
    result = status(office, berlin(2026, 11, 23, 10, 0))
    assert result.open_now
    assert result.hours_known
    assert result.closes_at == berlin(2026, 11, 23, 12, 0)
    assert result.next_opening == berlin(2026, 11, 24, 13, 0)  # the one after the current opening


def test_now_in_utc_gives_results_in_berlin_time(office):
    result = status(office, datetime(2026, 11, 23, 9, 0, tzinfo=UTC))  # 10:00 in Dortmund
    assert result.open_now
    assert result.closes_at.tzinfo == TZ
    assert (result.closes_at.hour, result.closes_at.minute) == (12, 0)


def test_closed_on_wednesday_next_opening_thursday_afternoon(office):
    result = status(office, berlin(2026, 11, 25, 10, 0))
    assert not result.open_now
    assert result.closes_at is None
    assert result.next_opening == berlin(2026, 11, 26, 14, 0)
    assert next_opening(office, berlin(2026, 11, 25, 10, 0)) == berlin(2026, 11, 26, 14, 0)


def test_before_opening_and_at_closing_time(office):
    early = status(office, berlin(2026, 11, 23, 8, 59))
    assert not early.open_now and early.next_opening == berlin(2026, 11, 23, 9, 0)
    at_opening = status(office, berlin(2026, 11, 23, 9, 0))
    assert at_opening.open_now
    at_closing = status(office, berlin(2026, 11, 23, 12, 0))  # the end is not included
    assert not at_closing.open_now and at_closing.next_opening == berlin(2026, 11, 24, 13, 0)


def test_naive_now_is_refused(office):
    with pytest.raises(ValueError):
        status(office, datetime(2026, 11, 23, 10, 0))


def test_christmas_day_on_a_friday_is_skipped(office):
    assert hours_on(office, date(2026, 12, 25)) == []
    reason = closed_reason(office, date(2026, 12, 25))
    assert reason is not None and reason.kind == "public_holiday" and reason.name == "Erster Weihnachtstag"
    # Thursday 24 Dec after closing: Friday is a holiday, the weekend follows -> Monday 28 Dec.
    assert next_opening(office, berlin(2026, 12, 24, 18, 0)) == berlin(2026, 12, 28, 9, 0)
    assert closed_reason(office, date(2026, 12, 24)) is None  # an ordinary Thursday


def test_easter_2027_good_friday_and_easter_monday_are_skipped(office):
    assert hours_on(office, date(2027, 3, 26)) == []  # Good Friday
    assert hours_on(office, date(2027, 3, 29)) == []  # Easter Monday
    assert next_opening(office, berlin(2027, 3, 25, 18, 0)) == berlin(2027, 3, 30, 13, 0)


def test_offices_ignore_school_holidays(office):
    # 2026-03-30 is a Monday in the Easter school holidays: offices stay open.
    assert hours_on(office, date(2026, 3, 30)) == [tr("09:00", "12:00")]


def test_german_unity_day_on_a_saturday_changes_nothing(office):
    assert closed_reason(office, date(2026, 10, 3)) is None  # no hours that day anyway
    assert hours_on(office, date(2026, 10, 2)) == [tr("09:00", "12:00")]


def test_kautsky_container_first_wednesday_outside_school_holidays(kautsky):
    assert hours_on(kautsky, date(2026, 11, 4)) == [tr("08:30", "11:00")]  # 1st Wednesday
    assert hours_on(kautsky, date(2026, 11, 11)) == []  # 2nd Wednesday
    assert hours_on(kautsky, date(2026, 11, 5)) == []  # a Thursday
    assert hours_on(kautsky, date(2026, 1, 7)) == [tr("08:30", "11:00")]  # the day after the holidays


def test_kautsky_container_closed_in_christmas_holidays(kautsky):
    assert hours_on(kautsky, date(2027, 1, 6)) == []
    reason = closed_reason(kautsky, date(2027, 1, 6))
    assert reason is not None and reason.kind == "school_holiday" and reason.name == "Weihnachtsferien"
    assert reason.until == date(2027, 1, 6)
    # Next after 10 Dec 2026: 2 Dec is past, 6 Jan is in the holidays -> 3 Feb 2027.
    assert next_opening(kautsky, berlin(2026, 12, 10, 12, 0)) == berlin(2027, 2, 3, 8, 30)


def test_kautsky_status_while_open(kautsky):
    result = status(kautsky, berlin(2026, 11, 4, 9, 0))
    assert result.open_now
    assert result.closes_at == berlin(2026, 11, 4, 11, 0)
    assert result.next_opening == berlin(2026, 12, 2, 8, 30)


def test_school_calendar_can_be_injected(kautsky):
    no_holidays = SchoolCalendar(periods=(), source=None)
    assert hours_on(kautsky, date(2027, 1, 6), calendar=no_holidays) == [tr("08:30", "11:00")]


def test_marten_second_tuesday():
    marten = load_offices().place("ld-marten")
    assert hours_on(marten, date(2026, 11, 10)) == [tr("10:00", "12:00")]
    assert hours_on(marten, date(2026, 11, 3)) == []
    assert hours_on(marten, date(2026, 11, 17)) == []


def test_dorstfeld_every_tuesday_afternoon():
    dorstfeld = load_offices().place("io-dorstfeld")
    assert hours_on(dorstfeld, date(2026, 11, 24)) == [tr("14:00", "16:00")]
    assert status(dorstfeld, berlin(2026, 11, 24, 15, 0)).closes_at == berlin(2026, 11, 24, 16, 0)


def test_place_with_unpublished_times_claims_nothing():
    for place_id in ("ld-mlk", "es-lanstrop", "es-scharnhorst-ost"):
        place = load_offices().place(place_id)
        result = status(place, berlin(2026, 11, 23, 10, 0))
        assert result.hours_known is False
        assert not result.open_now and result.closes_at is None and result.next_opening is None
        assert hours_on(place, date(2026, 11, 23)) == []


def test_daylight_saving_spring_switch(office):
    # Clocks go forward on Sunday 2026-03-29: Monday opens at 09:00 local, now UTC+2.
    opening = next_opening(office, berlin(2026, 3, 27, 13, 0))
    assert opening == berlin(2026, 3, 30, 9, 0)
    assert (opening.hour, opening.minute) == (9, 0)
    assert opening.utcoffset() == timedelta(hours=2)
    assert opening.astimezone(UTC) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    week_before = next_opening(office, berlin(2026, 3, 20, 13, 0))
    assert week_before.utcoffset() == timedelta(hours=1)
    assert week_before.astimezone(UTC) == datetime(2026, 3, 23, 8, 0, tzinfo=UTC)


def test_daylight_saving_autumn_switch(office):
    # Clocks go back on Sunday 2026-10-25: Monday opens at 09:00 local, now UTC+1.
    opening = next_opening(office, berlin(2026, 10, 23, 13, 0))
    assert (opening.hour, opening.minute) == (9, 0)
    assert opening.utcoffset() == timedelta(hours=1)
    assert opening.astimezone(UTC) == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    # Asked during the repeated hour itself (02:30 happens twice that night).
    during = next_opening(office, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
    assert during.astimezone(UTC) == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


def test_opening_lasts_three_hours_across_dst_weeks(office):
    for day in (date(2026, 3, 23), date(2026, 3, 30), date(2026, 10, 19), date(2026, 10, 26)):
        ((start, end),) = intervals_on(office, day)
        assert end - start == timedelta(hours=3)


def test_temporary_closure(office):
    closed = replace(office, closures=(Closure(date(2026, 11, 23), date(2026, 11, 27), "Fortbildung"),))
    result = status(closed, berlin(2026, 11, 23, 10, 0))
    assert not result.open_now
    assert result.next_opening == berlin(2026, 11, 30, 9, 0)
    reason = closed_reason(closed, date(2026, 11, 26))
    assert reason is not None and reason.kind == "closure" and reason.name == "Fortbildung"
    assert reason.until == date(2026, 11, 27)
    assert hours_on(closed, date(2026, 11, 30)) == [tr("09:00", "12:00")]


def test_long_closure_beyond_the_search_window(office):
    closed = replace(office, closures=(Closure(date(2026, 11, 1), date(2027, 12, 31), "Umbau"),))
    result = status(closed, berlin(2026, 11, 23, 10, 0), search_days=30)
    assert not result.open_now and result.next_opening is None and result.hours_known


def test_openings_in_a_week(office):
    openings = openings_between(office, berlin(2026, 11, 23, 0, 0), berlin(2026, 11, 30, 0, 0))
    assert [start.weekday() for start, _ in openings] == [0, 1, 3, 4]
    assert openings[0] == (berlin(2026, 11, 23, 9, 0), berlin(2026, 11, 23, 12, 0))


def test_appointment_windows_follow_office_days(office):
    assert appointment_windows_on(office, date(2026, 11, 23)) == [tr("09:00", "12:00")]
    assert appointment_windows_on(office, date(2026, 11, 25)) == []
    assert appointment_windows_on(office, date(2026, 12, 25)) == []
