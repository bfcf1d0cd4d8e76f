"""Finding and creating the Person behind a chat."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Booking, Person, utcnow

if TYPE_CHECKING:
    from bot.core.services import Services

log = logging.getLogger(__name__)
LAST_SEEN_EVERY = timedelta(hours=1)  # resolution of Person.last_seen_at


async def get_or_create(session: AsyncSession, channel: str, external_id: str) -> tuple[Person, bool]:
    """The person for this chat, and whether they are new. Safe when two processes race."""
    query = select(Person).where(Person.channel == channel, Person.external_id == external_id)
    person = await session.scalar(query)
    if person is not None:
        now = utcnow()
        # Refreshed at most once per LAST_SEEN_EVERY: writing it on every turn made every turn a
        # writer from its first query on, which on SQLite means holding the one write lock for
        # the whole turn (understanding included) while every other turn waits (bench/README.md).
        if person.last_seen_at is None or now - person.last_seen_at >= LAST_SEEN_EVERY:
            person.last_seen_at = now
        if not person.active:
            person.active = True  # writing to us again means they unblocked the bot
        return person, False
    person = Person(channel=channel, external_id=external_id)
    try:
        async with session.begin_nested():
            session.add(person)
    except IntegrityError:
        person = (await session.scalars(query)).one()
        return person, False
    return person, True


async def find(session: AsyncSession, channel: str, external_id: str) -> Person | None:
    return await session.scalar(select(Person).where(Person.channel == channel, Person.external_id == external_id))


async def mark_unreachable(session: AsyncSession, person: Person, services: Services, now: datetime) -> None:
    """The person blocked the bot: stop writing to them (reminders check `active`), and tell staff
    about upcoming bookings so nobody waits for a confirmation that cannot arrive."""
    if not person.active:
        return
    person.active = False
    log.info("person %s blocked the bot; marked inactive", person.id)
    upcoming = (
        await session.scalars(
            select(Booking)
            .where(Booking.person_id == person.id, Booking.status == "booked", Booking.starts_at > now)
            .order_by(Booking.starts_at)
        )
    ).all()
    if upcoming:
        from bot.core.replies import Msg
        from bot.places.calendar import TZ

        when = ", ".join(f"{b.office} {b.starts_at.astimezone(TZ):%d.%m. %H:%M} (#{b.id})" for b in upcoming)
        await services.outbox.to_staff(services.catalog.render(Msg("staff.person_blocked", bookings=when), "de"))
