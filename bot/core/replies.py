"""What the bot answers, independent of the channel.

Texts are locale keys with arguments (`Msg`), rendered per language by `bot.content.locales`.
Arguments are escaped for Telegram HTML at render time, so user text can never inject markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.actions import Action


@dataclass(frozen=True)
class Msg:
    """A locale key plus the arguments for its placeholders.

    An argument may itself be a Msg (rendered in the same language first), or `Raw`
    for text that is already safe HTML (built by our own formatting code)."""

    key: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, key: str, /, **args: Any) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "args", dict(args))

    def __hash__(self) -> int:
        return hash((self.key, tuple(sorted((k, repr(v)) for k, v in self.args.items()))))


@dataclass(frozen=True)
class Raw:
    """Text that is already safe for Telegram HTML (escaped by our own code)."""

    html: str


@dataclass(frozen=True)
class Plain:
    """Literal text not from a locale (a person's name, an office name); escaped when rendered."""

    text: str


@dataclass(frozen=True)
class Lines:
    """Several texts shown as one message, one per line (each rendered in the same language)."""

    parts: tuple[Text, ...]
    separator: str = "\n"

    def __init__(self, *parts: Text, separator: str = "\n") -> None:
        object.__setattr__(self, "parts", tuple(parts))
        object.__setattr__(self, "separator", separator)


Text = Msg | Plain | Raw | Lines


@dataclass(frozen=True)
class Choice:
    """A button. `label` is rendered like any text; `action` comes back as PressIn(action)."""

    label: Text
    action: Action


@dataclass(frozen=True)
class Link:
    """A button that opens a web page (https only)."""

    label: Text
    url: str


@dataclass(frozen=True)
class Venue:
    """A map pin with a title and address (Telegram sendVenue)."""

    latitude: float
    longitude: float
    title: str
    address: str


@dataclass(frozen=True)
class Document:
    """A file to send, e.g. an .ics calendar entry."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Reply:
    """One message to the person.

    `choices` are rows of inline buttons (Choice or Link). `ask_location` shows a reply-keyboard
    button that asks the app for the location; `remove_keyboard` removes that keyboard again.
    `venue`/`document` are sent after the text."""

    text: Text
    choices: tuple[tuple[Choice | Link, ...], ...] = ()
    ask_location: bool = False
    remove_keyboard: bool = False
    venue: Venue | None = None
    document: Document | None = None


def rows(*rows_: Sequence[Choice | Link]) -> tuple[tuple[Choice | Link, ...], ...]:
    """Build the `choices` of a Reply from lists of buttons, dropping empty rows."""
    return tuple(tuple(r) for r in rows_ if r)


def column(buttons: Sequence[Choice | Link]) -> tuple[tuple[Choice | Link, ...], ...]:
    """One button per row."""
    return tuple((b,) for b in buttons)


def grid(buttons: Sequence[Choice | Link], per_row: int) -> tuple[tuple[Choice | Link, ...], ...]:
    """The buttons in rows of `per_row` (the last row may be shorter)."""
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))
