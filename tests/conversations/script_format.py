"""Conversation scripts (YAML) as typed objects: what a person does, turn by turn, and what they must see.

The format is described in tests/conversations/README.md. Loading is strict: an unknown key, a
missing expectation for a `say`, or an unknown named text is an error, so that a typo in a script
cannot turn into a check that always passes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.places.calendar import TZ

LANGUAGES = ("de", "en", "ar", "fa", "uk", "ru", "tr", "ro", "bg", "fr")
# Named texts a script may require (`sees`) or forbid (`never`); checks.py says what each one is.
NAMED_TEXTS = (
    "picker",
    "not_sure",
    "not_understood",
    "error",
    "place_not_found",
    "ask_place",
    "which_office",
    "ask_age",
    "offer_switch",
    "urgent_letter",
    "my_bookings",
    "cancel_question",
    "which_topic",
    "which_day",
    "which_time",
    "booked",
    "interpreter_question",
    "note_question",
    "postcode_several",
)
# What counts as a dead end on every turn, unless the turn allows it.
DEAD_ENDS = ("picker", "not_sure", "not_understood", "error", "no_reply")
CASES = (
    "first_message",
    "unknown_language",
    "places",
    "kept_facts",
    "bookings_by_text",
    "answer_first",
    "deadline",
    "typed_at_buttons",
)

_EXPECT_KEYS = {"has", "not", "sees", "never", "button", "button_any", "lang", "langs", "either"}
_TURN_KEYS = {"say", "press", "location", "book", "clock", "expect", "allow"}
_ACTIONS = ("say", "press", "location", "book", "clock")
_SCRIPT_KEYS = {"id", "lang", "case", "goal", "turns"}


class ScriptError(ValueError):
    """A script that does not follow the format (named by its id)."""


@dataclass(frozen=True)
class Expect:
    """What the person must (and must not) see in the bot's answer to one turn."""

    has: tuple[tuple[str, ...], ...] = ()  # each entry: one of these substrings appears
    not_: tuple[str, ...] = ()
    sees: tuple[str, ...] = ()  # named texts (NAMED_TEXTS), in any of the ten languages
    never: tuple[str, ...] = ()
    button: tuple[str, ...] = ()  # each: some button's text contains it
    button_any: tuple[str, ...] = ()  # some button's text contains one of these
    lang: str | None = None  # the answer is in this language
    langs: tuple[str, ...] = ()  # each of these languages is in the answer
    either: tuple[Expect, ...] = ()  # at least one of these holds


@dataclass(frozen=True)
class Booking:
    """An appointment made through the booking buttons before the script goes on."""

    office: str
    day: date = date(2026, 11, 27)
    time: str = "09:30"


@dataclass(frozen=True)
class Turn:
    action: str  # say | press | location | book | clock
    say: str | None = None
    press: str | None = None
    location: tuple[float, float] | None = None
    book: Booking | None = None
    clock: datetime | None = None
    expect: Expect = field(default_factory=Expect)
    allow: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.action == "say":
            return f"say {self.say!r}"
        if self.action == "press":
            return f"press {self.press!r}"
        if self.action == "location":
            return f"location {self.location}"
        if self.action == "book":
            assert self.book is not None
            return f"book at {self.book.office} on {self.book.day} {self.book.time}"
        return f"clock {self.clock}"


@dataclass(frozen=True)
class Script:
    id: str
    lang: str | None  # the Telegram app language (language_code); None: not set
    case: str
    goal: str
    turns: tuple[Turn, ...]
    source: str = ""


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ScriptError(f"{where}: expected a string or a list of strings, got {value!r}")


def _named(value: Any, where: str) -> tuple[str, ...]:
    names = _strings(value, where)
    for name in names:
        if name not in NAMED_TEXTS:
            raise ScriptError(f"{where}: unknown named text {name!r} (known: {', '.join(NAMED_TEXTS)})")
    return names


def _language(value: Any, where: str) -> str:
    if value not in LANGUAGES:
        raise ScriptError(f"{where}: {value!r} is not one of the ten languages")
    return str(value)


def parse_expect(raw: Any, where: str) -> Expect:
    if not isinstance(raw, dict) or not raw:
        raise ScriptError(f"{where}: expect must be a non-empty mapping")
    unknown = set(raw) - _EXPECT_KEYS
    if unknown:
        raise ScriptError(f"{where}: unknown expectation {sorted(unknown)} (known: {sorted(_EXPECT_KEYS)})")
    has: list[tuple[str, ...]] = []
    for entry in raw.get("has", []):
        has.append(_strings(entry, f"{where}.has"))
    either = raw.get("either", [])
    if not isinstance(either, list):
        raise ScriptError(f"{where}.either: expected a list of expectations")
    return Expect(
        has=tuple(has),
        not_=_strings(raw["not"], f"{where}.not") if "not" in raw else (),
        sees=_named(raw["sees"], f"{where}.sees") if "sees" in raw else (),
        never=_named(raw["never"], f"{where}.never") if "never" in raw else (),
        button=_strings(raw["button"], f"{where}.button") if "button" in raw else (),
        button_any=_strings(raw["button_any"], f"{where}.button_any") if "button_any" in raw else (),
        lang=_language(raw["lang"], f"{where}.lang") if "lang" in raw else None,
        langs=tuple(_language(v, f"{where}.langs") for v in raw.get("langs", [])),
        either=tuple(parse_expect(e, f"{where}.either[{i}]") for i, e in enumerate(either)),
    )


def _parse_booking(raw: Any, where: str) -> Booking:
    if not isinstance(raw, dict) or "office" not in raw or set(raw) - {"office", "day", "time"}:
        raise ScriptError(f"{where}: book needs {{office: <id>}} and optionally day, time")
    day = raw.get("day", date(2026, 11, 27))
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return Booking(office=str(raw["office"]), day=day, time=str(raw.get("time", "09:30")))


def parse_turn(raw: Any, where: str) -> Turn:
    if not isinstance(raw, dict):
        raise ScriptError(f"{where}: a turn must be a mapping")
    unknown = set(raw) - _TURN_KEYS
    if unknown:
        raise ScriptError(f"{where}: unknown turn key {sorted(unknown)}")
    actions = [a for a in _ACTIONS if a in raw]
    if len(actions) != 1:
        raise ScriptError(f"{where}: a turn has exactly one of {_ACTIONS}, got {actions}")
    action = actions[0]
    allow = _strings(raw["allow"], f"{where}.allow") if "allow" in raw else ()
    for name in allow:
        if name not in DEAD_ENDS:
            raise ScriptError(f"{where}.allow: {name!r} is not a dead end ({', '.join(DEAD_ENDS)})")
    expect = parse_expect(raw["expect"], f"{where}.expect") if "expect" in raw else Expect()
    if action == "say":
        text = raw["say"]
        if not isinstance(text, str) or not text:
            raise ScriptError(f"{where}: say needs a text")
        return Turn("say", say=text, expect=expect, allow=allow)
    if action == "press":
        return Turn("press", press=str(raw["press"]), expect=expect, allow=allow)
    if action == "location":
        point = raw["location"]
        if not (isinstance(point, list) and len(point) == 2):
            raise ScriptError(f"{where}: location is [lat, lon]")
        return Turn("location", location=(float(point[0]), float(point[1])), expect=expect, allow=allow)
    if "expect" in raw or allow:
        raise ScriptError(f"{where}: {action} takes no expect/allow")
    if action == "book":
        return Turn("book", book=_parse_booking(raw["book"], where))
    moment = datetime.fromisoformat(str(raw["clock"])).replace(tzinfo=TZ)
    return Turn("clock", clock=moment)


def parse_script(raw: Any, source: str = "") -> Script:
    if not isinstance(raw, dict) or "id" not in raw:
        raise ScriptError(f"{source}: a script is a mapping with an id")
    sid = str(raw["id"])
    unknown = set(raw) - _SCRIPT_KEYS
    missing = _SCRIPT_KEYS - set(raw)
    if unknown or missing:
        raise ScriptError(f"{sid}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    if raw["case"] not in CASES:
        raise ScriptError(f"{sid}: case {raw['case']!r} is not one of {CASES}")
    lang = raw["lang"]
    if lang in (None, "none"):
        lang = None
    elif not (isinstance(lang, str) and 2 <= len(lang) <= 3):
        raise ScriptError(f"{sid}: lang is a language code or none")
    turns_raw = raw["turns"]
    if not isinstance(turns_raw, list) or not turns_raw:
        raise ScriptError(f"{sid}: turns must be a non-empty list")
    turns = tuple(parse_turn(t, f"{sid} turn {i + 1}") for i, t in enumerate(turns_raw))
    if not any(t.expect != Expect() for t in turns):
        raise ScriptError(f"{sid}: no turn expects anything")
    return Script(id=sid, lang=lang, case=str(raw["case"]), goal=str(raw["goal"]), turns=turns, source=source)


def load_file(path: Path) -> list[Script]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("scripts"), list):
        raise ScriptError(f"{path}: expected a mapping with a list `scripts`")
    return [parse_script(raw, source=path.name) for raw in data["scripts"]]


def load(path: Path) -> list[Script]:
    """All scripts of a file, or of every *.yaml file in a directory; ids must be unique."""
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    scripts = [s for f in files for s in load_file(f)]
    seen: set[str] = set()
    for script in scripts:
        if script.id in seen:
            raise ScriptError(f"{script.id}: id used twice")
        seen.add(script.id)
    return scripts
