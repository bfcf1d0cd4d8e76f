"""Sending due reminders exactly once, across processes and restarts.

One run (`ReminderDispatcher.run_once`, every 30 s and at start-up) works in batches:

1. `due_reminders`: pending reminders whose time has come, and claimed ones whose claimer is gone
   (see "Claims and heartbeats" below). On PostgreSQL the rows are locked with FOR UPDATE SKIP
   LOCKED, so two dispatchers take different batches instead of queueing behind each other.
2. `decide`: which still make sense. A reminder is skipped when its booking is gone, cancelled or
   (nearly) begun, when the person cannot be reached, or when a reminder of the same booking with
   a smaller offset is also due or already out (after downtime: the appointment is in 1 hour, the
   24h and the 2h reminder are both due -> only the 2h one is sent).
3. `claim`: one conditional UPDATE ... WHERE status = 'pending' (or abandoned 'claimed') per batch,
   RETURNING the ids this process won. The database decides the winner: a row another process
   claimed first no longer matches the WHERE clause (PostgreSQL re-checks it after the other
   transaction commits; SQLite has one writer at a time), so no reminder is sent twice.
4. Send through the injected `sender(person, replies) -> bool` (the Outbox's `to_person`), a few
   at a time (the outbound rate limiter spaces them), then `mark_sent` (or failed / released).

Claims and heartbeats. A dispatcher writes its heartbeat (`beat`, table `heartbeats`) when a run
starts and every `HEARTBEAT_EVERY` while it runs, sending included. A claim is abandoned, and
may be taken over, once it is older than `CLAIM_LEASE` and its owner has not beaten for as long:
the owner died between claim and "sent", and the reminder goes out 45-75 s late (the lease, plus
up to one 30 s run interval), not lost. A live owner keeps its claims however long its sends take
(the rate limiter may space them out); only `stale_after` (10 minutes) ends them, which is also
the back-off before a failed send is tried again. The claim's own age matters as well as the
heartbeat: on PostgreSQL a competing UPDATE re-checks a row another dispatcher just claimed, but
reads the heartbeats as of its own start, perhaps before that dispatcher's first beat; the fresh
`claimed_at` it does see keeps it off. Clocks of the hosts must agree to within a few seconds.

A crash after sending but before "sent" is recorded sends that one reminder again (at least
once beats never); nothing else is ever sent twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.core.replies import Reply
from bot.metrics import REMINDERS
from bot.places.data import Places
from bot.reminders.message import reminder_reply
from bot.reminders.planning import CLAIMED, FAILED, PENDING, SENT, SKIPPED
from bot.storage.models import Booking, Heartbeat, Person, Reminder

log = logging.getLogger(__name__)

Sender = Callable[[Person, list[Reply]], Awaitable[bool]]

DEFAULT_STALE_AFTER = timedelta(minutes=10)
# A claim this old whose owner has not beaten for as long is abandoned (see the module doc).
CLAIM_LEASE = timedelta(seconds=45)
HEARTBEAT_EVERY = timedelta(seconds=15)  # three beats per lease: one late beat costs nothing
# Heartbeats of processes gone this long are deleted (only their claims' age matters after that).
FORGET_HEARTBEATS_AFTER = timedelta(days=1)
# A reminder arriving less than this before the appointment helps no one.
DEFAULT_MIN_LEAD = timedelta(minutes=10)


def default_owner() -> str:
    """Who claims: host, process id and a random part (unique per dispatcher instance)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Candidate:
    """A due (or stale-claimed) reminder as read before claiming."""

    id: int
    booking_id: int
    offset_minutes: int
    due_at: datetime
    status: str


@dataclass(frozen=True)
class Sibling:
    """Any reminder of the same booking (to see whether a closer one is due or out)."""

    offset_minutes: int
    due_at: datetime
    status: str


@dataclass(frozen=True)
class Decision:
    send: list[int]
    skip: dict[int, str]  # reminder id -> reason


@dataclass
class DispatchReport:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    released: int = 0  # sending failed; retried once the claim is stale
    lost_races: int = 0  # decided to send, but another process claimed it first
    reasons: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, other: DispatchReport) -> None:
        self.sent += other.sent
        self.skipped += other.skipped
        self.failed += other.failed
        self.released += other.released
        self.lost_races += other.lost_races
        for key, value in other.reasons.items():
            self.reasons[key] += value


def _claimable(now: datetime, stale_after: timedelta, lease: timedelta) -> ColumnElement[bool]:
    """The one condition under which a reminder may be taken: pending, or claimed but stale, or
    claimed longer than the lease ago by an owner without a heartbeat since."""
    owner_alive = exists().where(Heartbeat.owner == Reminder.claimed_by, Heartbeat.beat_at >= now - lease)
    return or_(
        Reminder.status == PENDING,
        and_(
            Reminder.status == CLAIMED,
            or_(
                Reminder.claimed_at < now - stale_after,
                and_(Reminder.claimed_at < now - lease, ~owner_alive),
            ),
        ),
    )


async def beat(session: AsyncSession, owner: str, *, now: datetime) -> None:
    """`owner` is alive at `now` (commits: a heartbeat must be seen by others at once)."""
    updated = cast(
        "CursorResult[Any]",
        await session.execute(  # an UPDATE's result is a CursorResult
            update(Heartbeat)
            .where(Heartbeat.owner == owner)
            .values(beat_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    if not updated.rowcount:
        # The owner's first beat (owners are unique per dispatcher, so no one else inserts it);
        # a good moment to forget processes gone long ago.
        await session.execute(
            delete(Heartbeat)
            .where(Heartbeat.beat_at < now - FORGET_HEARTBEATS_AFTER)
            .execution_options(synchronize_session=False)
        )
        session.add(Heartbeat(owner=owner, beat_at=now))
    await session.commit()


async def due_reminders(
    session: AsyncSession,
    *,
    now: datetime,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    lease: timedelta = CLAIM_LEASE,
    limit: int = 100,
    lock: bool = False,
) -> list[Candidate]:
    """Reminders due at `now` (pending, or claimed by a process gone or longer ago than
    `stale_after`), oldest first.

    `lock=True` (PostgreSQL) locks the rows FOR UPDATE SKIP LOCKED until the session's
    transaction ends: claim them in the same transaction."""
    query = (
        select(Reminder.id, Reminder.booking_id, Reminder.offset_minutes, Reminder.due_at, Reminder.status)
        .where(Reminder.due_at <= now, _claimable(now, stale_after, lease))
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
    )
    if lock:
        query = query.with_for_update(skip_locked=True)
    rows = (await session.execute(query)).all()
    return [Candidate(*row) for row in rows]


def decide(
    candidates: Sequence[Candidate],
    *,
    bookings: dict[int, Booking],
    people: dict[int, Person],
    siblings: dict[int, list[Sibling]],
    now: datetime,
    min_lead: timedelta = DEFAULT_MIN_LEAD,
) -> Decision:
    """Which candidates to send and which to skip, and why (pure)."""
    send: list[int] = []
    skip: dict[int, str] = {}
    for c in candidates:
        booking = bookings.get(c.booking_id)
        if booking is None or booking.status != "booked":
            skip[c.id] = "booking_not_live"
            continue
        if booking.starts_at - now < min_lead:
            skip[c.id] = "too_late"
            continue
        person = people.get(booking.person_id) if booking.person_id is not None else None
        if person is None or not person.active:
            skip[c.id] = "person_unreachable"
            continue
        closer = [
            s
            for s in siblings.get(c.booking_id, ())
            if s.offset_minutes < c.offset_minutes and s.due_at <= now and s.status != SKIPPED
        ]
        if closer:
            skip[c.id] = "superseded"
            continue
        send.append(c.id)
    return Decision(send=send, skip=skip)


async def claim(
    session: AsyncSession,
    ids: Sequence[int],
    *,
    owner: str,
    now: datetime,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    lease: timedelta = CLAIM_LEASE,
) -> list[int]:
    """Claim these reminders for `owner`; returns the ids this call won (does not commit). The
    owner must be beating (`beat`), or its claims are taken over after the lease."""
    if not ids:
        return []
    result = await session.execute(
        update(Reminder)
        .where(Reminder.id.in_(list(ids)), Reminder.due_at <= now, _claimable(now, stale_after, lease))
        .values(status=CLAIMED, claimed_by=owner, claimed_at=now, attempts=Reminder.attempts + 1)
        .returning(Reminder.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(result.scalars().all())


async def skip(
    session: AsyncSession,
    ids: Sequence[int],
    *,
    now: datetime,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    lease: timedelta = CLAIM_LEASE,
) -> int:
    """Mark reminders skipped unless someone claimed (or sent) them meanwhile (does not commit)."""
    if not ids:
        return 0
    result = cast(
        "CursorResult[Any]",
        await session.execute(  # an UPDATE's result is a CursorResult
            update(Reminder)
            .where(Reminder.id.in_(list(ids)), _claimable(now, stale_after, lease))
            .values(status=SKIPPED)
            .execution_options(synchronize_session=False)
        ),
    )
    return int(result.rowcount or 0)


async def finish(session: AsyncSession, reminder_id: int, *, owner: str, status: str, now: datetime) -> bool:
    """Record the outcome of a claimed reminder (sent/failed/pending again), if still ours."""
    values: dict[str, object] = {"status": status}
    if status == SENT:
        values["sent_at"] = now
    if status == PENDING:
        values.update(claimed_by=None, claimed_at=None)
    result = cast(
        "CursorResult[Any]",
        await session.execute(  # an UPDATE's result is a CursorResult
            update(Reminder)
            .where(Reminder.id == reminder_id, Reminder.status == CLAIMED, Reminder.claimed_by == owner)
            .values(**values)
            .execution_options(synchronize_session=False)
        ),
    )
    return bool(result.rowcount)


async def _load_context(
    session: AsyncSession, booking_ids: set[int]
) -> tuple[dict[int, Booking], dict[int, Person], dict[int, list[Sibling]]]:
    if not booking_ids:
        return {}, {}, {}
    bookings = {b.id: b for b in (await session.scalars(select(Booking).where(Booking.id.in_(booking_ids)))).all()}
    person_ids = {b.person_id for b in bookings.values() if b.person_id is not None}
    people = (
        {p.id: p for p in (await session.scalars(select(Person).where(Person.id.in_(person_ids)))).all()}
        if person_ids
        else {}
    )
    siblings: dict[int, list[Sibling]] = defaultdict(list)
    for row in (
        await session.execute(
            select(Reminder.booking_id, Reminder.offset_minutes, Reminder.due_at, Reminder.status).where(
                Reminder.booking_id.in_(booking_ids)
            )
        )
    ).all():
        siblings[row[0]].append(Sibling(row[1], row[2], row[3]))
    return bookings, people, dict(siblings)


@dataclass(frozen=True)
class _Job:
    reminder_id: int
    booking: Booking
    person: Person


class ReminderDispatcher:
    """Sends due reminders. Safe to run in several processes at once (see the module doc)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        sender: Sender,
        clock: Clock,
        owner: str | None = None,
        stale_after: timedelta = DEFAULT_STALE_AFTER,
        lease: timedelta = CLAIM_LEASE,
        heartbeat_every: timedelta = HEARTBEAT_EVERY,
        min_lead: timedelta = DEFAULT_MIN_LEAD,
        batch_size: int = 100,
        concurrency: int = 16,
        max_attempts: int = 5,
        supports_language: Callable[[str], bool] | None = None,
        places: Places | None = None,
    ) -> None:
        self.sessions = sessions
        self.sender = sender
        self.clock = clock
        self.owner = owner or default_owner()
        self.stale_after = stale_after
        self.lease = lease
        self.heartbeat_every = heartbeat_every
        self.min_lead = min_lead
        self.batch_size = batch_size
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.supports_language = supports_language
        self.places = places or Places()  # the bot gives Services.places
        self.stopping = False
        self._run_lock = asyncio.Lock()

    def stop(self) -> None:
        """Finish the batch in hand, then return from run_once."""
        self.stopping = True

    async def run_once(self) -> DispatchReport:
        """Send everything due now, batch by batch, until nothing is left (or `stop()`)."""
        report = DispatchReport()
        async with self._run_lock:  # one run at a time in this process
            await self.beat()
            beating = asyncio.create_task(self._keep_beating())
            try:
                while not self.stopping:
                    batch = await self._run_batch()
                    if batch is None:
                        break
                    report.add(batch)
                    for result, count in (("sent", batch.sent), ("failed", batch.failed), ("skipped", batch.skipped)):
                        if count:
                            REMINDERS.labels(result=result).inc(count)
            finally:
                beating.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await beating
        if report.sent or report.skipped or report.failed:
            log.info("reminders: %d sent, %d skipped, %d failed", report.sent, report.skipped, report.failed)
        return report

    async def beat(self) -> None:
        """Tell other dispatchers this one is alive (its claims are not abandoned)."""
        async with self.sessions() as session:
            await beat(session, self.owner, now=self.clock.now())

    async def _keep_beating(self) -> None:
        """Beat every `heartbeat_every` while a run lasts; a failed beat is retried at the next."""
        while True:
            await asyncio.sleep(self.heartbeat_every.total_seconds())
            try:
                await self.beat()
            except Exception:
                log.exception("reminders: heartbeat of %s failed", self.owner)

    async def _run_batch(self) -> DispatchReport | None:
        """One batch: read, decide, skip, claim; then send. None when nothing was due."""
        now = self.clock.now()
        report = DispatchReport()
        async with self.sessions() as session:
            is_postgres = session.get_bind().dialect.name == "postgresql"
            candidates = await due_reminders(
                session,
                now=now,
                stale_after=self.stale_after,
                lease=self.lease,
                limit=self.batch_size,
                lock=is_postgres,
            )
            if not candidates:
                await session.rollback()
                return None
            bookings, people, siblings = await _load_context(session, {c.booking_id for c in candidates})
            decision = decide(
                candidates, bookings=bookings, people=people, siblings=siblings, now=now, min_lead=self.min_lead
            )
            if not is_postgres:
                await session.commit()  # SQLite: read done; the writes below take the write lock
            report.skipped = await skip(
                session, list(decision.skip), now=now, stale_after=self.stale_after, lease=self.lease
            )
            for reason in decision.skip.values():
                report.reasons[reason] += 1
            won = await claim(
                session, decision.send, owner=self.owner, now=now, stale_after=self.stale_after, lease=self.lease
            )
            await session.commit()
        report.lost_races = len(decision.send) - len(won)
        by_id = {c.id: c for c in candidates}
        jobs = []
        for reminder_id in won:
            booking = bookings[by_id[reminder_id].booking_id]
            assert booking.person_id is not None  # decide() sends only bookings whose person is known
            person = people[booking.person_id]
            jobs.append(_Job(reminder_id, booking, person))
        if jobs:
            await self._send_all(jobs, report)
        return report

    async def _send_all(self, jobs: list[_Job], report: DispatchReport) -> None:
        gate = asyncio.Semaphore(self.concurrency)

        async def one(job: _Job) -> None:
            async with gate:
                outcome = await self._send_one(job)
            if outcome == SENT:
                report.sent += 1
            elif outcome == FAILED:
                report.failed += 1
            elif outcome == CLAIMED:
                report.released += 1  # retried after stale_after
            elif outcome == SKIPPED:
                report.skipped += 1

        await asyncio.gather(*(one(job) for job in jobs))

    def _lang(self, person: Person) -> str:
        lang = person.language or "de"
        if self.supports_language is not None and not self.supports_language(lang):
            return "de"
        return lang

    async def _send_one(self, job: _Job) -> str:
        now = self.clock.now()
        async with self.sessions() as session:
            # Re-read: the booking may have been cancelled since the batch was read.
            current = await session.scalar(select(Booking.status).where(Booking.id == job.booking.id))
            mine = (
                await session.execute(
                    select(Reminder.status, Reminder.claimed_by).where(Reminder.id == job.reminder_id)
                )
            ).one_or_none()
        if mine is None or tuple(mine) != (CLAIMED, self.owner):
            return SKIPPED  # cancelled (skipped) or taken over meanwhile: not ours to send
        if current != "booked":
            async with self.sessions() as session:
                await session.execute(
                    update(Reminder)
                    .where(
                        Reminder.id == job.reminder_id, Reminder.claimed_by == self.owner, Reminder.status == CLAIMED
                    )
                    .values(status=SKIPPED)
                    .execution_options(synchronize_session=False)
                )
                await session.commit()
            return SKIPPED
        booking, person = job.booking, job.person
        lang = self._lang(person)
        reply = reminder_reply(
            booking_id=booking.id,
            starts_at=booking.starts_at,
            office_id=booking.office,
            office=self.places.offices().get(booking.office),
            lang=lang,
            now=now,
            interpreter=booking.interpreter,
        )
        was_active = person.active
        try:
            delivered = await self.sender(person, [reply])
        except asyncio.CancelledError:
            raise  # the claim stays; taken over once this process has stopped beating for the lease
        except Exception:
            # The rate limiter has already retried 429s, 5xx and timeouts. Leave the claim: the
            # reminder is tried again once the claim is stale (a natural back-off), up to
            # max_attempts, and is then given up as failed.
            log.exception(
                "reminder %s (booking %s, person %s) could not be sent", job.reminder_id, booking.id, person.id
            )
            if await self._attempts(job.reminder_id) >= self.max_attempts:
                await self._finish(job.reminder_id, FAILED)
                return FAILED
            return CLAIMED
        if not delivered:
            if was_active and not person.active:
                async with self.sessions() as session:  # the sender found the bot blocked
                    await session.execute(update(Person).where(Person.id == person.id).values(active=False))
                    await session.commit()
            log.info("reminder %s not delivered: person %s unreachable", job.reminder_id, person.id)
            await self._finish(job.reminder_id, FAILED)
            return FAILED
        await self._finish(job.reminder_id, SENT)
        return SENT

    async def _attempts(self, reminder_id: int) -> int:
        async with self.sessions() as session:
            return int(await session.scalar(select(Reminder.attempts).where(Reminder.id == reminder_id)) or 0)

    async def _finish(self, reminder_id: int, status: str) -> None:
        async with self.sessions() as session:
            if not await finish(session, reminder_id, owner=self.owner, status=status, now=self.clock.now()):
                log.warning("reminder %s was taken over before it could be marked %s", reminder_id, status)
            await session.commit()
