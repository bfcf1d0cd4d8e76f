"""The web chat under 100 simulated people: `python -m bot web` in its own process, clients here.

    .venv/bin/python bench/web_chat.py [--users 100] [--messages 4] [--think 10]

Each person opens the page (the page, its CSS and JS, /api/session), starts (/api/start with a
browser language from the realistic mix), keeps a long poll open as the page does, and then,
with a pause to read in between, presses menu buttons, types questions in their language or a
command. Figures: time from a message to its first answer (the POST's answer carries it) as
p50/p95/p99, errors, page weight, and the time to the first answer on a fresh page. The baseline,
measured in the same run against the same process: an authenticated request that reads the
transcript and runs no turn (GET /api/messages?wait=0), i.e. HTTP, the session lookup, one query.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bot_env, fmt, percentile, spawn, sqlite_url  # noqa: E402

QUESTIONS = {
    "de": [
        "Wann hat das Büro in Eving geöffnet?",
        "Ich brauche Hilfe mit dem Jobcenter",
        "Wie melde ich mein Kind in der Schule an?",
        "Wo bekomme ich einen Deutschkurs?",
    ],
    "uk": [
        "Де я можу записатися на курси німецької?",
        "Як зареєструвати дитину до школи?",
        "Мені потрібна допомога з Jobcenter",
    ],
    "ar": ["كيف أسجل طفلي في المدرسة؟", "أين أجد دورة لغة ألمانية؟", "أحتاج مساعدة في الجوب سنتر"],
    "tr": ["Almanca kursunu nerede bulabilirim?", "Jobcenter ile ilgili yardıma ihtiyacım var"],
    "ru": ["Где найти курсы немецкого?", "Как записать ребёнка в школу?"],
    "en": ["When is the office in Eving open?", "I need help with my rent"],
}
# Browser languages of the people (weights: roughly who comes to the offices).
LANGUAGES = [("de-DE", 25), ("uk-UA", 25), ("ar", 20), ("tr-TR", 10), ("ru-RU", 10), ("en-GB", 5), ("fa-IR", 5)]


class Person:
    def __init__(self, base: str, rng: random.Random) -> None:
        self.base = base
        self.rng = rng
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf = ""
        self.last_id = 0
        self.buttons: list[str] = []
        self.lang = rng.choices([code for code, _ in LANGUAGES], [w for _, w in LANGUAGES])[0]
        self.polling: asyncio.Task[None] | None = None

    def take(self, data: dict[str, Any]) -> None:
        for entry in data.get("entries", []):
            self.last_id = max(self.last_id, entry.get("id") or 0)
            presses = [b["press"] for row in entry.get("buttons", []) for b in row if "press" in b]
            if presses:
                self.buttons = presses

    async def open_page(self) -> float:
        """A fresh page up to its first answer (what a person waits for), in seconds."""
        started = time.perf_counter()
        for path in ("/", "/static/chat.css", "/static/chat.js"):
            async with self.http.get(self.base + path) as response:
                await response.read()
                response.raise_for_status()
        async with self.http.get(self.base + "/api/session") as response:
            response.raise_for_status()
            self.csrf = (await response.json())["csrf"]
        await self.post("/api/start", {"hint": self.lang})
        return time.perf_counter() - started

    async def post(self, path: str, body: dict[str, Any]) -> float:
        started = time.perf_counter()
        async with self.http.post(
            self.base + path, json=body, headers={"X-CSRF-Token": self.csrf, "Origin": self.base}
        ) as response:
            data = await response.json()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status} {data.get('error')}")
        self.take(data)
        return elapsed

    async def poll_forever(self) -> None:
        while True:
            async with self.http.get(f"{self.base}/api/messages?after={self.last_id}") as response:
                self.take(await response.json())

    async def baseline(self) -> float:
        started = time.perf_counter()
        async with self.http.get(f"{self.base}/api/messages?after={self.last_id}&wait=0") as response:
            await response.json()
            response.raise_for_status()
        return time.perf_counter() - started

    def next_message(self) -> tuple[str, str, dict[str, Any]]:
        roll = self.rng.random()
        code = self.lang.split("-")[0]
        if roll < 0.5 and self.buttons:
            return "press", "/api/press", {"press": self.rng.choice(self.buttons)}
        if roll < 0.85:
            questions = QUESTIONS.get(code, QUESTIONS["en"])
            return "question", "/api/send", {"text": self.rng.choice(questions)}
        return "command", "/api/send", {"text": self.rng.choice(["/menu", "/help", "/mybookings"])}

    async def close(self) -> None:
        if self.polling is not None:
            self.polling.cancel()
        await self.http.close()


async def run(users: int, messages: int, think: float, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    port = 18090 + rng.randrange(1000)
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = bot_env(
            token="",
            api_url="https://api.telegram.org",
            db_url=sqlite_url(Path(tmp) / "web.sqlite3"),
            BOT_TOKEN="",
            WEB_LIMIT_PER_MINUTE="1000",
            WEB_ADDRESS_LIMIT_PER_MINUTE="100000",
        )
        child = await spawn(["-m", "bot", "web", "--port", str(port)], env, Path(tmp) / "web.log")
        try:
            await wait_until_up(base, child)
            warm = Person(base, rng)  # the model loads on the first question; not part of the figures
            await warm.open_page()
            await warm.post("/api/send", {"text": "Wann hat das Büro in Eving geöffnet?"})
            await warm.close()

            fresh = [Person(base, rng) for _ in range(5)]
            first_answers = [await person.open_page() for person in fresh]
            for person in fresh:
                await person.close()

            people = [Person(base, rng) for _ in range(users)]
            await asyncio.gather(*(person.open_page() for person in people))
            for person in people:
                person.polling = asyncio.create_task(person.poll_forever())
            timings: dict[str, list[float]] = {"press": [], "question": [], "command": []}
            baseline: list[float] = []
            errors: list[str] = []

            async def live(person: Person) -> None:
                await asyncio.sleep(rng.random() * think)
                for _ in range(messages):
                    kind, path, body = person.next_message()
                    try:
                        timings[kind].append(await person.post(path, body))
                        baseline.append(await person.baseline())
                    except Exception as exc:  # noqa: BLE001 - counted and shown
                        errors.append(f"{type(exc).__name__}: {exc}")
                    await asyncio.sleep(think * (0.5 + rng.random()))

            started = time.perf_counter()
            await asyncio.gather(*(live(person) for person in people))
            duration = time.perf_counter() - started
            for person in people:
                await person.close()
            page_weight = 0
            async with aiohttp.ClientSession() as http:
                for path in ("/", "/static/chat.css", "/static/chat.js"):
                    async with http.get(base + path) as response:
                        page_weight += len(await response.read())
        finally:
            await child.stop()
    every = [t for values in timings.values() for t in values]
    return {
        "users": users,
        "messages": len(every),
        "duration": duration,
        "errors": errors,
        "every": every,
        "timings": timings,
        "baseline": baseline,
        "page_weight": page_weight,
        "first_answers": first_answers,
    }


async def wait_until_up(base: str, child: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if not child.alive():
                raise RuntimeError("the web chat did not start:\n" + child.log_tail())
            try:
                async with http.get(base + "/static/chat.css") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("the web chat did not answer within a minute")


def ms(values: list[float], q: float) -> str:
    value = percentile(values, q)
    return fmt(None if value is None else value * 1000, ".1f", " ms")


def report(result: dict[str, Any]) -> None:
    every, baseline = result["every"], result["baseline"]
    print(f"web chat: {result['users']} people, {result['messages']} messages in {result['duration']:.1f} s")
    print(f"{'figure':<44}{'p50':>12}{'p95':>12}{'p99':>12}")
    for name, values in (
        ("message -> first answer (all)", every),
        *((f"  {kind}", values) for kind, values in result["timings"].items()),
        ("baseline: session + transcript read, no turn", baseline),
    ):
        print(f"{name:<44}{ms(values, 50):>12}{ms(values, 95):>12}{ms(values, 99):>12}")
    p99, base99 = percentile(every, 99), percentile(baseline, 99)
    if p99 is not None and base99:
        print(
            f"p99 vs baseline p99: {p99 / base99:.1f}x   target p99 <= 150 ms: {'met' if p99 <= 0.150 else 'NOT met'}"
        )
    print(f"errors: {len(result['errors'])}" + (f" (first: {result['errors'][0]})" if result["errors"] else ""))
    print(f"page weight (HTML + CSS + JS): {result['page_weight'] / 1024:.1f} KB (target <= 150 KB)")
    firsts = result["first_answers"]
    print(
        f"fresh page to first answer: median {ms(firsts, 50)}, worst {fmt(max(firsts) * 1000, '.1f', ' ms')}"
        f" ({len(firsts)} fresh pages)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--messages", type=int, default=4, help="messages per person")
    parser.add_argument("--think", type=float, default=10.0, help="seconds a person reads before the next message")
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args()
    result = asyncio.run(run(args.users, args.messages, args.think, args.seed))
    report(result)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
