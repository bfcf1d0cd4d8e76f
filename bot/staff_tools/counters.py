"""Anonymous figures for /stats, counted where things happen (table `daily_counts`): a question
answered (by topic and language), a handoff opened or closed, a booking made, cancelled or
missed. Only the Berlin calendar day, a topic id and a language code are kept: never a text,
never who. The wait for the first staff reply of a handoff is kept as seconds per day
(`first_reply_waits`) for its median.

Each count is one upsert in the caller's session (it commits with the caller's work):

    await count(session, QUESTION, now, topic="housing", lang="ar")
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.places.calendar import to_local
from bot.storage.models import DailyCount, FirstReplyWait, HandoffMessage

QUESTION: Final = "question"
HANDOFF_OPENED: Final = "handoff_opened"
HANDOFF_CLOSED: Final = "handoff_closed"
BOOKED: Final = "booked"
CANCELLED: Final = "cancelled"
NO_SHOW: Final = "no_show"
METRICS: Final = (QUESTION, HANDOFF_OPENED, HANDOFF_CLOSED, BOOKED, CANCELLED, NO_SHOW)

TOPIC_MAX = 32  # DailyCount.topic
LANG_MAX = 16  # DailyCount.lang


async def count(
    session: AsyncSession, metric: str, now: datetime, *, topic: str | None = None, lang: str | None = None
) -> None:
    """One more `metric` on the Berlin day of `now` (for `topic` and `lang` where given)."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    values = dict(
        day=to_local(now).date(), metric=metric, topic=(topic or "")[:TOPIC_MAX], lang=(lang or "")[:LANG_MAX], count=1
    )
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(DailyCount).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[DailyCount.day, DailyCount.metric, DailyCount.topic, DailyCount.lang],
        set_={"count": DailyCount.count + statement.excluded.count},
    )
    await session.execute(statement)


async def first_reply(session: AsyncSession, opened_at: datetime, now: datetime) -> None:
    """A handoff opened at `opened_at` got its first staff reply `now`."""
    seconds = max(0, int((now - opened_at).total_seconds()))
    session.add(FirstReplyWait(day=to_local(now).date(), seconds=seconds))


async def staff_replied(session: AsyncSession, handoff_id: int, *, opened_at: datetime, now: datetime) -> None:
    """Staff are about to send a message in a handoff: its first one records the wait."""
    earlier = await session.scalar(
        select(HandoffMessage.id)
        .where(HandoffMessage.handoff_id == handoff_id, HandoffMessage.direction == "out")
        .limit(1)
    )
    if earlier is None:
        await first_reply(session, opened_at, now)
