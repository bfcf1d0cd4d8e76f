"""The running bot against the fake Bot API server: what the end-to-end tests talk to.

`tg` starts the real aiogram bot (long polling over HTTP on 127.0.0.1) with the production
composition root, on SQLite and PostgreSQL (via `db_url`), a fake clock and a fake translator.
At the end of each test it asserts that the bot made no request Telegram would have rejected and
left no button press unanswered."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.config import Settings, load_settings
from bot.telegram.app import TelegramApp, build_app, run_polling
from bot.telegram.ratelimit import OutboundLimits
from bot.translation import FakeTranslator
from tests.fakebotapi import CallbackQueryRecord, FakeBotAPI, FakeGroup, FakeUser, StoredMessage

STAFF_CHAT_ID = -1001000000001


@dataclass
class Telegram:
    server: FakeBotAPI
    settings: Settings
    clock: FakeClock
    translator: FakeTranslator
    app: TelegramApp | None = None
    _polling: asyncio.Task[None] | None = None
    _users: dict[int, FakeUser] = field(default_factory=dict)
    in_flight: int = 0
    # Telegram's real limits pace a conversation at about a message a second per chat; the fake
    # server does not need that (tests of the limiter itself are in tests/reminders).
    outbound_limits: OutboundLimits = field(
        default_factory=lambda: OutboundLimits(
            private_per_second=1000.0, private_burst=1000, global_per_second=10_000.0, group_per_minute=100_000
        )
    )
    handled_ids: set[int] = field(default_factory=set)
    # True: the translator TRANSLATOR names (e.g. against a fake server), not `translator`.
    configured_translator: bool = False

    async def start(self) -> None:
        self.app = await build_app(
            self.settings,
            clock=self.clock,
            db_attempts=1,
            translator=None if self.configured_translator else self.translator,
            outbound_limits=self.outbound_limits,
        )
        # Outermost, so that it also sees an update an outage stops early (tests/e2e/test_outages.py).
        outer = self.app.dispatcher.update.outer_middleware
        existing = list(outer)
        for middleware in existing:
            outer.unregister(middleware)
        for middleware in (self._track, *existing):
            outer.register(middleware)
        self._polling = asyncio.create_task(run_polling(self.app, handle_signals=False, polling_timeout=1))
        # The first long poll has arrived: an update added now ends it at once.
        await self.server.wait_for(lambda r: r.method == "getUpdates", timeout=10, started=True)

    async def _track(self, handler, event, data):
        self.in_flight += 1
        try:
            return await handler(event, data)
        finally:
            self.in_flight -= 1
            self.handled_ids.add(event.update_id)

    async def settled(self, timeout: float = 20.0) -> None:
        """Until every queued update has been fetched and fully handled by the bot."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        calm = 0
        while calm < 3:
            queue = self.server.updates
            dropped = {u["update_id"] for u in queue.dropped}
            created = set(range(1, queue.next_update_id)) - dropped
            busy = self.in_flight or queue.pending or not created <= self.handled_ids
            calm = 0 if busy else calm + 1
            if loop.time() > deadline:
                raise TimeoutError("the bot did not finish handling its updates")
            await asyncio.sleep(0.02)

    async def replies(self, user: FakeUser) -> list[StoredMessage]:
        """Everything the bot sent the user in answer to their last action, once it has finished."""
        await self.settled()
        found: list[StoredMessage] = []
        while True:
            try:
                found.append(await user.wait_reply(timeout=0.01, include_edits=False))
            except TimeoutError:
                return found

    async def stop(self) -> None:
        if self.app is None:
            return
        with contextlib.suppress(RuntimeError):
            await self.app.dispatcher.stop_polling()
        if self._polling is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._polling, timeout=10)
        await self.app.close()
        self.app = None

    async def restart(self) -> None:
        """Stop the bot process and start a new one on the same database."""
        await self.stop()
        await self.start()

    def person(self, user_id: int = 1001, first_name: str = "Olena", language_code: str | None = "de") -> FakeUser:
        if user_id not in self._users:
            self._users[user_id] = self.server.user(user_id, first_name, language_code=language_code)
        return self._users[user_id]

    async def press_data(self, user: FakeUser, data: str, message: StoredMessage) -> CallbackQueryRecord:
        """A press carrying any callback data, e.g. forged or from an old keyboard; the record
        holds what the bot answered to it."""
        record = self.server.world.new_callback(user.id, message, data)
        self.server.add_update(
            "callback_query",
            {
                "id": record.id,
                "from": user.to_api(),
                "message": message.to_api(),
                "chat_instance": "1",
                "data": data,
            },
        )
        return record

    def staff_group(self, *, is_forum: bool = True) -> FakeGroup:
        return self.server.group(STAFF_CHAT_ID, "lokal willkommen Team", is_forum=is_forum)

    @property
    def services(self) -> Any:
        assert self.app is not None
        return self.app.foundation.services


def buttons(message: StoredMessage) -> list[str]:
    """The inline button texts of a message, row by row flattened."""
    markup = message.reply_markup or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def callback_data(message: StoredMessage) -> list[str]:
    markup = message.reply_markup or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


@contextlib.asynccontextmanager
async def running_bot(
    db_url: str, clock: FakeClock, *, configured_translator: bool = False, **settings_overrides: Any
) -> AsyncIterator[Telegram]:
    async with FakeBotAPI() as server:
        settings = load_settings(
            **{
                "BOT_TOKEN": server.token,
                "TELEGRAM_API_URL": server.base_url,
                "DATABASE_URL": db_url,
                "STAFF_CHAT_ID": STAFF_CHAT_ID,
                "TRANSLATOR": "none",
                "HEALTH_PORT": 0,  # tests that want /healthz start it on a free port
                **settings_overrides,
            }
        )
        telegram = Telegram(
            server=server,
            settings=settings,
            clock=clock,
            translator=FakeTranslator(),
            configured_translator=configured_translator,
        )
        server.group(STAFF_CHAT_ID, "lokal willkommen Team", is_forum=True)
        await telegram.start()
        try:
            yield telegram
            await telegram.settled()
            server.assert_no_violations()
            server.assert_all_callbacks_answered()
        finally:
            await telegram.stop()


@pytest.fixture
async def tg(db_url: str, clock: FakeClock) -> AsyncIterator[Telegram]:
    async with running_bot(db_url, clock) as telegram:
        yield telegram
