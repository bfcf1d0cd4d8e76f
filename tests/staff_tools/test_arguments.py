"""What staff type after /closed, /open and /stats (bot.staff_tools.arguments)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.places.offices import load_offices
from bot.staff_tools.arguments import (
    CloseRequest,
    OpenRequest,
    Problem,
    find_offices,
    parse_closed,
    parse_day,
    parse_open,
    parse_period,
    period_days,
)

OFFICES = load_offices().all
TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24.12.2026", date(2026, 12, 24)),
        ("1.2.2027", date(2027, 2, 1)),
        ("2026-12-24", date(2026, 12, 24)),
        ("2026-1-5", date(2026, 1, 5)),
        ("31.02.2026", None),  # no such day
        ("24.12.26", None),  # the year in full
        ("24/12/2026", None),
        ("morgen", None),
    ],
)
def test_dates_in_both_formats(text: str, expected: date | None) -> None:
    assert parse_day(text) == expected


@pytest.mark.parametrize("query", ["mh", "MH", "Mengede", "mengede/huckarde", "huckarde", "lokal willkommen Mengede"])
def test_an_office_by_id_or_a_unique_part_of_its_name(query: str) -> None:
    assert [office.id for office in find_offices(query, OFFICES)] == ["mh"]


def test_umlauts_typed_any_way_find_the_office() -> None:
    hoerde = [office for office in OFFICES if "Hörde" in office.name]
    assert hoerde, "data/offices.yaml has an office in Hörde"
    for query in ("Hörde", "hoerde", "HORDE"):
        assert find_offices(query, OFFICES) == hoerde


def test_closed_with_one_day_and_a_reason() -> None:
    found = parse_closed("mengede 24.12.2026 Betriebsausflug des Teams", OFFICES, TODAY)
    assert isinstance(found, CloseRequest)
    assert (found.office.id, found.start, found.end, found.reason) == (
        "mh",
        date(2026, 12, 24),
        date(2026, 12, 24),
        "Betriebsausflug des Teams",
    )


def test_closed_with_a_range_in_iso_and_a_several_word_office() -> None:
    found = parse_closed("lokal willkommen Mengede 2026-12-24 2026-12-31 Ferien", OFFICES, TODAY)
    assert isinstance(found, CloseRequest)
    assert (found.start, found.end, found.reason) == (date(2026, 12, 24), date(2026, 12, 31), "Ferien")


def test_a_closure_that_began_earlier_starts_today() -> None:
    found = parse_closed("mh 20.11.2026 25.11.2026 Wasserschaden", OFFICES, TODAY)
    assert isinstance(found, CloseRequest) and found.start == TODAY


@pytest.mark.parametrize(
    ("args", "key"),
    [
        ("", "closed_usage"),
        ("mh", "closed_usage"),  # no date
        ("24.12.2026 Urlaub", "closed_usage"),  # no office
        ("lokal 24.12.2026 Urlaub", "office_ambiguous"),  # every office is "lokal willkommen"
        ("xyz 24.12.2026 Urlaub", "office_unknown"),
        ("mh 32.12.2026 Urlaub", "bad_date"),
        ("mh 24.12.2026 2026-13-01 Urlaub", "bad_date"),
        ("mh 24.12.2026 20.12.2026 Urlaub", "end_before_start"),
        ("mh 01.11.2026 Urlaub", "in_the_past"),
        ("mh 01.12.2026 01.12.2028 Urlaub", "too_long"),
        ("mh 24.12.2026", "reason_missing"),
        ("mh 24.12.2026 " + "x" * 301, "reason_too_long"),
    ],
)
def test_closed_says_what_is_wrong_and_shows_the_usage(args: str, key: str) -> None:
    found = parse_closed(args, OFFICES, TODAY)
    assert isinstance(found, Problem)
    assert (found.key, found.usage) == (key, "closed")


def test_an_unknown_or_ambiguous_office_names_the_offices() -> None:
    unknown = parse_closed("Lünen 24.12.2026 Urlaub", OFFICES, TODAY)
    assert isinstance(unknown, Problem) and "mh (lokal willkommen Mengede/Huckarde)" in unknown.args["offices"]
    ambiguous = parse_closed("willkommen 24.12.2026 Urlaub", OFFICES, TODAY)
    assert isinstance(ambiguous, Problem) and ambiguous.args["offices"].count("(") == len(OFFICES)


def test_open_from_a_day() -> None:
    found = parse_open("Mengede 28.12.2026", OFFICES)
    assert found == OpenRequest(office=next(o for o in OFFICES if o.id == "mh"), day=date(2026, 12, 28))


@pytest.mark.parametrize(
    ("args", "key"),
    [
        ("", "open_usage"),
        ("mh", "open_usage"),
        ("mh 28.12.2026 weil", "open_usage"),
        ("mh 28.13.2026", "bad_date"),
        ("nirgends 28.12.2026", "office_unknown"),
    ],
)
def test_open_problems(args: str, key: str) -> None:
    found = parse_open(args, OFFICES)
    assert isinstance(found, Problem) and (found.key, found.usage) == (key, "open")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (None, "week"),
        ("", "week"),
        ("week", "week"),
        ("Woche", "week"),
        (" MONTH ", "month"),
        ("monat", "month"),
    ],
)
def test_stats_periods(args: str | None, expected: str) -> None:
    assert parse_period(args) == expected


def test_a_wrong_period_shows_the_usage() -> None:
    found = parse_period("jahr")
    assert isinstance(found, Problem) and found.usage == "stats"


def test_periods_end_today() -> None:
    assert period_days("week", TODAY) == (date(2026, 11, 17), TODAY)
    assert period_days("month", TODAY) == (date(2026, 10, 25), TODAY)
