"""Bulk reminders through the fake Telegram Bot API with its flood limits on.

Run: .venv/bin/python bench/reminders_bench.py [--count 10000] [--dispatchers 2]
                                                         [--db-url URL] [--quiet]

Puts COUNT due reminders (one per person, each in its own private chat) into a fresh database
(a temporary SQLite file unless --db-url names an empty, migrated database), then lets
DISPATCHERS reminder dispatchers (each with its own database engine, as separate processes
would have) send them at the same time through one aiogram Bot with the outbound rate limiter,
against tests/fakebotapi with Telegram's limits (30/s overall, 1/s per chat) answering 429.

Prints: messages per second achieved versus the 30/s limit (as a ratio), the number of 429s
(must be 0), duplicates (must be 0), reminders not delivered, and the final database states.
10,000 reminders at 30/s take about 5.5 minutes; use --count 1000 for a 35-second run.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiogram.client.default import DefaultBotProperties  # noqa: E402
from aiogram.enums import ParseMode  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from bot.clock import SystemClock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.content.flows import FlowLibrary  # noqa: E402
from bot.content.locales import Catalog  # noqa: E402
from bot.core.services import Services  # noqa: E402
from bot.reminders.dispatch import ReminderDispatcher  # noqa: E402
from bot.storage.database import create_engine, migrate, session_factory  # noqa: E402
from bot.storage.models import Booking, Person, Reminder  # noqa: E402
from bot.telegram.outbox import TelegramOutbox  # noqa: E402
from bot.telegram.ratelimit import OutboundRateLimiter  # noqa: E402
from bot.telegram.render import TelegramRenderer  # noqa: E402
from bot.translation import NoTranslator  # noqa: E402
from tests.fakebotapi import FakeBotAPI  # noqa: E402

LIMIT_PER_SECOND = 30.0
FIRST_CHAT = 10_000_000


async def seed(url: str, count: int, now) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                insert(Person),
                [
                    {
                        "id": i + 1,
                        "channel": "telegram",
                        "external_id": str(FIRST_CHAT + i),
                        "language": "de",
                        "language_chosen": True,
                        "active": True,
                        "created_at": now,
                        "last_seen_at": now,
                    }
                    for i in range(count)
                ],
            )
            starts = now + timedelta(hours=23)
            await conn.execute(
                insert(Booking),
                [
                    {
                        "id": i + 1,
                        "person_id": i + 1,
                        "office": "ba",
                        "starts_at": starts,
                        "ends_at": starts + timedelta(minutes=30),
                        "seat": i,
                        "topic": "school",
                        "status": "booked",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in range(count)
                ],
            )
            await conn.execute(
                insert(Reminder),
                [
                    {
                        "booking_id": i + 1,
                        "offset_minutes": offset,
                        "due_at": starts - timedelta(minutes=offset),
                        "status": "pending",
                        "attempts": 0,
                    }
                    for i in range(count)
                    for offset in (1440, 120)
                ],
            )
    finally:
        await engine.dispose()


async def progress(server: FakeBotAPI, count: int, quiet: bool) -> None:
    started = time.monotonic()
    while True:
        await asyncio.sleep(10)
        done = sum(1 for r in server.calls("sendMessage") if r.ok)
        if not quiet:
            rate = done / (time.monotonic() - started)
            print(f"  … {done}/{count} sent, {rate:.1f}/s", file=sys.stderr, flush=True)


async def run(count: int, dispatchers: int, db_url: str | None, quiet: bool) -> int:
    clock = SystemClock()
    now = clock.now()
    with tempfile.TemporaryDirectory() as tmp:
        url = db_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        await migrate(url)
        t0 = time.monotonic()
        await seed(url, count, now)
        seed_seconds = time.monotonic() - t0

        async with FakeBotAPI() as server:
            server.enable_rate_limits()
            for i in range(count):
                server.user(FIRST_CHAT + i, first_name=f"P{i}")
            bot = server.make_bot(default=DefaultBotProperties(parse_mode=ParseMode.HTML))
            limiter = OutboundRateLimiter()
            bot.session.middleware(limiter)
            catalog = Catalog.load()
            outbox = TelegramOutbox(staff_chat_id=None)
            outbox.renderer = TelegramRenderer(bot, catalog)
            outbox.services = Services(
                settings=Settings(),
                clock=clock,
                sessions=session_factory(create_engine(url)),
                catalog=catalog,
                flows=FlowLibrary.load(),
                translator=NoTranslator(),
                outbox=outbox,
            )
            engines = [create_engine(url) for _ in range(dispatchers)]
            workers = [
                ReminderDispatcher(
                    session_factory(engine), sender=outbox.to_person, clock=clock, supports_language=catalog.supports
                )
                for engine in engines
            ]
            ticker = asyncio.create_task(progress(server, count, quiet))
            started = time.monotonic()
            try:
                reports = await asyncio.gather(*(w.run_once() for w in workers))
            finally:
                ticker.cancel()
                elapsed = time.monotonic() - started
                for engine in engines:
                    await engine.dispose()

            sends = [r for r in server.calls("sendMessage")]
            ok = [r for r in sends if r.ok]
            flood = [r for r in server.requests if r.status == 429]
            per_chat = Counter(int(r.params["chat_id"]) for r in ok)
            duplicates = sum(n - 1 for n in per_chat.values() if n > 1)
            missing = count - len(per_chat)
            times = sorted(r.started_at for r in ok)
            span = times[-1] - times[0] if len(times) > 1 else 0.0
            rate = (len(times) - 1) / span if span > 0 else float("nan")
            window_max = max_in_window(times, 1.0)
            latencies = sorted(r.duration for r in ok if r.duration is not None)

        engine = create_engine(url)
        async with session_factory(engine)() as session:
            states = dict(
                (
                    await session.execute(
                        select(Reminder.status, func.count())
                        .where(Reminder.offset_minutes == 1440)
                        .group_by(Reminder.status)
                    )
                ).all()
            )
            untouched = await session.scalar(
                select(func.count())
                .select_from(Reminder)
                .where(Reminder.offset_minutes == 120, Reminder.status != "pending")
            )
        await engine.dispose()

    rows = [
        ("reminders due", f"{count}"),
        ("dispatchers (own DB engines)", f"{dispatchers}"),
        ("database", url.split(":")[0]),
        ("seeding", f"{seed_seconds:.1f} s"),
        ("sending took", f"{elapsed:.1f} s"),
        ("messages sent (sendMessage ok)", f"{len(ok)}"),
        ("achieved rate", f"{rate:.2f} msg/s"),
        ("ratio to the 30/s limit", f"{rate / LIMIT_PER_SECOND:.3f}"),
        ("most in any 1 s window", f"{window_max}"),
        ("429 answers (must be 0)", f"{len(flood)}"),
        ("duplicates (must be 0)", f"{duplicates}"),
        ("not delivered", f"{missing}"),
        ("request latency p50 / p99", f"{pct(latencies, 50) * 1000:.1f} / {pct(latencies, 99) * 1000:.1f} ms"),
        ("sent per dispatcher", " / ".join(str(r.sent) for r in reports)),
        ("lost claim races", f"{sum(r.lost_races for r in reports)}"),
        ("24h reminders by state", ", ".join(f"{k}={v}" for k, v in sorted(states.items()))),
        ("2h reminders touched (must be 0)", f"{untouched}"),
    ]
    width = max(len(k) for k, _ in rows)
    print()
    print(f"{'metric':<{width}}  value")
    print(f"{'-' * width}  {'-' * 24}")
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    good = not flood and duplicates == 0 and missing == 0 and states.get("sent") == count
    print()
    print("OK" if good else "FAILED")
    return 0 if good else 1


def max_in_window(times: list[float], window: float) -> int:
    best = start = 0
    for end in range(len(times)):
        while times[end] - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000, help="due reminders (default 10000)")
    parser.add_argument("--dispatchers", type=int, default=2, help="concurrent dispatchers (default 2)")
    parser.add_argument("--db-url", default=None, help="an empty database URL (default: temporary SQLite)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("aiogram").setLevel(logging.ERROR)
    return asyncio.run(run(args.count, args.dispatchers, args.db_url, args.quiet))


if __name__ == "__main__":
    sys.exit(main())
