"""Services that stop answering under a running bot: Redis (a private redis-server), PostgreSQL (a
proxy on loopback that is cut), a translator that never answers. Every person still gets an
answer or a short apology within a few seconds, the outage is logged once and shown by /healthz,
and once the service is back the bot carries on without a restart."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import redis.asyncio as redis
from sqlalchemy.engine import make_url

from bot.clock import FakeClock
from bot.content.locales import html_to_plain
from bot.core.replies import Msg
from bot.telegram.health_server import start_health_server
from tests.bot_process import bot_env
from tests.databases import PostgresDatabases, postgres_reachable, require_service
from tests.e2e.harness import Telegram, buttons, running_bot
from tests.e2e.test_webhook import free_port
from tests.fakebotapi import FakeBotAPI, FakeUser, StoredMessage

ROOT = Path(__file__).resolve().parents[2]

# Long enough for a refused connection, short enough that a person never waits long.
ANSWER_WITHIN = 5.0


class PrivateRedis:
    """A redis-server of this test's own on a free port, without persistence, to stop and start."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        client = redis.from_url(self.url)
        try:
            for _ in range(100):
                with contextlib.suppress(redis.ConnectionError):
                    await client.ping()
                    return
                await asyncio.sleep(0.05)
            raise RuntimeError("the private redis-server did not start")
        finally:
            await client.aclose()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()
        self.process = None


@pytest.fixture
async def private_redis() -> AsyncIterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        require_service("redis-server (the program)", FileNotFoundError("redis-server"))
    server = PrivateRedis()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


class CuttableProxy:
    """A TCP proxy on loopback in front of PostgreSQL: `cut()` drops every connection and refuses
    new ones (as a database server that went away), `restore()` listens again on the same port."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.pipes: set[asyncio.Task[None]] = set()

    async def restore(self) -> None:
        self.server = await asyncio.start_server(self._connect, "127.0.0.1", self.port)

    async def cut(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
        for writer in list(self.writers):
            writer.transport.abort()
        for task in list(self.pipes):
            task.cancel()
        self.writers.clear()

    async def _connect(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self.writers.update((client_writer, server_writer))
        for reader, writer in ((client_reader, server_writer), (server_reader, client_writer)):
            task = asyncio.create_task(self._pipe(reader, writer))
            self.pipes.add(task)
            task.add_done_callback(self.pipes.discard)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            self.writers.discard(writer)
            writer.transport.abort()


class SilentServer:
    """An HTTP "translation service" that accepts connections and never answers."""

    def __init__(self) -> None:
        self.port = free_port()
        self.server: asyncio.Server | None = None
        self.connections: list[asyncio.StreamWriter] = []

    async def __aenter__(self) -> SilentServer:
        async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections.append(writer)  # read nothing, answer nothing

        self.server = await asyncio.start_server(hold, "127.0.0.1", self.port)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        for writer in self.connections:  # the abandoned request threads see the connection close
            writer.transport.abort()
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()


def say(tg: Telegram, key: str, lang: str = "de") -> str:
    return html_to_plain(tg.services.catalog.render(Msg(key), lang))


async def answer_to(person: FakeUser) -> str:
    """The first message the bot sends the person, however long it took."""
    return (await person.wait_reply(timeout=ANSWER_WITHIN, include_edits=False)).text or ""


async def healthz(port: int) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/healthz") as response:
        return response.status, await response.json()


async def healthz_until(port: int, status: int, timeout: float = 10.0) -> dict[str, Any]:
    """/healthz once it says `status` (its report is cached for a second)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        got, body = await healthz(port)
        if got == status:
            return body
        if loop.time() > deadline:
            raise AssertionError(f"/healthz still {got} {body}")
        await asyncio.sleep(0.2)


def outage_lines(caplog: pytest.LogCaptureFixture, service: str) -> tuple[int, int]:
    """How many times the log said `service` went away and came back."""
    messages = [r.getMessage() for r in caplog.records if r.name == "bot.health"]
    return (
        sum(m.startswith(f"{service} is not reachable") for m in messages),
        sum(m.startswith(f"{service} is reachable again") for m in messages),
    )


@contextlib.asynccontextmanager
async def health_server(tg: Telegram) -> AsyncIterator[int]:
    assert tg.app is not None
    port = free_port()
    runner = await start_health_server(tg.app.health, "127.0.0.1", port)
    assert runner is not None
    try:
        yield port
    finally:
        await runner.cleanup()


@pytest.mark.redis
async def test_redis_stopped_and_restarted_under_a_running_bot(
    db_url: str, clock: FakeClock, private_redis: PrivateRedis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with (
        running_bot(db_url, clock, REDIS_URL=private_redis.url, REDIS_TIMEOUT=1) as tg,
        health_server(tg) as port,
    ):
        person = tg.person(7001, "Mariam", language_code="de")
        await person.send("/start")
        menu = await answer_to(person)
        assert "Willkommen bei lokal willkommen" in menu
        menu_message = person.replies[-1]
        assert await healthz(port) == (200, {"status": "ok", "database": "ok", "redis": "ok"})

        await private_redis.stop()
        sorry = say(tg, "errors.unavailable")
        await person.send("/start")
        assert await answer_to(person) == sorry
        await person.send("Wann hat das Bürgerbüro offen?")
        assert await answer_to(person) == sorry
        await person.press("🎒 Schule", menu_message)
        assert await answer_to(person) == sorry
        await tg.settled()
        body = await healthz_until(port, 503)
        assert body == {"status": "unavailable", "database": "ok", "redis": "unavailable"}

        await private_redis.start()  # the same port, empty: no restart of the bot
        assert (await healthz_until(port, 200))["redis"] == "ok"
        await person.send("/start")
        assert "Willkommen bei lokal willkommen" in await answer_to(person)
        await person.press("🎒 Schule", person.replies[-1])
        assert "alt" in await answer_to(person)  # the school flow asks for the child's age
        await tg.settled()
    assert outage_lines(caplog, "redis") == (1, 1)
    handler_errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith(("bot", "aiogram"))]
    assert handler_errors == []


@pytest.mark.postgres
async def test_the_database_cut_off_under_a_running_bot(
    postgres_databases: PostgresDatabases, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL is shared by every test: it is not stopped, the bot's way to it is cut."""
    error = await postgres_reachable()
    if error is not None:
        require_service("PostgreSQL", error)
    url = make_url(await postgres_databases.new())
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.restore()
    db_url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    caplog.set_level(logging.INFO)
    try:
        async with running_bot(db_url, clock, DATABASE_TIMEOUT=2) as tg, health_server(tg) as port:
            person = tg.person(7101, "Olena", language_code="uk")
            await person.send("/start")
            menu = await answer_to(person)
            menu_message = person.replies[-1]
            assert buttons(menu_message)
            assert (await healthz(port))[0] == 200

            await proxy.cut()
            sorry = say(tg, "errors.unavailable", "uk")
            await person.send("/help")
            assert await answer_to(person) == sorry  # in their language, without the database
            await person.press(buttons(menu_message)[0], menu_message)
            assert await answer_to(person) == sorry
            await tg.settled()
            body = await healthz_until(port, 503)
            assert body == {"status": "unavailable", "database": "unavailable", "redis": "not configured"}

            await proxy.restore()
            assert (await healthz_until(port, 200))["database"] == "ok"
            await person.send("/start")
            assert await answer_to(person) == menu
            await tg.settled()
    finally:
        await proxy.cut()
    assert outage_lines(caplog, "database") == (1, 1)


async def test_a_translator_that_never_answers_costs_a_relay_only_its_timeout(
    db_url: str, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with (
        SilentServer() as silent,
        running_bot(
            db_url,
            clock,
            configured_translator=True,
            TRANSLATOR="libre",
            TRANSLATOR_TIMEOUT=1,
            TRANSLATOR_URL=f"http://127.0.0.1:{silent.port}/",
        ) as tg,
    ):
        await tg.services.warm_up()  # the model's first load is not the translator's time
        staff = tg.staff_group()
        olena = tg.person(7201, "Olena", language_code="uk")
        await olena.send("/human")
        consent = await olena.wait_reply()
        await olena.press(say(tg, "handoff.consent_yes", "uk"), consent)
        assert await answer_to(olena) == say(tg, "handoff.connected", "uk")
        loop = asyncio.get_running_loop()
        relayed: list[StoredMessage] = []
        for text in ("Допоможіть, будь ласка", "Де мій лист?"):
            started = loop.time()
            await olena.send(text)
            relayed.append(await staff.wait_message(lambda m, t=text: t in (m.text or ""), timeout=10))
            # The translator's timeout (1 s) and the bot's own work; never the provider's hang.
            assert loop.time() - started < 1 + 3
        assert all("Übersetzung gerade nicht möglich" in m.text for m in relayed)

        tesfay = tg.person(7202, "Tesfay", language_code="ti")  # a machine locale, through the same service
        started = loop.time()
        await tesfay.send("/start")
        assert "Welcome to lokal willkommen" in (await tesfay.wait_reply(timeout=10)).text  # closest curated: en
        assert loop.time() - started < 1 + 3
    assert outage_lines(caplog, "translator libre") == (1, 0)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_python_m_bot_run_serves_healthz_in_both_modes(tmp_path: Path, mode: str) -> None:
    health_port = free_port()
    env = bot_env(tmp_path)
    async with FakeBotAPI() as server:
        env.update(
            {
                "BOT_TOKEN": server.token,
                "TELEGRAM_API_URL": server.base_url,
                "LOG_LEVEL": "WARNING",
                "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
                "HEALTH_HOST": "127.0.0.1",
                "HEALTH_PORT": str(health_port),
            }
        )
        ports = [health_port]
        if mode == "webhook":
            webhook_port = free_port()
            env.update(
                {
                    "WEBHOOK_URL": f"http://127.0.0.1:{webhook_port}/webhook",
                    "WEBHOOK_SECRET": "health",
                    "WEBHOOK_HOST": "127.0.0.1",
                    "WEBHOOK_PORT": str(webhook_port),
                }
            )
            ports.append(webhook_port)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            for port in ports:
                for _ in range(600):
                    with contextlib.suppress(aiohttp.ClientError):
                        if (await healthz(port))[0] == 200:
                            break
                    await asyncio.sleep(0.1)
                assert await healthz(port) == (200, {"status": "ok", "database": "ok", "redis": "not configured"})
            # Running, with its signal handlers in place, before it is told to stop.
            await server.wait_for(lambda r: r.method in ("getUpdates", "setWebhook"), timeout=60)
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), timeout=30)
        assert process.stderr is not None
        log = (await process.stderr.read()).decode()
        assert process.returncode == 0, log[-2000:]
        assert "cannot listen" not in log
