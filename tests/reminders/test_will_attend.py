""" "I'll come" under a reminder, through the conversation core (the dialogue is registered)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.clock import FakeClock
from bot.content.locales import Catalog, html_to_plain
from bot.core.actions import OpenMenu, ShowOffice, WillAttend
from bot.core.conversation import Conversation
from bot.core.events import PressIn
from bot.core.replies import Choice, Reply
from bot.core.turn import Turn
from bot.dialogues import registry
from bot.storage.models import Booking
from tests.reminders.factories import add_booking, add_person
from tests.services import services_for


class MemoryState:
    def __init__(self) -> None:
        self.state: str | None = None
        self.data: dict[str, Any] = {}

    async def get_state(self) -> str | None:
        return self.state

    async def set_state(self, state: str | None = None) -> None:
        self.state = state

    async def get_data(self) -> dict[str, Any]:
        return dict(self.data)

    async def set_data(self, data: dict[str, Any]) -> None:
        self.data = dict(data)

    async def clear(self) -> None:
        self.state, self.data = None, {}


async def press(sessions, clock: FakeClock, person_id: int, booking_id: int) -> list[Reply]:
    svc = services_for(sessions, clock)
    async with sessions() as session:
        from bot.storage.models import Person

        person = await session.get(Person, person_id)
        turn = Turn(services=svc, session=session, person=person, state=MemoryState(), now=clock.now())
        replies = await Conversation(registry()).handle(turn, PressIn(WillAttend(booking_id)))
        await session.commit()
    return replies


def text_of(replies: list[Reply]) -> str:
    return html_to_plain(Catalog.load().render(replies[0].text, "de"))


async def test_ill_come_thanks_and_changes_nothing(sessions, clock: FakeClock) -> None:
    async with sessions() as session:
        person = await add_person(session)
        booking = await add_booking(session, person, starts_at=clock.now() + timedelta(hours=23), note="Brief")
        await session.commit()

    replies = await press(sessions, clock, person.id, booking.id)

    text = text_of(replies)
    assert "Danke!" in text and "Dienstag, 24. November" in text and "09:00" in text
    assert "lokal willkommen Brackel/Aplerbeck" in text
    actions = [item.action for row in replies[0].choices for item in row if isinstance(item, Choice)]
    assert actions == [ShowOffice("ba"), OpenMenu()]
    async with sessions() as session:
        stored = await session.get(Booking, booking.id)
    assert (stored.status, stored.note, stored.updated_at) == ("booked", "Brief", booking.updated_at)

    assert text_of(await press(sessions, clock, person.id, booking.id)) == text  # pressing twice: same


async def test_ill_come_for_someone_elses_or_a_cancelled_booking(sessions, clock: FakeClock) -> None:
    async with sessions() as session:
        me = await add_person(session, "1")
        other = await add_person(session, "2")
        theirs = await add_booking(session, other, starts_at=clock.now() + timedelta(hours=23))
        cancelled = await add_booking(
            session, me, starts_at=clock.now() + timedelta(hours=23), seat=1, status="cancelled"
        )
        await session.commit()
    for booking_id in (theirs.id, cancelled.id, 999999):
        text = text_of(await press(sessions, clock, me.id, booking_id))
        assert "nicht mehr aktuell" in text
        assert "Danke" not in text
