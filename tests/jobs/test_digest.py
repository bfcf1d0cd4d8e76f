"""The 7:30 staff digest: the day's bookings per office, posted once across processes."""

from __future__ import annotations

import asyncio
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.content.locales import Catalog
from bot.jobs.digest import catch_up, day_bounds, post_daily_digest
from bot.jobs.runs import claim_run
from bot.places.calendar import TZ
from bot.places.data import Places
from bot.places.offices import OFFICES_FILE
from bot.storage.database import create_engine, session_factory
from tests.reminders.factories import add_booking, add_person

CATALOG = Catalog.load()
PLACES = Places()  # the offices of data/ (Services.places in the bot)


class Posts:
    def __init__(self, fail: bool = False) -> None:
        self.items: list[str] = []
        self.fail = fail

    async def __call__(self, html: str) -> None:
        await asyncio.sleep(0)
        if self.fail:
            raise RuntimeError("staff chat unreachable")
        self.items.append(html)


async def _day_with_bookings(sessions) -> dict[str, int]:
    day = datetime(2026, 11, 23, tzinfo=TZ)
    async with sessions() as session:
        person = await add_person(session)
        ids = {
            "ba_9": (
                await add_booking(session, person, office="ba", starts_at=day.replace(hour=9), interpreter="ar")
            ).id,
            "ba_11": (await add_booking(session, person, office="ba", starts_at=day.replace(hour=11), topic=None)).id,
            "ns_10": (await add_booking(session, person, office="ns", starts_at=day.replace(hour=10))).id,
            "cancelled": (
                await add_booking(session, person, office="ns", starts_at=day.replace(hour=12), status="cancelled")
            ).id,
            "tomorrow": (
                await add_booking(session, person, office="ns", starts_at=day.replace(hour=9) + timedelta(days=1))
            ).id,
            "yesterday_late": (
                await add_booking(
                    session, person, office="ns", starts_at=day.replace(hour=23, minute=30) - timedelta(days=1)
                )
            ).id,
        }
        await session.commit()
    return ids


def test_day_bounds_follow_berlin_time_across_dst() -> None:
    start, end = day_bounds(datetime(2026, 3, 29).date())  # clocks go forward: a 23-hour day
    assert end - start == timedelta(hours=23)
    assert start == datetime.fromisoformat("2026-03-28T23:00:00+00:00")


async def test_digest_lists_the_days_bookings_per_office(sessions, clock: FakeClock) -> None:
    ids = await _day_with_bookings(sessions)
    posts = Posts()
    clock.set(datetime(2026, 11, 23, 7, 30, tzinfo=TZ))
    assert await post_daily_digest(sessions, now=clock.now(), post=posts, catalog=CATALOG, places=PLACES, owner="p1")
    (html,) = posts.items
    assert "Termine heute, Montag, 23. November" in html
    brackel = html.index("Brackel/Aplerbeck</b> (2)")
    nordstadt = html.index("Nordstadt</b> (1)")
    assert brackel < nordstadt  # offices in the order of the office data
    assert html.index(f"09:00 #{ids['ba_9']}") < html.index(f"11:00 #{ids['ba_11']}") < nordstadt
    assert "Dolmetschen: Arabisch" in html and "🎒 Schule" in html and "ohne Thema" in html
    for absent in ("cancelled", "tomorrow", "yesterday_late"):
        assert f"#{ids[absent]} " not in html


async def test_two_processes_post_the_digest_once(sessions, db_url: str, clock: FakeClock) -> None:
    await _day_with_bookings(sessions)
    clock.set(datetime(2026, 11, 23, 7, 30, tzinfo=TZ))
    engines = [create_engine(db_url), create_engine(db_url)]
    posts = Posts()
    try:
        results = await asyncio.gather(
            *(
                post_daily_digest(
                    session_factory(engine),
                    now=clock.now(),
                    post=posts,
                    catalog=CATALOG,
                    places=PLACES,
                    owner=f"process-{i}",
                )
                for i, engine in enumerate(engines)
            )
        )
    finally:
        for engine in engines:
            await engine.dispose()
    assert sorted(results) == [False, True]
    assert len(posts.items) == 1

    # the same process later that day (a misfire re-run): still once; the next day: again
    assert not await post_daily_digest(sessions, now=clock.now(), post=posts, catalog=CATALOG, places=PLACES, owner="p")
    clock.advance(timedelta(days=1))
    assert await post_daily_digest(sessions, now=clock.now(), post=posts, catalog=CATALOG, places=PLACES, owner="p")
    assert len(posts.items) == 2 and "Dienstag, 24. November" in posts.items[1]


async def test_a_failed_post_gives_the_day_back(sessions, clock: FakeClock) -> None:
    await _day_with_bookings(sessions)
    clock.set(datetime(2026, 11, 23, 7, 30, tzinfo=TZ))
    with pytest.raises(RuntimeError):
        await post_daily_digest(
            sessions, now=clock.now(), post=Posts(fail=True), catalog=CATALOG, places=PLACES, owner="p1"
        )
    posts = Posts()
    assert await post_daily_digest(sessions, now=clock.now(), post=posts, catalog=CATALOG, places=PLACES, owner="p2")
    assert len(posts.items) == 1


async def test_a_day_without_bookings_is_claimed_but_not_posted(sessions, clock: FakeClock) -> None:
    posts = Posts()
    assert await post_daily_digest(sessions, now=clock.now(), post=posts, catalog=CATALOG, places=PLACES, owner="p")
    assert posts.items == []
    assert not await claim_run(sessions, "digest", "2026-11-23", owner="other", now=clock.now())


@pytest.mark.parametrize("hour, minute, posted", [(7, 0, False), (7, 30, True), (11, 59, True), (12, 0, False)])
async def test_catch_up_after_a_morning_start(sessions, clock: FakeClock, hour: int, minute: int, posted: bool) -> None:
    await _day_with_bookings(sessions)
    clock.set(datetime(2026, 11, 23, hour, minute, tzinfo=TZ))
    posts = Posts()
    assert await catch_up(sessions, now=clock.now(), post=posts, catalog=CATALOG, places=PLACES, owner="p") is posted
    assert len(posts.items) == int(posted)
    # once posted, a second catch-up (another process starting) posts nothing
    assert not await catch_up(sessions, now=clock.now(), post=posts, catalog=CATALOG, places=PLACES, owner="q")


async def test_the_digest_reads_the_offices_staff_edit_and_survives_a_broken_edit(
    sessions, clock: FakeClock, tmp_path: Path
) -> None:
    offices_file = tmp_path / "offices.yaml"
    original = OFFICES_FILE.read_text(encoding="utf-8")
    offices_file.write_text(original.replace("Brackel/Aplerbeck", "Brackel & Aplerbeck", 1), encoding="utf-8")
    places = Places(offices_file=offices_file)
    await _day_with_bookings(sessions)
    clock.set(datetime(2026, 11, 23, 7, 30, tzinfo=TZ))
    posts = Posts()
    assert await post_daily_digest(sessions, now=clock.now(), post=posts, catalog=CATALOG, places=places, owner="p")
    assert "Brackel &amp; Aplerbeck</b> (2)" in posts.items[0]

    # A typo the next morning: the last good offices still name the rows.
    offices_file.write_text(original.replace("offices:", "offices: [", 1), encoding="utf-8")
    stat = offices_file.stat()
    os.utime(offices_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    clock.advance(timedelta(days=1))
    async with sessions() as session:
        await add_booking(session, None, office="ba", starts_at=datetime(2026, 11, 24, 9, 30, tzinfo=TZ))
        await session.commit()
    assert await post_daily_digest(sessions, now=clock.now(), post=posts, catalog=CATALOG, places=places, owner="p")
    assert "Brackel &amp; Aplerbeck</b> (1)" in posts.items[1]
