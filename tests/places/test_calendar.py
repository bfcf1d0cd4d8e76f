from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.places.calendar import (
    TZ,
    SchoolCalendar,
    SchoolHoliday,
    is_last_weekday_of_month,
    is_public_holiday,
    is_school_holiday,
    load_school_calendar,
    local_datetime,
    matches_nth,
    nth_weekday_of_month,
    public_holiday_name,
    public_holidays_in,
    to_local,
)
from bot.places.datafile import PlacesDataError


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 12, 25), "Erster Weihnachtstag"),
        (date(2026, 10, 3), "Tag der Deutschen Einheit"),
        (date(2027, 3, 29), "Ostermontag"),
        (date(2027, 3, 26), "Karfreitag"),
        (date(2026, 6, 4), "Fronleichnam"),  # NRW-specific
        (date(2026, 11, 1), "Allerheiligen"),  # NRW-specific
    ],
)
def test_public_holidays_nrw(day, name):
    assert is_public_holiday(day)
    assert public_holiday_name(day) == name


@pytest.mark.parametrize("day", [date(2026, 11, 23), date(2026, 10, 31), date(2026, 11, 18), date(2026, 12, 24)])
def test_not_public_holidays_in_nrw(day):
    # Reformationstag (31.10.) and Buß- und Bettag are holidays elsewhere, not in NRW.
    assert not is_public_holiday(day)
    assert public_holiday_name(day) is None


def test_eleven_public_holidays_a_year():
    assert len(public_holidays_in(2026)) == 11
    assert len(public_holidays_in(2027)) == 11


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 23), True),  # first day of the Christmas holidays
        (date(2027, 1, 6), True),  # last day
        (date(2027, 1, 7), False),
        (date(2026, 12, 22), False),
        (date(2026, 10, 17), True),
        (date(2026, 11, 4), False),
        (date(2025, 6, 10), True),  # one-day Pentecost holiday
        (date(2027, 11, 6), True),
        (date(2028, 1, 8), True),
    ],
)
def test_school_holidays_from_data(day, expected):
    assert is_school_holiday(day) is expected


def test_school_holiday_names_and_coverage():
    calendar = load_school_calendar()
    assert calendar.holiday_on(date(2026, 8, 1)).name == "Sommerferien"
    assert calendar.source is not None and calendar.source.as_of == date(2026, 11, 22)
    assert calendar.covers(date(2025, 1, 1))
    assert calendar.covers(date(2027, 6, 1))
    assert not calendar.covers(date(2028, 6, 1))
    assert not calendar.covers(date(2024, 12, 31))


def test_school_calendar_can_be_passed_in():
    calendar = SchoolCalendar(periods=(SchoolHoliday("Test", date(2030, 1, 1), date(2030, 1, 3)),), source=None)
    assert is_school_holiday(date(2030, 1, 2), calendar)
    assert not is_school_holiday(date(2026, 12, 24), calendar)


@pytest.mark.parametrize(
    ("day", "nth", "last"),
    [
        (date(2026, 11, 4), 1, False),
        (date(2026, 11, 11), 2, False),
        (date(2026, 11, 25), 4, True),
        (date(2026, 12, 30), 5, True),
        (date(2027, 1, 6), 1, False),
        (date(2026, 11, 30), 5, True),
    ],
)
def test_nth_weekday_of_month(day, nth, last):
    assert nth_weekday_of_month(day) == nth
    assert is_last_weekday_of_month(day) is last
    assert matches_nth(day, nth)
    assert matches_nth(day, -1) is last


def test_local_datetime_gets_the_right_offset_around_dst():
    before_spring = local_datetime(date(2026, 3, 23), time(9, 0))
    after_spring = local_datetime(date(2026, 3, 30), time(9, 0))
    assert before_spring.utcoffset() == timedelta(hours=1)
    assert after_spring.utcoffset() == timedelta(hours=2)
    assert after_spring.hour == 9
    after_autumn = local_datetime(date(2026, 10, 26), time(9, 0))
    assert after_autumn.utcoffset() == timedelta(hours=1)
    assert after_autumn.astimezone(UTC).hour == 8


def test_local_datetime_normalises_a_time_in_the_spring_gap():
    moment = local_datetime(date(2026, 3, 29), time(2, 30))  # 02:30 does not exist that night
    assert moment.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert moment.tzinfo == TZ


def test_to_local_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        to_local(datetime(2026, 11, 23, 10, 0))
    assert to_local(datetime(2026, 11, 23, 9, 0, tzinfo=UTC)).hour == 10


def test_broken_calendar_file_names_the_key(tmp_path):
    path = tmp_path / "calendar.yaml"
    path.write_text(
        "school_holidays:\n"
        "  source: test\n"
        "  as_of: 2026-11-22\n"
        "  periods:\n"
        "    - {name: Herbstferien, from: 2026-10-31, to: 2026-10-17}\n",
        encoding="utf-8",
    )
    with pytest.raises(PlacesDataError) as error:
        load_school_calendar(path)
    assert "school_holidays.periods[0].to" in str(error.value)
    assert "calendar.yaml" in str(error.value)
