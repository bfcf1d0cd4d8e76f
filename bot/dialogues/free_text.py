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
from bot.dialogues.basics import offer_switch, written_language
from bot.understanding import DetectedLanguage
from bot.understanding.language_choice import switched_language

dialogue = Dialogue("free_text")


@dialogue.around_question(0)
async def in_the_written_language(turn: Turn, question: Question, answer: Callable[[], Awaitable[Replies]]) -> Replies:
    """The answer in the language the question was written in, and an offer to keep it; only for
    a sentence confidently in another of our languages (bot.understanding.language_choice)."""
    understanding = question.understanding
    switch = None
    if understanding is not None and understanding.language not in (None, turn.lang):
        switch = adopt_written_language(turn, await written_language(question.text))
    replies = await answer()
    return replies + ([switch] if switch else [])


@dialogue.unsure
async def unsure(turn: Turn, question: Question) -> Replies:
    return not_sure(turn, question.alternatives)


def adopt_written_language(turn: Turn, detected: DetectedLanguage) -> Reply | None:
    """Answer in the language the person wrote a sentence in; offer to make it their language."""
    language = switched_language(turn.lang, detected, turn.services.catalog.languages)
    if language is None:
        return None
    turn.lang = language
    return offer_switch(turn, language)


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
