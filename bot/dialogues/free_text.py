"""Typed questions: answered in the language they were written in, never guessed.

The conversation understands a question (timed in bot.core.turn) and asks the dialogue registered
for its intent; this one answers what nobody answers ("not sure", with the closest topics as
buttons)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.actions import OpenMenu, OpenTopic, TalkToStaff
from bot.core.dispatch import Dialogue, Question
from bot.core.replies import Choice, Msg, Reply
from bot.core.turn import Replies, Turn
from bot.dialogues.basics import offer_switch

dialogue = Dialogue("free_text")


@dialogue.around_question(0)
async def in_the_written_language(turn: Turn, question: Question,
                                  answer: Callable[[], Awaitable[Replies]]) -> Replies:
    """The answer in the language the question was written in, and an offer to keep it."""
    understanding = question.understanding
    switch = adopt_written_language(turn, understanding.language) if understanding is not None else None
    replies = await answer()
    return replies + ([switch] if switch else [])


@dialogue.unsure
async def unsure(turn: Turn, question: Question) -> Replies:
    return not_sure(turn, question.alternatives)


def adopt_written_language(turn: Turn, language: str | None) -> Reply | None:
    """Answer in the language the person wrote in; offer to make it their language."""
    catalog = turn.services.catalog
    if language and language != turn.lang and catalog.supports(language):
        turn.lang = language
        return offer_switch(turn, language)
    return None


STAFF_INTENT = "human"  # its flow is the way to staff that not_sure always offers


def not_sure(turn: Turn, alternatives: tuple[tuple[str, float], ...]) -> Replies:
    library = turn.services.flows
    buttons: list[tuple[Choice, ...]] = []
    for intent, _score in alternatives[:3]:
        # "Talk to staff" is offered below in any case: not twice.
        if intent in library and intent != STAFF_INTENT:
            buttons.append((Choice(Msg(library.get(intent).title), OpenTopic(intent)),))
    buttons.append((Choice(Msg("common.talk_to_staff"), TalkToStaff()),))
    buttons.append((Choice(Msg("common.menu"), OpenMenu()),))
    key = "understanding.not_sure" if len(buttons) > 2 else "understanding.not_understood"
    return [Reply(Msg(key), choices=tuple(buttons))]
