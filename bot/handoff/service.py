"""Handing a newcomer over to staff, and relaying between them: the rules, channel-agnostic.

One handoff (table `handoffs`) per conversation with staff, with one thread in the staff chat
(bot.handoff.desk). Newcomer -> staff: the original plus a marked machine translation into German;
staff -> newcomer: the translation into the person's language, marked, with the German original one
tap away (ShowOriginal). Every relayed message is kept in `handoff_messages` (purged after
RETENTION_DAYS by the nightly job), with the staff message id so a reply in a plain group finds its
handoff.

Database use: during a person's turn the turn's own session is never written (and never queried,
which would flush the person and hold SQLite's write lock while the conversation state or the
translation cache write through other connections); handoffs are written in short transactions of
their own. Logs carry person and handoff ids only, never texts or names.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actions import FindMyOffice, OpenMenu, ShowOriginal, StartBooking, TalkToStaff
from bot.core.events import MediaIn
from bot.core.replies import Choice, Lines, Msg, Plain, Reply, rows
from bot.core.services import Services
from bot.core.turn import Replies, StateStore, Turn
from bot.dialogues.places import when_phrase
from bot.handoff import notes, staff_texts
from bot.handoff.desk import DeskError, SourceMessage, StaffDesk, Thread, ThreadGone, desk_of, source_of
from bot.handoff.translate import Relayed, translate
from bot.places import opening_hours
from bot.places.calendar import to_local
from bot.places.offices import load_offices
from bot.storage.database import unit_of_work
from bot.storage.models import Booking, Handoff, HandoffMessage, Person
from bot.text.telegram_html import strip_control_characters

log = logging.getLogger(__name__)

OPEN_STEP = "handoff:open"
CONSENT_STEP = "handoff:consent"
ACK_AFTER = timedelta(minutes=10)  # "your message arrived" again after this much quiet
STAFF_LANGUAGE = staff_texts.STAFF_LANGUAGE


# --- lookups ---------------------------------------------------------------------------------

async def latest_handoff(services: Services, person_id: int) -> Handoff | None:
    """The person's open handoff, else their most recent one."""
    async with unit_of_work(services.sessions) as session:
        return await session.scalar(
            select(Handoff).where(Handoff.person_id == person_id)
            .order_by((Handoff.status == "open").desc(), Handoff.id.desc()).limit(1)
        )


async def handoff_for_thread(session: AsyncSession, chat_id: int, thread_id: int) -> Handoff | None:
    return await session.scalar(
        select(Handoff).where(Handoff.staff_chat_id == chat_id, Handoff.thread_id == thread_id)
        .order_by(Handoff.id.desc()).limit(1)
    )


async def handoff_for_reply(session: AsyncSession, chat_id: int, message_id: int,
                            replied_text: str | None) -> Handoff | None:
    """The handoff a staff reply in a plain group belongs to: the relayed message it answers is
    in the transcript; a continuation part or the summary is found by the number in its header."""
    handoff_id = await session.scalar(
        select(HandoffMessage.handoff_id).where(HandoffMessage.staff_chat_id == chat_id,
                                                HandoffMessage.staff_message_id == message_id)
        .order_by(HandoffMessage.id.desc()).limit(1)
    )
    if handoff_id is None:
        handoff_id = staff_texts.handoff_number(replied_text)
    if handoff_id is None:
        return None
    handoff = await session.get(Handoff, handoff_id)
    if handoff is None or handoff.staff_chat_id != chat_id or handoff.thread_id is not None:
        return None
    return handoff


async def _upcoming_bookings(services: Services, person_id: int, now: datetime) -> list[datetime]:
    async with unit_of_work(services.sessions) as session:
        return list((await session.scalars(
            select(Booking.starts_at).where(Booking.person_id == person_id, Booking.status == "booked",
                                            Booking.starts_at > now).order_by(Booking.starts_at)
        )).all())


async def _save(services: Services, handoff: Handoff, **values: Any) -> None:
    async with unit_of_work(services.sessions) as session:
        await session.execute(update(Handoff).where(Handoff.id == handoff.id).values(**values))
    for name, value in values.items():
        setattr(handoff, name, value)


async def _record(services: Services, **values: Any) -> HandoffMessage:
    async with unit_of_work(services.sessions) as session:
        message = HandoffMessage(**values)
        session.add(message)
    return message


def _thread(handoff: Handoff) -> Thread:
    assert handoff.staff_chat_id is not None
    return Thread(handoff.staff_chat_id, handoff.thread_id)


def _usable(handoff: Handoff | None, desk: StaffDesk) -> bool:
    """A handoff whose thread is in the staff chat this desk serves."""
    return handoff is not None and handoff.staff_chat_id is not None and handoff.staff_chat_id == desk.chat_id


# --- opening ---------------------------------------------------------------------------------

async def goto_open(turn: Turn) -> None:
    """Enter the relay step (typed text and media go to staff), keeping the conversation's notes."""
    last = await notes.last_topic(turn)
    await turn.goto(OPEN_STEP, **({notes.LAST_TOPIC: last} if last else {}))


async def connect(turn: Turn, topic: str | None) -> Replies:
    """After consent: open (or reopen) the person's thread and enter the relay step."""
    desk = desk_of(turn)
    if not desk.available:
        return unavailable()
    await goto_open(turn)
    current = await latest_handoff(turn.services, turn.person.id)
    try:
        await ensure_open(turn, current, topic=topic)
    except DeskError as exc:
        log.warning("person %s: staff chat unreachable when connecting: %s", turn.person.id, exc)
        await turn.leave()
        return [not_delivered()]
    return [Reply(Msg("handoff.connected"), choices=rows([Choice(Msg("common.menu"), OpenMenu())]))]


async def ensure_open(turn: Turn, current: Handoff | None, *, topic: str | None = None) -> Handoff:
    """The person's open handoff with a live thread: the current one, reopened, or a new one."""
    services, person, desk = turn.services, turn.person, desk_of(turn)
    name = staff_texts.clean_name(turn.display_name)
    if current is not None and current.status == "open" and _usable(current, desk):
        changes: dict[str, Any] = {}
        if topic and not current.topic and topic not in staff_texts.NOT_TOPICS:
            changes["topic"] = topic
        if name and not current.display_name:
            changes["display_name"] = name
        if changes:
            await _save(services, current, **changes)
        return current
    if current is not None and _usable(current, desk):
        # Closed by staff, and the person writes again: the same thread, reopened.
        if topic and topic not in staff_texts.NOT_TOPICS:
            current.topic = topic
        current.display_name = name
        try:
            if current.thread_id is not None:
                await desk.reopen_thread(_thread(current), staff_texts.thread_title(services, current, person))
            await _save(services, current, status="open", closed_at=None, display_name=name,
                        topic=current.topic)
            await _post_summary(turn, current, reopened=True)
            log.info("handoff %s reopened (person %s)", current.id, person.id)
            return current
        except ThreadGone:
            log.info("handoff %s: thread gone, starting a new one (person %s)", current.id, person.id)
    return await _create(turn, topic=topic, name=name)


async def _create(turn: Turn, *, topic: str | None, name: str | None) -> Handoff:
    services, person, desk = turn.services, turn.person, desk_of(turn)
    async with unit_of_work(services.sessions) as session:
        handoff = Handoff(person_id=person.id, status="open",
                          topic=topic if topic and topic not in staff_texts.NOT_TOPICS else None,
                          staff_chat_id=desk.chat_id, display_name=name, created_at=turn.now)
        session.add(handoff)
    await _open_thread(turn, handoff)
    log.info("handoff %s opened (person %s)", handoff.id, person.id)
    return handoff


async def _open_thread(turn: Turn, handoff: Handoff) -> None:
    desk = desk_of(turn)
    thread = await desk.open_thread(staff_texts.thread_title(turn.services, handoff, turn.person))
    await _save(turn.services, handoff, staff_chat_id=thread.chat_id, thread_id=thread.thread_id)
    await _post_summary(turn, handoff, reopened=False)


async def _post_summary(turn: Turn, handoff: Handoff, *, reopened: bool) -> None:
    thread = _thread(handoff)
    html = staff_texts.summary(
        turn.services, handoff, turn.person, threaded=thread.threaded, last_topic=await notes.last_topic(turn),
        bookings=await _upcoming_bookings(turn.services, turn.person.id, turn.now), reopened=reopened,
    )
    await desk_of(turn).post(thread, html)


async def _post_all(turn: Turn, handoff: Handoff, parts: list[str], *, reply_to: int | None = None) -> list[int]:
    """Post the parts; if staff deleted the thread, open a new one and post there."""
    desk = desk_of(turn)
    try:
        return [await desk.post(_thread(handoff), part, reply_to=reply_to) for part in parts]
    except ThreadGone:
        log.info("handoff %s: thread gone, opening a new one (person %s)", handoff.id, turn.person.id)
        await _open_thread(turn, handoff)
        return [await desk.post(_thread(handoff), part) for part in parts]


# --- newcomer -> staff -----------------------------------------------------------------------

async def relay_text(turn: Turn, text: str) -> Replies:
    """A typed message while the person talks to staff."""
    services, person = turn.services, turn.person
    desk = desk_of(turn)
    if not desk.available:
        await turn.leave()
        return unavailable()
    source = source_of(turn)
    try:
        handoff = await ensure_open(turn, await latest_handoff(services, person.id))
        first = await _quiet_for(services, handoff, turn.now)
        relayed = await translate(services, person, text, source=staff_texts.language_of(person),
                                  target=STAFF_LANGUAGE, handoff_id=handoff.id)
        parts = staff_texts.relay_parts(services, handoff, person, threaded=handoff.thread_id is not None,
                                        original=text, relayed=relayed)
        ids = await _post_all(turn, handoff, parts)
    except DeskError as exc:
        log.warning("person %s: message not relayed: %s", person.id, exc)
        return [not_delivered()]
    await _record(services, handoff_id=handoff.id, direction="in", original=text, translated=relayed.text,
                  staff_chat_id=handoff.staff_chat_id, staff_message_id=ids[0] if ids else None,
                  person_message_id=source.message_id if source else None, created_at=turn.now)
    log.info("handoff %s: message relayed to staff (person %s)", handoff.id, person.id)
    return await _notices(turn, handoff, first=first)


async def alert_staff(turn: Turn, category: str) -> bool:
    """The person's last message may be an emergency (bot.safety): a note right under it in their
    thread. False when there is no open thread to post in or the staff chat is unreachable."""
    handoff = await latest_handoff(turn.services, turn.person.id)
    if handoff is None or handoff.status != "open" or not _usable(handoff, desk_of(turn)):
        return False
    try:
        await _post_all(turn, handoff, [staff_texts.emergency_alert(turn.services, handoff, category)])
    except DeskError as exc:
        log.warning("handoff %s: emergency alert not posted: %s", handoff.id, exc)
        return False
    log.info("handoff %s: possible emergency, staff alerted (person %s)", handoff.id, turn.person.id)
    return True


async def relay_media(turn: Turn, media: MediaIn) -> Replies:
    """A photo, document, voice message... while the person talks to staff: copied, not downloaded."""
    services, person = turn.services, turn.person
    desk = desk_of(turn)
    if not desk.available:
        await turn.leave()
        return unavailable()
    source = source_of(turn)
    caption = strip_control_characters(media.caption or "").strip() or None
    try:
        handoff = await ensure_open(turn, await latest_handoff(services, person.id))
        first = await _quiet_for(services, handoff, turn.now)
        copied = await _copy_in(turn, handoff, source, media.kind)
        relayed = Relayed(None)
        if caption:
            relayed = await translate(services, person, caption, source=staff_texts.language_of(person),
                                      target=STAFF_LANGUAGE, handoff_id=handoff.id)
            parts = staff_texts.caption_parts(services, handoff, person, threaded=handoff.thread_id is not None,
                                              relayed=relayed)
            if parts:
                await _post_all(turn, handoff, parts, reply_to=copied)
    except DeskError as exc:
        log.warning("person %s: %s not relayed: %s", person.id, media.kind, exc)
        return [not_delivered()]
    await _record(services, handoff_id=handoff.id, direction="in", original=caption, translated=relayed.text,
                  staff_chat_id=handoff.staff_chat_id, staff_message_id=copied,
                  person_message_id=source.message_id if source else None, created_at=turn.now)
    log.info("handoff %s: %s relayed to staff (person %s)", handoff.id, media.kind, person.id)
    return await _notices(turn, handoff, first=first)


async def _copy_in(turn: Turn, handoff: Handoff, source: SourceMessage | None, kind: str) -> int | None:
    desk = desk_of(turn)
    for attempt in (1, 2):
        thread = _thread(handoff)
        try:
            header = None
            if not thread.threaded:
                header = await desk.post(thread, staff_texts.media_header(turn.services, handoff, turn.person, kind))
            return await desk.copy_in(thread, source, kind=kind, reply_to=header)
        except ThreadGone:
            if attempt == 2:
                raise
            await _open_thread(turn, handoff)
    return None


async def _quiet_for(services: Services, handoff: Handoff, now: datetime) -> bool:
    """True when the person has not written to staff for a while (then we confirm receipt)."""
    async with unit_of_work(services.sessions) as session:
        last = await session.scalar(
            select(func.max(HandoffMessage.created_at)).where(HandoffMessage.handoff_id == handoff.id,
                                                               HandoffMessage.direction == "in")
        )
    if last is not None and last.tzinfo is None:  # SQLite's func.max bypasses the column type
        last = last.replace(tzinfo=now.tzinfo)
    return last is None or now - last >= ACK_AFTER


async def _notices(turn: Turn, handoff: Handoff, *, first: bool) -> Replies:
    """"Arrived", or once a day out of office hours: when staff will read it."""
    closed, next_opening = office_closed(turn)
    today = to_local(turn.now).date().isoformat()
    if closed and handoff.last_out_of_hours_notice != today:
        await _save(turn.services, handoff, last_out_of_hours_notice=today)
        try:
            await desk_of(turn).post(_thread(handoff), staff_texts.note(turn.services, "out_of_hours", id=handoff.id))
        except DeskError:
            pass  # the person's message itself reached staff; this note is a courtesy
        if next_opening is None:
            return [Reply(Msg("handoff.out_of_hours_unknown"))]
        return [Reply(Msg("handoff.out_of_hours", next=when_phrase(turn, next_opening)))]
    if first:
        return [Reply(Msg("handoff.sent"))]
    return []


def office_closed(turn: Turn) -> tuple[bool, datetime | None]:
    """Is the person's office (or, not knowing it, every office) closed now? And when does it open?"""
    offices = load_offices()
    office = offices.get(turn.person.office or "")
    candidates = [office] if office is not None else list(offices.all)
    statuses = [opening_hours.status(o, turn.now) for o in candidates]
    if any(s.open_now for s in statuses):
        return False, None
    openings = [s.next_opening for s in statuses if s.next_opening is not None]
    return True, min(openings) if openings else None


# --- staff -> newcomer -----------------------------------------------------------------------

@dataclass(frozen=True)
class Delivery:
    delivered: bool
    person_gone: bool = False
    translation_failed: bool = False


async def staff_wrote(services: Services, session: AsyncSession, handoff: Handoff, text: str, *,
                      staff_name: str | None, staff_message_id: int | None,
                      person_state: StateStore | None = None, caption: bool = False) -> Delivery:
    """A staff message for the newcomer: translated, marked, with the German original one tap away.

    `caption`: the text is the caption of a photo or document already copied to the person, so it
    is only sent again when there is a translation to show.
    `session` is the staff update's own; it is written only after the translation and the state
    change (which use other connections)."""
    person = await session.get(Person, handoff.person_id)
    if person is None:
        return Delivery(False, person_gone=True)
    text = strip_control_characters(text).strip()
    target = staff_texts.language_of(person)
    relayed = await translate(services, person, text, source=STAFF_LANGUAGE, target=target, handoff_id=handoff.id)
    await expect_answer(person, person_state)
    if caption and relayed.text is None:
        return Delivery(True, translation_failed=relayed.failed)
    message = HandoffMessage(handoff_id=handoff.id, direction="out", original=text, translated=relayed.text,
                             staff_chat_id=handoff.staff_chat_id, staff_message_id=staff_message_id,
                             created_at=services.clock.now())
    session.add(message)
    await session.flush()
    show_names = services.settings.show_staff_names and staff_texts.clean_name(staff_name)
    title = (Msg("handoff.from_staff_named", name=staff_texts.clean_name(staff_name)) if show_names
             else Msg("handoff.from_staff"))
    buttons = [Choice(Msg("handoff.reply"), TalkToStaff(handoff.topic))]
    if relayed.text is not None:
        text_part = Lines(title, Plain(relayed.text), Msg("handoff.machine_note"))
        buttons.insert(0, Choice(Msg("handoff.show_original"), ShowOriginal(message.id)))
    elif relayed.failed:
        text_part = Lines(title, Msg("handoff.translation_failed"), Plain(text))
    else:
        text_part = Lines(title, Plain(text))
    delivered = await services.outbox.to_person(person, [Reply(text_part, choices=rows(buttons))])
    log.info("handoff %s: staff message %s to person %s", handoff.id,
             "delivered" if delivered else "not delivered", person.id)
    return Delivery(delivered, translation_failed=relayed.failed)


async def expect_answer(person: Person, person_state: StateStore | None) -> None:
    """After a staff message the person's answer should reach staff too, unless they are in the
    middle of something else (a booking, say). Writes another connection: call before the staff
    update's session writes."""
    if person_state is not None and person.active:
        if await person_state.get_state() in (None, CONSENT_STEP):
            await person_state.set_state(OPEN_STEP)


async def close(services: Services, session: AsyncSession, handoff: Handoff, desk: StaffDesk) -> Delivery:
    """Staff ended the conversation: the thread is closed and loses the first name."""
    person = await session.get(Person, handoff.person_id)
    handoff.status = "closed"
    handoff.closed_at = services.clock.now()
    handoff.display_name = None
    if handoff.thread_id is not None and person is not None:
        try:
            await desk.close_thread(_thread(handoff), staff_texts.thread_title(services, handoff, person, state="closed"))
        except DeskError as exc:
            log.warning("handoff %s: could not close the thread: %s", handoff.id, exc)
    if person is None:
        return Delivery(False, person_gone=True)
    delivered = await services.outbox.to_person(person, [Reply(
        Msg("handoff.closed"), choices=rows([Choice(Msg("common.menu"), OpenMenu())]))])
    log.info("handoff %s closed by staff (person %s)", handoff.id, person.id)
    return Delivery(delivered)


async def offer_booking(services: Services, session: AsyncSession, handoff: Handoff) -> Delivery:
    """Staff offer an appointment: the person gets the booking start in their language."""
    person = await session.get(Person, handoff.person_id)
    if person is None:
        return Delivery(False, person_gone=True)
    topic = handoff.topic if handoff.topic and handoff.topic not in staff_texts.NOT_TOPICS else None
    delivered = await services.outbox.to_person(person, [Reply(
        Msg("handoff.book_offer"),
        choices=rows([Choice(Msg("menu.book"), StartBooking(topic))],
                     [Choice(Msg("handoff.reply"), TalkToStaff(handoff.topic))]))])
    log.info("handoff %s: booking offered to person %s", handoff.id, person.id)
    return Delivery(delivered)


# --- the person's own requests ---------------------------------------------------------------

async def show_original(turn: Turn, message_id: int) -> Replies:
    async with unit_of_work(turn.services.sessions) as session:
        original = await session.scalar(
            select(HandoffMessage.original).join(Handoff, Handoff.id == HandoffMessage.handoff_id)
            .where(HandoffMessage.id == message_id, HandoffMessage.direction == "out",
                   Handoff.person_id == turn.person.id)
        )
    if not original:
        return [Reply(Msg("handoff.original_gone"))]
    return [Reply(Lines(Msg("handoff.original"), Plain(original)))]


async def on_erasure(turn: Turn) -> None:
    """/deletemydata: close the person's threads and tell staff, without any content.

    Called by bot.dialogues.privacy inside its transaction, before the handoffs are deleted; reads
    through the turn's session (which has written already) and never raises."""
    turn.extra[notes.ERASED] = True
    desk = desk_of(turn)
    try:
        handoffs = (await turn.session.scalars(select(Handoff).where(Handoff.person_id == turn.person.id))).all()
    except Exception:  # noqa: BLE001
        log.exception("person %s: handoffs not found on erasure", turn.person.id)
        return
    for handoff in handoffs:
        if not _usable(handoff, desk):
            continue
        thread = _thread(handoff)
        try:
            await desk.post(thread, staff_texts.note(turn.services, "erased", id=handoff.id))
            if thread.threaded and handoff.status == "open":
                await desk.close_thread(thread, staff_texts.thread_title(turn.services, handoff, turn.person,
                                                                         state="erased"))
        except DeskError as exc:
            log.warning("handoff %s: staff not told about the erasure: %s", handoff.id, exc)
        log.info("handoff %s closed: person %s erased their data", handoff.id, turn.person.id)


# --- replies ---------------------------------------------------------------------------------

def unavailable() -> Reply:
    return Reply(Msg("handoff.unavailable"), choices=rows([Choice(Msg("menu.find_office"), FindMyOffice()),
                                                            Choice(Msg("common.menu"), OpenMenu())]))


def not_delivered() -> Reply:
    return Reply(Msg("handoff.not_delivered"), choices=rows([Choice(Msg("common.menu"), OpenMenu())]))
