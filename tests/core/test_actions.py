from __future__ import annotations

import pytest

from bot.core.actions import (
    MAX_CALLBACK_BYTES,
    BookSlot,
    CancelBooking,
    FlowGo,
    InvalidAction,
    ShowHours,
    pack,
    unpack,
)


@pytest.mark.parametrize("action", [BookSlot("mh", 29_411_460), CancelBooking(12, True), ShowHours(None),
                                    ShowHours("ns"), FlowGo("school", "ask_age")])
def test_pack_and_unpack_round_trip(action) -> None:  # type: ignore[no-untyped-def]
    data = pack(action)
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    assert unpack(data) == action


@pytest.mark.parametrize("data", ["", "nope:1", "bks:mh", "bks:mh:soon", "bkx:1:2", "f::x", "bkx:1:1:1"])
def test_forged_data_is_rejected(data: str) -> None:
    with pytest.raises(InvalidAction):
        unpack(data)


def test_too_long_or_ambiguous_values_cannot_be_packed() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        pack(FlowGo("school", "ä" * 40))
    with pytest.raises(ValueError, match="may not contain"):
        pack(FlowGo("school", "a:b"))
