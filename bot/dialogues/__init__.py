"""The features, one module per dialogue. `registry()` lists them; the conversation core asks
them in this order where several could answer (their `first` handlers go by priority)."""
from __future__ import annotations

from bot.core.dispatch import Registry


def registry() -> Registry:
    from bot.dialogues import (basics, booking, emergency, free_text, handoff, places, privacy, reminders,
                               topics)

    built = Registry()
    built.include(emergency.dialogue, basics.dialogue, places.dialogue, topics.dialogue, privacy.dialogue,
                  reminders.dialogue, booking.dialogue, handoff.dialogue, free_text.dialogue)
    return built
