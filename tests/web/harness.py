"""The web chat as the tests meet it: the production composition (WebChat, the aiohttp app, the
same database code) on 127.0.0.1, a fake clock, no Telegram unless a test gives a bot token.

`running_chat` serves it on the test's own event loop (API tests with aiohttp clients);
`ThreadedChat` serves it from a thread with its own loop, for Selenium, which blocks."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.bootstrap import Foundation
from bot.clock import FakeClock
from bot.config import load_settings
from bot.places.calendar import TZ
from bot.storage.database import migrate
from bot.translation import FakeTranslator
from bot.web.outbox import WebOutbox
from bot.web.server import RunningWebChat, WebChat, compose_web_process, start_web_chat

MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)  # offices open; bookable days ahead


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ChatUnderTest:
    url: str
    chat: WebChat
    clock: FakeClock
    outbox: WebOutbox
    foundation: Foundation
    running: RunningWebChat


@contextlib.asynccontextmanager
async def running_chat(db_url: str, *, clock: FakeClock | None = None, **env: Any) -> AsyncIterator[ChatUnderTest]:
    """`python -m bot web` as composed for production (`compose_web_process`); no Telegram unless
    `env` gives BOT_TOKEN, TELEGRAM_API_URL and STAFF_CHAT_ID (the fake Bot API's)."""
    if db_url.startswith("sqlite"):
        await migrate(db_url)
    settings = load_settings(
        **{"DATABASE_URL": db_url, "BOT_TOKEN": "", "STAFF_CHAT_ID": "", "REDIS_URL": "", "TRANSLATOR": "none", **env}
    )
    clock = clock or FakeClock(MONDAY_MORNING)
    process = await compose_web_process(settings, clock=clock, translator=FakeTranslator(), db_attempts=1)
    port = free_port()
    running = await start_web_chat(process.chat, "127.0.0.1", port)
    try:
        yield ChatUnderTest(
            f"http://127.0.0.1:{port}", process.chat, clock, process.outbox, process.foundation, running
        )
    finally:
        await running.close()
        await process.close()


class ThreadedChat:
    """`running_chat` in a thread of its own (its loop serves while Selenium waits)."""

    def __init__(self, db_url: str, **env: Any) -> None:
        self.db_url = db_url
        self.env = env
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.stop: asyncio.Event | None = None
        self.under_test: ChatUnderTest | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="web-chat", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._serve())
        except BaseException as exc:  # noqa: BLE001 - reported by start()
            self.error = exc
            self.ready.set()

    async def _serve(self) -> None:
        self.stop = asyncio.Event()
        async with running_chat(self.db_url, **self.env) as under_test:
            self.under_test = under_test
            self.ready.set()
            await self.stop.wait()

    def start(self) -> ChatUnderTest:
        self.thread.start()
        self.ready.wait(60)
        if self.error is not None:
            raise self.error
        assert self.under_test is not None
        return self.under_test

    def call(self, coroutine: Any, timeout: float = 30) -> Any:
        """Run a coroutine on the server's loop (e.g. to deliver a reminder) and wait for it."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        if self.stop is not None:
            self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(30)
        self.loop.close()
