"""Rows and fakes shared by the reminder and job tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.actions import WillAttend
from bot.core.replies import Choice, Reply
from bot.storage.models import Booking, Person, Reminder

OFFSETS = (1440, 120)  # REMINDER_OFFSETS=24h,2h


async def add_person(
    session: AsyncSession,
    external_id: str = "1001",
    *,
    language: str | None = "de",
    active: bool = True,
    channel: str = "telegram",
) -> Person:
    person = Person(channel=channel, external_id=external_id, language=language, active=active)
    session.add(person)
    await session.flush()
    return person


async def add_booking(
    session: AsyncSession,
    person: Person | None,
    *,
    starts_at: datetime,
    office: str = "ba",
    minutes: int = 30,
    status: str = "booked",
    topic: str | None = "school",
    interpreter: str | None = None,
    note: str | None = None,
    seat: int = 0,
    updated_at: datetime | None = None,
) -> Booking:
    booking = Booking(
        person_id=person.id if person else None,
        office=office,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        seat=seat,
        topic=topic,
        interpreter=interpreter,
        note=note,
        status=status,
    )
    if updated_at is not None:
        booking.updated_at = updated_at
    session.add(booking)
    await session.flush()
    return booking


async def reminders_of(sessions: async_sessionmaker[AsyncSession], booking_id: int) -> dict[int, Reminder]:
    async with sessions() as session:
        rows = (await session.scalars(select(Reminder).where(Reminder.booking_id == booking_id))).all()
    return {r.offset_minutes: r for r in rows}


def booking_of(reply: Reply) -> int:
    """The booking a reminder is about (from its "I'll come" button)."""
    for row in reply.choices:
        for item in row:
            if isinstance(item, Choice) and isinstance(item.action, WillAttend):
                return item.action.booking
    raise AssertionError(f"no WillAttend button in {reply!r}")


@dataclass
class RecordingSender:
    """Stands in for Outbox.to_person: records (person id, booking id, reply); yields to the loop
    so concurrent dispatchers interleave."""

    fail: bool = False
    unreachable: set[int] = field(default_factory=set)
    sent: list[tuple[int, int, Reply]] = field(default_factory=list)
    calls: int = 0

    async def __call__(self, person: Person, replies: list[Reply]) -> bool:
        self.calls += 1
        await asyncio.sleep(0)
        if self.fail:
            raise RuntimeError("Telegram is down")
        if person.id in self.unreachable:
            person.active = False  # what TelegramOutbox does on "bot was blocked"
            return False
        for reply in replies:
            self.sent.append((person.id, booking_of(reply), reply))
        await asyncio.sleep(0)
        return True

    @property
    def bookings(self) -> list[int]:
        return [booking for _, booking, _ in self.sent]
