"""The terminal's numbered buttons: a number presses what was offered, decoded as on Telegram;
anything else typed is text, whatever digits it is written in."""

from __future__ import annotations

import pytest

from bot.content.locales import Catalog
from bot.core.actions import BookSlot, CancelBooking, OpenMenu
from bot.core.events import PressIn, TextIn
from bot.core.replies import Choice, Msg, Plain, Reply, rows
from bot.terminal.chat import TerminalView


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def view_offering(catalog: Catalog, *choices: Choice) -> tuple[TerminalView, list[str]]:
    written: list[str] = []
    view = TerminalView(catalog, written.append)
    view.show([Reply(Plain("Ihre Termine"), choices=rows(list(choices)))], "de")
    return view, written


def test_a_number_presses_the_button_it_was_shown_with(catalog: Catalog) -> None:
    view, written = view_offering(
        catalog,
        Choice(Plain("Absagen"), CancelBooking(7)),
        Choice(Plain("9:30"), BookSlot("mh", 29_411_460)),
        Choice(Msg("common.menu"), OpenMenu()),
    )
    assert "  [2] 9:30\n" in written
    assert view.parse("1") == PressIn(CancelBooking(7))
    assert view.parse(" 2 ") == PressIn(BookSlot("mh", 29_411_460))
    assert view.parse("3") == PressIn(OpenMenu())


@pytest.mark.parametrize("typed", ["4", "0", "²", "٣", "1" * 5000, "-1"])
def test_other_numbers_are_text(catalog: Catalog, typed: str) -> None:
    view, _ = view_offering(catalog, Choice(Plain("Absagen"), CancelBooking(7)))
    assert view.parse(typed) == TextIn(typed)


def test_a_button_telegram_could_not_carry_is_not_offered_here_either(catalog: Catalog) -> None:
    with pytest.raises(ValueError, match="CancelBooking.booking"):
        view_offering(catalog, Choice(Plain("Absagen"), CancelBooking(0)))
