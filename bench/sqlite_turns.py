"""SQLite through our driver against aiosqlite: turn-shaped transactions, many at once.

    .venv/bin/python bench/sqlite_turns.py [--turns 3000] [--at-once 12]

Each "turn" is what a bot turn does to the database: a session, three reads, an upsert of a
conversation row, a commit; `--at-once` of them run concurrently (the bot's turn slots). The same
run on an engine with SQLAlchemy's own aiosqlite connections (the baseline: a thread per
connection, every call handed to it) and on `bot.storage.database.create_engine`, which uses
bot/storage/sqlite_driver.py. Both with the WriteGate, WAL and a file in a temporary directory.
Prints turns/s and CPU per turn (this process, all threads) and their ratios.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker  # noqa: E402

from bot.storage.database import create_engine, use_sqlite_driver  # noqa: E402

UPSERT = text("INSERT INTO states (key, data) VALUES (:k, :d) "
              "ON CONFLICT (key) DO UPDATE SET data = excluded.data")


def aiosqlite_engine(url: str) -> AsyncEngine:
    """What create_engine built before sqlite_driver.py: the same engine on SQLAlchemy's own
    aiosqlite connections (its busy timeout of 30 s comes from the engine's connect_args)."""
    engine = create_engine(url)
    event.remove(engine.sync_engine, "do_connect", use_sqlite_driver)
    return engine


async def measure(engine: AsyncEngine, turns: int, at_once: int) -> dict[str, float]:
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE IF NOT EXISTS states (key TEXT PRIMARY KEY, data TEXT)"))
    sessions = async_sessionmaker(engine)
    slots = asyncio.Semaphore(at_once)

    async def turn(i: int) -> None:
        async with slots, sessions() as session:
            await session.execute(text("SELECT 1"))
            await session.execute(text("SELECT data FROM states WHERE key = :k"), {"k": str(i % 50)})
            await session.execute(text("SELECT data FROM states WHERE key = :k"), {"k": str(i % 7)})
            await session.execute(UPSERT, {"k": str(i % 50), "d": "x" * 200})
            await session.commit()

    await asyncio.gather(*(turn(i) for i in range(200)))  # warm-up: pool, statement caches
    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(turn(i) for i in range(turns)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    await engine.dispose()
    return {"turns_per_s": turns / wall, "cpu_us_per_turn": cpu / turns * 1e6}


async def run(turns: int, at_once: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="lw-sqlite-") as tmp:
        for name, build in (("aiosqlite", aiosqlite_engine), ("driver", create_engine)):
            url = f"sqlite+aiosqlite:///{Path(tmp) / f'{name}.sqlite3'}"
            results[name] = await measure(build(url), turns, at_once)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=3000)
    parser.add_argument("--at-once", type=int, default=12)
    args = parser.parse_args()
    results = asyncio.run(run(args.turns, args.at_once))
    base, ours = results["aiosqlite"], results["driver"]
    for name, figures in results.items():
        print(f"  {name:<10} {figures['turns_per_s']:7.0f} turns/s  {figures['cpu_us_per_turn']:6.0f} µs CPU/turn")
    print(f"  driver / aiosqlite: {ours['turns_per_s'] / base['turns_per_s']:.2f}x turns/s, "
          f"{ours['cpu_us_per_turn'] / base['cpu_us_per_turn']:.2f}x CPU per turn")


if __name__ == "__main__":
    main()
