from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.actions import (
    MAX_CALLBACK_BYTES,
    MAX_ROW_ID,
    BookDay,
    BookDays,
    BookInterpreter,
    BookSlot,
    CancelBooking,
    FlowGo,
    InvalidAction,
    MarkAttendance,
    SetLanguage,
    ShowHours,
    ShowOriginal,
    action_types,
    field_rules,
    pack,
    unpack,
)

HUGE = "9" * 55


@pytest.mark.parametrize(
    "action",
    [
        BookSlot("mh", 29_411_460),
        CancelBooking(12, True),
        ShowHours(None),
        ShowHours("ns"),
        FlowGo("school", "ask_age"),
        BookDay("2026-11-30"),
        BookDays(None),
        BookDays("2026-12-01"),
        SetLanguage("?"),
        SetLanguage("uk"),
        BookInterpreter("no"),
        MarkAttendance(MAX_ROW_ID, False),
        ShowOriginal(1),
    ],
)
def test_pack_and_unpack_round_trip(action) -> None:
    data = pack(action)
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    assert unpack(data) == action


@pytest.mark.parametrize(
    "data",
    [
        "",
        "nope:1",
        "bks:mh",
        "bks:mh:soon",
        "bkx:1:2",
        "f::x",
        "bkx:1:1:1",
        "menu:1",
        "x" * 65,
        # ids: positive, plain ASCII digits, within the id columns (32-bit INTEGER on PostgreSQL)
        f"bkx:{HUGE}:1",
        "bkx:-1:1",
        "bkx:0:1",
        f"bkx:{MAX_ROW_ID + 1}:1",
        "bkx:+1:1",
        "bkx: 1:1",
        "bkx:1_0:1",
        "bkx:١:1",
        "bkx:1.0:1",
        f"orig:{HUGE}",
        "orig:-5",
        f"att:{HUGE}:1",
        f"bka:{HUGE}",
        f"bkr:{HUGE}",
        # times and days: real ones, in this century
        "bks:mh:nan",
        "bks:mh:1e9",
        "bks:mh:5",
        f"bks:mh:{HUGE}",
        "bks:mh:-29411460",
        "bkd:2026-02-30",
        "bkd:26-11-30",
        "bkd:1900-01-01",
        "bkd:2026-11-30T10:00",
        "bkdd:2026-13-01",
        "bkd:２０２６-11-30",
        # keys, language codes and flags: their shape
        "t:../flows",
        "t:" + "a" * 41,
        "t:",
        "o:ba ",
        "o:\x00",
        "lang:de-DE-x-y-z",
        "lang:??",
        "bki:NO",
        "hc:2",
        "hc:true",
        "del:",
        "d:\ud800",
    ],
)
def test_forged_data_is_rejected(data: str) -> None:
    with pytest.raises(InvalidAction):
        unpack(data)


@given(
    st.one_of(
        st.text(max_size=80),
        st.builds(
            lambda prefix, rest: f"{prefix}:{rest}",
            st.sampled_from([a.prefix for a in action_types()]),
            st.text(max_size=70),
        ),
    )
)
def test_any_data_unpacks_to_an_action_or_is_invalid(data: str) -> None:
    try:
        action = unpack(data)
    except InvalidAction:
        return
    assert pack(action) == data  # only what pack writes comes back


def test_every_action_field_has_a_rule() -> None:
    kinds = action_types()
    assert {CancelBooking, MarkAttendance, BookDay} <= set(kinds)
    for kind in kinds:
        assert len(field_rules(kind)) == len(dataclasses.fields(kind))


@pytest.mark.parametrize(
    "action",
    [
        CancelBooking(0),
        CancelBooking(MAX_ROW_ID + 1),
        BookDay("2026-02-30"),
        BookSlot("mh", -1),
        SetLanguage("Deutsch"),
        FlowGo("school", "ask age"),
    ],
)
def test_a_button_unpack_would_refuse_cannot_be_packed(action) -> None:
    with pytest.raises(ValueError):
        pack(action)


def test_too_long_or_ambiguous_values_cannot_be_packed() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        pack(FlowGo("school", "ä" * 40))
    with pytest.raises(ValueError, match="may not contain"):
        pack(FlowGo("school", "a:b"))
