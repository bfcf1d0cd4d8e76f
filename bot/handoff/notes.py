"""A small note in the conversation state: the last topic flow the bot answered.

When a person asks for staff, the first post in the staff thread says what the bot already told
them (e.g. "Strom und Gas"): a main-menu topic (flows/_menu.yaml). Dialogues replace the state's
data when they change step (`turn.goto`, `turn.leave`), so the handoff dialogue keeps this note across those changes: it
reads the note before the conversation handles an event and puts it back afterwards (`keep`).
"""

from __future__ import annotations

from typing import Any

from bot.core.actions import FlowGo, OpenTopic
from bot.core.events import Event, PressIn
from bot.core.turn import Turn

LAST_TOPIC = "last_topic"
OPENED = "notes.opened_topic"  # turn.extra: a topic flow was opened in this turn (by a dialogue)
ERASED = "notes.erased"  # turn.extra: the person erased their data; nothing may be written back


async def read(turn: Turn) -> dict[str, Any]:
    """The notes before the event is handled."""
    data = await turn.data()
    return {LAST_TOPIC: data[LAST_TOPIC]} if data.get(LAST_TOPIC) else {}


def topic_of(event: Event) -> str | None:
    if isinstance(event, PressIn):
        if isinstance(event.action, OpenTopic):
            return event.action.topic
        if isinstance(event.action, FlowGo):
            return event.action.flow
    return None


async def keep(turn: Turn, before: dict[str, Any], event: Event) -> None:
    """Put the note back (or record a newly opened topic) after the event was handled."""
    if turn.extra.get(ERASED):
        return
    opened = turn.extra.get(OPENED) or topic_of(event)
    if opened not in turn.services.flows.topics():
        opened = None  # the small flows that only point to a feature (office, booking, ...) are no topic
    wanted = opened or before.get(LAST_TOPIC)
    if not wanted:
        return
    data = await turn.data()
    if data.get(LAST_TOPIC) != wanted:
        await turn.remember(**{LAST_TOPIC: wanted})


async def last_topic(turn: Turn) -> str | None:
    return (await turn.data()).get(LAST_TOPIC)
