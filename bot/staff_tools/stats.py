"""/stats [week|month] and the digest's line of figures: the anonymous counts of
bot.staff_tools.counters summed over a period, in German for the staff chat.

    found = await figures(session, first, last)
    stats_html(found, catalog, first, last)      # the /stats answer
    await yesterday_line(session, today, catalog) # one line for the 7:30 digest, or None
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.locales import Catalog
from bot.core.replies import Msg, Plain, Text
from bot.core.services import Services
from bot.dialogues import staff_notes
from bot.places.calendar import to_local
from bot.staff_tools import counters
from bot.staff_tools.answers import problem_text
from bot.staff_tools.arguments import Problem, german, parse_period, period_days
from bot.storage.models import DailyCount, FirstReplyWait

UNSURE = "unsure"
TOP_TOPICS = 10  # the rest of the topics is summed up in one line


@dataclass(frozen=True)
class Figures:
    questions_by_topic: Counter[str] = field(default_factory=Counter)
    questions_by_lang: Counter[str] = field(default_factory=Counter)
    handoffs_opened: int = 0
    handoffs_closed: int = 0
    median_first_reply_seconds: float | None = None
    first_replies: int = 0
    booked: int = 0
    cancelled: int = 0
    no_show: int = 0

    @property
    def questions(self) -> int:
        return sum(self.questions_by_topic.values())

    @property
    def empty(self) -> bool:
        return not (
            self.questions
            or self.handoffs_opened
            or self.handoffs_closed
            or self.booked
            or self.cancelled
            or self.no_show
        )


async def figures(session: AsyncSession, first: date, last: date) -> Figures:
    """The counts of the days `first` to `last` (both included)."""
    rows = (
        await session.execute(
            select(DailyCount.metric, DailyCount.topic, DailyCount.lang, func.sum(DailyCount.count))
            .where(DailyCount.day >= first, DailyCount.day <= last)
            .group_by(DailyCount.metric, DailyCount.topic, DailyCount.lang)
        )
    ).all()
    by_topic: Counter[str] = Counter()
    by_lang: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for metric, topic, lang, total in rows:
        totals[metric] += int(total)
        if metric == counters.QUESTION:
            by_topic[topic or UNSURE] += int(total)
            by_lang[lang or "?"] += int(total)
    waits = list(
        (
            await session.scalars(
                select(FirstReplyWait.seconds).where(FirstReplyWait.day >= first, FirstReplyWait.day <= last)
            )
        ).all()
    )
    return Figures(
        questions_by_topic=by_topic,
        questions_by_lang=by_lang,
        handoffs_opened=totals[counters.HANDOFF_OPENED],
        handoffs_closed=totals[counters.HANDOFF_CLOSED],
        median_first_reply_seconds=statistics.median(waits) if waits else None,
        first_replies=len(waits),
        booked=totals[counters.BOOKED],
        cancelled=totals[counters.CANCELLED],
        no_show=totals[counters.NO_SHOW],
    )


def duration_de(seconds: float | None) -> Msg:
    """ "8 Min." (at least 1), or "–" without any reply."""
    if seconds is None:
        return Msg("staff.stats.no_wait")
    return Msg("staff.stats.minutes", minutes=max(1, int(round(seconds / 60))))


def topic_de(catalog: Catalog, topic: str) -> Text:
    if topic == UNSURE:
        return Msg("staff.stats.topic_unsure")
    key = f"flow.{topic}.title"
    return Msg(key) if catalog.has(key) else Plain(topic)


def stats_html(found: Figures, catalog: Catalog, first: date, last: date) -> str:
    parts: list[Text] = [Msg("staff.stats.title", first=german(first), last=german(last))]
    parts.append(Msg("staff.stats.questions", count=found.questions))
    for topic, total in found.questions_by_topic.most_common(TOP_TOPICS):
        parts.append(Msg("staff.stats.item", name=topic_de(catalog, topic), count=total))
    rest = sum(total for _, total in found.questions_by_topic.most_common()[TOP_TOPICS:])
    if rest:
        parts.append(Msg("staff.stats.item", name=Msg("staff.stats.other_topics"), count=rest))
    if found.questions_by_lang:
        languages = ", ".join(
            f"{staff_notes.language_name_de(lang) if lang != '?' else '?'} {total}"
            for lang, total in found.questions_by_lang.most_common()
        )
        parts.append(Msg("staff.stats.languages", languages=languages))
    parts.append(
        Msg(
            "staff.stats.handoffs",
            opened=found.handoffs_opened,
            closed=found.handoffs_closed,
            wait=duration_de(found.median_first_reply_seconds),
            replies=found.first_replies,
        )
    )
    parts.append(Msg("staff.stats.bookings", booked=found.booked, cancelled=found.cancelled, no_show=found.no_show))
    parts.append(Msg("staff.stats.anonymous"))
    return "\n".join(catalog.render(part, "de") for part in parts)


def digest_line(found: Figures, catalog: Catalog) -> str:
    """ "📊 Gestern: 12 Fragen · 2 Gespräche mit dem Team (erste Antwort nach 8 Min.) · Termine: 3
    gebucht, 1 abgesagt, 0 nicht gekommen" for the digest."""
    return catalog.render(
        Msg(
            "staff.stats.digest_line",
            questions=found.questions,
            opened=found.handoffs_opened,
            wait=duration_de(found.median_first_reply_seconds),
            booked=found.booked,
            cancelled=found.cancelled,
            no_show=found.no_show,
        ),
        "de",
    )


async def stats_text(services: Services, args: str | None) -> str:
    """/stats [week|month]: the figures of the last 7 or 30 days up to today."""
    period = parse_period(args)
    if isinstance(period, Problem):
        return problem_text(services, period)
    first, last = period_days(period, to_local(services.clock.now()).date())
    async with services.sessions() as session:
        found = await figures(session, first, last)
    return stats_html(found, services.catalog, first, last)


async def yesterday_line(session: AsyncSession, today: date, catalog: Catalog) -> str | None:
    """The digest's line: the day before `today`, or None when nothing happened then."""
    yesterday = today - timedelta(days=1)
    found = await figures(session, yesterday, yesterday)
    return None if found.empty else digest_line(found, catalog)
