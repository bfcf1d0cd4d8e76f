"""The conversation core only orders what the features register (bot.core.dispatch)."""

from __future__ import annotations

import ast
import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.core.dispatch import Dialogue, Question, Registry
from bot.core.events import Event, TextIn

CORE = Path(__file__).resolve().parents[2] / "bot" / "core"
FEATURES = ("bot.dialogues", "bot.safety", "bot.handoff")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda p: p.name)
def test_the_core_imports_no_feature(path: Path) -> None:
    features = {name for name in imported_modules(path) if name.startswith(FEATURES) or name == "bot.safety"}
    assert features == set(), f"{path.name} imports {sorted(features)}"


def test_first_handlers_are_asked_by_priority_whatever_the_order_of_dialogues() -> None:
    asked: list[str] = []

    def first(name: str, answers: bool) -> Callable[[object, Event], Awaitable[list[object] | None]]:
        async def handler(turn: object, event: Event) -> list[object] | None:
            asked.append(name)
            return [] if answers else None

        return handler

    late, early = Dialogue("late"), Dialogue("early")
    late.first(30)(first("open handoff", answers=False))
    early.first(0)(first("safety", answers=False))
    early.first(10)(first("language gate", answers=True))
    registry = Registry()
    registry.include(late, early)

    async def ask() -> None:
        for handler in registry.firsts():
            if await handler(None, TextIn("x")) is not None:  # no turn needed
                return

    asyncio.run(ask())
    assert asked == ["safety", "language gate"]


def test_intents_by_name_win_over_intents_by_predicate_and_unsure_takes_the_rest() -> None:
    async def office(turn: object, question: Question) -> list:
        return []

    async def topic(turn: object, question: Question) -> list:
        return []

    async def unsure(turn: object, question: Question) -> list:
        return []

    places, topics, free_text = Dialogue("places"), Dialogue("topics"), Dialogue("free_text")
    places.intent("office")(office)
    topics.intents_where(lambda turn, intent: intent in {"office", "school"})(topic)
    free_text.unsure(unsure)
    registry = Registry()
    registry.include(topics, places, free_text)
    assert registry.intent(None, "office") is office
    assert registry.intent(None, "school") is topic
    assert registry.intent(None, "weather") is None
    assert registry.unsure() is unsure
    assert registry.all_intents() == ["office"]


def test_around_hooks_go_outermost_first() -> None:
    async def outer(turn: object, event: Event, handle):
        return await handle()

    async def inner(turn: object, event: Event, handle):
        return await handle()

    a, b = Dialogue("a"), Dialogue("b")
    a.around(10)(inner)
    b.around(0)(outer)
    registry = Registry()
    registry.include(a, b)
    assert registry.arounds() == [outer, inner]


def test_the_registered_dialogues_answer_every_feature_intent_once() -> None:
    from bot.dialogues import registry

    built = registry()
    intents = built.all_intents()
    assert sorted(intents) == ["booking", "emergency", "hours", "human", "language", "office"]
    assert len(intents) == len(set(intents))
    assert built.unsure() is not None and built.unhandled() is not None
