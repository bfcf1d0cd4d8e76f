"""The features, one module per dialogue. `registry()` lists them; the conversation core asks
them in this order where several could answer (their `first` handlers go by priority)."""

from __future__ import annotations

from bot.core.dispatch import Registry


def registry() -> Registry:
    from bot.dialogues import (
        basics,
        booking,
        emergency,
        free_text,
        handoff,
        office_closures,
        places,
        privacy,
        question_stats,
        reminders,
        topics,
    )

    built = Registry()
    built.include(
        emergency.dialogue,
        basics.dialogue,
        office_closures.dialogue,
        question_stats.dialogue,
        places.dialogue,
        topics.dialogue,
        privacy.dialogue,
        reminders.dialogue,
        booking.dialogue,
        handoff.dialogue,
        free_text.dialogue,
    )
    return built
