"""Relaying between a newcomer and staff, channel-agnostic, without any reply to the person
(those are the handoff dialogue's, bot.dialogues.handoff).

One handoff per conversation with staff, with one thread in the staff chat (bot.core.staff_desk).
Newcomer -> staff: the original plus a marked machine translation into German; staff -> newcomer:
the translation into the person's language (the dialogue marks it and offers the German original).
Every relayed message is kept in `handoff_messages` (bot.handoff.store), with the staff message id
so a reply in a plain group finds its handoff. Logs carry person and handoff ids only, never texts
or names.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.events import MediaIn
from bot.core.services import Services
from bot.core.staff_desk import DeskError, SourceMessage, ThreadGone
from bot.core.turn import Turn
from bot.handoff import notes, staff_texts, store
from bot.handoff.translate import Relayed, translate
from bot.staff_tools import counters
from bot.storage.database import unit_of_work
from bot.storage.models import Handoff, HandoffMessage, Person
from bot.text.telegram_html import strip_control_characters

log = logging.getLogger(__name__)

STAFF_LANGUAGE = staff_texts.STAFF_LANGUAGE


@dataclass(frozen=True)
class Sent:
    """A newcomer's message and where it went: `handoff` is None when the staff chat could not be
    reached; `first` when the person had not written to staff for a while."""

    handoff: Handoff | None
    first: bool = False


@dataclass(frozen=True)
class Delivery:
    delivered: bool
    person_gone: bool = False
    translation_failed: bool = False


# --- opening ---------------------------------------------------------------------------------


async def ensure_open(turn: Turn, current: Handoff | None, *, topic: str | None = None) -> Handoff:
    """The person's open handoff with a live thread: the current one, reopened, or a new one.
    Raises DeskError when the staff chat cannot be reached."""
    services, person, desk = turn.services, turn.person, turn.staff_desk
    name = staff_texts.clean_name(turn.display_name)
    if current is not None and current.status == "open" and store.usable(current, desk):
        changes: dict[str, Any] = {}
        if topic and not current.topic and topic not in staff_texts.NOT_TOPICS:
            changes["topic"] = topic
        if name and not current.display_name:
            changes["display_name"] = name
        if changes:
            await store.save(services, current, **changes)
        return current
    if current is not None and store.usable(current, desk):
        # Closed by staff, and the person writes again: the same thread, reopened.
        if topic and topic not in staff_texts.NOT_TOPICS:
            current.topic = topic
        current.display_name = name
        try:
            if current.thread_id is not None:
                await desk.reopen_thread(store.thread_of(current), staff_texts.thread_title(services, current, person))
            await store.save(services, current, status="open", closed_at=None, display_name=name, topic=current.topic)
            async with unit_of_work(services.sessions) as session:
                await counters.count(
                    session, counters.HANDOFF_OPENED, turn.now, topic=current.topic, lang=person.language
                )
            await _post_summary(turn, current, reopened=True)
            log.info("handoff %s reopened (person %s)", current.id, person.id)
            return current
        except ThreadGone:
            log.info("handoff %s: thread gone, starting a new one (person %s)", current.id, person.id)
    return await _create(turn, topic=topic, name=name)


async def _create(turn: Turn, *, topic: str | None, name: str | None) -> Handoff:
    services, person, desk = turn.services, turn.person, turn.staff_desk
    async with unit_of_work(services.sessions) as session:
        handoff = Handoff(
            person_id=person.id,
            status="open",
            topic=topic if topic and topic not in staff_texts.NOT_TOPICS else None,
            staff_chat_id=desk.chat_id,
            display_name=name,
            created_at=turn.now,
        )
        session.add(handoff)
        await counters.count(session, counters.HANDOFF_OPENED, turn.now, topic=handoff.topic, lang=person.language)
    await _open_thread(turn, handoff)
    log.info("handoff %s opened (person %s)", handoff.id, person.id)
    return handoff


async def _open_thread(turn: Turn, handoff: Handoff) -> None:
    thread = await turn.staff_desk.open_thread(staff_texts.thread_title(turn.services, handoff, turn.person))
    await store.save(turn.services, handoff, staff_chat_id=thread.chat_id, thread_id=thread.thread_id)
    await _post_summary(turn, handoff, reopened=False)


async def _post_summary(turn: Turn, handoff: Handoff, *, reopened: bool) -> None:
    thread = store.thread_of(handoff)
    html = staff_texts.summary(
        turn.services,
        handoff,
        turn.person,
        threaded=thread.threaded,
        last_topic=await notes.last_topic(turn),
        bookings=await store.upcoming_bookings(turn.services, turn.person.id, turn.now),
        reopened=reopened,
    )
    await turn.staff_desk.post(thread, html)


async def _post_all(turn: Turn, handoff: Handoff, parts: list[str], *, reply_to: int | None = None) -> list[int]:
    """Post the parts; if staff deleted the thread, open a new one and post there."""
    desk = turn.staff_desk
    try:
        return [await desk.post(store.thread_of(handoff), part, reply_to=reply_to) for part in parts]
    except ThreadGone:
        log.info("handoff %s: thread gone, opening a new one (person %s)", handoff.id, turn.person.id)
        await _open_thread(turn, handoff)
        return [await desk.post(store.thread_of(handoff), part) for part in parts]


# --- newcomer -> staff -----------------------------------------------------------------------


async def relay_text(turn: Turn, text: str) -> Sent:
    """A typed message while the person talks to staff (the desk is available)."""
    services, person = turn.services, turn.person
    source = turn.source
    try:
        handoff = await ensure_open(turn, await store.latest_handoff(services, person.id))
        first = await store.quiet_for(services, handoff, turn.now)
        relayed = await translate(
            services, person, text, source=staff_texts.language_of(person), target=STAFF_LANGUAGE, handoff_id=handoff.id
        )
        parts = staff_texts.relay_parts(
            services, handoff, person, threaded=handoff.thread_id is not None, original=text, relayed=relayed
        )
        ids = await _post_all(turn, handoff, parts)
    except DeskError as exc:
        log.warning("person %s: message not relayed: %s", person.id, exc)
        return Sent(None)
    await store.record(
        services,
        handoff_id=handoff.id,
        direction="in",
        original=text,
        translated=relayed.text,
        staff_chat_id=handoff.staff_chat_id,
        staff_message_id=ids[0] if ids else None,
        person_message_id=source.message_id if source else None,
        created_at=turn.now,
    )
    log.info("handoff %s: message relayed to staff (person %s)", handoff.id, person.id)
    return Sent(handoff, first)


async def relay_media(turn: Turn, media: MediaIn) -> Sent:
    """A photo, document, voice message... while the person talks to staff: copied, not downloaded."""
    services, person = turn.services, turn.person
    source = turn.source
    caption = strip_control_characters(media.caption or "").strip() or None
    try:
        handoff = await ensure_open(turn, await store.latest_handoff(services, person.id))
        first = await store.quiet_for(services, handoff, turn.now)
        copied = await _copy_in(turn, handoff, source, media.kind)
        relayed = Relayed(None)
        if caption:
            relayed = await translate(
                services,
                person,
                caption,
                source=staff_texts.language_of(person),
                target=STAFF_LANGUAGE,
                handoff_id=handoff.id,
            )
            parts = staff_texts.caption_parts(
                services, handoff, person, threaded=handoff.thread_id is not None, relayed=relayed
            )
            if parts:
                await _post_all(turn, handoff, parts, reply_to=copied)
    except DeskError as exc:
        log.warning("person %s: %s not relayed: %s", person.id, media.kind, exc)
        return Sent(None)
    await store.record(
        services,
        handoff_id=handoff.id,
        direction="in",
        original=caption,
        translated=relayed.text,
        staff_chat_id=handoff.staff_chat_id,
        staff_message_id=copied,
        person_message_id=source.message_id if source else None,
        created_at=turn.now,
    )
    log.info("handoff %s: %s relayed to staff (person %s)", handoff.id, media.kind, person.id)
    return Sent(handoff, first)


async def _copy_in(turn: Turn, handoff: Handoff, source: SourceMessage | None, kind: str) -> int | None:
    desk = turn.staff_desk
    for attempt in (1, 2):
        thread = store.thread_of(handoff)
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


async def note_out_of_hours(turn: Turn, handoff: Handoff, today: str) -> bool:
    """Once a day out of office hours, a note in the thread; True when it is the day's first
    (then the person is told when staff will read it)."""
    if handoff.last_out_of_hours_notice == today:
        return False
    await store.save(turn.services, handoff, last_out_of_hours_notice=today)
    try:
        await turn.staff_desk.post(
            store.thread_of(handoff), staff_texts.note(turn.services, "out_of_hours", id=handoff.id)
        )
    except DeskError:
        pass  # the person's message itself reached staff; this note is a courtesy
    return True


async def alert_staff(turn: Turn, category: str) -> bool:
    """The person's last message may be an emergency (bot.safety): a note right under it in their
    thread. False when there is no open thread to post in or the staff chat is unreachable."""
    handoff = await store.latest_handoff(turn.services, turn.person.id)
    if handoff is None or handoff.status != "open" or not store.usable(handoff, turn.staff_desk):
        return False
    try:
        await _post_all(turn, handoff, [staff_texts.emergency_alert(turn.services, handoff, category)])
    except DeskError as exc:
        log.warning("handoff %s: emergency alert not posted: %s", handoff.id, exc)
        return False
    log.info("handoff %s: possible emergency, staff alerted (person %s)", handoff.id, turn.person.id)
    return True


# --- staff -> newcomer -----------------------------------------------------------------------


async def translate_for(services: Services, handoff: Handoff, person: Person, text: str) -> Relayed:
    """A staff message in the person's language (machine translation only with their consent)."""
    return await translate(
        services, person, text, source=STAFF_LANGUAGE, target=staff_texts.language_of(person), handoff_id=handoff.id
    )


async def record_from_staff(
    services: Services,
    session: AsyncSession,
    handoff: Handoff,
    text: str,
    relayed: Relayed,
    *,
    staff_message_id: int | None,
) -> HandoffMessage:
    """Kept in the transcript through the staff update's own `session`."""
    message = HandoffMessage(
        handoff_id=handoff.id,
        direction="out",
        original=text,
        translated=relayed.text,
        staff_chat_id=handoff.staff_chat_id,
        staff_message_id=staff_message_id,
        created_at=services.clock.now(),
    )
    await counters.staff_replied(session, handoff.id, opened_at=handoff.created_at, now=message.created_at)
    session.add(message)
    await session.flush()
    return message


async def close(services: Services, session: AsyncSession, handoff: Handoff) -> Person | None:
    """Staff ended the conversation: the thread is closed and loses the first name (through the
    desk of the person's channel, which keeps a web thread's mark). The person, or None when they
    are gone."""
    person = await session.get(Person, handoff.person_id)
    handoff.status = "closed"
    handoff.closed_at = services.clock.now()
    await counters.count(
        session,
        counters.HANDOFF_CLOSED,
        handoff.closed_at,
        topic=handoff.topic,
        lang=person.language if person is not None else None,
    )
    handoff.display_name = None
    if handoff.thread_id is not None and person is not None:
        try:
            desk = services.staff_desk(person.channel)
            await desk.close_thread(
                store.thread_of(handoff), staff_texts.thread_title(services, handoff, person, state="closed")
            )
        except DeskError as exc:
            log.warning("handoff %s: could not close the thread: %s", handoff.id, exc)
    return person


async def on_erasure(turn: Turn) -> None:
    """/deletemydata: close the person's threads and tell staff, without any content.

    Called by bot.dialogues.privacy inside its transaction, before the handoffs are deleted; reads
    through the turn's session (which has written already) and never raises."""
    turn.extra[notes.ERASED] = True
    desk = turn.staff_desk
    try:
        handoffs = (await turn.session.scalars(select(Handoff).where(Handoff.person_id == turn.person.id))).all()
    except Exception:  # noqa: BLE001
        log.exception("person %s: handoffs not found on erasure", turn.person.id)
        return
    for handoff in handoffs:
        if not store.usable(handoff, desk):
            continue
        thread = store.thread_of(handoff)
        try:
            await desk.post(thread, staff_texts.note(turn.services, "erased", id=handoff.id))
            if thread.threaded and handoff.status == "open":
                await desk.close_thread(
                    thread, staff_texts.thread_title(turn.services, handoff, turn.person, state="erased")
                )
        except DeskError as exc:
            log.warning("handoff %s: staff not told about the erasure: %s", handoff.id, exc)
        log.info("handoff %s closed: person %s erased their data", handoff.id, turn.person.id)
