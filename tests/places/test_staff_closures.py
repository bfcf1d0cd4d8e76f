"""Staff closures applied to the offices (bot.places.closures): the opening-hours logic sees them."""

from __future__ import annotations

from datetime import date, datetime

from bot.booking import slots
from bot.places import opening_hours
from bot.places.calendar import TZ
from bot.places.closures import StaffClosures, closures_ahead, with_closures
from bot.places.offices import Closure, load_offices

THU = date(2026, 11, 26)


def test_a_closure_empties_the_day_for_hours_status_and_slots() -> None:
    base = load_offices()
    assert opening_hours.hours_on(base["mh"], THU)  # open on that Thursday normally
    merged = with_closures(base, {"mh": (Closure(THU, THU, "Fortbildung"),)})
    office = merged["mh"]
    assert opening_hours.hours_on(office, THU) == []
    reason = opening_hours.closed_reason(office, THU)
    assert reason is not None and (reason.kind, reason.name) == ("closure", "Fortbildung")
    assert opening_hours.status(office, datetime(2026, 11, 26, 15, 0, tzinfo=TZ)).open_now is False
    assert slots.all_slots_on(office, THU) == []
    assert merged["hh"] is base["hh"]  # other offices untouched


def test_no_closures_keep_the_directory() -> None:
    base = load_offices()
    assert with_closures(base, {}) is base
    assert with_closures(base, {"nowhere": (Closure(THU, THU, "x"),)}) is base


def test_closures_ahead_leave_out_the_past_and_the_far_future() -> None:
    office = with_closures(
        load_offices(),
        {
            "mh": (
                Closure(date(2026, 11, 1), date(2026, 11, 2), "vorbei"),
                Closure(date(2026, 11, 20), THU, "läuft"),
                Closure(date(2027, 6, 1), date(2027, 6, 2), "weit weg"),
            )
        },
    )["mh"]
    assert [c.reason for c in closures_ahead(office, date(2026, 11, 23))] == ["läuft"]


def test_the_process_copy_applies_and_is_reread_when_stale() -> None:
    board = StaffClosures()
    assert board.is_stale(0.0, 2.0)
    board.replace({"mh": (Closure(THU, THU, "Fortbildung"),)}, read_at=10.0)
    assert not board.is_stale(11.0, 2.0) and board.is_stale(12.5, 2.0)
    base = load_offices()
    first = board.apply(base)
    assert first is board.apply(base) and opening_hours.hours_on(first["mh"], THU) == []
    board.invalidate()
    assert board.is_stale(10.5, 2.0)
    board.replace({}, read_at=11.0)
    assert board.apply(base) is base
