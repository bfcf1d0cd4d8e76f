"""Topic flows (flows/*.yaml): school, kita, energy, letters, ... run by the flow engine.

What the person said is kept for the conversation (bot.core.kept_facts) and read before any flow
asks: a question whose answer is known is skipped ("my son is 8": the school flow answers for a
primary school at once). A typed answer at a flow question is read against its choices; what fits
none gets the question again with a one-line hint. A deadline today or tomorrow on a letter goes
straight to the urgent advice."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.content.flows import ChoiceSpec, Step, UnknownStep
from bot.content.locales import html_to_plain
from bot.content.typed_answers import typed_choice
from bot.core import kept_facts
from bot.core.actions import FlowGo, OpenTopic
from bot.core.dispatch import Dialogue, Question
from bot.core.events import Event, TextIn
from bot.core.replies import Lines, Msg, Reply
from bot.core.turn import Replies, Turn
from bot.dialogues.basics import outdated_button
from bot.handoff import notes
from bot.understanding.said_facts import SaidFacts, age_answer, read_said_facts

dialogue = Dialogue("topics")

# Inside the handoff's notes (10) and the machine localisation (0): plain state bookkeeping.
KEPT_FACTS_ORDER = 20
# Inside the answer-in-the-written-language hook (order 0 in free_text): the replies are in it.
TYPED_ANSWER_ORDER = 10
SAID = "topics.said"  # turn.extra: the facts read from this turn's typed text

LETTERS, URGENT = "letters", "urgent"
LETTER_INTENTS = frozenset({"letters", "authorities"})
OFFICE_INTENTS = frozenset({"office", "authorities", "hours"})
HINTS = {"child_age": "flow.hint.child_age", "from_eu": "flow.hint.from_eu"}
HINT_CHOOSE = "flow.hint.choose"


# --- what the person said, kept across the turn ------------------------------------------------


@dialogue.around(KEPT_FACTS_ORDER)
async def keep_what_was_said(turn: Turn, event: Event, handle: Callable[[], Awaitable[Replies]]) -> Replies:
    """Read the kept facts, add what this text says, let the turn run, put them back."""
    await kept_facts.load(turn)
    if isinstance(event, TextIn) and event.text:
        said = read_said_facts(event.text, turn.services.places.districts())
        turn.extra[SAID] = said
        kept_facts.note(turn, **said.kept())
        _remember_where_they_live(turn, said)
    replies = await handle()
    if not turn.extra.get(notes.ERASED):  # /deletemydata: nothing may be written back
        await kept_facts.store(turn)
    return replies


def _remember_where_they_live(turn: Turn, said: SaidFacts) -> None:
    """ "I live in Eving": their office is Eving's, kept on the person like a chosen district."""
    from bot.dialogues.places import remember_district

    if said.district is None:
        return
    district = turn.services.places.districts().get(said.district)
    office = turn.services.places.offices().for_district(said.district)
    if district is not None and office is not None:
        remember_district(turn, district, office)
        kept_facts.note(turn, office=office.id)


def said_now(turn: Turn) -> SaidFacts:
    said = turn.extra.get(SAID)
    return said if isinstance(said, SaidFacts) else SaidFacts()


# --- typed questions: a deadline, an answer to the flow question, where one lives ---------------


@dialogue.around_question(TYPED_ANSWER_ORDER)
async def answered_in_context(turn: Turn, question: Question, answer: Callable[[], Awaitable[Replies]]) -> Replies:
    said = said_now(turn)
    at = kept_facts.flow_question_before(turn)
    if said.deadline_soon and (
        said.about_letter or question.intent in LETTER_INTENTS or (at is not None and at[0] == LETTERS)
    ):
        turn.extra[notes.OPENED] = LETTERS
        return await show_step(turn, LETTERS, URGENT)
    step = _question_step(turn, at)
    if at is not None and step is not None:
        labels = {i: _labels(turn, choice.label, choice.topic) for i, choice in enumerate(step.choices or ())}
        choice = typed_choice(step, question.text, labels)
        if choice is not None:
            if step.asks == "child_age":
                kept_facts.note(turn, child_age=age_answer(question.text))
            return await choice_typed(turn, at[0], choice)
    if said.district is not None and (question.intent in OFFICE_INTENTS or question.intent is None):
        from bot.dialogues.places import district_chosen

        return await district_chosen(turn, said.district)
    if at is not None and step is not None and question.intent in (None, at[0]):
        # Not another question: the answer to this one, in words that fit no choice.
        if step.asks is not None and step.choice_for(kept_facts.known(turn)) is not None:
            return await show_step(turn, *at)  # the text told what the question asks
        return await ask_again(turn, *at, HINTS.get(step.asks or "", HINT_CHOOSE))
    return await answer()


def _question_step(turn: Turn, at: tuple[str, str] | None) -> Step | None:
    if at is None:
        return None
    try:
        step = turn.services.flows.step(*at)
    except UnknownStep:
        return None
    return step if step.choices else None


async def choice_typed(turn: Turn, flow_id: str, choice: ChoiceSpec) -> Replies:
    if choice.topic is not None:
        turn.extra[notes.OPENED] = choice.topic
        return await open_topic(turn, choice.topic)
    assert choice.goto is not None
    _note_implied(turn, flow_id, choice.goto)
    return await show_step(turn, flow_id, choice.goto)


def _labels(turn: Turn, label: str | None, topic: str | None) -> list[str]:
    """A choice's label as the person sees it, and in German (people mix German words in)."""
    library, catalog = turn.services.flows, turn.services.catalog
    key = label or (library.get(topic).title if topic is not None and topic in library else None)
    if key is None:
        return []
    texts = [html_to_plain(catalog.render(Msg(key), lang)) for lang in dict.fromkeys((turn.lang, "de"))]
    return [text for text in texts if text]


async def ask_again(turn: Turn, flow_id: str, step_id: str, hint: str) -> Replies:
    replies = await show_step(turn, flow_id, step_id)
    if len(replies) == 1 and replies[0].text is not None:
        first = replies[0]
        return [Reply(Lines(Msg(hint), first.text, separator="\n\n"), choices=first.choices)]
    return replies


# --- showing flows ------------------------------------------------------------------------------


@dialogue.intents_where(lambda turn, intent: intent in turn.services.flows)
async def topic_asked(turn: Turn, question: Question) -> Replies:
    """Every intent that is a topic flow, unless a feature answers it."""
    assert question.intent is not None
    turn.extra[notes.OPENED] = question.intent
    return await open_topic(turn, question.intent)


async def open_topic(turn: Turn, topic: str) -> Replies:
    await turn.leave()
    try:
        start = turn.services.flows.get(topic).start
    except UnknownStep:
        return outdated_button(turn)
    return await show_step(turn, topic, start)


async def show_step(turn: Turn, flow: str, step: str) -> Replies:
    """The step, or the step its known answers lead to; a question is remembered for a typed answer."""
    library = turn.services.flows
    known = kept_facts.known(turn)
    try:
        flow, step = library.resolve(flow, step, known)
        reply = library.reply_for(flow, step, turn.lang, known=known)
    except UnknownStep:
        return outdated_button(turn)
    kept_facts.note(turn, topic=flow)
    is_question = not library.step(flow, step).is_answer
    kept_facts.flow_question_shown(turn, flow if is_question else None, step)
    return [reply]


async def flow_step(turn: Turn, flow: str, step: str) -> Replies:
    return await show_step(turn, flow, step)


def _note_implied(turn: Turn, flow: str, step: str) -> None:
    """Reaching a step may say something about the person ("yes, from an EU country")."""
    kept_facts.note(turn, **turn.services.flows.implied_by(flow, step))


@dialogue.action(OpenTopic)
async def topic_pressed(turn: Turn, action: OpenTopic) -> Replies:
    return await open_topic(turn, action.topic)


@dialogue.action(FlowGo)
async def step_pressed(turn: Turn, action: FlowGo) -> Replies:
    if action.flow in turn.services.flows:
        _note_implied(turn, action.flow, action.step)
    return await flow_step(turn, action.flow, action.step)
