"""A dispatcher that dies between claiming a reminder and sending it: another takes the claim over
within about a minute (the claim lease; a live dispatcher renews it by beating), and the reminder
goes out exactly once. Live dispatchers never take each other's claims, however long a send takes.

"Dead" is simulated with an owner that claimed and then stopped beating while the FakeClock moves
on, and for real with a dispatcher process SIGKILLed while it holds its claims."""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.clock import FakeClock
from bot.reminders.dispatch import CLAIM_LEASE, ReminderDispatcher, beat, claim, due_reminders
from bot.reminders.planning import plan_for_booking
from bot.storage.database import create_engine, session_factory
from bot.storage.models import Heartbeat, Reminder
from tests.reminders.factories import OFFSETS, RecordingSender, add_booking, add_person, reminders_of

ROOT = Path(__file__).resolve().parents[2]
ABOUT_A_MINUTE = CLAIM_LEASE + timedelta(seconds=1)


async def _due_bookings(sessions, clock: FakeClock, count: int, *, first_id: int = 4000) -> list[int]:
    """`count` bookings 23 hours ahead: their 24h reminders are due now."""
    ids = []
    async with sessions() as session:
        for i in range(count):
            person = await add_person(session, str(first_id + i))
            booking = await add_booking(session, person, starts_at=clock.now() + timedelta(hours=23), seat=i)
            await plan_for_booking(session, booking, offsets_minutes=OFFSETS, now=clock.now() - timedelta(days=2))
            ids.append(booking.id)
        await session.commit()
    return ids


async def _claimed_by_a_process_that_dies(sessions, clock: FakeClock, owner: str = "host:4711:dead") -> list[int]:
    """What a dispatcher does up to the moment it is killed: beat, claim every due reminder."""
    async with sessions() as session:
        await beat(session, owner, now=clock.now())
    async with sessions() as session:
        due = [c.id for c in await due_reminders(session, now=clock.now())]
        won = await claim(session, due, owner=owner, now=clock.now())
        await session.commit()
    assert won and won == sorted(due)
    return won


async def test_a_claim_of_a_process_that_died_goes_out_within_about_a_minute(sessions, clock: FakeClock) -> None:
    (booking,) = await _due_bookings(sessions, clock, 1)
    await _claimed_by_a_process_that_dies(sessions, clock)
    sender = RecordingSender()
    dispatcher = ReminderDispatcher(sessions, sender=sender, clock=clock)

    clock.advance(CLAIM_LEASE - timedelta(seconds=15))
    assert (await dispatcher.run_once()).sent == 0  # within the lease: the owner may be sending

    clock.advance(timedelta(seconds=16))  # one run later: the owner has not beaten for the lease
    assert (await dispatcher.run_once()).sent == 1
    assert (await dispatcher.run_once()).sent == 0
    assert sender.bookings == [booking]
    row = (await reminders_of(sessions, booking))[1440]
    assert row.status == "sent" and row.claimed_by == dispatcher.owner and row.attempts == 2


async def test_a_live_process_keeps_its_claim_past_the_lease_until_it_stops_beating(sessions, clock: FakeClock) -> None:
    (booking,) = await _due_bookings(sessions, clock, 1)
    owner = "host:4712:slow"
    await _claimed_by_a_process_that_dies(sessions, clock, owner)
    sender = RecordingSender()
    dispatcher = ReminderDispatcher(sessions, sender=sender, clock=clock)
    for _ in range(8):  # two minutes of a slow send, beating every 15 s
        clock.advance(timedelta(seconds=15))
        async with sessions() as session:
            await beat(session, owner, now=clock.now())
        assert (await dispatcher.run_once()).sent == 0
    assert (await reminders_of(sessions, booking))[1440].claimed_by == owner

    clock.advance(ABOUT_A_MINUTE)  # then it died
    assert (await dispatcher.run_once()).sent == 1
    assert sender.bookings == [booking]


async def test_a_dispatcher_beats_while_a_long_send_holds_its_claim(sessions, clock: FakeClock) -> None:
    (booking,) = await _due_bookings(sessions, clock, 1)
    release, calls = asyncio.Event(), asyncio.Event()

    class SlowSender(RecordingSender):
        async def __call__(self, person, replies) -> bool:
            calls.set()
            await release.wait()
            return await super().__call__(person, replies)

    slow, other = SlowSender(), RecordingSender()
    sending = ReminderDispatcher(sessions, sender=slow, clock=clock, heartbeat_every=timedelta(seconds=0.01))
    run = asyncio.create_task(sending.run_once())
    await asyncio.wait_for(calls.wait(), 10)
    clock.advance(timedelta(minutes=3))  # the send takes minutes (Telegram asked to wait)

    async def beaten_since_the_clock_moved() -> None:
        while True:
            async with sessions() as session:
                beat_at = await session.scalar(select(Heartbeat.beat_at).where(Heartbeat.owner == sending.owner))
            if beat_at == clock.now():
                return
            await asyncio.sleep(0.01)

    await asyncio.wait_for(beaten_since_the_clock_moved(), 10)
    assert (await ReminderDispatcher(sessions, sender=other, clock=clock).run_once()).sent == 0
    release.set()
    assert (await asyncio.wait_for(run, 10)).sent == 1
    assert slow.bookings == [booking] and other.sent == []


async def test_two_live_dispatchers_take_over_a_dead_processs_claims_exactly_once(
    sessions, db_url: str, clock: FakeClock
) -> None:
    bookings = await _due_bookings(sessions, clock, 30)
    await _claimed_by_a_process_that_dies(sessions, clock)
    clock.advance(ABOUT_A_MINUTE)
    engines = [create_engine(db_url), create_engine(db_url)]
    try:
        senders = [RecordingSender(), RecordingSender()]
        dispatchers = [
            ReminderDispatcher(session_factory(engine), sender=sender, clock=clock, batch_size=4, concurrency=2)
            for engine, sender in zip(engines, senders, strict=False)
        ]
        reports = await asyncio.gather(*(d.run_once() for d in dispatchers))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sorted(senders[0].bookings + senders[1].bookings) == sorted(bookings)  # all, none twice
    assert reports[0].sent + reports[1].sent == 30
    async with sessions() as session:
        rows = (await session.scalars(select(Reminder).where(Reminder.offset_minutes == 1440))).all()
    assert {r.status for r in rows} == {"sent"} and {r.attempts for r in rows} == {2}


async def test_a_dispatcher_process_killed_between_claim_and_send(
    sessions, db_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    """The real thing: a dispatcher process claims three reminders, is SIGKILLed while sending,
    and another dispatcher sends each exactly once about a minute later."""
    bookings = await _due_bookings(sessions, clock, 3)
    go, out = tmp_path / "go", tmp_path / "claimed.txt"
    go.touch()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.reminders.dispatch_process",
        db_url,
        clock.now().isoformat(),
        str(out),
        str(go),
        "--hang",
        cwd=ROOT,
    )
    try:

        async def all_claimed() -> None:
            while not out.exists() or len(out.read_text().split("\n")) <= len(bookings):
                await asyncio.sleep(0.02)

        await asyncio.wait_for(all_claimed(), 60)
    finally:
        proc.send_signal(signal.SIGKILL)
        assert await asyncio.wait_for(proc.wait(), 30) == -signal.SIGKILL
    assert sorted(int(line.split()[1]) for line in out.read_text().splitlines()) == sorted(bookings)
    claimed_by = {row[1440].claimed_by for row in [await reminders_of(sessions, b) for b in bookings]}
    assert len(claimed_by) == 1 and None not in claimed_by

    sender = RecordingSender()
    dispatcher = ReminderDispatcher(sessions, sender=sender, clock=clock)
    clock.advance(timedelta(seconds=30))
    assert (await dispatcher.run_once()).sent == 0  # the dead process's claims are still fresh
    clock.advance(timedelta(seconds=30))  # the next run, a minute after the crash
    assert (await dispatcher.run_once()).sent == 3
    assert (await dispatcher.run_once()).sent == 0
    assert sorted(sender.bookings) == sorted(bookings)
