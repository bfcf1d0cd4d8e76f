"""What a button means.

Each action is a small frozen dataclass with a short `prefix`. `pack` turns it into the
callback data Telegram carries (at most 64 bytes, checked here and by `python -m bot check`);
`unpack` turns it back, rejecting anything forged or stale with `InvalidAction`. The Telegram
adapter filters callback queries by action type (see bot.telegram.filters.ActionFilter), the
terminal adapter keeps the objects as they are.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar, get_type_hints

MAX_CALLBACK_BYTES = 64
_SEP = ":"


class InvalidAction(ValueError):
    """Callback data that no action of ours could have produced."""


_REGISTRY: dict[str, type["Action"]] = {}


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


def pack(action: Action) -> str:
    parts = [action.prefix]
    for f in dataclasses.fields(action):
        value = getattr(action, f.name)
        if isinstance(value, bool):
            text = "1" if value else "0"
        else:
            text = "" if value is None else str(value)
        if _SEP in text:
            raise ValueError(f"{type(action).__name__}.{f.name} may not contain {_SEP!r}")
        parts.append(text)
    data = _SEP.join(parts)
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def unpack(data: str) -> Action:
    prefix, *values = data.split(_SEP)
    cls = _REGISTRY.get(prefix)
    if cls is None:
        raise InvalidAction(f"unknown prefix {prefix!r}")
    fields = dataclasses.fields(cls)
    if len(values) != len(fields):
        raise InvalidAction(f"{prefix}: expected {len(fields)} values, got {len(values)}")
    hints = get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for f, raw in zip(fields, values):
        kwargs[f.name] = _convert(hints[f.name], raw, prefix, f.name)
    return cls(**kwargs)


def _convert(hint: Any, raw: str, prefix: str, name: str) -> Any:
    allows_none = "None" in str(hint)
    if raw == "" and allows_none:
        return None
    base = hint
    if allows_none:
        base = next(a for a in getattr(hint, "__args__", (hint,)) if a is not type(None))
    try:
        if base is bool:
            if raw not in ("0", "1"):
                raise ValueError(raw)
            return raw == "1"
        if base is int:
            return int(raw)
        if base is str:
            if raw == "":
                raise ValueError("empty")
            return raw
    except ValueError as exc:
        raise InvalidAction(f"{prefix}.{name}: bad value {raw!r}") from exc
    raise TypeError(f"unsupported field type {hint!r}")


# --- the actions ------------------------------------------------------------------------
# Field types: str, int, bool or optional variants. Keep them short: 64 bytes in all.


@dataclass(frozen=True)
class OpenMenu(Action):
    prefix: ClassVar[str] = "menu"


@dataclass(frozen=True)
class OpenTopic(Action):
    """Start a topic flow (topic = intent id, e.g. "school")."""

    prefix: ClassVar[str] = "t"
    topic: str


@dataclass(frozen=True)
class FlowGo(Action):
    """Go to a step inside a topic flow."""

    prefix: ClassVar[str] = "f"
    flow: str
    step: str


@dataclass(frozen=True)
class SetLanguage(Action):
    prefix: ClassVar[str] = "lang"
    language: str


@dataclass(frozen=True)
class ShowOffice(Action):
    """Show one office (address, hours, pin)."""

    prefix: ClassVar[str] = "o"
    office: str


@dataclass(frozen=True)
class PickDistrict(Action):
    """A district chosen from a list (e.g. a postal code touching several districts)."""

    prefix: ClassVar[str] = "d"
    district: str


@dataclass(frozen=True)
class FindMyOffice(Action):
    prefix: ClassVar[str] = "findo"


@dataclass(frozen=True)
class ShowHours(Action):
    prefix: ClassVar[str] = "h"
    office: str | None = None


@dataclass(frozen=True)
class TalkToStaff(Action):
    prefix: ClassVar[str] = "human"
    topic: str | None = None


@dataclass(frozen=True)
class HandoffConsent(Action):
    prefix: ClassVar[str] = "hc"
    agree: bool


@dataclass(frozen=True)
class StartBooking(Action):
    prefix: ClassVar[str] = "bk"
    topic: str | None = None


@dataclass(frozen=True)
class BookOffice(Action):
    prefix: ClassVar[str] = "bko"
    office: str


@dataclass(frozen=True)
class BookTopic(Action):
    prefix: ClassVar[str] = "bkt"
    topic: str


@dataclass(frozen=True)
class BookDay(Action):
    """A day offered for booking, as ISO date YYYY-MM-DD (Europe/Berlin)."""

    prefix: ClassVar[str] = "bkd"
    day: str


@dataclass(frozen=True)
class BookSlot(Action):
    """A slot start as Unix minutes (UTC) at an office."""

    prefix: ClassVar[str] = "bks"
    office: str
    start: int


@dataclass(frozen=True)
class BookInterpreter(Action):
    """Interpreter language, or "no" when none is needed."""

    prefix: ClassVar[str] = "bki"
    language: str


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
    booking: int
    confirmed: bool = False


@dataclass(frozen=True)
class RescheduleBooking(Action):
    prefix: ClassVar[str] = "bkr"
    booking: int


@dataclass(frozen=True)
class WillAttend(Action):
    """"I'll come", pressed under a reminder."""

    prefix: ClassVar[str] = "bka"
    booking: int


@dataclass(frozen=True)
class DeleteMyData(Action):
    prefix: ClassVar[str] = "del"
    confirmed: bool


@dataclass(frozen=True)
class ShowOriginal(Action):
    """Show the German original of a machine-translated staff message."""

    prefix: ClassVar[str] = "orig"
    message: int


@dataclass(frozen=True)
class AskPlace(Action):
    """Ask again where the person lives (share location or type a district)."""

    prefix: ClassVar[str] = "askp"


@dataclass(frozen=True)
class MarkAttendance(Action):
    """Staff chat, after an appointment: did the person come (attended) or not (no-show)?"""

    prefix: ClassVar[str] = "att"
    booking: int
    attended: bool


@dataclass(frozen=True)
class BookPickOffice(Action):
    """Booking: show the list of offices (to book at another office than one's own)."""

    prefix: ClassVar[str] = "bkpo"


@dataclass(frozen=True)
class BookDays(Action):
    """Booking: show the days with free slots after `after` (ISO date; None: from today)."""

    prefix: ClassVar[str] = "bkdd"
    after: str | None = None
