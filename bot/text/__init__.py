"""Text helpers for Telegram: HTML escaping, counting and splitting; bidi isolation for RTL."""

from bot.text.bidi import FSI, PDI, isolate, isolate_ltr_runs
from bot.text.telegram_html import (
    CAPTION_LIMIT,
    MESSAGE_LIMIT,
    escape,
    split_message,
    strip_control_characters,
    visible_length,
    visible_text,
)

__all__ = [
    "CAPTION_LIMIT",
    "FSI",
    "MESSAGE_LIMIT",
    "PDI",
    "escape",
    "isolate",
    "isolate_ltr_runs",
    "split_message",
    "strip_control_characters",
    "visible_length",
    "visible_text",
]
