"""What a button means.

Each action is a small frozen dataclass with a short `prefix`. `pack` turns it into the
callback data Telegram carries (at most 64 bytes, checked here and by `python -m bot check`);
`unpack` turns it back, rejecting anything forged or stale with `InvalidAction`. The Telegram
adapter filters callback queries by action type (see bot.telegram.filters.ActionFilter), the
terminal adapter packs and unpacks its numbered buttons the same way.

What a field may hold is declared once, in its type: `RowId`, `Key`, `Day`, ... are `Annotated`
types whose rule `unpack` applies to what arrives and `pack` to what goes out, so a handler only
ever sees values of the right type and range (a database id fits the id columns, a day is a real
date) and never a button the bot could not have sent. Whether a key names something that exists
(an office, a flow step) is the handler's question: that depends on data staff edit.
"""

from __future__ import annotations

import dataclasses
import re
import types
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import (
    Annotated,
    Any,
    ClassVar,
    Protocol,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
    runtime_checkable,
)

MAX_CALLBACK_BYTES = 64
_SEP = ":"


class InvalidAction(ValueError):
    """Callback data that no action of ours could have produced."""


# --- what a field may hold ---------------------------------------------------------------


@runtime_checkable
class Rule(Protocol):
    def decode(self, raw: str) -> Any:
        """The value written as `raw`; ValueError if no button of ours carries it."""

    def encode(self, value: Any) -> str:
        """How `value` is written; ValueError if it breaks the rule."""


_INTEGER = re.compile(r"-?[0-9]{1,20}")  # ASCII digits only: int() would also take "+1", " 1", "1_0", "١"


@dataclass(frozen=True)
class Between:
    """A whole number from `low` to `high`."""

    low: int
    high: int

    def decode(self, raw: str) -> int:
        if not _INTEGER.fullmatch(raw):
            raise ValueError(f"{raw!r} is not a whole number")
        return self._checked(int(raw))

    def encode(self, value: Any) -> str:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{value!r} is not a whole number")
        return str(self._checked(value))

    def _checked(self, value: int) -> int:
        if not self.low <= value <= self.high:
            raise ValueError(f"{value} is not between {self.low} and {self.high}")
        return value


class TextRule:
    """A rule for text, which is written as it is: encoding a value is decoding it."""

    def decode(self, raw: str) -> str:
        raise NotImplementedError

    def encode(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not text")
        return self.decode(value)


@dataclass(frozen=True)
class Matching(TextRule):
    """Text that `pattern` matches in full."""

    pattern: str

    def decode(self, raw: str) -> str:
        if re.fullmatch(self.pattern, raw) is None:
            raise ValueError(f"{raw!r} does not match {self.pattern}")
        return raw


@dataclass(frozen=True)
class IsoDay(TextRule):
    """A calendar day written YYYY-MM-DD, in the years `first` to `last`."""

    first: int
    last: int

    def decode(self, raw: str) -> str:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw) is None:
            raise ValueError(f"{raw!r} is not a day written YYYY-MM-DD")
        day = date.fromisoformat(raw)  # ValueError for 2026-02-30
        if not self.first <= day.year <= self.last:
            raise ValueError(f"{raw} is not in the years {self.first} to {self.last}")
        return raw


@dataclass(frozen=True)
class Flag:
    """True or False, written 1 or 0."""

    def decode(self, raw: str) -> bool:
        if raw not in ("0", "1"):
            raise ValueError(f"{raw!r} is not 0 or 1")
        return raw == "1"

    def encode(self, value: Any) -> str:
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not True or False")
        return "1" if value else "0"


def _unix_minutes(year: int) -> int:
    return int(datetime(year, 1, 1, tzinfo=UTC).timestamp()) // 60


# The id columns are SQL INTEGER: 32 bits on PostgreSQL (64 on SQLite), and ids start at 1.
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Between(1, MAX_ROW_ID)]
# A moment in this century as minutes since 1970 (UTC).
UnixMinutes = Annotated[int, Between(_unix_minutes(2000), _unix_minutes(2100))]
# The id of a flow, step, topic, office or district (flows/, data/): short ASCII.
Key = Annotated[str, Matching(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")]
# A language code as chat apps and the language detection write it ("uk", "pt-br"); also "no"
# (no interpreter).
LanguageCode = Annotated[str, Matching(r"[a-z]{2,3}(-[a-z0-9]{1,8})?")]
# A language code, or "?" for the list of languages.
LanguageChoice = Annotated[str, Matching(r"\?|[a-z]{2,3}(-[a-z0-9]{1,8})?")]
Day = Annotated[str, IsoDay(2000, 2100)]

# Fields typed without a rule get these: a bare int is a small count or index (it fits every
# INTEGER column), a bare str one short word without blanks or control characters.
_DEFAULT_RULES: dict[type, Rule] = {
    int: Between(0, MAX_ROW_ID),
    str: Matching(r"[^\s\x00-\x1f\x7f:\ud800-\udfff]{1,60}"),
    bool: Flag(),
}


@dataclass(frozen=True)
class FieldRule:
    name: str
    rule: Rule
    optional: bool  # None is written as an empty value


_FIELD_RULES: dict[type[Action], tuple[FieldRule, ...]] = {}


def field_rules(cls: type[Action]) -> tuple[FieldRule, ...]:
    """The rule of each field of an action, in order (TypeError for a type without one)."""
    known = _FIELD_RULES.get(cls)
    if known is None:
        known = _FIELD_RULES[cls] = _read_field_rules(cls)
    return known


def _read_field_rules(cls: type[Action]) -> tuple[FieldRule, ...]:
    hints = get_type_hints(cls, include_extras=True)
    out = []
    for f in dataclasses.fields(cls):
        hint, optional = hints[f.name], False
        if get_origin(hint) in (Union, types.UnionType):
            inner = [a for a in get_args(hint) if a is not type(None)]
            if len(inner) != 1:
                raise TypeError(f"{cls.__name__}.{f.name}: one type, or one type | None")
            hint, optional = inner[0], True
        if get_origin(hint) is Annotated:
            _, *extras = get_args(hint)
            rules = [e for e in extras if isinstance(e, Rule)]
            if len(rules) != 1:
                raise TypeError(f"{cls.__name__}.{f.name}: Annotated with exactly one rule")
            rule: Rule = rules[0]
        elif hint in _DEFAULT_RULES:
            rule = _DEFAULT_RULES[hint]
        else:
            raise TypeError(f"{cls.__name__}.{f.name}: unsupported field type {hint!r}")
        out.append(FieldRule(f.name, rule, optional))
    return tuple(out)


_REGISTRY: dict[str, type[Action]] = {}


@dataclass(frozen=True)
class Action:
    prefix: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.prefix or _SEP in cls.prefix:
            raise TypeError(f"{cls.__name__} needs a prefix without {_SEP!r}")
        if cls.prefix in _REGISTRY:
            raise TypeError(f"prefix {cls.prefix!r} used twice")
        _REGISTRY[cls.prefix] = cls


A = TypeVar("A", bound=Action)


def action_types() -> tuple[type[Action], ...]:
    """Every action there is (for checks and tests)."""
    return tuple(_REGISTRY.values())


def pack(action: Action) -> str:
    """The callback data for `action`; ValueError if a value breaks its field's rule or the
    data would not fit in 64 bytes."""
    rules = field_rules(type(action))
    values = [getattr(action, rule.name) for rule in rules]
    # Separator and size first: for a flow's author they say more than which rule a value breaks.
    texts = ["" if v is None else str(int(v) if isinstance(v, bool) else v) for v in values]
    for rule, text in zip(rules, texts, strict=False):
        if _SEP in text:
            raise ValueError(f"{type(action).__name__}.{rule.name} may not contain {_SEP!r}")
    plain = _SEP.join([action.prefix, *texts])
    if len(plain.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {plain!r}")
    parts = [action.prefix]
    for rule, value in zip(rules, values, strict=False):
        if value is None and rule.optional:
            parts.append("")
            continue
        try:
            parts.append(rule.rule.encode(value))
        except ValueError as exc:
            raise ValueError(f"{type(action).__name__}.{rule.name}: {exc}") from None
    return _SEP.join(parts)


def unpack(data: str) -> Action:
    """The action `data` stands for; InvalidAction for anything `pack` could not have written."""
    if len(data) > MAX_CALLBACK_BYTES or len(data.encode("utf-8", "surrogatepass")) > MAX_CALLBACK_BYTES:
        raise InvalidAction(f"callback data over {MAX_CALLBACK_BYTES} bytes")
    prefix, *values = data.split(_SEP)
    cls = _REGISTRY.get(prefix)
    if cls is None:
        raise InvalidAction(f"unknown prefix {prefix!r}")
    rules = field_rules(cls)
    if len(values) != len(rules):
        raise InvalidAction(f"{prefix}: expected {len(rules)} values, got {len(values)}")
    kwargs: dict[str, Any] = {}
    for rule, raw in zip(rules, values, strict=False):
        if raw == "" and rule.optional:
            kwargs[rule.name] = None
            continue
        try:
            kwargs[rule.name] = rule.rule.decode(raw)
        except ValueError as exc:
            raise InvalidAction(f"{prefix}.{rule.name}: {exc}") from None
    return cls(**kwargs)


# --- the actions ------------------------------------------------------------------------
# Field types: a rule type from above (RowId, Key, Day, ...), or bool; `| None` for optional.
# Keep them short: 64 bytes in all.


@dataclass(frozen=True)
class OpenMenu(Action):
    prefix: ClassVar[str] = "menu"


@dataclass(frozen=True)
class OpenTopic(Action):
    """Start a topic flow (topic = intent id, e.g. "school")."""

    prefix: ClassVar[str] = "t"
    topic: Key


@dataclass(frozen=True)
class FlowGo(Action):
    """Go to a step inside a topic flow."""

    prefix: ClassVar[str] = "f"
    flow: Key
    step: Key


@dataclass(frozen=True)
class SetLanguage(Action):
    prefix: ClassVar[str] = "lang"
    language: LanguageChoice


@dataclass(frozen=True)
class ShowOffice(Action):
    """Show one office (address, hours, pin)."""

    prefix: ClassVar[str] = "o"
    office: Key


@dataclass(frozen=True)
class PickDistrict(Action):
    """A district chosen from a list (e.g. a postal code touching several districts)."""

    prefix: ClassVar[str] = "d"
    district: Key


@dataclass(frozen=True)
class FindMyOffice(Action):
    prefix: ClassVar[str] = "findo"


@dataclass(frozen=True)
class ShowHours(Action):
    prefix: ClassVar[str] = "h"
    office: Key | None = None


@dataclass(frozen=True)
class TalkToStaff(Action):
    prefix: ClassVar[str] = "human"
    topic: Key | None = None


@dataclass(frozen=True)
class HandoffConsent(Action):
    prefix: ClassVar[str] = "hc"
    agree: bool


@dataclass(frozen=True)
class StartBooking(Action):
    prefix: ClassVar[str] = "bk"
    topic: Key | None = None


@dataclass(frozen=True)
class BookOffice(Action):
    prefix: ClassVar[str] = "bko"
    office: Key


@dataclass(frozen=True)
class BookTopic(Action):
    prefix: ClassVar[str] = "bkt"
    topic: Key


@dataclass(frozen=True)
class BookDay(Action):
    """A day offered for booking, as ISO date YYYY-MM-DD (Europe/Berlin)."""

    prefix: ClassVar[str] = "bkd"
    day: Day


@dataclass(frozen=True)
class BookSlot(Action):
    """A slot start as Unix minutes (UTC) at an office."""

    prefix: ClassVar[str] = "bks"
    office: Key
    start: UnixMinutes


@dataclass(frozen=True)
class BookInterpreter(Action):
    """Interpreter language, or "no" when none is needed."""

    prefix: ClassVar[str] = "bki"
    language: LanguageCode


@dataclass(frozen=True)
class BookSkipNote(Action):
    prefix: ClassVar[str] = "bkn"


@dataclass(frozen=True)
class BookConfirm(Action):
    prefix: ClassVar[str] = "bkc"
    confirm: bool


@dataclass(frozen=True)
class MyBookings(Action):
    prefix: ClassVar[str] = "mybk"


@dataclass(frozen=True)
class CancelBooking(Action):
    """Ask to cancel; `confirmed` is the second press."""

    prefix: ClassVar[str] = "bkx"
    booking: RowId
    confirmed: bool = False


@dataclass(frozen=True)
class RescheduleBooking(Action):
    prefix: ClassVar[str] = "bkr"
    booking: RowId


@dataclass(frozen=True)
class WillAttend(Action):
    """ "I'll come", pressed under a reminder."""

    prefix: ClassVar[str] = "bka"
    booking: RowId


@dataclass(frozen=True)
class DeleteMyData(Action):
    prefix: ClassVar[str] = "del"
    confirmed: bool


@dataclass(frozen=True)
class ShowOriginal(Action):
    """Show the German original of a machine-translated staff message."""

    prefix: ClassVar[str] = "orig"
    message: RowId


@dataclass(frozen=True)
class AskPlace(Action):
    """Ask again where the person lives (share location or type a district)."""

    prefix: ClassVar[str] = "askp"


@dataclass(frozen=True)
class MarkAttendance(Action):
    """Staff chat, after an appointment: did the person come (attended) or not (no-show)?"""

    prefix: ClassVar[str] = "att"
    booking: RowId
    attended: bool


@dataclass(frozen=True)
class BookPickOffice(Action):
    """Booking: show the list of offices (to book at another office than one's own)."""

    prefix: ClassVar[str] = "bkpo"


@dataclass(frozen=True)
class BookDays(Action):
    """Booking: show the days with free slots after `after` (ISO date; None: from today)."""

    prefix: ClassVar[str] = "bkdd"
    after: Day | None = None


@dataclass(frozen=True)
class BookAnother(Action):
    """Booking: book one more although an appointment is open (the person was shown it)."""

    prefix: ClassVar[str] = "bkan"
    topic: Key | None = None


@dataclass(frozen=True)
class ResumeBooking(Action):
    """Booking: go on where it stopped (an emergency answer came in between)."""

    prefix: ClassVar[str] = "bkgo"
