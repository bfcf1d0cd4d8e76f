"""What the person told the bot, kept for the conversation: a child's age, where they live, whether
they come from an EU country, the language of an interpreter, the last topic.

The facts live in the conversation state's data under one key (`kept`), so they last exactly as
long as the state (the nightly purge of old states ends them; /deletemydata erases them with the
state). Dialogues replace the state's data when they change step (`turn.goto`, `turn.leave`): the
facts are read into the turn before the event is handled (`load`) and put back after it (`store`).
In between, every dialogue reads them with `known(turn)` and adds to them with `note(turn, ...)`.

Also here: which flow question the bot showed last (`flow_at`), so a typed answer can be read as
the answer to it. It lasts one turn: the next event either answers it or moves on. Likewise the
office whose card or hours the bot showed last (`office_at`), so "wo ist das?" right after is read
as about that office.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.core.turn import Turn

STATE_KEY = "kept"  # the facts in the conversation state's data
FLOW_AT_KEY = "flow_at"  # [flow, step]: the flow question shown last
OFFICE_AT_KEY = "office_at"  # the office whose card or hours were shown last
_FACTS = "kept_facts.facts"  # turn.extra: the facts during the turn
_FLOW_AT_BEFORE = "kept_facts.flow_at_before"  # turn.extra: the question shown before this turn
_FLOW_AT_NOW = "kept_facts.flow_at_now"  # turn.extra: the question shown in this turn
_OFFICE_AT_BEFORE = "kept_facts.office_at_before"  # turn.extra: the office shown in the turn before
_OFFICE_AT_NOW = "kept_facts.office_at_now"  # turn.extra: the office shown in this turn

# What may be kept, with the type of its value (the state is stored as JSON).
KEPT_TYPES: dict[str, type] = {
    "child_age": int,
    "district": str,
    "postal_code": str,
    "office": str,
    "from_eu": bool,
    "interpreter_language": str,
    "topic": str,
}


async def load(turn: Turn) -> None:
    """Read the kept facts and the last flow question into the turn (before the event is handled)."""
    data = await turn.data()
    stored = data.get(STATE_KEY)
    turn.extra[_FACTS] = _valid(stored if isinstance(stored, dict) else {})
    at = data.get(FLOW_AT_KEY)
    turn.extra[_FLOW_AT_BEFORE] = (str(at[0]), str(at[1])) if isinstance(at, list) and len(at) == 2 else None
    office = data.get(OFFICE_AT_KEY)
    turn.extra[_OFFICE_AT_BEFORE] = office if isinstance(office, str) and office else None


def known(turn: Turn) -> dict[str, Any]:
    """The facts kept so far, this turn's included."""
    return dict(turn.extra.get(_FACTS, {}))


def note(turn: Turn, **facts: Any) -> None:
    """Keep these facts (None values are ignored: nothing said is no reason to forget)."""
    current = turn.extra.setdefault(_FACTS, {})
    current.update(_valid({key: value for key, value in facts.items() if value is not None}))


def flow_question_before(turn: Turn) -> tuple[str, str] | None:
    """The flow question (flow, step) the bot showed in the turn before, if the person is answering it."""
    at = turn.extra.get(_FLOW_AT_BEFORE)
    return at if isinstance(at, tuple) else None


def flow_question_shown(turn: Turn, flow: str | None, step: str | None = None) -> None:
    """The flow question shown in this turn (None: none, e.g. an answer step)."""
    turn.extra[_FLOW_AT_NOW] = (flow, step) if flow is not None and step is not None else None


def office_shown_before(turn: Turn) -> str | None:
    """The office whose card or hours the bot showed in the turn before, if any."""
    office = turn.extra.get(_OFFICE_AT_BEFORE)
    return office if isinstance(office, str) else None


def office_shown(turn: Turn, office_id: str) -> None:
    """This turn shows one office's card or hours."""
    turn.extra[_OFFICE_AT_NOW] = office_id


async def store(turn: Turn) -> None:
    """Put the facts and this turn's flow question back into the state (after the event was handled)."""
    data = await turn.data()
    wanted: dict[str, Any] = {}
    facts = turn.extra.get(_FACTS) or {}
    if facts:
        wanted[STATE_KEY] = dict(facts)
    at = turn.extra.get(_FLOW_AT_NOW)
    if at:
        wanted[FLOW_AT_KEY] = list(at)
    office = turn.extra.get(_OFFICE_AT_NOW)
    if office:
        wanted[OFFICE_AT_KEY] = office
    changed = {key: value for key, value in wanted.items() if data.get(key) != value}
    # The flow question and the office shown last only for one turn.
    stale = [key for key in (FLOW_AT_KEY, OFFICE_AT_KEY) if key in data and key not in wanted]
    if stale:
        for key in stale:
            data.pop(key)
        data.update(changed)
        await turn.state.set_data(data)
    elif changed:
        await turn.remember(**changed)


def _valid(facts: dict[str, Any]) -> dict[str, Any]:
    """Only known keys with values of their type (a stored state may be old or edited)."""
    return {key: value for key, value in facts.items() if key in KEPT_TYPES and type(value) is KEPT_TYPES[key]}
