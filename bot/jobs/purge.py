"""The nightly purge (3:30): personal data is kept only as long as the privacy text promises.

One function per kind, each `(session, *, now, ...) -> rows affected`, not committing:

- handoff_messages: transcripts older than RETENTION_DAYS;
- closed handoffs: closed more than RETENTION_DAYS ago (their transcripts go with them);
- processed_updates: update ids older than 2 days (only needed against redelivery);
- translations: the machine-translation cache older than RETENTION_DAYS;
- conversation_states: untouched for RETENTION_DAYS;
- booking notes: the person's note on bookings that were cancelled or took place more than
  RETENTION_DAYS ago (the booking itself stays as anonymous statistics);
- job_runs: claims older than RETENTION_DAYS, at least a week (bookkeeping only).

`purge_all` runs each in its own transaction; deleting twice is harmless, so two processes may
both run it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.models import (
    Booking,
    CachedTranslation,
    ConversationState,
    Handoff,
    HandoffMessage,
    JobRun,
    ProcessedUpdate,
)

log = logging.getLogger(__name__)

PROCESSED_UPDATES_KEEP = timedelta(days=2)
JOB_RUNS_MIN_DAYS = 7


def _rows(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def cutoff(now: datetime, retention_days: int) -> datetime:
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    return now - timedelta(days=retention_days)


async def purge_handoff_messages(session: AsyncSession, *, now: datetime, retention_days: int) -> int:
    return _rows(
        await session.execute(delete(HandoffMessage).where(HandoffMessage.created_at < cutoff(now, retention_days)))
    )


async def purge_closed_handoffs(session: AsyncSession, *, now: datetime, retention_days: int) -> int:
    before = cutoff(now, retention_days)
    # Transcripts first: the foreign key cascades too, but not every connection enforces it.
    closed = Handoff.status == "closed"
    old = Handoff.closed_at < before
    ids = select(Handoff.id).where(closed, old).scalar_subquery()
    await session.execute(delete(HandoffMessage).where(HandoffMessage.handoff_id.in_(ids)))
    return _rows(await session.execute(delete(Handoff).where(closed, old)))


async def purge_processed_updates(
    session: AsyncSession, *, now: datetime, keep: timedelta = PROCESSED_UPDATES_KEEP
) -> int:
    return _rows(await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.received_at < now - keep)))


async def purge_translations(session: AsyncSession, *, now: datetime, retention_days: int) -> int:
    return _rows(
        await session.execute(
            delete(CachedTranslation).where(CachedTranslation.created_at < cutoff(now, retention_days))
        )
    )


async def purge_conversation_states(session: AsyncSession, *, now: datetime, retention_days: int) -> int:
    return _rows(
        await session.execute(
            delete(ConversationState).where(ConversationState.updated_at < cutoff(now, retention_days))
        )
    )


async def purge_booking_notes(session: AsyncSession, *, now: datetime, retention_days: int) -> int:
    before = cutoff(now, retention_days)
    return _rows(
        await session.execute(
            update(Booking)
            .where(
                Booking.note.is_not(None),
                or_(Booking.starts_at < before, (Booking.status == "cancelled") & (Booking.updated_at < before)),
            )
            .values(note=None)
            .execution_options(synchronize_session=False)
        )
    )


async def purge_job_runs(session: AsyncSession, *, now: datetime, retention_days: int) -> int:
    # At least a week: the attendance job must still see that it asked about recent bookings.
    days = max(retention_days, JOB_RUNS_MIN_DAYS)
    return _rows(await session.execute(delete(JobRun).where(JobRun.claimed_at < cutoff(now, days))))


async def purge_all(
    sessions: async_sessionmaker[AsyncSession], *, now: datetime, retention_days: int
) -> dict[str, int]:
    """Run every purge, each in its own transaction; returns rows per kind. One failing kind
    is logged and does not stop the others."""
    steps: dict[str, Callable[[AsyncSession], Awaitable[int]]] = {
        "handoff_messages": lambda s: purge_handoff_messages(s, now=now, retention_days=retention_days),
        "closed_handoffs": lambda s: purge_closed_handoffs(s, now=now, retention_days=retention_days),
        "processed_updates": lambda s: purge_processed_updates(s, now=now),
        "translations": lambda s: purge_translations(s, now=now, retention_days=retention_days),
        "conversation_states": lambda s: purge_conversation_states(s, now=now, retention_days=retention_days),
        "booking_notes": lambda s: purge_booking_notes(s, now=now, retention_days=retention_days),
        "job_runs": lambda s: purge_job_runs(s, now=now, retention_days=retention_days),
    }
    counts: dict[str, int] = {}
    for name, step in steps.items():
        try:
            async with sessions() as session:
                counts[name] = await step(session)
                await session.commit()
        except Exception:
            log.exception("purge of %s failed", name)
            counts[name] = -1
    log.info("purge: %s", ", ".join(f"{k}={v}" for k, v in counts.items()))
    return counts
