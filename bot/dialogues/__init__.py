"""The dialogues, one module per feature. `registry()` lists them in the order they are asked."""
from __future__ import annotations

from bot.core.dispatch import Registry


def registry() -> Registry:
    from bot.dialogues import basics, places, privacy, topics
    from bot.dialogues import reminders

    built = Registry()
    built.include(basics.dialogue, places.dialogue, topics.dialogue, privacy.dialogue)
    built.include(reminders.dialogue)
    from bot.dialogues import booking
    built.include(booking.dialogue)
    from bot.dialogues import handoff
    built.include(handoff.dialogue)
    return built
