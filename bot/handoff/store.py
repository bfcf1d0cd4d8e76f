"""The handoffs in the database: one row per conversation with staff (table `handoffs`), every
relayed message in `handoff_messages` (purged after RETENTION_DAYS by the nightly job).

During a person's turn handoffs are read and written in short transactions through
`unit_of_work`, which joins the turn's own when there is one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.services import Services
from bot.core.staff_desk import StaffDesk, Thread
from bot.handoff import staff_texts
from bot.storage.database import unit_of_work
from bot.storage.models import Booking, Handoff, HandoffMessage

ACK_AFTER = timedelta(minutes=10)  # "your message arrived" again after this much quiet


async def latest_handoff(services: Services, person_id: int) -> Handoff | None:
    """The person's open handoff, else their most recent one."""
    async with unit_of_work(services.sessions) as session:
        return await session.scalar(
            select(Handoff)
            .where(Handoff.person_id == person_id)
            .order_by((Handoff.status == "open").desc(), Handoff.id.desc())
            .limit(1)
        )


async def handoff_for_thread(session: AsyncSession, chat_id: int, thread_id: int) -> Handoff | None:
    return await session.scalar(
        select(Handoff)
        .where(Handoff.staff_chat_id == chat_id, Handoff.thread_id == thread_id)
        .order_by(Handoff.id.desc())
        .limit(1)
    )


async def handoff_for_reply(
    session: AsyncSession, chat_id: int, message_id: int, replied_text: str | None
) -> Handoff | None:
    """The handoff a staff reply in a plain group belongs to: the relayed message it answers is
    in the transcript; a continuation part or the summary is found by the number in its header."""
    handoff_id = await session.scalar(
        select(HandoffMessage.handoff_id)
        .where(HandoffMessage.staff_chat_id == chat_id, HandoffMessage.staff_message_id == message_id)
        .order_by(HandoffMessage.id.desc())
        .limit(1)
    )
    if handoff_id is None:
        handoff_id = staff_texts.handoff_number(replied_text)
    if handoff_id is None:
        return None
    handoff = await session.get(Handoff, handoff_id)
    if handoff is None or handoff.staff_chat_id != chat_id or handoff.thread_id is not None:
        return None
    return handoff


async def upcoming_bookings(services: Services, person_id: int, now: datetime) -> list[datetime]:
    async with unit_of_work(services.sessions) as session:
        return list(
            (
                await session.scalars(
                    select(Booking.starts_at)
                    .where(Booking.person_id == person_id, Booking.status == "booked", Booking.starts_at > now)
                    .order_by(Booking.starts_at)
                )
            ).all()
        )


async def save(services: Services, handoff: Handoff, **values: Any) -> None:
    async with unit_of_work(services.sessions) as session:
        await session.execute(update(Handoff).where(Handoff.id == handoff.id).values(**values))
    for name, value in values.items():
        setattr(handoff, name, value)


async def record(services: Services, **values: Any) -> HandoffMessage:
    async with unit_of_work(services.sessions) as session:
        message = HandoffMessage(**values)
        session.add(message)
    return message


async def original_for(services: Services, person_id: int, message_id: int) -> str | None:
    """The German original of a staff message relayed to this person."""
    async with unit_of_work(services.sessions) as session:
        return await session.scalar(
            select(HandoffMessage.original)
            .join(Handoff, Handoff.id == HandoffMessage.handoff_id)
            .where(HandoffMessage.id == message_id, HandoffMessage.direction == "out", Handoff.person_id == person_id)
        )


async def quiet_for(services: Services, handoff: Handoff, now: datetime) -> bool:
    """True when the person has not written to staff for a while (then we confirm receipt)."""
    async with unit_of_work(services.sessions) as session:
        last = await session.scalar(
            select(func.max(HandoffMessage.created_at)).where(
                HandoffMessage.handoff_id == handoff.id, HandoffMessage.direction == "in"
            )
        )
    if last is not None and last.tzinfo is None:  # SQLite's func.max bypasses the column type
        last = last.replace(tzinfo=now.tzinfo)
    return last is None or now - last >= ACK_AFTER


def thread_of(handoff: Handoff) -> Thread:
    assert handoff.staff_chat_id is not None
    return Thread(handoff.staff_chat_id, handoff.thread_id)


def usable(handoff: Handoff | None, desk: StaffDesk) -> bool:
    """A handoff whose thread is in the staff chat this desk serves."""
    return handoff is not None and handoff.staff_chat_id is not None and handoff.staff_chat_id == desk.chat_id
