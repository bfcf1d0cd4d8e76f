"""After an appointment: ask the staff chat whether the person came, with two buttons.

Each booking is asked about once across processes (job_runs "attendance", booking id). Staff
press "came" / "did not come" (bot.telegram.routers.staff_attendance), which calls
`mark_attendance`: booked -> attended | no_show, once; a second press changes nothing.
Bookings that ended more than `lookback` ago are not asked about (e.g. after a long downtime
or on the first start), and at most `limit` questions are posted per run (the staff chat is a
group: 20 messages a minute).
"""

from __future__ import annotations

import logging
import typing
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import CursorResult, String, and_, cast, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.content.locales import Catalog
from bot.core.actions import MarkAttendance
from bot.core.replies import Choice, Msg, Reply, rows
from bot.jobs.digest import topic_name
from bot.jobs.runs import claim_run, release_run
from bot.metrics import BOOKINGS
from bot.places.calendar import to_local
from bot.places.data import Places
from bot.places.offices import OfficeDirectory
from bot.staff_tools import counters
from bot.storage.models import Booking, JobRun

log = logging.getLogger(__name__)

JOB = "attendance"
DEFAULT_LOOKBACK = timedelta(days=2)
PostReply = Callable[[Reply], Awaitable[object]]
ATTENDED = "attended"
NO_SHOW = "no_show"


async def bookings_to_ask(
    session: AsyncSession, *, now: datetime, lookback: timedelta = DEFAULT_LOOKBACK, limit: int = 20
) -> list[Booking]:
    """Live bookings that have ended (within `lookback`) and were not asked about yet."""
    asked = exists().where(and_(JobRun.name == JOB, JobRun.run_key == cast(Booking.id, String)))
    return list(
        (
            await session.scalars(
                select(Booking)
                .where(Booking.status == "booked", Booking.ends_at <= now, Booking.ends_at > now - lookback, ~asked)
                .order_by(Booking.ends_at, Booking.id)
                .limit(limit)
            )
        ).all()
    )


def when_text(booking: Booking) -> str:
    return to_local(booking.starts_at).strftime("%d.%m.%Y %H:%M")


def office_name(offices: OfficeDirectory, office_id: str) -> str:
    office = offices.get(office_id)
    return office.name if office else office_id


def question(booking: Booking, catalog: Catalog, offices: OfficeDirectory) -> Reply:
    """The staff question with its two buttons (German)."""
    return Reply(
        Msg(
            "staff.attendance.ask",
            office=office_name(offices, booking.office),
            when=when_text(booking),
            booking=booking.id,
            topic=topic_name(catalog, booking.topic),
        ),
        choices=rows(
            [
                Choice(Msg("staff.attendance.attended_button"), MarkAttendance(booking.id, True)),
                Choice(Msg("staff.attendance.no_show_button"), MarkAttendance(booking.id, False)),
            ]
        ),
    )


def outcome_text(booking: Booking, catalog: Catalog, offices: OfficeDirectory, *, marked_by: str | None = None) -> str:
    """What the question becomes once answered (Telegram HTML, German)."""
    key = "staff.attendance.attended" if booking.status == ATTENDED else "staff.attendance.no_show"
    text = catalog.render(
        Msg(key, office=office_name(offices, booking.office), when=when_text(booking), booking=booking.id), "de"
    )
    if marked_by:
        text += catalog.render(Msg("staff.attendance.by", name=marked_by), "de")
    return text


def status_label(status: str) -> Msg:
    return Msg(
        {ATTENDED: "staff.attendance.status_attended", NO_SHOW: "staff.attendance.status_no_show"}.get(
            status, "staff.attendance.status_cancelled"
        )
    )


async def ask_staff(
    sessions: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    post: PostReply,
    catalog: Catalog,
    places: Places,
    owner: str,
    lookback: timedelta = DEFAULT_LOOKBACK,
    limit: int = 20,
) -> int:
    """Post the question for every ended booking not asked about yet; returns how many posted."""
    async with sessions() as session:
        bookings = await bookings_to_ask(session, now=now, lookback=lookback, limit=limit)
    posted = 0
    for booking in bookings:
        key = str(booking.id)
        if not await claim_run(sessions, JOB, key, owner=owner, now=now):
            continue
        try:
            await post(question(booking, catalog, places.offices()))
        except Exception:
            await release_run(sessions, JOB, key, owner=owner)
            log.exception("attendance question for booking %s not posted; retried next run", booking.id)
            continue
        posted += 1
    return posted


async def mark_attendance(
    session: AsyncSession, booking_id: int, *, attended: bool, now: datetime
) -> tuple[bool, Booking | None]:
    """booked -> attended / no_show for an appointment that has begun. Returns (changed, booking);
    changed is False when it was marked before (or cancelled, or has not begun). Does not commit."""
    result = typing.cast(  # sqlalchemy's cast (SQL CAST) is the plain name here
        "CursorResult[typing.Any]",
        await session.execute(  # an UPDATE's result is a CursorResult
            update(Booking)
            .where(Booking.id == booking_id, Booking.status == "booked", Booking.starts_at <= now)
            .values(status=ATTENDED if attended else NO_SHOW, updated_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    booking = await session.get(Booking, booking_id, populate_existing=True)
    if result.rowcount:
        BOOKINGS.labels(event=ATTENDED if attended else NO_SHOW).inc()
        if not attended and booking is not None:
            await counters.count(session, counters.NO_SHOW, now, topic=booking.topic, lang=booking.language)
    return bool(result.rowcount), booking
