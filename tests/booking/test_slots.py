"""The pure slot logic: windows, daylight-saving weeks, holidays, lead time, horizon, capacity."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.booking import slots
from bot.booking.slots import SlotProblem
from bot.places.calendar import TZ
from bot.places.offices import Closure, load_offices
from bot.places.timetable import TimeRange, WeeklyHours, WeeklyRule

UTC = UTC


def berlin(*args):
    return datetime(*args, tzinfo=TZ)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def office():
    # Mon 09-12, Tue 13-16, Thu 14-17, Fri 09-12; 30-minute slots, 2 places, 2 h lead, 28 days.
    return load_offices().get("mh")


def with_windows(office, weekday, start, end, **settings):
    windows = WeeklyHours(
        rules=(WeeklyRule(weekday, (TimeRange(time.fromisoformat(start), time.fromisoformat(end)),)),)
    )
    return replace(office, appointments=replace(office.appointments, windows=windows, **settings))


def local_times(found):
    return [s.start.astimezone(TZ).strftime("%H:%M") for s in found]


def test_a_day_is_cut_into_slots_that_fit_the_window(office):
    found = slots.all_slots_on(office, date(2026, 11, 26))  # Thursday 14-17
    assert local_times(found) == ["14:00", "14:30", "15:00", "15:30", "16:00", "16:30"]
    assert all(s.end - s.start == timedelta(minutes=30) for s in found)
    assert found[-1].end == berlin(2026, 11, 26, 17, 0)
    assert all(s.start.tzinfo is UTC and s.capacity == 2 and s.free == 2 for s in found)
    assert slots.all_slots_on(office, date(2026, 11, 25)) == []  # Wednesday: no window


def test_a_slot_that_would_overrun_the_window_is_not_offered(office):
    odd = with_windows(office, 3, "14:00", "15:20", slot_minutes=45)
    assert local_times(slots.all_slots_on(odd, date(2026, 11, 26))) == ["14:00"]


@pytest.mark.parametrize(
    ("before", "after", "before_utc_hour", "after_utc_hour"),
    [
        (date(2026, 3, 27), date(2026, 3, 30), 8, 7),  # spring forward on Sunday 29 March
        (date(2026, 10, 23), date(2026, 10, 26), 7, 8),  # fall back on Sunday 25 October
    ],
)
def test_nine_o_clock_stays_nine_o_clock_across_the_switch(office, before, after, before_utc_hour, after_utc_hour):
    first_before = slots.all_slots_on(office, before)[0]  # Friday 09:00
    first_after = slots.all_slots_on(office, after)[0]  # Monday 09:00
    assert local_times([first_before, first_after]) == ["09:00", "09:00"]
    assert first_before.start.hour == before_utc_hour
    assert first_after.start.hour == after_utc_hour


def test_no_slot_in_the_spring_forward_gap(office):
    night = with_windows(office, 6, "01:00", "04:00")
    found = slots.all_slots_on(night, date(2026, 3, 29))
    assert local_times(found) == ["01:00", "01:30", "03:00", "03:30"]
    assert [s.start for s in found] == [
        utc(2026, 3, 29, 0, 0),
        utc(2026, 3, 29, 0, 30),
        utc(2026, 3, 29, 1, 0),
        utc(2026, 3, 29, 1, 30),
    ]


def test_fall_back_night_gives_distinct_increasing_instants(office):
    night = with_windows(office, 6, "01:00", "04:00")
    found = slots.all_slots_on(night, date(2026, 10, 25))
    starts = [s.start for s in found]
    assert len(found) == 6 and starts == sorted(set(starts))
    assert local_times(found) == ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"]


def test_no_slots_on_public_holidays(office):
    assert slots.all_slots_on(office, date(2026, 12, 25)) == []  # Friday, Erster Weihnachtstag
    assert slots.all_slots_on(office, date(2026, 12, 24)) != []  # Thursday, Heiligabend: a working day in NRW
    assert slots.all_slots_on(office, date(2027, 1, 1)) == []  # Friday, Neujahr
    now = berlin(2026, 12, 20, 9, 0)
    days = slots.days_with_free_slots(office, now=now, taken={})
    assert date(2026, 12, 25) not in days and date(2026, 12, 24) in days


def test_no_slots_during_a_closure(office):
    closed = replace(office, closures=(Closure(date(2026, 11, 30), date(2026, 12, 4), "Fortbildung"),))
    now = berlin(2026, 11, 23, 10, 0)
    days = slots.days_with_free_slots(closed, now=now, taken={})
    assert not any(date(2026, 11, 30) <= d <= date(2026, 12, 4) for d in days)
    assert date(2026, 11, 26) in days and date(2026, 12, 7) in days


def test_lead_time_hides_slots_that_start_too_soon(office):
    now = berlin(2026, 11, 23, 8, 30)  # Monday; lead 2 h -> 10:30 is the earliest start
    assert local_times(slots.free_slots_on(office, date(2026, 11, 23), now=now, taken={})) == [
        "10:30",
        "11:00",
        "11:30",
    ]
    assert slots.check_slot(office, berlin(2026, 11, 23, 10, 0), now=now, taken={}) is SlotProblem.TOO_SOON
    assert slots.check_slot(office, berlin(2026, 11, 23, 10, 30), now=now, taken={}) is None
    assert slots.check_slot(office, berlin(2026, 11, 23, 8, 0), now=now, taken={}) is SlotProblem.PAST
    later = slots.free_slots_on(office, date(2026, 11, 23), now=berlin(2026, 11, 23, 10, 0), taken={})
    assert later == []  # 12:00 would be the earliest, the window ends at 12:00


def test_horizon_is_today_plus_horizon_days(office):
    now = berlin(2026, 11, 23, 10, 0)  # horizon 28 days -> Monday 21 December is the last day
    days = slots.days_with_free_slots(office, now=now, taken={})
    assert days[0] == date(2026, 11, 24) and days[-1] == date(2026, 12, 21)
    assert slots.check_slot(office, berlin(2026, 12, 21, 11, 30), now=now, taken={}) is None
    assert slots.check_slot(office, berlin(2026, 12, 22, 13, 0), now=now, taken={}) is SlotProblem.BEYOND_HORIZON
    assert slots.free_slots_on(office, date(2026, 12, 22), now=now, taken={}) == []
    assert slots.check_day(office, date(2026, 12, 22), now=now) is SlotProblem.BEYOND_HORIZON
    assert slots.check_day(office, date(2026, 11, 22), now=now) is SlotProblem.PAST
    assert slots.check_day(office, date(2026, 11, 23), now=now) is None
    short = replace(office, appointments=replace(office.appointments, horizon_days=3))
    assert slots.days_with_free_slots(short, now=now, taken={}) == [date(2026, 11, 24), date(2026, 11, 26)]


def test_capacity_counts_taken_places(office):
    now = berlin(2026, 11, 23, 10, 0)
    start = berlin(2026, 11, 26, 14, 0)
    half = {start.astimezone(UTC): 1}
    full = {start: 2}  # keys may be in any zone: aware datetimes compare by instant
    assert slots.free_slots_on(office, date(2026, 11, 26), now=now, taken=half)[0].free == 1
    assert local_times(slots.free_slots_on(office, date(2026, 11, 26), now=now, taken=full))[0] == "14:30"
    assert slots.check_slot(office, start, now=now, taken=full) is SlotProblem.FULL
    assert slots.check_slot(office, start, now=now, taken=half) is None
    whole_day = {s.start: 2 for s in slots.all_slots_on(office, date(2026, 11, 26))}
    assert date(2026, 11, 26) not in slots.days_with_free_slots(office, now=now, taken=whole_day)


def test_not_a_slot(office):
    now = berlin(2026, 11, 23, 10, 0)
    assert slots.check_slot(office, berlin(2026, 11, 26, 14, 10), now=now, taken={}) is SlotProblem.NOT_A_SLOT
    assert slots.check_slot(office, berlin(2026, 11, 25, 14, 0), now=now, taken={}) is SlotProblem.NOT_A_SLOT
    assert slots.check_slot(office, berlin(2026, 12, 18, 9, 0), now=now, taken={}) is None
    with pytest.raises(ValueError):
        slots.check_slot(office, datetime(2026, 11, 26, 14, 0), now=now, taken={})


def test_next_free_slots_prefer_the_wanted_time(office):
    now = berlin(2026, 11, 23, 10, 0)
    wanted = berlin(2026, 11, 26, 16, 0)
    taken = {wanted: 2}
    near = slots.next_free_slots(office, now=now, taken=taken, near=wanted, count=3)
    assert [s.start.astimezone(TZ) for s in near] == [
        berlin(2026, 11, 26, 16, 30),
        berlin(2026, 11, 27, 9, 0),
        berlin(2026, 11, 27, 9, 30),
    ]
    # at the end of the horizon, earlier slots fill up the offer
    last = berlin(2026, 12, 21, 11, 0)
    end = slots.next_free_slots(office, now=now, taken={}, near=last, count=3)
    assert [s.start.astimezone(TZ) for s in end] == [
        berlin(2026, 12, 21, 10, 0),
        berlin(2026, 12, 21, 10, 30),
        berlin(2026, 12, 21, 11, 30),
    ]
    assert slots.next_free_slots(office, now=now, taken={}, count=2)[0].start == berlin(2026, 11, 24, 13, 0)


def test_minutes_round_trip(office):
    start = berlin(2026, 11, 26, 14, 30)
    slot = slots.all_slots_on(office, date(2026, 11, 26))[1]
    assert slot.start == start and slots.from_minutes(slot.minutes) == start
    assert slot.local_day == date(2026, 11, 26)
