"""Load generator: N newcomers talking at once to the real bot process, and to a bare echo bot.

    .venv/bin/python bench/load.py [--users 60] [--duration 20] [--paced-duration 30]
                                   [--think 3,6] [--only bot|bot-max|bot-max-pg|echo|echo-model]
                                   [--no-postgres] [--json PATH] [--profile DIR]

Every bot under test is its own process, long-polling an in-process fake Telegram Bot API
(tests/fakebotapi; its flood limits off; every request the bot makes still validated) over HTTP
on 127.0.0.1, with a fresh SQLite file in a temporary directory and LOG_LEVEL=WARNING:

  echo     bench/echo_bot.py: aiogram and one echo handler, the floor
  echo-model  bench/echo_understanding_bot.py: the same echo, and every typed text read with
           our Understander first (the model's share of any bot that understands free text)
  bot      `python -m bot run` exactly as shipped
  bot-max  bench/unthrottled_bot.py: the same bot with both of its own flood controls out of
           reach (outbound: 30 messages/s overall and ~1/s per chat; inbound:
           FLOOD_LIMIT_PER_MINUTE=20 updates per person). A closed loop of people acting at
           machine speed runs straight into those limits, which are deliberate; with them lifted
           the figure is what our code can do.
  bot-max-pg  the same as bot-max on a fresh PostgreSQL database (the tests' server, when
           reachable): the production database.

Each newcomer holds a realistic conversation in their own language (de, ar, uk, tr, fa, ru, en,
ro, bg, fr; a language without texts gets the language picker first, and they pick the first):
/start, a menu topic and two steps of its flow, two typed questions (from
bench/data/understanding_set.yaml when present), /office and a shared location in Dortmund,
/hours, /book pressing the first offered button at each step (office, topic, day, time,
interpreter, skip the note, confirm; it stops where a step does not appear), one more question;
then again from /start. The echo bot gets the same sequence of update kinds (commands, texts,
presses on its last message, a location).

Phases (each bot process runs the phases named in run_load):
  start-up   process start -> the reply to a /start that was queued before the process started
  capacity   closed loop, no think time: throughput (updates/s) and latency at saturation
  paced      each newcomer thinks 3-6 s before each action (a person reading and typing, and
             never more than the shipped 20 updates a minute): latency p50/p95/p99 under a
             realistic load. The latency target is about this phase, on the shipped bot.

Latency of an update = from the moment it is queued at the fake server to the first message the
bot sends or edits in that chat (what the person sees); for a press to the echo bot, to its
answerCallbackQuery (its only reply). Also printed: peak RSS (VmHWM), CPU ms per update of the
bot process (all threads, from /proc), and the load generator's own CPU use (a saturated
generator would make the floor lower than it is). --profile DIR: py-spy samples each capacity
phase into DIR (BENCH_PYSPY_FLAGS picks py-spy's options, default --idle).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    BENCH,
    STAFF_CHAT_ID,
    Child,
    bot_env,
    fmt,
    machine,
    own_cpu_seconds,
    percentile,
    ratio,
    spawn,
    sqlite_url,
)
from tests.fakebotapi import ApiSpec, FakeBotAPI, FakeUser, StoredMessage  # noqa: E402

LANGUAGES = ("de", "ar", "uk", "tr", "fa", "ru", "en", "ro", "bg", "fr")
# Dortmund: City, Eving, Hörde, Huckarde, Scharnhorst, Aplerbeck, Hombruch, Mengede, Brackel
DORTMUND = (
    (51.5136, 7.4653),
    (51.5403, 7.4660),
    (51.4870, 7.5030),
    (51.5310, 7.4160),
    (51.5460, 7.5180),
    (51.4920, 7.5640),
    (51.4710, 7.4380),
    (51.5700, 7.3900),
    (51.5220, 7.5550),
)
BOOKING_STAGES = ("bko", "bkt", "bkd", "bks", "bki", "bkn", "bkc")
FALLBACK_QUESTIONS = {
    "de": ["Wann ist das Büro offen?", "Ich brauche einen Kita-Platz", "Strom Rechnung zu hoch"],
    "en": ["when is the office open", "I need a place in kindergarten", "how do I register my kid at school"],
    "ar": ["متى يفتح المكتب؟", "أحتاج مكان في الروضة لابني", "وصلتني رسالة من الجوب سنتر"],
    "uk": ["коли працює офіс", "потрібне місце в садочку", "як записати дитину до школи"],
    "tr": ["ofis ne zaman açık", "çocuğum için kreş yeri lazım", "elektrik faturası çok yüksek"],
    "fa": ["دفتر کی باز است؟", "برای پسرم جای مهدکودک می خواهم", "نامه از اداره گرفتم"],
    "ru": ["когда работает офис", "нужно место в детском саду", "как найти квартиру"],
    "ro": ["când este deschis biroul", "am nevoie de loc la grădiniță", "caut un curs de germană"],
    "bg": ["кога работи офисът", "търся място в детска градина", "как да си намеря работа"],
    "fr": ["quand le bureau est-il ouvert", "je cherche une place en crèche", "j'ai reçu une lettre"],
}


def load_questions() -> dict[str, list[str]]:
    path = BENCH / "data" / "understanding_set.yaml"
    questions = {lang: list(texts) for lang, texts in FALLBACK_QUESTIONS.items()}
    try:
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for lang, entries in data["questions"].items():
            texts = [str(text) for entry in entries for text in entry.values()]
            if texts:
                questions[lang] = texts
    except (OSError, KeyError, TypeError, ValueError):
        pass
    return questions


# --- watching what the bot does ---------------------------------------------------------------


class ChatWatch:
    """The bot's messages (sent or edited) and callback answers in one chat, with their times."""

    __slots__ = ("events", "answers", "last_at", "_signal")

    def __init__(self) -> None:
        self.events: list[tuple[float, StoredMessage]] = []
        self.answers: dict[str, float] = {}
        self.last_at = 0.0
        self._signal = asyncio.Event()

    def poke(self) -> None:
        self._signal.set()
        self._signal = asyncio.Event()

    async def until(self, check, timeout: float):
        """check()'s first non-None value, or None after `timeout` seconds."""
        deadline = time.perf_counter() + timeout
        while True:
            signal = self._signal
            value = check()
            if value is not None:
                return value
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return None
            try:
                await asyncio.wait_for(signal.wait(), remaining)
            except TimeoutError:
                return check()


class Watcher:
    """Hooks the fake server's world: every bot message and callback answer, timestamped."""

    def __init__(self, server: FakeBotAPI) -> None:
        self.chats: dict[int, ChatWatch] = defaultdict(ChatWatch)
        world = server.world
        record_event = world.record_event
        answer_callback = world.answer_callback

        def recorded(chat, kind, message):
            record_event(chat, kind, message)
            if kind in ("sent", "edited") and not message.is_service:
                watch = self.chats[chat.id]
                now = time.perf_counter()
                watch.events.append((now, message))
                watch.last_at = now
                watch.poke()

        def answered(query_id, **kwargs):
            record = answer_callback(query_id, **kwargs)
            if record.chat_id is not None:
                watch = self.chats[record.chat_id]
                watch.answers[query_id] = time.perf_counter()
                watch.poke()
            return record

        world.record_event = recorded
        world.answer_callback = answered


# --- one newcomer -----------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    by_command: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    callback_answer: list[float] = field(default_factory=list)
    sent: int = 0  # updates queued inside the measuring window
    replied: int = 0  # ... that got a first reply inside the window
    timeouts: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)

    def all_latencies(self) -> list[float]:
        return [x for values in self.latencies.values() for x in values]


class StepTimeout(Exception):
    pass


class Newcomer:
    def __init__(self, run: Phase, user: FakeUser, index: int, lang: str) -> None:
        self.run = run
        self.user = user
        self.index = index
        self.lang = lang
        self.rng = random.Random(index)
        self.watch = run.watcher.chats[user.id]
        self.mark = 0  # position in watch.events where the last action started

    # -- acting and waiting --

    async def _act(self, kind: str, enqueue, command: str | None = None) -> str | None:
        run = self.run
        if run.think is not None:
            await asyncio.sleep(self.rng.uniform(*run.think))
        if run.stopping:
            raise asyncio.CancelledError
        watch = self.watch
        self.mark = len(watch.events)
        started = time.perf_counter()
        query_id = await enqueue()
        in_window = run.in_window(started)
        if in_window:
            run.stats.sent += 1
        mark = self.mark
        echo_press = run.echo and query_id is not None

        def first_reply() -> float | None:
            if echo_press:
                return watch.answers.get(query_id)
            if len(watch.events) > mark:
                return watch.events[mark][0]
            return None

        replied_at = await watch.until(first_reply, run.reply_timeout)
        if replied_at is None:
            if in_window:
                run.stats.timeouts += 1
            raise StepTimeout(kind)
        if in_window and run.in_window(replied_at):
            run.stats.replied += 1
            run.stats.latencies[kind].append(replied_at - started)
            if command is not None:
                run.stats.by_command[command].append(replied_at - started)
            if query_id is not None and not run.echo:
                answered = watch.answers.get(query_id)
                if answered is not None:
                    run.stats.callback_answer.append(answered - started)
        # Let the turn finish (a turn may send several messages) before the next action.
        if not run.echo:
            await self._quiet()
        return query_id

    async def _quiet(self) -> None:
        quiet = self.run.quiet
        watch = self.watch
        while True:
            idle = time.perf_counter() - watch.last_at
            if idle >= quiet:
                return
            await asyncio.sleep(quiet - idle)

    def _keyboard_since(self, prefixes: tuple[str, ...]) -> tuple[StoredMessage, str] | None:
        """The newest message since the last action with a button whose data starts with one of
        `prefixes` (earliest prefix in the tuple wins), and that button's data."""
        for _at, message in reversed(self.watch.events[self.mark :]):
            data = message.callback_data
            if not data:
                continue
            for prefix in prefixes:
                for item in data:
                    if item.split(":", 1)[0] == prefix:
                        return message, item
        return None

    async def keyboard(self, prefixes: tuple[str, ...]) -> tuple[StoredMessage, str] | None:
        """Like _keyboard_since, waiting up to `keyboard_wait` for it (a turn can be slow)."""
        return await self.watch.until(lambda: self._keyboard_since(prefixes), self.run.keyboard_wait)

    async def command(self, text: str) -> None:
        async def enqueue() -> None:
            await self.user.send(text)

        await self._act("command", enqueue, command=text)

    async def say(self, text: str) -> None:
        async def enqueue() -> None:
            await self.user.send(text)

        await self._act("text", enqueue)

    async def location(self) -> None:
        latitude, longitude = self.rng.choice(DORTMUND)

        async def enqueue() -> None:
            await self.user.share_location(
                latitude + self.rng.uniform(-0.004, 0.004), longitude + self.rng.uniform(-0.004, 0.004)
            )

        await self._act("location", enqueue)

    async def press(self, message: StoredMessage, data: str) -> None:
        async def enqueue() -> str:
            record = await self.user.press(data, message)
            return record.id

        await self._act("press", enqueue)

    async def press_anything(self, data: str) -> None:
        """Echo bot: a press on its last message (it has no buttons; Telegram would not care)."""
        server = self.run.server
        events = self.watch.events

        async def enqueue() -> str:
            message = events[-1][1] if events else None
            record = server.world.new_callback(self.user.id, message, data)
            payload: dict[str, Any] = {"id": record.id, "from": self.user.to_api(), "chat_instance": "1", "data": data}
            if message is not None:
                payload["message"] = message.to_api()
            server.add_update("callback_query", payload)
            return record.id

        await self._act("press", enqueue)

    def question(self) -> str:
        return self.rng.choice(self.run.questions.get(self.lang) or FALLBACK_QUESTIONS["de"])

    # -- the conversations --

    async def talk_to_bot(self) -> None:
        outcomes = self.run.stats.outcomes
        await self.command("/start")
        first = self.watch.events[self.mark][1]
        offered = first.callback_data
        picker = next((d for d in offered if d.startswith("lang:")), None)
        if picker is not None and not any(d.startswith("t:") for d in offered):
            # A language we have no texts for: the language picker instead of the menu.
            await self.press(first, picker)
        menu = await self.keyboard(("t",))
        if menu is not None:
            topics = [d for d in menu[0].callback_data if d.startswith("t:")]
            await self.press(menu[0], topics[self.index % len(topics)])
            for _ in range(2):
                step = await self.keyboard(("f",))
                if step is None:
                    break
                await self.press(*step)
        else:
            outcomes["no menu after /start"] += 1
        await self.say(self.question())
        await self.say(self.question())
        await self.command("/office")
        await self.location()
        await self.command("/hours")
        await self.command("/book")
        reached = -1
        for _ in range(len(BOOKING_STAGES) + 3):
            # Forwards only: the next stage, a later one (a step may be skipped), or the same one
            # again (a taken time offers other times).
            options = BOOKING_STAGES[reached + 1 :] + ((BOOKING_STAGES[reached],) if reached >= 0 else ())
            found = await self.keyboard(options)
            if found is None:
                outcomes[f"booking stopped after {BOOKING_STAGES[reached] if reached >= 0 else '/book'}"] += 1
                break
            stage = BOOKING_STAGES.index(found[1].split(":", 1)[0])
            reached = stage
            await self.press(*found)
            if stage == len(BOOKING_STAGES) - 1:
                outcomes["booking confirmed"] += 1
                break
        await self.say(self.question())
        outcomes["conversations"] += 1

    async def talk_to_echo(self) -> None:
        await self.command("/start")
        for data in ("t:school", "f:school:1", "f:school:2"):
            await self.press_anything(data)
        await self.say(self.question())
        await self.say(self.question())
        await self.command("/office")
        await self.location()
        await self.command("/hours")
        await self.command("/book")
        for stage in BOOKING_STAGES:
            await self.press_anything(f"{stage}:1")
        await self.say(self.question())
        self.run.stats.outcomes["conversations"] += 1

    async def live(self) -> None:
        while not self.run.stopping:
            try:
                if self.run.echo:
                    await self.talk_to_echo()
                else:
                    await self.talk_to_bot()
            except StepTimeout as exc:
                self.run.stats.outcomes[f"no reply to a {exc}"] += 1
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - a bug of the generator: count it, do not hide it
                self.run.stats.outcomes[f"generator error {type(exc).__name__}: {exc}"] += 1
                await asyncio.sleep(1)


# --- one phase against one bot process --------------------------------------------------------


@dataclass
class Phase:
    server: FakeBotAPI
    watcher: Watcher
    echo: bool
    questions: dict[str, list[str]]
    think: tuple[float, float] | None
    quiet: float = 0.05
    keyboard_wait: float = 2.0
    reply_timeout: float = 10.0
    window: tuple[float, float] = (0.0, 0.0)
    stopping: bool = False
    stats: Stats = field(default_factory=Stats)

    def in_window(self, at: float) -> bool:
        return self.window[0] <= at <= self.window[1]


async def run_phase(
    server: FakeBotAPI,
    watcher: Watcher,
    child: Child,
    users: list[FakeUser],
    *,
    echo: bool,
    questions: dict[str, list[str]],
    duration: float,
    warmup: float,
    think: tuple[float, float] | None,
    profile: Path | None = None,
) -> dict[str, Any]:
    phase = Phase(server, watcher, echo, questions, think)
    waits = _watch_fetching(server)
    start = time.perf_counter()
    phase.window = (start + warmup, start + warmup + duration)
    people = [Newcomer(phase, user, i, LANGUAGES[i % len(LANGUAGES)]) for i, user in enumerate(users)]
    tasks = [asyncio.create_task(person.live()) for person in people]
    await asyncio.sleep(warmup)
    cpu0, own0, wall0 = child.cpu_seconds(), own_cpu_seconds(), time.perf_counter()
    requests0 = len(server.requests)
    threads0 = child.thread_cpu_seconds()
    profiler = await start_profiler(child, duration, profile)
    await asyncio.sleep(duration)
    cpu1, own1, wall1 = child.cpu_seconds(), own_cpu_seconds(), time.perf_counter()
    requests1 = len(server.requests)
    threads1 = child.thread_cpu_seconds()
    phase.stopping = True
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    if profiler is not None:
        await profiler.wait()
    await drain(server)
    stats = phase.stats
    fetch_waits = waits.in_window(*phase.window)
    elapsed = wall1 - wall0
    all_latencies = stats.all_latencies()
    bot_cpu = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
    result: dict[str, Any] = {
        "seconds": round(elapsed, 2),
        "updates_sent": stats.sent,
        "updates_answered": stats.replied,
        "throughput": stats.replied / elapsed if elapsed else None,
        "timeouts": stats.timeouts,
        "p50_ms": _ms(percentile(all_latencies, 50)),
        "p95_ms": _ms(percentile(all_latencies, 95)),
        "p99_ms": _ms(percentile(all_latencies, 99)),
        "max_ms": _ms(max(all_latencies) if all_latencies else None),
        "by_kind": {
            kind: {"n": len(v), "p50_ms": _ms(percentile(v, 50)), "p99_ms": _ms(percentile(v, 99))}
            for kind, v in sorted(stats.latencies.items())
        },
        "by_command": {
            command: {"n": len(v), "p50_ms": _ms(percentile(v, 50)), "max_ms": _ms(max(v))}
            for command, v in sorted(stats.by_command.items())
        },
        "callback_answer_p50_ms": _ms(percentile(stats.callback_answer, 50)),
        # queued at the fake server -> first handed to the bot by getUpdates (the rest of the
        # latency is inside the bot)
        "fetch_wait_p50_ms": _ms(percentile(fetch_waits, 50)),
        "fetch_wait_p99_ms": _ms(percentile(fetch_waits, 99)),
        "bot_cpu_seconds": bot_cpu,
        "bot_cpu_share": bot_cpu / elapsed if bot_cpu is not None and elapsed else None,
        "cpu_ms_per_update": bot_cpu / stats.replied * 1000 if bot_cpu and stats.replied else None,
        "generator_cpu_share": (own1 - own0) / elapsed if elapsed else None,
        # Bot API requests (getUpdates included) per answered update: the floor makes ~1
        "requests_per_update": (requests1 - requests0) / stats.replied if stats.replied else None,
        "requests_by_method": dict(Counter(r.method for r in server.requests[requests0:requests1])),
        # CPU seconds per thread name during the window (threads that ended meanwhile are missing)
        "bot_thread_cpu_s": {
            name: round(threads1[name] - threads0.get(name, 0.0), 2)
            for name in sorted(threads1)
            if threads1[name] - threads0.get(name, 0.0) > 0.005
        },
        "outcomes": dict(stats.outcomes),
    }
    return result


class FetchWaits:
    """When each update was queued at the fake server and first handed out by getUpdates."""

    def __init__(self) -> None:
        self.queued: dict[int, float] = {}
        self.fetched: dict[int, float] = {}

    def in_window(self, start: float, end: float) -> list[float]:
        return [self.fetched[i] - at for i, at in self.queued.items() if start <= at <= end and i in self.fetched]


def _watch_fetching(server: FakeBotAPI) -> FetchWaits:
    queue = server.updates
    waits = FetchWaits()
    put, take = type(queue).put, type(queue).take

    def put_timed(kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        stored = put(queue, kind, payload)
        if stored is not None:
            waits.queued[stored["update_id"]] = time.perf_counter()
        return stored

    def take_timed(limit: int) -> list[dict[str, Any]]:
        taken = take(queue, limit)
        now = time.perf_counter()
        for update in taken:
            waits.fetched.setdefault(update["update_id"], now)
        return taken

    queue.put = put_timed
    queue.take = take_timed
    return waits


async def start_profiler(child: Child, duration: float, output: Path | None):
    """py-spy sampling the bot process for the phase (collapsed stacks; by default with --idle,
    so waits show too; BENCH_PYSPY_FLAGS="--native" for CPU only, with C frames)."""
    if output is None:
        return None
    return await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("py-spy")),
        "record",
        "--pid",
        str(child.pid),
        "--duration",
        str(int(duration)),
        "--rate",
        "200",
        "--format",
        "raw",
        "--threads",
        *os.environ.get("BENCH_PYSPY_FLAGS", "--idle").split(),
        "--output",
        str(output),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


async def drain(server: FakeBotAPI, quiet: float = 0.3, timeout: float = 30.0) -> None:
    """Until the bot has fetched every queued update and been silent for `quiet` seconds."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        seen = len(server.requests)
        await asyncio.sleep(quiet)
        if not server.updates.pending and len(server.requests) == seen:
            return


# --- one bot process: start-up, then phases ---------------------------------------------------

# bot-max: the inbound flood gate (bot.telegram.middlewares.flood, 20 updates per minute per
# person) would rightly slow down newcomers who act at machine speed; lifted like the outbound one.
EXTRA_ENV = {"bot-max": {"FLOOD_LIMIT_PER_MINUTE": "1000000"}, "bot-max-pg": {"FLOOD_LIMIT_PER_MINUTE": "1000000"}}
ECHOES = ("echo", "echo-model")  # the floors: same update kinds, no dialogues
TARGETS = {
    "echo": ["bench/echo_bot.py"],
    "echo-model": ["bench/echo_understanding_bot.py"],
    "bot": ["-m", "bot", "run"],
    "bot-max": ["bench/unthrottled_bot.py"],
    "bot-max-pg": ["bench/unthrottled_bot.py"],  # the same, on a fresh PostgreSQL database
}


async def run_target(
    name: str,
    *,
    spec: ApiSpec,
    users: int,
    phases: list[tuple[str, float, float, tuple[float, float] | None]],
    questions: dict[str, list[str]],
    tmp: Path,
    db_url: str | None = None,
    profile: Path | None = None,
    log=print,
) -> dict[str, Any]:
    """Start one bot process against a fresh fake server, measure its start-up, run the phases
    (name, duration, warm-up, think), and stop it. Returns the figures."""
    echo = name in ECHOES
    async with FakeBotAPI(spec=spec, validate_updates=False) as server:
        watcher = Watcher(server)
        if not echo:
            server.group(STAFF_CHAT_ID, "lokal willkommen Team", is_forum=True)
        env = bot_env(
            token=server.token,
            api_url=server.base_url,
            db_url=db_url or sqlite_url(tmp / f"{name}.sqlite3"),
            STAFF_CHAT_ID=str(STAFF_CHAT_ID),
            **EXTRA_ENV.get(name, {}),
        )
        starter = server.user(999_000_001, "Start", language_code="de")
        await starter.send("/start")  # queued before the process exists
        child = await spawn(TARGETS[name], env, tmp / f"{name}.log")
        result: dict[str, Any] = {"target": name, "pid": child.pid}
        try:
            watch = watcher.chats[starter.id]
            replied = await watch.until(lambda: watch.events[0][0] if watch.events else None, 120)
            if replied is None:
                raise RuntimeError(f"{name} did not answer /start within 120 s:\n{child.log_tail()}")
            result["startup_s"] = replied - child.started_at
            # Where the start-up went: until the first Bot API request (interpreter, imports,
            # database, texts, models), until the first getUpdates (command menu, webhook), the rest.
            first = min((r.started_at for r in server.requests), default=None)
            polls = [r.started_at for r in server.requests if r.method == "getUpdates"]
            offset = time.monotonic() - time.perf_counter()  # requests carry time.monotonic()
            if first is not None:
                result["startup_first_request_s"] = first - offset - child.started_at
            if polls:
                result["startup_first_poll_s"] = min(polls) - offset - child.started_at
            result["startup_cpu_s"] = child.cpu_seconds()
            result["rss_after_start_mb"] = child.rss_mb()
            await drain(server)
            people = [
                server.user(800_000 + i, f"Person{i}", language_code=LANGUAGES[i % len(LANGUAGES)])
                for i in range(users)
            ]
            for phase_name, duration, warmup, think in phases:
                log(f"  {name}: {phase_name} ({duration:.0f} s, {users} people)...")
                output = None
                if profile is not None and phase_name == "capacity":
                    output = profile / f"profile-{name}-{phase_name}.txt"
                # The load generator and the fake server share this process and record every
                # request: their full collections grew to 50-280 ms pauses within a phase, which
                # landed in the measured latency as if the bot were slow. No collection runs
                # here during a phase (its garbage waits until the phase is over).
                gc.collect()
                gc.disable()
                try:
                    figures = await run_phase(
                        server,
                        watcher,
                        child,
                        people,
                        echo=echo,
                        questions=questions,
                        duration=duration,
                        warmup=warmup,
                        think=think,
                        profile=output,
                    )
                finally:
                    gc.enable()
                figures["violations"] = [r.describe() for r in server.violations][:5]
                figures["violation_count"] = len(server.violations)
                figures["unanswered_callbacks"] = len(server.unanswered_callbacks)
                server.reset_records()
                result[phase_name] = figures
                if not child.alive():
                    raise RuntimeError(f"{name} exited during {phase_name}:\n{child.log_tail()}")
            result["peak_rss_mb"] = child.peak_rss_mb()
            result["rss_end_mb"] = child.rss_mb()
        finally:
            code = await child.stop()
            result["exit_code"] = code
            if code not in (0, None, -15):
                result["log_tail"] = child.log_tail()
    return result


# --- the whole load benchmark -----------------------------------------------------------------


@dataclass
class LoadConfig:
    users: int = 60
    duration: float = 20.0
    warmup: float = 3.0
    paced_duration: float = 30.0
    think: tuple[float, float] = (3.0, 6.0)
    only: str | None = None
    profile: Path | None = None  # a directory: py-spy profiles of the capacity phases
    postgres: bool = True  # bot-max again on PostgreSQL (the tests' server), when reachable


async def run_load(config: LoadConfig, log=print) -> dict[str, Any]:
    spec = ApiSpec.load()
    questions = load_questions()
    capacity = ("capacity", config.duration, config.warmup, None)
    paced = ("paced", config.paced_duration, config.think[0] + 1.0, config.think)
    plans: list[tuple[str, list]] = []
    if config.only in (None, "echo"):
        # The echo floor's paced latency is a few ms with little spread: half the time is plenty.
        echo_paced = ("paced", max(5.0, config.paced_duration / 2), paced[2], paced[3])
        plans.append(("echo", [capacity, echo_paced]))
    if config.only in (None, "echo-model"):
        plans.append(("echo-model", [capacity]))
    if config.only in (None, "bot"):
        plans.append(("bot", [paced]))
    if config.only in (None, "bot", "bot-max"):
        plans.append(("bot-max", [capacity]))
    if config.only in (None, "bot-max-pg") and config.postgres:
        plans.append(("bot-max-pg", [capacity]))
    results: dict[str, Any] = {
        "config": {
            "users": config.users,
            "duration_s": config.duration,
            "paced_duration_s": config.paced_duration,
            "think_s": list(config.think),
        },
        "machine": machine(),
    }
    with tempfile.TemporaryDirectory(prefix="lw-bench-") as tmp:
        for name, phases in plans:
            if name == "bot-max-pg":
                from bench.booking_race import postgres_database

                try:
                    async with postgres_database() as url:
                        results[name] = await run_target(
                            name,
                            spec=spec,
                            users=config.users,
                            phases=phases,
                            questions=questions,
                            tmp=Path(tmp),
                            db_url=url,
                            profile=config.profile,
                            log=log,
                        )
                except OSError as exc:
                    results[name] = {"skipped": f"PostgreSQL not reachable ({type(exc).__name__})"}
                continue
            results[name] = await run_target(
                name,
                spec=spec,
                users=config.users,
                phases=phases,
                questions=questions,
                tmp=Path(tmp),
                profile=config.profile,
                log=log,
            )
    results["summary"] = summarize(results)
    return results


def summarize(results: dict[str, Any]) -> dict[str, Any]:
    """The headline figures and their ratios to the echo floor."""
    echo = results.get("echo", {})
    echo_model = results.get("echo-model", {})
    bot = results.get("bot", {})
    bot_max = results.get("bot-max", {})
    bot_max_pg = results.get("bot-max-pg", {})
    get = lambda d, phase, key: (d.get(phase) or {}).get(key)  # noqa: E731
    summary = {
        "throughput": get(bot_max, "capacity", "throughput"),
        "throughput_postgres": get(bot_max_pg, "capacity", "throughput"),
        "capacity_p99_ms_postgres": get(bot_max_pg, "capacity", "p99_ms"),
        "throughput_floor": get(echo, "capacity", "throughput"),
        "throughput_model_floor": get(echo_model, "capacity", "throughput"),
        "cpu_ms_per_update_model_floor": get(echo_model, "capacity", "cpu_ms_per_update"),
        "cpu_ms_per_update": get(bot_max, "capacity", "cpu_ms_per_update"),
        "cpu_ms_per_update_floor": get(echo, "capacity", "cpu_ms_per_update"),
        "capacity_p99_ms": get(bot_max, "capacity", "p99_ms"),
        "capacity_p99_ms_floor": get(echo, "capacity", "p99_ms"),
        "p50_ms": get(bot, "paced", "p50_ms"),
        "p95_ms": get(bot, "paced", "p95_ms"),
        "p99_ms": get(bot, "paced", "p99_ms"),
        "p50_ms_floor": get(echo, "paced", "p50_ms"),
        "p95_ms_floor": get(echo, "paced", "p95_ms"),
        "p99_ms_floor": get(echo, "paced", "p99_ms"),
        "paced_throughput": get(bot, "paced", "throughput"),
        "peak_rss_mb": max((x for x in (bot.get("peak_rss_mb"), bot_max.get("peak_rss_mb")) if x), default=None),
        "peak_rss_mb_floor": echo.get("peak_rss_mb"),
        "startup_s": bot.get("startup_s"),
        "startup_s_floor": echo.get("startup_s"),
    }
    summary["throughput_ratio"] = ratio(summary["throughput"], summary["throughput_floor"])
    summary["model_floor_ratio"] = ratio(summary["throughput_model_floor"], summary["throughput_floor"])
    summary["throughput_ratio_model_floor"] = ratio(summary["throughput"], summary["throughput_model_floor"])
    summary["cpu_per_update_ratio"] = ratio(summary["cpu_ms_per_update"], summary["cpu_ms_per_update_floor"])
    summary["p99_ratio"] = ratio(summary["p99_ms"], summary["p99_ms_floor"])
    summary["peak_rss_ratio"] = ratio(summary["peak_rss_mb"], summary["peak_rss_mb_floor"])
    summary["startup_ratio"] = ratio(summary["startup_s"], summary["startup_s_floor"])
    return summary


def print_load(results: dict[str, Any]) -> None:
    rows = [("", "echo (floor)", "echo+model", "bot", "bot-max", "bot-max-pg")]
    phases = (("capacity", "capacity"), ("paced", "paced"))

    def cell(target: str, phase: str, key: str, spec: str = ".0f") -> str:
        return fmt(((results.get(target) or {}).get(phase) or {}).get(key), spec)

    for phase, label in phases:
        rows.append((f"{label}: updates/s", *(cell(t, phase, "throughput", ".1f") for t in TARGETS)))
        for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms"):
            rows.append((f"{label}: {key.replace('_ms', '')} ms", *(cell(t, phase, key) for t in TARGETS)))
        rows.append((f"{label}: CPU ms/update", *(cell(t, phase, "cpu_ms_per_update", ".2f") for t in TARGETS)))
        rows.append((f"{label}: bot CPU share", *(cell(t, phase, "bot_cpu_share", ".2f") for t in TARGETS)))
        rows.append((f"{label}: generator CPU", *(cell(t, phase, "generator_cpu_share", ".2f") for t in TARGETS)))
        rows.append((f"{label}: timeouts", *(cell(t, phase, "timeouts", ".0f") for t in TARGETS)))
    rows.append(("start-up s", *(fmt((results.get(t) or {}).get("startup_s"), ".2f") for t in TARGETS)))
    rows.append(
        ("  ...to 1st request s", *(fmt((results.get(t) or {}).get("startup_first_request_s"), ".2f") for t in TARGETS))
    )
    rows.append(
        ("  ...to 1st getUpdates s", *(fmt((results.get(t) or {}).get("startup_first_poll_s"), ".2f") for t in TARGETS))
    )
    rows.append(("peak RSS MB", *(fmt((results.get(t) or {}).get("peak_rss_mb"), ".0f") for t in TARGETS)))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  "
            + "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    for target in TARGETS:
        for phase, _ in phases:
            figures = (results.get(target) or {}).get(phase)
            if figures:
                if figures.get("outcomes"):
                    print(f"  {target} {phase}: {figures['outcomes']}")
                if figures.get("violation_count"):
                    print(
                        f"  {target} {phase}: {figures['violation_count']} Bot API violations: {figures['violations']}"
                    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--duration", type=float, default=20.0, help="capacity phase, seconds")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--paced-duration", type=float, default=30.0)
    parser.add_argument(
        "--think",
        default="3,6",
        help="paced phase: think time range in seconds (3,6: a person reading and typing; "
        "never more than the bot's 20 updates per minute per person)",
    )
    parser.add_argument("--no-postgres", action="store_true", help="no bot-max-pg")
    parser.add_argument(
        "--only",
        choices=("bot", "bot-max", "bot-max-pg", "echo", "echo-model"),
        help="bot: the shipped bot (paced) and bot-max (capacity); bot-max: capacity only; "
        "echo-model: the echo floor that also understands every typed text",
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--profile", type=Path, metavar="DIR", help="py-spy (in the .venv) samples each capacity phase into DIR"
    )
    args = parser.parse_args()
    low, high = (float(x) for x in args.think.split(","))
    config = LoadConfig(
        users=args.users,
        duration=args.duration,
        warmup=args.warmup,
        paced_duration=args.paced_duration,
        think=(low, high),
        only=args.only,
        profile=args.profile,
        postgres=not args.no_postgres,
    )
    results = asyncio.run(run_load(config))
    print_load(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
