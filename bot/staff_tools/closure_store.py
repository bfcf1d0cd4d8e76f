"""Staff closures in the database (table `office_closures`), and keeping a process's view fresh.

Every process reads them again at most `REFRESH_SECONDS` after its last read (and at once after
it changed them itself), at the start of a turn, through the turn's own session: a closure
entered in one process is seen by newcomers talking to any other within that time.

    await refresh(services.places.staff_closures, session, today)   # before a turn uses the offices
    await add(session, request, now)                                 # /closed
    await reopen(session, "mh", day)                                 # /open
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.places.closures import StaffClosures
from bot.places.offices import Closure
from bot.staff_tools.arguments import CloseRequest
from bot.storage.models import OfficeClosure

REFRESH_SECONDS = 2.0
# Closures that ended this long ago are no longer read (they matter to nobody).
KEPT_AFTER_END = timedelta(days=7)


def as_closure(row: OfficeClosure) -> Closure:
    return Closure(start=row.starts_on, end=row.ends_on, reason=row.reason)


async def current(session: AsyncSession, today: date, office: str | None = None) -> list[OfficeClosure]:
    """The closures that have not ended before `today`, by office and start."""
    query = select(OfficeClosure).where(OfficeClosure.ends_on >= today)
    if office is not None:
        query = query.where(OfficeClosure.office == office)
    return list(
        (await session.scalars(query.order_by(OfficeClosure.office, OfficeClosure.starts_on, OfficeClosure.id))).all()
    )


async def refresh(closures: StaffClosures, session: AsyncSession, today: date, *, force: bool = False) -> None:
    """Read the closures again when this process's copy is older than REFRESH_SECONDS."""
    started = time.monotonic()
    if not force and not closures.is_stale(started, REFRESH_SECONDS):
        return
    by_office: dict[str, list[Closure]] = defaultdict(list)
    for row in await current(session, today - KEPT_AFTER_END):
        by_office[row.office].append(as_closure(row))
    closures.replace({office: tuple(items) for office, items in by_office.items()}, read_at=started)


async def add(session: AsyncSession, request: CloseRequest, now: datetime) -> OfficeClosure:
    row = OfficeClosure(
        office=request.office.id, starts_on=request.start, ends_on=request.end, reason=request.reason, created_at=now
    )
    session.add(row)
    await session.flush()
    return row


@dataclass(frozen=True)
class Reopened:
    """One closure /open changed: `kept` is what remains of it (None: removed whole)."""

    before: Closure
    kept: Closure | None


async def reopen(session: AsyncSession, office: str, day: date) -> list[Reopened]:
    """Open `office` again from `day`: every staff closure of it that includes `day` ends the day
    before (or goes, when it began on `day` or later). Closures after `day` stay."""
    rows = (
        await session.scalars(
            select(OfficeClosure)
            .where(OfficeClosure.office == office, OfficeClosure.starts_on <= day, OfficeClosure.ends_on >= day)
            .order_by(OfficeClosure.starts_on)
        )
    ).all()
    changed: list[Reopened] = []
    for row in rows:
        before = as_closure(row)
        if row.starts_on < day:
            row.ends_on = day - timedelta(days=1)
            changed.append(Reopened(before, as_closure(row)))
        else:
            await session.delete(row)
            changed.append(Reopened(before, None))
    await session.flush()
    return changed
