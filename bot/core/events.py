"""What a person did, independent of the channel (Telegram, terminal)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.actions import Action
from bot.text.telegram_html import strip_control_characters

MAX_TEXT = 4096  # Telegram's own limit for one message


def typed_text(text: str) -> str:
    """A typed message as the conversation reads it: no control characters, trimmed, bounded."""
    return strip_control_characters(text).strip()[:MAX_TEXT]


@dataclass(frozen=True)
class TextIn:
    """A typed message that is not a command."""

    text: str


@dataclass(frozen=True)
class CommandIn:
    """A command such as /start or /book (name without the slash, lower case)."""

    name: str
    args: str = ""


@dataclass(frozen=True)
class PressIn:
    """A button press; `action` is what the button meant when the bot offered it."""

    action: Action


@dataclass(frozen=True)
class LocationIn:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class MediaIn:
    """A photo, document, sticker, voice message, ... (`kind` names it)."""

    kind: str
    caption: str | None = None


Event = TextIn | CommandIn | PressIn | LocationIn | MediaIn
