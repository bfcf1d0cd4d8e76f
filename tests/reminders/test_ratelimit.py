"""The outbound rate limiter, in virtual time: sleeping advances a fake clock, nothing waits
for real. Assertions are about the virtual send times, never about wall-clock durations."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import Counter
from typing import Any

import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import AnswerCallbackQuery, GetUpdates, SendMessage

from bot.telegram.ratelimit import OutboundLimits, OutboundRateLimiter, first_answer, is_message_method


class VirtualTime:
    """A clock that jumps to the next sleeper's wake-up time when every task is waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + seconds, next(self._seq), future))
        await future

    async def run(self, *coroutines: Any) -> list[Any]:
        tasks = [asyncio.ensure_future(c) for c in coroutines]
        while True:
            for _ in range(50):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            if all(t.done() for t in tasks):
                return [t.result() for t in tasks]
            while self._timers and self._timers[0][2].cancelled():
                heapq.heappop(self._timers)
            if not self._timers:
                raise RuntimeError("deadlock: tasks wait but no timer is set")
            when, _, future = heapq.heappop(self._timers)
            self.now = max(self.now, when)
            future.set_result(None)


class FakeApi:
    """make_request: records (virtual time, chat, text); scripted failures per chat."""

    def __init__(self, time: VirtualTime) -> None:
        self.time = time
        self.log: list[tuple[float, Any, str]] = []
        self.failures: dict[Any, list[Exception]] = {}
        self.attempts: Counter[Any] = Counter()

    async def __call__(self, bot: Any, method: Any) -> Any:
        chat = getattr(method, "chat_id", None)
        self.attempts[chat] += 1
        queue = self.failures.get(chat)
        if queue:
            raise queue.pop(0)
        self.log.append((self.time.now, chat, getattr(method, "text", type(method).__name__)))
        return True

    def times(self, chat: Any) -> list[float]:
        return [t for t, c, _ in self.log if c == chat]


@pytest.fixture
def vt() -> VirtualTime:
    return VirtualTime()


def _limiter(vt: VirtualTime, **limits: Any) -> OutboundRateLimiter:
    return OutboundRateLimiter(OutboundLimits(**limits), clock=vt.clock, sleep=vt.sleep)


async def _send(limiter: OutboundRateLimiter, api: FakeApi, chat: Any, text: str) -> Any:
    return await limiter(api, None, SendMessage(chat_id=chat, text=text))


def test_which_methods_count_as_messages() -> None:
    assert is_message_method("sendMessage") and is_message_method("copyMessage")
    assert is_message_method("forwardMessages") and is_message_method("sendVenue")
    assert not is_message_method("sendChatAction") and not is_message_method("editMessageText")
    assert not is_message_method("answerCallbackQuery")


async def test_one_private_chat_gets_about_one_message_a_second(vt: VirtualTime) -> None:
    limiter = _limiter(vt, private_per_second=1.0, private_burst=3)
    api = FakeApi(vt)
    await vt.run(*(_send(limiter, api, 1001, f"m{i}") for i in range(8)))
    times = api.times(1001)
    assert [text for _, _, text in api.log] == [f"m{i}" for i in range(8)]  # in order
    assert times[2] < 0.1  # a short burst is fine (spaced only by the global rate)
    assert times[3] == pytest.approx(1.0)  # then one a second
    gaps = [b - a for a, b in zip(times[3:], times[4:], strict=False)]
    assert all(gap >= 1.0 - 1e-9 for gap in gaps)
    assert times[-1] == pytest.approx(5.0)


async def test_a_group_gets_at_most_20_messages_a_minute(vt: VirtualTime) -> None:
    limiter = _limiter(vt)
    api = FakeApi(vt)
    await vt.run(*(_send(limiter, api, -100123, f"m{i}") for i in range(45)))
    times = api.times(-100123)
    assert len(times) == 45
    for i, start in enumerate(times):  # any 60-second window holds at most 20 messages
        assert sum(1 for t in times[i:] if t < start + 60.0 - 1e-6) <= 20
    assert times[20] >= 60.0 and times[40] >= 120.0


async def test_the_global_rate_caps_many_chats(vt: VirtualTime) -> None:
    limiter = _limiter(vt, global_per_second=30.0, global_burst=5)
    api = FakeApi(vt)
    await vt.run(*(_send(limiter, api, 5000 + i, "hi") for i in range(300)))
    times = sorted(t for t, _, _ in api.log)
    assert len(times) == 300
    for i, start in enumerate(times):  # any 1-second window: 30 plus the burst at most
        assert sum(1 for t in times[i : i + 60] if t < start + 1.0) <= 30 + 5
    assert times[-1] == pytest.approx((300 - 5) / 30.0, abs=0.05)  # and not slower than needed


async def test_the_start_of_an_answer_goes_ahead_of_waiting_follow_ups(vt: VirtualTime) -> None:
    """Near the global rate: 60 follow-up messages (the rest of other answers, reminders) wait
    for the bucket; a person's answer that starts meanwhile takes the next free slot, and the
    global rate still holds."""
    limiter = _limiter(vt, global_per_second=30.0, global_burst=3)
    api = FakeApi(vt)

    async def answer_later() -> None:
        await vt.sleep(0.5)
        with first_answer():
            await _send(limiter, api, 7000, "answer")  # the start of an answer
            await _send(limiter, api, 7000, "answer, part 2")  # its rest queues like the others

    await vt.run(*(_send(limiter, api, 5000 + i, "follow-up") for i in range(60)), answer_later())
    sent_at = {text: t for t, _, text in api.log if text.startswith("answer")}
    assert sent_at["answer"] == pytest.approx(0.5, abs=1 / 30 + 1e-6)  # not behind ~45 waiting
    assert sent_at["answer, part 2"] > 1.5  # after the follow-ups that were waiting before it
    times = sorted(t for t, _, _ in api.log)
    for i, start in enumerate(times):
        assert sum(1 for t in times[i : i + 40] if t < start + 1.0) <= 30 + 3


async def test_retry_after_is_honoured_for_that_chat_while_others_go_on(vt: VirtualTime) -> None:
    limiter = _limiter(vt)
    api = FakeApi(vt)
    flood = TelegramRetryAfter(method=SendMessage(chat_id=1, text="x"), message="Too Many Requests", retry_after=7)
    api.failures[1] = [flood]

    async def to_chat_1() -> None:
        await _send(limiter, api, 1, "a1")
        await _send(limiter, api, 1, "a2")

    async def to_chat_2() -> None:
        for i in range(5):
            await _send(limiter, api, 2, f"b{i}")

    await vt.run(to_chat_1(), to_chat_2())
    assert api.attempts[1] == 3  # a1 twice (429, then the retry), a2 once
    assert api.times(1)[0] >= 7.0  # a1 went out only after retry_after
    assert api.times(1)[1] >= api.times(1)[0]  # a2 waited behind it, in order
    assert max(api.times(2)) < 7.0  # chat 2 was not held up by chat 1's flood wait
    assert len(api.times(2)) == 5
    assert limiter.retried_429 == 1


async def test_server_errors_and_timeouts_are_retried_with_backoff(vt: VirtualTime) -> None:
    limiter = _limiter(vt, error_retries=3, backoff_base=0.5)
    api = FakeApi(vt)
    method = SendMessage(chat_id=1, text="x")
    api.failures[1] = [
        TelegramServerError(method=method, message="Bad Gateway"),
        TelegramNetworkError(method=method, message="Request timeout error"),
    ]
    await vt.run(_send(limiter, api, 1, "x"))
    assert api.attempts[1] == 3 and api.times(1) == [pytest.approx(1.5)]  # waited 0.5 then 1.0

    api.failures[1] = [TelegramServerError(method=method, message="down")] * 4
    with pytest.raises(TelegramServerError):
        await vt.run(_send(limiter, api, 1, "y"))


async def test_client_errors_are_not_retried(vt: VirtualTime) -> None:
    limiter = _limiter(vt)
    api = FakeApi(vt)
    api.failures[1] = [TelegramBadRequest(method=SendMessage(chat_id=1, text="x"), message="chat not found")]
    with pytest.raises(TelegramBadRequest):
        await vt.run(_send(limiter, api, 1, "x"))
    assert api.attempts[1] == 1


async def test_polling_and_other_methods_are_not_spaced(vt: VirtualTime) -> None:
    limiter = _limiter(vt)
    api = FakeApi(vt)
    await vt.run(
        *(limiter(api, None, AnswerCallbackQuery(callback_query_id=str(i))) for i in range(50)),
        limiter(api, None, GetUpdates()),
    )
    assert len(api.log) == 51 and {t for t, _, _ in api.log} == {0.0}


async def test_idle_chats_are_forgotten(vt: VirtualTime) -> None:
    limiter = _limiter(vt, global_per_second=1000.0)
    api = FakeApi(vt)
    await vt.run(*(_send(limiter, api, 9000 + i, "hi") for i in range(600)))
    assert limiter.tracked_chats == 600  # all still within their one-second spacing
    vt.now += 120
    await vt.run(*(_send(limiter, api, 20000 + i, "hi") for i in range(424)))  # call 1024 sweeps
    assert limiter.tracked_chats == 424  # the 600 idle chats are forgotten, the busy ones kept
