"""Talk to a person: consent first, then everything the person types or sends goes to staff.

Entry: /human, the menu button and "talk to staff" under any answer (TalkToStaff), the `human`
intent. The consent step says, in the person's language, what staff will see and — only if the
city configured a translation service — that messages are machine-translated by that service.
While the conversation is open (OPEN_STEP), typed text and media go to staff before any other
dialogue sees them (after the safety check and the language gate). This module holds every reply
and step of the handoff; the store and the relay, which answer nobody, are in bot/handoff
(store.py, relay.py; the staff chat is behind bot.core.staff_desk). The staff side
(bot.telegram.routers.handoff_staff) calls `staff_wrote`, `close` and `offer_booking` here.

It also keeps a small note in the conversation state across step changes: the last topic the bot
answered (bot.handoff.notes), which the first post in a staff thread names.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actions import FindMyOffice, HandoffConsent, OpenMenu, ShowOriginal, StartBooking, TalkToStaff
from bot.core.dispatch import Dialogue, Question
from bot.core.events import Event, MediaIn, TextIn
from bot.core.replies import Choice, Lines, Msg, Plain, Raw, Reply, rows
from bot.core.services import Services
from bot.core.staff_desk import DeskError
from bot.core.turn import Replies, StateStore, Turn
from bot.dialogues.menu import main_menu
from bot.dialogues.places import when_phrase
from bot.handoff import notes, relay, staff_texts, store
from bot.handoff.relay import Delivery, Sent
from bot.handoff.translate import service_name
from bot.places import opening_hours
from bot.places.calendar import to_local
from bot.storage.models import Handoff, Person
from bot.text.telegram_html import strip_control_characters

log = logging.getLogger(__name__)

dialogue = Dialogue("handoff")

OPEN_STEP = "handoff:open"
CONSENT_STEP = "handoff:consent"
# After the safety check (0), the language gate (10) and the empty-text answer (20).
OPEN_PRIORITY = 30
NOTES_ORDER = 10  # inside the machine localisation of the replies (basics, 0)


# --- the person asks for staff ---------------------------------------------------------------


@dialogue.command("human")
async def human_command(turn: Turn, args: str = "") -> Replies:
    return await talk_to_staff(turn, None)


@dialogue.intent("human")
async def human_asked(turn: Turn, question: Question) -> Replies:
    return await human_command(turn)


@dialogue.action(TalkToStaff)
async def talk_pressed(turn: Turn, action: TalkToStaff) -> Replies:
    return await talk_to_staff(turn, action.topic)


async def talk_to_staff(turn: Turn, topic: str | None) -> Replies:
    if not turn.staff_desk.available:
        return [unavailable()]
    current = await store.latest_handoff(turn.services, turn.person.id)
    if current is not None and current.status == "open" and current.staff_chat_id == turn.staff_desk.chat_id:
        await goto_open(turn)
        return [Reply(Msg("handoff.still_connected"), choices=rows([Choice(Msg("common.menu"), OpenMenu())]))]
    return await ask_consent(turn, topic)


async def ask_consent(turn: Turn, topic: str | None) -> Replies:
    last = await notes.last_topic(turn)
    data = {"topic": topic} if topic else {}
    if last:
        data[notes.LAST_TOPIC] = last
    await turn.goto(CONSENT_STEP, **data)
    name = service_name(turn.services)
    translation = Msg("handoff.consent_translation", service=name) if name else Raw("")
    return [
        Reply(
            Msg("handoff.consent", days=turn.services.settings.retention_days, translation=translation),
            choices=rows(
                [Choice(Msg("handoff.consent_yes"), HandoffConsent(True))],
                [Choice(Msg("handoff.consent_no"), HandoffConsent(False))],
            ),
        )
    ]


@dialogue.action(HandoffConsent)
async def consent_pressed(turn: Turn, action: HandoffConsent) -> Replies:
    step = await turn.step()
    data = await turn.data()
    if not action.agree:
        turn.person.translation_consent = False
        await turn.leave()
        return [Reply(Msg("handoff.declined")), main_menu(turn)]
    if step != CONSENT_STEP:
        # An old consent message: ask again, so the person sees what they agree to now.
        return await talk_to_staff(turn, data.get("topic"))
    if service_name(turn.services) is not None:
        turn.person.translation_consent = True
    return await connect(turn, data.get("topic"))


@dialogue.text_in_step(CONSENT_STEP)
async def typed_before_consent(turn: Turn, text: str) -> Replies:
    return [Reply(Msg("handoff.consent_pending"))] + await ask_consent(turn, (await turn.data()).get("topic"))


@dialogue.media_in_step(CONSENT_STEP)
async def media_before_consent(turn: Turn, media: MediaIn) -> Replies:
    return await typed_before_consent(turn, "")


async def goto_open(turn: Turn) -> None:
    """Enter the relay step (typed text and media go to staff), keeping the conversation's notes."""
    last = await notes.last_topic(turn)
    await turn.goto(OPEN_STEP, **({notes.LAST_TOPIC: last} if last else {}))


async def connect(turn: Turn, topic: str | None) -> Replies:
    """After consent: open (or reopen) the person's thread and enter the relay step."""
    if not turn.staff_desk.available:
        return [unavailable()]
    await goto_open(turn)
    current = await store.latest_handoff(turn.services, turn.person.id)
    try:
        await relay.ensure_open(turn, current, topic=topic)
    except DeskError as exc:
        log.warning("person %s: staff chat unreachable when connecting: %s", turn.person.id, exc)
        await turn.leave()
        return [not_delivered()]
    return [Reply(Msg("handoff.connected"), choices=rows([Choice(Msg("common.menu"), OpenMenu())]))]


# --- while the conversation with staff is open -----------------------------------------------


@dialogue.first(OPEN_PRIORITY)
async def to_staff(turn: Turn, event: Event) -> Replies | None:
    """Typed text and media go to staff while the conversation is open."""
    if not isinstance(event, (TextIn, MediaIn)) or await turn.step() != OPEN_STEP:
        return None
    if not turn.staff_desk.available:
        await turn.leave()
        return [unavailable()]
    sent = await (relay.relay_text(turn, event.text) if isinstance(event, TextIn) else relay.relay_media(turn, event))
    return await _after_relay(turn, sent)


async def relay_text(turn: Turn, text: str) -> Replies:
    """A typed message to staff, whatever the step (the emergency answer relays it too)."""
    if not turn.staff_desk.available:
        await turn.leave()
        return [unavailable()]
    return await _after_relay(turn, await relay.relay_text(turn, text))


async def _after_relay(turn: Turn, sent: Sent) -> Replies:
    """ "Arrived", or once a day out of office hours: when staff will read it."""
    if sent.handoff is None:
        return [not_delivered()]
    closed, next_opening = office_closed(turn)
    if closed and await relay.note_out_of_hours(turn, sent.handoff, to_local(turn.now).date().isoformat()):
        if next_opening is None:
            return [Reply(Msg("handoff.out_of_hours_unknown"))]
        return [Reply(Msg("handoff.out_of_hours", next=when_phrase(turn, next_opening)))]
    if sent.first:
        return [Reply(Msg("handoff.sent"))]
    return []


def office_closed(turn: Turn) -> tuple[bool, datetime | None]:
    """Is the person's office (or, not knowing it, every office) closed now? And when does it open?"""
    offices = turn.services.places.offices()
    office = offices.get(turn.person.office or "")
    candidates = [office] if office is not None else list(offices.all)
    statuses = [opening_hours.status(o, turn.now) for o in candidates]
    if any(s.open_now for s in statuses):
        return False, None
    openings = [s.next_opening for s in statuses if s.next_opening is not None]
    return True, min(openings) if openings else None


@dialogue.action(ShowOriginal)
async def original_pressed(turn: Turn, action: ShowOriginal) -> Replies:
    original = await store.original_for(turn.services, turn.person.id, action.message)
    if not original:
        return [Reply(Msg("handoff.original_gone"))]
    return [Reply(Lines(Msg("handoff.original"), Plain(original)))]


# --- the note kept across step changes -------------------------------------------------------


@dialogue.around(NOTES_ORDER)
async def keep_notes(turn: Turn, event: Event, handle: Callable[[], Awaitable[Replies]]) -> Replies:
    kept = await notes.read(turn)
    replies = await handle()
    await notes.keep(turn, kept, event)
    return replies


# --- staff -> newcomer (called by the staff side of the adapter) -----------------------------


async def staff_wrote(
    services: Services,
    session: AsyncSession,
    handoff: Handoff,
    text: str,
    *,
    staff_name: str | None,
    staff_message_id: int | None,
    person_state: StateStore | None = None,
    caption: bool = False,
) -> Delivery:
    """A staff message for the newcomer: translated, marked, with the German original one tap away.

    `caption`: the text is the caption of a photo or document already copied to the person, so it
    is only sent again when there is a translation to show.
    `session` is the staff update's own; it is written only after the translation and the state
    change (which use other connections)."""
    person = await session.get(Person, handoff.person_id)
    if person is None:
        return Delivery(False, person_gone=True)
    text = strip_control_characters(text).strip()
    relayed = await relay.translate_for(services, handoff, person, text)
    await expect_answer(person, person_state)
    if caption and relayed.text is None:
        return Delivery(True, translation_failed=relayed.failed)
    message = await relay.record_from_staff(
        services, session, handoff, text, relayed, staff_message_id=staff_message_id
    )
    show_names = services.settings.show_staff_names and staff_texts.clean_name(staff_name)
    title = (
        Msg("handoff.from_staff_named", name=staff_texts.clean_name(staff_name))
        if show_names
        else Msg("handoff.from_staff")
    )
    buttons = [Choice(Msg("handoff.reply"), TalkToStaff(handoff.topic))]
    if relayed.text is not None:
        text_part = Lines(title, Plain(relayed.text), Msg("handoff.machine_note"))
        buttons.insert(0, Choice(Msg("handoff.show_original"), ShowOriginal(message.id)))
    elif relayed.failed:
        text_part = Lines(title, Msg("handoff.translation_failed"), Plain(text))
    else:
        text_part = Lines(title, Plain(text))
    delivered = await services.outbox.to_person(person, [Reply(text_part, choices=rows(buttons))])
    log.info(
        "handoff %s: staff message %s to person %s",
        handoff.id,
        "delivered" if delivered else "not delivered",
        person.id,
    )
    return Delivery(delivered, translation_failed=relayed.failed)


async def expect_answer(person: Person, person_state: StateStore | None) -> None:
    """After a staff message the person's answer should reach staff too, unless they are in the
    middle of something else (a booking, say). Writes another connection: call before the staff
    update's session writes."""
    if person_state is not None and person.active:
        if await person_state.get_state() in (None, CONSENT_STEP):
            await person_state.set_state(OPEN_STEP)


async def close(services: Services, session: AsyncSession, handoff: Handoff) -> Delivery:
    """Staff ended the conversation: the thread is closed, the person told."""
    person = await relay.close(services, session, handoff)
    if person is None:
        return Delivery(False, person_gone=True)
    delivered = await services.outbox.to_person(
        person, [Reply(Msg("handoff.closed"), choices=rows([Choice(Msg("common.menu"), OpenMenu())]))]
    )
    log.info("handoff %s closed by staff (person %s)", handoff.id, person.id)
    return Delivery(delivered)


async def offer_booking(services: Services, session: AsyncSession, handoff: Handoff) -> Delivery:
    """Staff offer an appointment: the person gets the booking start in their language."""
    person = await session.get(Person, handoff.person_id)
    if person is None:
        return Delivery(False, person_gone=True)
    topic = handoff.topic if handoff.topic and handoff.topic not in staff_texts.NOT_TOPICS else None
    delivered = await services.outbox.to_person(
        person,
        [
            Reply(
                Msg("handoff.book_offer"),
                choices=rows(
                    [Choice(Msg("menu.book"), StartBooking(topic))],
                    [Choice(Msg("handoff.reply"), TalkToStaff(handoff.topic))],
                ),
            )
        ],
    )
    log.info("handoff %s: booking offered to person %s", handoff.id, person.id)
    return Delivery(delivered)


# --- replies ---------------------------------------------------------------------------------


def unavailable() -> Reply:
    return Reply(
        Msg("handoff.unavailable"),
        choices=rows([Choice(Msg("menu.find_office"), FindMyOffice()), Choice(Msg("common.menu"), OpenMenu())]),
    )


def not_delivered() -> Reply:
    return Reply(Msg("handoff.not_delivered"), choices=rows([Choice(Msg("common.menu"), OpenMenu())]))
