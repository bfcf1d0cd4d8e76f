"""The answer to a possible emergency, whatever the person was doing (bot.safety finds it).

Every typed text, in every state, goes through the safety layer first (`check`, the first handler
of all): before the language picker and before any dialogue step sees it, so no step can forget
it. The lexicon and the numbers first: an emergency never waits for the model to load.

Numbers first, in the language the person wrote in (German and English for a language beyond
the ten), with the step of flows/emergency.yaml that fits the danger, a "talk to staff" button and
when the offices open next. A dialogue step that waits for text stays where it was: the text is
not used as a booking note or a district, and a booking can be continued with one tap. Staff are
told at once when the emergency came while the person talks to them or books an appointment.
"""

from __future__ import annotations

import asyncio
import logging

from bot import safety
from bot.content.locales import html_to_plain
from bot.core.actions import ResumeBooking
from bot.core.dispatch import Dialogue, Question
from bot.core.events import Event, TextIn
from bot.core.replies import Choice, Lines, Link, Msg, Plain, Raw, Reply, Text, rows
from bot.core.turn import Replies, Turn
from bot.dialogues import booking, handoff, staff_notes
from bot.dialogues.free_text import not_sure
from bot.dialogues.menu import language_picker
from bot.dialogues.places import when_phrase
from bot.handoff import notes, relay
from bot.safety import CATEGORIES, SafetyAlert
from bot.understanding import Understanding, detect_language

log = logging.getLogger(__name__)

dialogue = Dialogue("emergency")

FLOW = "emergency"
BILINGUAL = ("de", "en")  # beyond the ten curated languages
SAFETY_PRIORITY = 0  # before every other handler
# The matcher's label for emergencies. Its keywords ("Polizei", "Feuerwehr") also make ordinary
# questions a confident "emergency"; only the safety layer decides what is one.
EMERGENCY_INTENT = "emergency"


def known_emergency(text: str) -> bool:
    """The lexicon or the numbers alone find a possible emergency (answered without the model)."""
    return safety.read(text).alert is not None


@dialogue.first(SAFETY_PRIORITY)
async def check(turn: Turn, event: Event) -> Replies | None:
    """Every typed text: the answer to a possible emergency, else None (the conversation goes on)."""
    if not isinstance(event, TextIn):
        return None
    text = event.text
    reading = safety.read(text)
    understanding = await turn.understanding(text) if text and reading.alert is None else None
    alert = safety.with_model(reading, understanding)
    if alert is None:
        return None
    language = await written_in(turn, alert, understanding, text)
    return await answer(turn, alert, text, language=language)


@dialogue.intent(EMERGENCY_INTENT)
async def not_an_emergency(turn: Turn, question: Question) -> Replies:
    """No danger found (bot.safety): answer the topic the question is closest to."""
    others = tuple((label, score) for label, score in question.alternatives if label != EMERGENCY_INTENT)
    similarities = question.understanding.similarities if question.understanding is not None else {}
    if not others or similarities.get(others[0][0], 0.0) < similarities.get("none", 0.0):
        return not_sure(turn, others)
    return await question.answer_as(others[0][0])


async def written_in(turn: Turn, alert: SafetyAlert, understanding: Understanding | None, text: str) -> str | None:
    """The curated language to answer an emergency in; None: German and English.

    What the text says first: a lexicon phrase that matched is the strongest sign (it knows
    dialects and transliterations the detector does not); where phrases of several languages
    matched ("пожар" is Russian and Bulgarian), the detector decides among them. Without a
    phrase, a person whose app speaks a language beyond the ten gets German and English."""
    catalog = turn.services.catalog
    hint = turn.language_hint
    if understanding is not None:
        detected = understanding.language
    else:
        try:
            detected = (await asyncio.to_thread(detect_language, text)).code
        except Exception:  # noqa: BLE001 - the lexicon's language or the person's own will do
            detected = None
    matched = [code for code in alert.languages if catalog.supports(code)]
    if detected in matched:
        return detected
    if matched:
        return matched[0]
    own = turn.person.language or (hint.split("-")[0].lower() if hint else None)
    if own is not None and not catalog.supports(own):
        return None
    if detected is not None and catalog.supports(detected):
        return detected
    return own


async def answer(turn: Turn, alert: SafetyAlert, text: str, *, language: str | None) -> Replies:
    """`language`: a curated language to answer in, or None for German and English."""
    step = await turn.step()
    log.info(
        "person %s: possible emergency (%s, found by %s, step %s)",
        turn.person.id,
        alert.category,
        alert.source,
        step or "-",
    )
    turn.extra[notes.OPENED] = FLOW
    replies = [emergency_reply(turn, alert.category, language)]
    if step == handoff.OPEN_STEP:
        # Talking to staff: they get the message itself, and a note that it may be an emergency.
        replies += await handoff.relay_text(turn, text)
        await relay.alert_staff(turn, alert.category)
    elif step is not None and step.startswith(booking.PREFIX):
        replies.append(
            Reply(Msg("safety.booking_paused"), choices=rows([Choice(Msg("safety.continue_booking"), ResumeBooking())]))
        )
        await _alert_booking_staff(turn, alert.category, language)
    if turn.person.language is None:
        replies.append(language_picker(turn, intro=Msg("start.pick_language")))
    return replies


def emergency_reply(turn: Turn, category: str, language: str | None) -> Reply:
    """The flow step for the category (the general one with its category buttons otherwise)."""
    flows = turn.services.flows
    step = category if category in CATEGORIES else flows.get(FLOW).start
    if language is not None:
        turn.lang = language
        reply = flows.reply_for(FLOW, step, language)
        return Reply(Lines(reply.text, _office_line(turn)), choices=reply.choices)
    catalog = turn.services.catalog
    parts = []
    for lang in BILINGUAL:
        turn.lang = lang
        reply = flows.reply_for(FLOW, step, lang)
        parts.append(catalog.render(Lines(reply.text, _office_line(turn)), lang))
    turn.lang = BILINGUAL[0]
    by_language = [flows.reply_for(FLOW, step, lang).choices for lang in BILINGUAL]
    choices = tuple(
        tuple(_bilingual_button(turn, [rows_[r][c] for rows_ in by_language]) for c in range(len(row)))
        for r, row in enumerate(by_language[0])
    )
    return Reply(Raw("\n\n".join(parts)), choices=choices)


def _bilingual_button(turn: Turn, same: list[Choice | Link]) -> Choice | Link:
    catalog = turn.services.catalog
    pairs = zip(same, BILINGUAL, strict=False)  # one label per language of the bilingual answer
    label = " · ".join(html_to_plain(catalog.render(item.label, lang)) for item, lang in pairs)
    first = same[0]
    return Link(Plain(label), first.url) if isinstance(first, Link) else Choice(Plain(label), first.action)


def _office_line(turn: Turn) -> Text:
    closed, next_opening = handoff.office_closed(turn)
    if not closed:
        return Msg("safety.office_open")
    if next_opening is None:
        return Raw("")
    return Msg("safety.office_next", next=when_phrase(turn, next_opening))


async def _alert_booking_staff(turn: Turn, category: str, language: str | None) -> None:
    """A note in the staff chat without the text: it was typed into a booking, not sent to staff."""
    draft = await booking.draft_of(turn)
    office = draft.office if draft is not None else None
    html = turn.services.catalog.render(
        Msg(
            "safety.staff.alert_booking",
            category=Msg(f"safety.staff.category.{category}"),
            language=staff_notes.language_name_de(turn.person.language or language),
            office=(
                staff_notes.office_name(turn.services, office)
                if office
                else Msg("safety.staff.category.unknown_office")
            ),
        ),
        "de",
    )
    await turn.services.outbox.to_staff(html)
