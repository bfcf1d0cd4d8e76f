"""Booking throughput with 50 people racing, through bot.booking.service, on a fresh SQLite file.

    .venv/bin/python bench/booking_race.py [--people 50] [--db-url URL]

Three rounds, each with its own PEOPLE new people, each attempt in its own session that commits
(as a turn of the bot does):
  sequential  one booking after the other, each for a different slot: the baseline
  spread      all at once, each for a different slot (no two want the same place)
  same slot   all at once, all for the same slot (capacity 2): the double-booking race
Prints bookings per second and p50/p99/max time per attempt, the outcomes (Booked / SlotTaken /
...), and checks the database afterwards: no slot ever holds more live bookings than its
capacity, no seat twice. Skips with a clear line when bot.booking.service does not exist.
--db-url: an empty database of your own instead (migrated here); --postgres: a temporary database
on the PostgreSQL server of the tests (TEST_POSTGRES_DSN, default postgresql://postgres@127.0.0.1:5432/test),
created and dropped again; skipped with a line when the server cannot be reached.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fmt, percentile, ratio, sqlite_url  # noqa: E402

OFFICE = "io"  # lokal willkommen Innenstadt-West/-Ost


POSTGRES_ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")


@contextlib.asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """A new, empty PostgreSQL database for this run (SQLAlchemy URL); dropped afterwards."""
    import asyncpg

    name = f"lw_bench_{uuid.uuid4().hex[:10]}"
    base = POSTGRES_ADMIN_DSN.rpartition("/")[0]
    admin = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield f"{base}/{name}".replace("postgresql://", "postgresql+asyncpg://", 1)
    finally:
        admin = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def run_booking_postgres(people: int = 50, log=print) -> dict[str, Any]:
    try:
        async with postgres_database() as url:
            return await run_booking(people, url, log=log)
    except (TimeoutError, OSError) as exc:
        return {
            "skipped": f"PostgreSQL not reachable at {POSTGRES_ADMIN_DSN.rpartition('@')[2]} ({type(exc).__name__})"
        }
    except Exception as exc:  # e.g. no right to create databases
        if type(exc).__module__.startswith("asyncpg"):
            return {"skipped": f"PostgreSQL: {type(exc).__name__}: {exc}"}
        raise


def available() -> str | None:
    """None when bot.booking.service has what this benchmark calls, else why not."""
    if importlib.util.find_spec("bot.booking") is None or importlib.util.find_spec("bot.booking.service") is None:
        return "bot.booking.service does not exist yet"
    from bot.booking import service

    missing = [name for name in ("book", "Booked", "SlotTaken") if not hasattr(service, name)]
    return f"bot.booking.service lacks {', '.join(missing)}" if missing else None


async def run_booking(people: int = 50, db_url: str | None = None, log=print) -> dict[str, Any]:
    reason = available()
    if reason is not None:
        return {"skipped": reason}
    from sqlalchemy import func, select

    from bot.booking import service, slots
    from bot.places.offices import load_offices
    from bot.storage.database import create_engine, migrate, session_factory
    from bot.storage.models import Booking, Person

    office = load_offices().get(OFFICE) or load_offices().all[0]
    with tempfile.TemporaryDirectory(prefix="lw-booking-") as tmp:
        url = db_url or sqlite_url(Path(tmp) / "booking.sqlite3")
        await migrate(url)
        engine = create_engine(url)
        sessions = session_factory(engine)
        now = datetime.now(UTC)
        # Every free (office, start) of every office, earliest first: distinct slots to spread over.
        free = sorted(
            ((o, slot.start) for o in load_offices().all for slot in slots.free_slots(o, now=now, taken={})),
            key=lambda item: item[1],
        )
        result: dict[str, Any] = {
            "office": office.id,
            "capacity": office.appointments.capacity,
            "database": engine.dialect.name,
        }
        try:

            async def new_people(count: int, tag: str) -> list[int]:
                async with sessions.begin() as session:
                    rows = [Person(channel="bench", external_id=f"{tag}-{i}-{time.time_ns()}") for i in range(count)]
                    session.add_all(rows)
                    await session.flush()
                    return [row.id for row in rows]

            async def attempt(person_id: int, target: tuple[Any, datetime]) -> tuple[float, str]:
                where, start = target
                began = time.perf_counter()
                async with sessions() as session:
                    outcome = await service.book(
                        session, person_id=person_id, office=where, start=start, now=now, topic="school", language="de"
                    )
                    await session.commit()
                return time.perf_counter() - began, type(outcome).__name__

            if len(free) < 2 * people:
                return {"skipped": f"only {len(free)} free slots in the booking horizon"}
            same = next(item for item in free if item[0].id == office.id)
            rounds: list[tuple[str, bool, list[tuple[Any, datetime]]]] = [
                ("sequential", False, free[-people:]),
                ("spread", True, free[-2 * people : -people]),
                ("same_slot", True, [same] * people),
            ]
            for name, concurrent, starts in rounds:
                log(f"  booking: {name} ({people} attempts)...")
                ids = await new_people(people, name)
                began = time.perf_counter()
                if concurrent:
                    outcomes = await asyncio.gather(*(attempt(p, s) for p, s in zip(ids, starts, strict=False)))
                else:
                    outcomes = [await attempt(p, s) for p, s in zip(ids, starts, strict=False)]
                elapsed = time.perf_counter() - began
                times = [t for t, _ in outcomes]
                result[name] = {
                    "attempts": people,
                    "seconds": elapsed,
                    "bookings_per_s": sum(1 for _, o in outcomes if o == "Booked") / elapsed,
                    "attempts_per_s": people / elapsed,
                    "p50_ms": percentile(times, 50) * 1000,
                    "p99_ms": percentile(times, 99) * 1000,
                    "max_ms": max(times) * 1000,
                    "outcomes": dict(Counter(o for _, o in outcomes)),
                }
            capacity = {o.id: o.appointments.capacity for o in load_offices().all}
            async with sessions() as session:
                live = (
                    await session.execute(
                        select(Booking.office, Booking.starts_at, func.count(), func.count(func.distinct(Booking.seat)))
                        .where(Booking.status == "booked")
                        .group_by(Booking.office, Booking.starts_at)
                    )
                ).all()
            over = [row for row in live if row[2] > capacity[row[0]] or row[2] != row[3]]
            result["overbooked_slots"] = len(over)
            result["same_slot_booked"] = result["same_slot"]["outcomes"].get("Booked", 0)
            result["spread_vs_sequential"] = ratio(
                result["spread"]["attempts_per_s"], result["sequential"]["attempts_per_s"]
            )
        finally:
            await engine.dispose()
    return result


def print_booking(result: dict[str, Any]) -> None:
    if "skipped" in result or "error" in result:
        why = "skipped: " + result["skipped"] if "skipped" in result else "FAILED: " + result["error"]
        print(f"  booking race: {why}")
        return
    for name in ("sequential", "spread", "same_slot"):
        r = result[name]
        print(
            f"  {name:10s} {r['attempts_per_s']:6.1f} attempts/s  "
            f"p50 {fmt(r['p50_ms'])} ms  p99 {fmt(r['p99_ms'])} ms  "
            f"max {fmt(r['max_ms'])} ms  {r['outcomes']}"
        )
    print(
        f"  same slot (capacity {result['capacity']}): {result['same_slot_booked']} booked; "
        f"overbooked slots: {result['overbooked_slots']}; "
        f"concurrent/sequential: {fmt(result['spread_vs_sequential'], '.2f')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--db-url", default=None)
    parser.add_argument("--postgres", action="store_true", help="on a temporary PostgreSQL database")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.postgres:
        result = asyncio.run(run_booking_postgres(args.people))
    else:
        result = asyncio.run(run_booking(args.people, args.db_url))
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        print_booking(result)


if __name__ == "__main__":
    main()
