"""Two bot processes in webhook mode behind a load balancer, sharing PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import redis.asyncio as redis
from aiohttp import web

from tests.databases import REDIS_URL, PostgresDatabases, postgres_reachable, require_service
from tests.e2e.test_webhook import free_port
from tests.fakebotapi import FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.redis]


class RoundRobin:
    """A tiny load balancer: each webhook POST goes to the next process, or to all of them."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.turn = itertools.cycle(range(len(backends)))
        self.broadcast = False
        self.served: list[int] = []

    async def forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith(("x-telegram", "content-type"))}
        targets = range(len(self.backends)) if self.broadcast else [next(self.turn)]
        status, payload = 502, b""
        async with aiohttp.ClientSession() as http:
            for index in targets:
                async with http.post(self.backends[index] + request.path, data=body, headers=headers) as response:
                    status, payload = response.status, await response.read()
                    self.served.append(index)
        return web.Response(status=status, body=payload, content_type="application/json")


async def start_bot(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


@pytest.fixture
async def shared_services(postgres_databases: PostgresDatabases) -> AsyncIterator[tuple[str, str]]:
    error = await postgres_reachable()
    if error is not None:
        require_service("PostgreSQL", error)
    client = redis.from_url(REDIS_URL)
    try:
        await client.ping()
        await client.flushdb()
    except Exception as exc:  # noqa: BLE001
        require_service("Redis", exc)
    finally:
        await client.aclose()
    yield await postgres_databases.new(), REDIS_URL


async def test_two_processes_share_state_and_handle_each_update_once(shared_services: tuple[str, str]) -> None:
    database_url, redis_url = shared_services
    ports = [free_port(), free_port()]
    balancer_port = free_port()
    balancer = RoundRobin([f"http://127.0.0.1:{p}" for p in ports])
    app = web.Application()
    app.router.add_post("/webhook", balancer.forward)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", balancer_port).start()
    processes: list[asyncio.subprocess.Process] = []
    async with FakeBotAPI(webhook_auto_push=True) as server:
        base = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "STAFF_CHAT_ID", "TRANSLATOR")}
        try:
            for port in ports:
                processes.append(
                    await start_bot(
                        {
                            **base,
                            "BOT_TOKEN": server.token,
                            "TELEGRAM_API_URL": server.base_url,
                            "DATABASE_URL": database_url,
                            "REDIS_URL": redis_url,
                            "LOG_LEVEL": "WARNING",
                            "WEBHOOK_URL": f"http://127.0.0.1:{balancer_port}/webhook",
                            "WEBHOOK_SECRET": "two-procs",
                            "WEBHOOK_HOST": "127.0.0.1",
                            "WEBHOOK_PORT": str(port),
                            "HEALTH_PORT": "0",
                        }
                    )
                )
            async with aiohttp.ClientSession() as http:
                for port in ports:  # both healthy before any update is pushed
                    for _ in range(300):
                        try:
                            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                                if response.status == 200:
                                    break
                        except aiohttp.ClientError:
                            pass
                        await asyncio.sleep(0.1)
            await server.wait_for(lambda r: r.method == "setWebhook", timeout=30)

            person = server.user(6001, "Olena", language_code="de")
            await person.send("/office")  # to the first process
            assert "Wo wohnen Sie?" in (await person.wait_reply(timeout=30)).text
            await person.send("Eving")  # to the second: the dialogue state is shared through Redis
            card = await person.wait_reply(timeout=30)
            assert "Für Eving ist dieses Büro zuständig" in card.text
            assert balancer.served[:2] == [0, 1]

            balancer.broadcast = True  # the same update reaches both processes
            await person.send("/help")
            await person.wait_reply(timeout=30)
            await server.wait_idle(quiet=1.0, timeout=30)
            helps = [m for m in person.replies if (m.text or "").startswith("So funktioniert es")]
            assert len(helps) == 1
            server.assert_no_violations()
        finally:
            for process in processes:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                await asyncio.wait_for(process.wait(), timeout=30)
            await runner.cleanup()
    for process in processes:
        assert process.returncode == 0, (await process.stderr.read()).decode()[-3000:]
