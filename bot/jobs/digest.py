"""The 7:30 digest in the staff chat: today's bookings per office (German, no names), and a line
of yesterday's anonymous figures (bot.staff_tools.stats).

Claimed once per day through job_runs ("digest", "2026-11-23"): with two bot processes the
digest is posted once. `catch_up` posts a missed digest after a start-up in the morning
(the bot was down at 7:30). A day without bookings, after a day without figures, is claimed but
not posted.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.content.locales import Catalog
from bot.core.replies import Msg
from bot.jobs.runs import claim_run, release_run
from bot.places.calendar import TZ, to_local
from bot.places.data import Places
from bot.places.formatting import format_date, format_time
from bot.places.offices import OfficeDirectory
from bot.reminders.message import language_name
from bot.staff_tools import stats
from bot.storage.models import Booking

log = logging.getLogger(__name__)

JOB = "digest"
DIGEST_AT = time(7, 30)
CATCH_UP_UNTIL = time(12, 0)  # after noon a "today" digest is no longer worth posting
PostHtml = Callable[[str], Awaitable[None]]


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The Berlin calendar day as a [start, end) interval in UTC (23 or 25 hours on DST days)."""
    start = datetime.combine(day, time(0, 0), tzinfo=TZ).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=TZ).astimezone(UTC)
    return start, end


async def bookings_of_day(session: AsyncSession, day: date) -> list[Booking]:
    start, end = day_bounds(day)
    return list(
        (
            await session.scalars(
                select(Booking)
                .where(Booking.status == "booked", Booking.starts_at >= start, Booking.starts_at < end)
                .order_by(Booking.office, Booking.starts_at, Booking.seat, Booking.id)
            )
        ).all()
    )


def topic_name(catalog: Catalog, topic: str | None) -> Msg | str:
    if not topic:
        return Msg("staff.digest.no_topic")
    key = f"flow.{topic}.title"
    return Msg(key) if catalog.has(key) else topic


def digest_html(bookings: Sequence[Booking], day: date, catalog: Catalog, offices: OfficeDirectory) -> str | None:
    """The digest text (Telegram HTML, German), or None when there is nothing to post."""
    if not bookings:
        return None
    by_office: dict[str, list[Booking]] = {}
    for booking in bookings:
        by_office.setdefault(booking.office, []).append(booking)
    order = {o.id: i for i, o in enumerate(offices.all)}
    lines = [catalog.render(Msg("staff.digest.title", date=format_date(day, "de")), "de")]
    for office_id in sorted(by_office, key=lambda o: (order.get(o, len(order)), o)):
        office = offices.get(office_id)
        items = by_office[office_id]
        lines.append("")
        lines.append(
            catalog.render(
                Msg("staff.digest.office", office=office.name if office else office_id, count=len(items)), "de"
            )
        )
        for booking in items:
            line = catalog.render(
                Msg(
                    "staff.digest.line",
                    time=format_time(to_local(booking.starts_at), "de"),
                    booking=booking.id,
                    topic=topic_name(catalog, booking.topic),
                ),
                "de",
            )
            if booking.interpreter and booking.interpreter != "no":
                line += catalog.render(
                    Msg("staff.digest.interpreter", language=language_name(booking.interpreter, "de")), "de"
                )
            lines.append(line)
    return "\n".join(lines)


async def post_daily_digest(
    sessions: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    post: PostHtml,
    catalog: Catalog,
    places: Places,
    owner: str,
    day: date | None = None,
) -> bool:
    """Post the digest of `day` (default: today in Berlin) unless another process did.
    True when this call claimed the day. A failure to post gives the claim back and re-raises."""
    day = day or to_local(now).date()
    run_key = day.isoformat()
    if not await claim_run(sessions, JOB, run_key, owner=owner, now=now):
        log.info("digest %s already claimed", run_key)
        return False
    try:
        async with sessions() as session:
            bookings = await bookings_of_day(session, day)
            figures = await stats.yesterday_line(session, day, catalog)
        html = digest_html(bookings, day, catalog, places.offices())
        if figures is not None:  # yesterday's figures, also on a day without bookings
            html = (
                (html or catalog.render(Msg("staff.stats.digest_no_bookings", date=format_date(day, "de")), "de"))
                + "\n\n"
                + figures
            )
        if html is not None:
            await post(html)
        log.info("digest %s: %d bookings", run_key, len(bookings))
    except BaseException:
        await release_run(sessions, JOB, run_key, owner=owner)
        raise
    return True


async def catch_up(
    sessions: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    post: PostHtml,
    catalog: Catalog,
    places: Places,
    owner: str,
) -> bool:
    """At start-up: post today's digest if 7:30 has passed, it is still morning and no one did."""
    local = to_local(now).time()
    if not (DIGEST_AT <= local < CATCH_UP_UNTIL):
        return False
    return await post_daily_digest(sessions, now=now, post=post, catalog=catalog, places=places, owner=owner)
