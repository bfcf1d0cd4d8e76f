"""Random and hostile input through the whole running bot (hypothesis).

Whatever people type or whatever callback data arrives, every request the bot makes must be valid
for Telegram (the fake server checks each one against the Bot API spec and limits) and every
button press must be answered."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FakeClock
from bot.places.calendar import TZ
from bot.storage.database import migrate
from tests.e2e.harness import Telegram, running_bot

NASTY = (
    "<>&\"'/\\*_`[](){}#"
    + "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202e\u2066\u2067\u2068\u2069\ufeff"
    + "مرحبا Привіт ğüşİ ăîșț 😀👍🏽\n\t"
)
texts = st.one_of(
    st.text(alphabet=st.sampled_from(NASTY) | st.characters(codec="utf-8"), min_size=1, max_size=200),
    st.sampled_from(
        [
            "<b>bold</b>",
            "<script>alert(1)</script>",
            "&amp; &lt;",
            "*bold* _it_ `code`",
            "/start@other_bot",
            "/",
            "//",
            "/book x y z",
            "44137",
            "Hörde " * 50,
        ]
    ),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "ü", "ب", "😀", "<"]), st.integers(3000, 4096)),
)
prefixes = st.sampled_from(
    [
        "menu",
        "t",
        "f",
        "lang",
        "o",
        "d",
        "h",
        "bk",
        "bks",
        "bkd",
        "bkx",
        "bkr",
        "del",
        "orig",
        "hc",
        "mybk",
        "askp",
        "findo",
        "zz",
        "",
    ]
)
callback_data = st.one_of(
    st.builds(lambda p, rest: f"{p}:{rest}", prefixes, st.text(max_size=40)),
    st.text(min_size=1, max_size=64),
).filter(lambda d: 1 <= len(d.encode()) <= 64)
actions = st.lists(
    st.one_of(st.tuples(st.just("text"), texts), st.tuples(st.just("press"), callback_data)), min_size=1, max_size=4
)


class BotThread:
    """The bot and the fake server on their own event loop, so hypothesis can drive them synchronously."""

    def __init__(self, db_path: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.stack = contextlib.AsyncExitStack()
        self.db_url = f"sqlite+aiosqlite:///{db_path}"
        self.tg: Telegram = self.run(self._start())
        self.user_ids = itertools.count(70_000)

    async def _start(self) -> Telegram:
        await migrate(self.db_url)
        clock = FakeClock(datetime(2026, 11, 23, 10, 0, tzinfo=TZ))
        return await self.stack.enter_async_context(running_bot(self.db_url, clock))

    def run(self, coro, timeout: float = 120):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.run(self.stack.aclose())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture(scope="module")
def bot_thread(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotThread]:
    bot = BotThread(tmp_path_factory.mktemp("hostile") / "bot.sqlite3")
    yield bot
    bot.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=actions)
def test_any_input_gives_valid_requests_and_answered_presses(bot_thread: BotThread, steps) -> None:
    async def conversation() -> None:
        tg = bot_thread.tg
        user = tg.person(next(bot_thread.user_ids), "Test", language_code="de")
        await user.send("/start")
        await tg.settled()
        for kind, value in steps:
            if kind == "text":
                await user.send(value)
            else:
                await tg.press_data(user, value, user.replies[-1])
            await tg.settled()
        tg.server.assert_no_violations()
        tg.server.assert_all_callbacks_answered()
        assert user.replies, "the person got no answer at all"

    bot_thread.run(conversation())
