"""Typed questions: understand them, answer in the language they were written in, never guess."""
from __future__ import annotations

from bot.core.actions import OpenMenu, OpenTopic, TalkToStaff
from bot.core.replies import Choice, Msg, Reply
from bot.core.turn import Replies, Turn
from bot.dialogues.basics import offer_switch

# Intents that are features rather than topic flows; the conversation maps them to dialogues.
FEATURE_INTENTS = frozenset({"office", "hours", "booking", "human", "language"})


async def understand(turn: Turn, text: str):  # -> Understanding
    """What `text` is about; the turn's typed text was understood before the turn began."""
    known = turn.understood.get(text)
    if known is not None:
        return known
    understander = await turn.services.understander()
    return await understander.aunderstand(text)


def adopt_written_language(turn: Turn, language: str | None) -> Reply | None:
    """Answer in the language the person wrote in; offer to make it their language."""
    catalog = turn.services.catalog
    if language and language != turn.lang and catalog.supports(language):
        turn.lang = language
        return offer_switch(turn, language)
    return None


def not_sure(turn: Turn, alternatives: tuple[tuple[str, float], ...]) -> Replies:
    library = turn.services.flows
    buttons: list[tuple[Choice, ...]] = []
    for intent, _score in alternatives[:3]:
        if intent in library:
            buttons.append((Choice(Msg(library.get(intent).title), OpenTopic(intent)),))
    buttons.append((Choice(Msg("common.talk_to_staff"), TalkToStaff()),))
    buttons.append((Choice(Msg("common.menu"), OpenMenu()),))
    key = "understanding.not_sure" if len(buttons) > 2 else "understanding.not_understood"
    return [Reply(Msg(key), choices=tuple(buttons))]
