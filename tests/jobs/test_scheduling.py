"""The scheduler: which jobs at which times, a reminder run at start-up, a clean shutdown."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.core.services import Services
from bot.places.calendar import TZ
from bot.reminders.planning import plan_for_booking
from bot.scheduling import Scheduling
from tests.reminders.factories import OFFSETS, add_booking, add_person, reminders_of
from tests.services import services_for


class Outbox:
    def __init__(self) -> None:
        self.sent: list[int] = []
        self.release = asyncio.Event()
        self.release.set()
        self.entered = asyncio.Event()

    async def to_person(self, person, replies) -> bool:
        self.entered.set()
        await self.release.wait()
        self.sent.append(person.id)
        return True

    async def to_staff(self, html: str) -> None:
        return None


def _services(sessions, clock: FakeClock, outbox: Outbox) -> Services:
    return services_for(sessions, clock, outbox=outbox)


async def _noop(*args, **kwargs) -> None:
    return None


def _next(job, after: datetime) -> datetime:
    return job.trigger.get_next_fire_time(None, after).astimezone(TZ)


async def test_the_jobs_and_their_times(sessions, clock: FakeClock) -> None:
    scheduling = Scheduling(_services(sessions, clock, Outbox()), post_staff_html=_noop, post_staff_reply=_noop)
    scheduling.add_jobs()
    jobs = {job.id: job for job in scheduling.scheduler.get_jobs()}
    assert set(jobs) == {"reminders", "purge", "digest", "digest_catch_up", "attendance"}

    monday_8 = datetime(2026, 11, 23, 8, 0, tzinfo=TZ)
    assert _next(jobs["digest"], monday_8) == datetime(2026, 11, 24, 7, 30, tzinfo=TZ)
    summer = datetime(2026, 7, 1, 6, 0, tzinfo=TZ)
    assert _next(jobs["digest"], summer) == datetime(2026, 7, 1, 7, 30, tzinfo=TZ)  # local time, DST too
    assert _next(jobs["purge"], monday_8) == datetime(2026, 11, 24, 3, 30, tzinfo=TZ)
    assert jobs["reminders"].trigger.interval == timedelta(seconds=30)
    assert jobs["attendance"].trigger.interval == timedelta(minutes=5)
    assert jobs["reminders"].max_instances == 1 and jobs["reminders"].coalesce


async def test_without_a_staff_chat_only_reminders_and_purge(sessions, clock: FakeClock) -> None:
    scheduling = Scheduling(_services(sessions, clock, Outbox()))
    scheduling.add_jobs()
    assert {job.id for job in scheduling.scheduler.get_jobs()} == {"reminders", "purge"}
    assert await scheduling.run_digest() is False and await scheduling.run_attendance() == 0


async def _due_day_before_reminder(sessions, clock: FakeClock):
    """A person with a booking tomorrow whose day-before reminder is due now."""
    async with sessions() as session:
        person = await add_person(session)
        booking = await add_booking(session, person, starts_at=clock.now() + timedelta(hours=23))
        await plan_for_booking(session, booking, offsets_minutes=OFFSETS, now=clock.now() - timedelta(days=2))
        await session.commit()
    return person, booking


async def test_a_due_reminder_goes_out_at_start_up_and_shutdown_is_clean(sessions, clock: FakeClock) -> None:
    person, booking = await _due_day_before_reminder(sessions, clock)
    outbox = Outbox()
    scheduling = Scheduling(_services(sessions, clock, outbox))
    scheduling.start()
    try:
        await asyncio.wait_for(outbox.entered.wait(), 10)  # the start-up run, not 30 s later
    finally:
        await scheduling.shutdown()
    assert not scheduling.scheduler.running
    assert outbox.sent == [person.id]
    assert (await reminders_of(sessions, booking.id))[1440].status == "sent"


async def test_shutdown_lets_the_running_send_finish(sessions, clock: FakeClock) -> None:
    person, booking = await _due_day_before_reminder(sessions, clock)
    outbox = Outbox()
    outbox.release.clear()  # the send hangs until released
    scheduling = Scheduling(_services(sessions, clock, outbox))
    scheduling.start()
    await asyncio.wait_for(outbox.entered.wait(), 10)
    stopping = asyncio.create_task(scheduling.shutdown(grace=30))
    await asyncio.sleep(0.05)
    assert not stopping.done()  # waiting for the send in hand
    outbox.release.set()
    await asyncio.wait_for(stopping, 10)
    assert outbox.sent == [person.id]
    assert (await reminders_of(sessions, booking.id))[1440].status == "sent"  # recorded, not left claimed


async def test_shutdown_cancels_what_does_not_finish_in_time(sessions, clock: FakeClock) -> None:
    person, booking = await _due_day_before_reminder(sessions, clock)
    outbox = Outbox()
    outbox.release.clear()  # never released
    scheduling = Scheduling(_services(sessions, clock, outbox))
    scheduling.start()
    await asyncio.wait_for(outbox.entered.wait(), 10)
    await asyncio.wait_for(scheduling.shutdown(grace=0.1), 10)
    assert outbox.sent == [] and not scheduling.scheduler.running
    # the claim stays and is retried after the stale timeout by the next start
    assert (await reminders_of(sessions, booking.id))[1440].status == "claimed"


@pytest.mark.parametrize("staff", [True, False])
async def test_shutdown_before_start_is_harmless(sessions, clock: FakeClock, staff: bool) -> None:
    scheduling = Scheduling(_services(sessions, clock, Outbox()), post_staff_html=_noop if staff else None)
    await scheduling.shutdown()
    assert not scheduling.scheduler.running
