""" "Not sure" offers the likeliest topics, the way to staff once, and the menu."""

from __future__ import annotations

from types import SimpleNamespace

from bot.content.flows import FlowLibrary
from bot.core.actions import TalkToStaff
from bot.dialogues.free_text import not_sure


def test_talk_to_staff_is_offered_once_even_when_it_is_a_likely_topic() -> None:
    turn = SimpleNamespace(services=SimpleNamespace(flows=FlowLibrary.load()))
    (reply,) = not_sure(turn, (("language", 0.3), ("human", 0.2), ("energy", 0.1)))
    actions = [choice.action for row in reply.choices for choice in row]
    staff = [a for a in actions if isinstance(a, TalkToStaff) or getattr(a, "topic", None) == "human"]
    assert len(staff) == 1
    assert len(actions) == 4  # language, energy, staff, menu
