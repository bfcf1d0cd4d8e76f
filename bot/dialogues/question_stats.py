"""Counts each typed question for /stats: its topic (the intent it was answered as understood,
or "unsure") and the language of the answer. Nothing else of the question is kept
(bot.staff_tools.counters)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.dispatch import Dialogue, Question
from bot.core.turn import Replies, Turn
from bot.staff_tools import counters

dialogue = Dialogue("question_stats")
UNSURE = "unsure"  # the topic of a question nobody could place


@dialogue.around_question(10)  # inside free_text's (0): the answer's language is settled by then
async def counted(turn: Turn, question: Question, answer: Callable[[], Awaitable[Replies]]) -> Replies:
    replies = await answer()
    await counters.count(turn.session, counters.QUESTION, turn.now, topic=question.intent or UNSURE, lang=turn.lang)
    return replies
