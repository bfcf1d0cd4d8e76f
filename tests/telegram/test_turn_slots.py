"""The turn slots TurnMiddleware takes (Services.turn_slots): a bounded number of turns work with
the database at once, and a turn gives its slot back as soon as its transaction has committed
(before its replies are sent)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from aiogram.types import Chat, Message, User

from bot.clock import FakeClock
from bot.core.turn import Turn
from bot.telegram.middlewares.turn import TurnMiddleware
from tests.core.test_turn_state import RecordStore
from tests.services import services_for


def message_from(chat_id: int) -> Message:
    person = User(id=chat_id, is_bot=False, first_name="Olena")
    return Message(
        message_id=1,
        date=datetime(2026, 11, 23, 9, tzinfo=UTC),
        chat=Chat(id=chat_id, type="private"),
        from_user=person,
        text="hallo",
    )


def middleware(sessions: Any, clock: FakeClock, slots: asyncio.Semaphore) -> TurnMiddleware:
    services = services_for(sessions, clock)
    services.turn_slots = slots  # the process's turn slots (Services.turn_slots), sized by the test
    return TurnMiddleware(services)


async def test_a_turn_frees_its_slot_when_it_commits_not_when_it_ends(sessions: Any, clock: FakeClock) -> None:
    slots = asyncio.Semaphore(1)
    turns = middleware(sessions, clock, slots)
    committed, sent = asyncio.Event(), asyncio.Event()

    async def first_handler(_event: Message, data: dict[str, Any]) -> None:
        turn: Turn = data["turn"]
        assert slots.locked()
        await turn.commit()  # as bot.telegram.respond does before sending
        committed.set()
        await sent.wait()  # "sending the replies"

    async def second_handler(_event: Message, data: dict[str, Any]) -> str:
        return "second turn ran"

    first = asyncio.create_task(turns(first_handler, message_from(1), {"state": RecordStore()}))
    await committed.wait()
    assert not slots.locked()
    second = await asyncio.wait_for(turns(second_handler, message_from(2), {"state": RecordStore()}), 5)
    assert second == "second turn ran"
    sent.set()
    await first
    assert not slots.locked()


async def test_turns_beyond_the_slots_wait_until_one_commits(sessions: Any, clock: FakeClock) -> None:
    slots = asyncio.Semaphore(2)
    turns = middleware(sessions, clock, slots)
    running = 0
    most = 0
    go_on = asyncio.Event()

    async def known(_event: Message, _data: dict[str, Any]) -> None:
        return None

    for i in range(5):  # people who wrote before: their turns do not write at the start (SQLite)
        await turns(known, message_from(10 + i), {"state": RecordStore()})

    async def handler(_event: Message, data: dict[str, Any]) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await go_on.wait()
        running -= 1

    tasks = [asyncio.create_task(turns(handler, message_from(10 + i), {"state": RecordStore()})) for i in range(5)]
    # On SQLite a turn's transaction holds the one write lock from its start (BEGIN IMMEDIATE,
    # bot.storage.database): the database lets one turn in before the slots would stop a third.
    at_once = 1 if sessions.kw["bind"].dialect.name == "sqlite" else 2
    async with asyncio.timeout(20):  # however loaded the machine, the first ones get in
        while running < at_once:
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)  # and while they hold their slots, no other turn does
    assert running == at_once
    go_on.set()
    await asyncio.gather(*tasks)
    assert most == at_once and not slots.locked()


async def test_a_failed_turn_frees_its_slot(sessions: Any, clock: FakeClock) -> None:
    slots = asyncio.Semaphore(1)
    turns = middleware(sessions, clock, slots)

    async def failing(_event: Message, _data: dict[str, Any]) -> None:
        raise RuntimeError("a dialogue failed")

    try:
        await turns(failing, message_from(3), {"state": RecordStore()})
    except RuntimeError:
        pass
    else:
        raise AssertionError("the failure was swallowed")
    assert not slots.locked()
