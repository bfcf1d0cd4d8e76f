"""Finding and creating the Person behind a chat."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Person, utcnow


async def get_or_create(session: AsyncSession, channel: str, external_id: str) -> tuple[Person, bool]:
    """The person for this chat, and whether they are new. Safe when two processes race."""
    query = select(Person).where(Person.channel == channel, Person.external_id == external_id)
    person = await session.scalar(query)
    if person is not None:
        person.last_seen_at = utcnow()
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
    return await session.scalar(
        select(Person).where(Person.channel == channel, Person.external_id == external_id)
    )
