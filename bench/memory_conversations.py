"""Memory of the bot process with 10,000 stored conversations, against the same bot on an empty
database.

    .venv/bin/python bench/memory_conversations.py [--people 10000] [--active 40]

For each of two fresh SQLite databases (migrated like the bot does it):
  empty     nothing stored
  stored    PEOPLE people (rows in `people`, languages mixed) and one conversation state each
            (rows in `conversation_states`, keyed exactly as the bot's DatabaseStorage keys them):
            a third in the middle of a booking (draft in the data), a third waiting for a place
            name, a third between dialogues with only a note kept
then starts `python -m bot run` on it (the shipped bot, against the in-process fake Bot API), lets
ACTIVE people write (/start, a question, /hours: 3 updates each; in the stored case they are
people from the database, so their stored conversation is read), and reads VmRSS and VmHWM
(peak) from /proc/<pid>/status after start-up and after the updates.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import STAFF_CHAT_ID, bot_env, fmt, ratio, spawn, sqlite_url  # noqa: E402
from bench.load import LANGUAGES, Watcher, drain, load_questions  # noqa: E402
from tests.fakebotapi import ApiSpec, FakeBotAPI  # noqa: E402

FIRST_CHAT_ID = 5_000_000


async def seed(db_url: str, people: int, bot_id: int) -> float:
    """Migrate and insert `people` people and their conversation states; returns seconds taken."""
    from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
    from sqlalchemy import insert

    from bot.storage.database import create_engine, migrate
    from bot.storage.models import ConversationState, Person

    started = time.perf_counter()
    await migrate(db_url)
    if not people:
        return time.perf_counter() - started
    keys = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)
    now = datetime.now(UTC)
    rng = random.Random(1)
    person_rows: list[dict[str, Any]] = []
    state_rows: list[dict[str, Any]] = []
    for i in range(people):
        chat_id = FIRST_CHAT_ID + i
        seen = now - timedelta(minutes=rng.randint(0, 60 * 24 * 60))
        person_rows.append(
            {
                "channel": "telegram",
                "external_id": str(chat_id),
                "language": LANGUAGES[i % 8],
                "language_chosen": i % 5 == 0,
                "district": None,
                "office": None,
                "active": True,
                "translation_consent": False,
                "created_at": seen,
                "last_seen_at": seen,
            }
        )
        kind = i % 3
        if kind == 0:
            state, data = "booking:day", {"office": "io", "topic": "school", "last_topic": "school"}
        elif kind == 1:
            state, data = "places:await_place", {"last_topic": "kita"}
        else:
            state, data = None, {"last_topic": rng.choice(["school", "energy", "housing", "work"])}
        key = keys.build(StorageKey(bot_id=bot_id, chat_id=chat_id, user_id=chat_id))
        state_rows.append({"key": key, "state": state, "data": data, "updated_at": seen})
    engine = create_engine(db_url)
    try:
        async with engine.begin() as connection:
            for start in range(0, people, 2000):
                await connection.execute(insert(Person), person_rows[start : start + 2000])
                await connection.execute(insert(ConversationState), state_rows[start : start + 2000])
    finally:
        await engine.dispose()
    return time.perf_counter() - started


async def measure_one(
    label: str,
    *,
    spec: ApiSpec,
    tmp: Path,
    people: int,
    active: int,
    questions: dict[str, list[str]],
    extra_env: dict[str, str] | None = None,
) -> dict[str, Any]:
    async with FakeBotAPI(spec=spec, validate_updates=False) as server:
        watcher = Watcher(server)
        server.group(STAFF_CHAT_ID, "lokal willkommen Team", is_forum=True)
        db_url = sqlite_url(tmp / f"memory-{label}.sqlite3")
        seed_s = await seed(db_url, people, int(server.token.split(":")[0]))
        env = bot_env(
            token=server.token,
            api_url=server.base_url,
            db_url=db_url,
            STAFF_CHAT_ID=str(STAFF_CHAT_ID),
            **(extra_env or {}),
        )
        child = await spawn(["-m", "bot", "run"], env, tmp / f"memory-{label}.log")
        result: dict[str, Any] = {"people": people, "seed_s": seed_s}
        try:
            await server.wait_for(lambda r: r.method == "getUpdates", timeout=120)
            await asyncio.sleep(0.5)
            result["rss_after_start_mb"] = child.rss_mb()
            rng = random.Random(3)
            ids = rng.sample(range(people), active) if people >= active else list(range(active))
            users = [server.user(FIRST_CHAT_ID + i, f"P{i}", language_code=LANGUAGES[i % len(LANGUAGES)]) for i in ids]
            semaphore = asyncio.Semaphore(10)
            answered = 0

            async def talk(user, index: int) -> None:
                nonlocal answered
                lang = LANGUAGES[index % len(LANGUAGES)]
                question = rng.choice(questions.get(lang) or questions["de"])
                watch = watcher.chats[user.id]
                async with semaphore:
                    for text in ("/start", question, "/hours"):
                        mark = len(watch.events)
                        await user.send(text)
                        if await watch.until(lambda mark=mark: True if len(watch.events) > mark else None, 20):
                            answered += 1
                        await asyncio.sleep(0.2)  # a person reads; stays under the flood limits

            await asyncio.gather(*(talk(user, n) for n, user in enumerate(users)))
            await drain(server)
            result["updates"] = active * 3
            result["answered"] = answered
            result["rss_mb"] = child.rss_mb()
            result["peak_rss_mb"] = child.peak_rss_mb()
            parts = child.rss_parts_mb()
            result["rss_anon_mb"] = parts.get("RssAnon")
            result["rss_file_mb"] = parts.get("RssFile")
            result["violations"] = len(server.violations)
        finally:
            result["exit_code"] = await child.stop()
    return result


async def run_memory(people: int = 10_000, active: int = 40, log=print) -> dict[str, Any]:
    spec = ApiSpec.load()
    questions = load_questions()
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="lw-memory-") as tmp:
        for label, count in (("empty", 0), ("stored", people)):
            log(f"  memory: bot on a database with {count} conversations...")
            out[label] = await measure_one(
                label, spec=spec, tmp=Path(tmp), people=count, active=active, questions=questions
            )
    out["peak_ratio"] = ratio(out["stored"].get("peak_rss_mb"), out["empty"].get("peak_rss_mb"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--active", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run_memory(args.people, args.active))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for label in ("empty", "stored"):
        r = result[label]
        print(
            f"  {label:6s} ({r['people']} conversations): "
            f"RSS after start {fmt(r.get('rss_after_start_mb'), '.0f')} MB, "
            f"after {r.get('answered')}/{r.get('updates')} updates {fmt(r.get('rss_mb'), '.0f')} MB, "
            f"peak {fmt(r.get('peak_rss_mb'), '.0f')} MB (now: anonymous {fmt(r.get('rss_anon_mb'), '.0f')} MB, "
            f"file-backed {fmt(r.get('rss_file_mb'), '.0f')} MB)"
        )
    print(f"  peak with stored conversations / empty: {fmt(result['peak_ratio'], '.2f')}")


if __name__ == "__main__":
    main()
