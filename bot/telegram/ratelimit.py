"""Outbound flood control for every Bot API call, as an aiogram session middleware.

Telegram's documented limits: about 30 messages per second overall, about 1 per second in one
private chat (short bursts are tolerated), 20 per minute in one group. Over a limit it answers
429 with `retry_after`. This middleware keeps the bot under those limits instead of finding them:

- message-sending methods (send*, copy*, forward* with a chat_id) wait for their turn:
  per chat (1/s with a small burst in private chats; a sliding window of 20 per 60 s in groups,
  i.e. negative chat ids and @channel names), then for a global slot (30/s, small burst).
  Messages to one chat go out one at a time, in order; different chats do not wait for each
  other beyond the global rate. The first message of an answer to what a person just did
  (`first_answer()`, set by bot.telegram.respond) takes the next global slot before the further
  messages of other answers, reminders and staff posts: near the global rate, a person waits for
  the start of their answer, not for the end of everybody else's.
- a 429 anyway: that chat waits `retry_after` and the same request is sent again; other chats
  go on meanwhile (the chat's lock is held, the global slots are not).
- 5xx answers and network errors/timeouts: retried a few times with exponential back-off.
  (A timeout after Telegram processed the request can duplicate that one message: accepted, a
  lost message is worse.) getUpdates is passed through untouched: polling has its own back-off.

    bot.session.middleware(OutboundRateLimiter())            # one process
    bot.session.middleware(OutboundRateLimiter(redis=redis))  # REDIS_URL: all processes together

With Redis, the global 30/s and each chat's limit are counted in Redis by one Lua script per
message (`SharedSlots`): it reads Redis' own clock (TIME), so processes on different machines
agree, and takes the chat's turn and the global slot together or neither. The per-chat lock that
keeps one chat's messages in order stays in the process. When Redis does not answer, the limiter
counts in this process for a few seconds and then asks Redis again: sending never stops for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    TelegramEntityTooLarge,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import TelegramMethod
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

ChatKey = int | str
MIN_SLEEP = 0.001  # never sleep less: a float-rounding remainder must not spin
_PASS_THROUGH = frozenset({"getUpdates"})
_NOT_MESSAGES = frozenset({"sendChatAction", "sendMessageDraft", "sendGift", "sendInvoice"})


@dataclass
class _Waiter:
    turn: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class _Answer:
    first_pending: bool = True


_ANSWER: ContextVar[_Answer | None] = ContextVar("lw_answer", default=None)


@contextlib.contextmanager
def first_answer() -> Iterator[None]:
    """Within this block, the first message sent is the start of an answer to a person (it goes
    ahead of other waiting messages in the global bucket)."""
    token = _ANSWER.set(_Answer())
    try:
        yield
    finally:
        _ANSWER.reset(token)


@dataclass(frozen=True)
class OutboundLimits:
    global_per_second: float = 30.0
    global_burst: int = 3  # absorbs timer jitter; at most rate + 2 in any second
    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: int = 20
    retry_after_attempts: int = 5  # 429s honoured for one request before giving up
    error_retries: int = 3  # 5xx / network errors retried this often
    backoff_base: float = 0.5  # seconds: 0.5, 1, 2, ...
    backoff_max: float = 8.0


def is_message_method(name: str) -> bool:
    """Counts against the flood limits: it posts a message into a chat."""
    return name.startswith(("send", "copy", "forward")) and name not in _NOT_MESSAGES


@dataclass
class _Chat:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    tat: float = 0.0  # private chats: GCRA theoretical arrival time
    window: deque[float] = field(default_factory=deque)  # groups: send times in the last minute
    blocked_until: float = 0.0  # after a 429
    users: int = 0


# KEYS: the global bucket, the chat's bucket (private: a GCRA time; group: a sorted set of send
# times), the chat's 429 block. ARGV: the chat's kind (p, g or -), global interval and burst,
# private interval and burst, group limit, a unique member for the group set. Times in µs from
# Redis' clock. Returns 0 when both slots were taken, else the µs to wait before asking again.
_TAKE_SLOTS = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local kind = ARGV[1]
local g_int, g_burst = tonumber(ARGV[2]), tonumber(ARGV[3])
local p_int, p_burst = tonumber(ARGV[4]), tonumber(ARGV[5])
local group_limit = tonumber(ARGV[6])
local wait = 0
local blocked = tonumber(redis.call('GET', KEYS[3]) or '0')
if blocked > now then wait = blocked - now end
local chat_tat = now
if kind == 'p' then
  chat_tat = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), now)
  wait = math.max(wait, chat_tat - (p_burst - 1) * p_int - now)
elseif kind == 'g' then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 60000000)
  if redis.call('ZCARD', KEYS[2]) >= group_limit then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + 60000000 - now)
  end
end
local g_tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
wait = math.max(wait, g_tat - (g_burst - 1) * g_int - now)
if wait > 0 then return math.ceil(wait) end
redis.call('SET', KEYS[1], string.format('%d', g_tat + g_int), 'PX', math.ceil((g_tat + g_int - now) / 1000) + 1000)
if kind == 'p' then
  redis.call('SET', KEYS[2], string.format('%d', chat_tat + p_int),
             'PX', math.ceil((chat_tat + p_int - now) / 1000) + 1000)
elseif kind == 'g' then
  redis.call('ZADD', KEYS[2], now, ARGV[7])
  redis.call('PEXPIRE', KEYS[2], 61000)
end
return 0
"""

# KEYS: the chat's 429 block. ARGV: µs to block, ms until the key may expire.
_BLOCK_CHAT = """
local t = redis.call('TIME')
local until_ = tonumber(t[1]) * 1000000 + tonumber(t[2]) + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%d', until_), 'PX', tonumber(ARGV[2]))
return 0
"""


class SharedSlots:
    """The global and per-chat limits counted in Redis, for every process that shares it."""

    def __init__(self, redis: Redis, limits: OutboundLimits, *, prefix: str = "lw:outbound") -> None:
        self.redis = redis
        self.limits = limits
        self.prefix = prefix
        self._script = redis.register_script(_TAKE_SLOTS)
        self._block = redis.register_script(_BLOCK_CHAT)
        self._sender = uuid.uuid4().hex[:12]
        self._sent = 0

    async def try_take(self, key: ChatKey | None) -> float:
        """Take the global slot and (for `key`) the chat's turn: 0.0, or the seconds to wait first."""
        limits = self.limits
        kind = "-" if key is None else ("p" if isinstance(key, int) and key > 0 else "g")
        self._sent += 1
        micros = await self._script(
            keys=[f"{self.prefix}:global", f"{self.prefix}:chat:{key}", f"{self.prefix}:blocked:{key}"],
            args=[
                kind,
                round(1e6 / limits.global_per_second),
                max(1, limits.global_burst),
                round(1e6 / limits.private_per_second),
                max(1, limits.private_burst),
                limits.group_per_minute,
                f"{self._sender}:{self._sent}",
            ],
        )
        return int(micros) / 1e6

    async def block(self, key: ChatKey, seconds: float) -> None:
        """Telegram answered 429 for this chat: every process waits `seconds` before sending there."""
        await self._block(
            keys=[f"{self.prefix}:blocked:{key}"], args=[round(seconds * 1e6), max(1, round(seconds * 1000)) + 1000]
        )


class OutboundRateLimiter(BaseRequestMiddleware):
    # After Redis failed, count in this process for this long before asking Redis again.
    REDIS_RETRY_SECONDS = 5.0

    def __init__(
        self,
        limits: OutboundLimits | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        redis: Redis | None = None,
    ) -> None:
        self.limits = limits or OutboundLimits()
        self.clock = clock
        self.sleep = sleep
        self.shared = SharedSlots(redis, self.limits) if redis is not None else None
        self._redis_down_until = 0.0
        self._redis_errors: tuple[type[BaseException], ...] = (OSError, asyncio.TimeoutError)
        if redis is not None:
            from redis.exceptions import ConnectionError as RedisConnectionError
            from redis.exceptions import TimeoutError as RedisTimeoutError

            self._redis_errors += (RedisConnectionError, RedisTimeoutError)
        self._chats: dict[ChatKey, _Chat] = {}
        # Messages waiting for the global bucket, first in first out; starts of answers before the rest.
        self._firsts: deque[_Waiter] = deque()
        self._others: deque[_Waiter] = deque()
        self._global_tokens = float(max(1, self.limits.global_burst))
        self._global_updated = self.clock()
        self._calls = 0
        self.retried_429 = 0
        self.retried_errors = 0

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Any:
        name = getattr(method, "__api_method__", type(method).__name__)
        if name in _PASS_THROUGH:
            return await make_request(bot, method)
        chat_id = getattr(method, "chat_id", None)
        if chat_id is None or not is_message_method(name):
            return await self._attempt(make_request, bot, method, name, None)
        key: ChatKey = chat_id
        chat = self._chats.get(key)
        if chat is None:
            chat = self._chats[key] = _Chat()
        chat.users += 1
        try:
            async with chat.lock:  # one message at a time per chat, in order
                return await self._attempt(make_request, bot, method, name, key)
        finally:
            chat.users -= 1
            self._calls += 1
            if self._calls % 512 == 0:
                self._sweep()

    async def _attempt(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
        name: str,
        key: ChatKey | None,
    ) -> Any:
        floods = errors = 0
        while True:
            if key is not None:
                await self._wait_turn(key)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                floods += 1
                if floods > self.limits.retry_after_attempts:
                    raise
                self.retried_429 += 1
                log.warning("429 on %s for chat %s: waiting %s s", name, key, exc.retry_after)
                if key is not None:
                    chat = self._chats[key]
                    chat.blocked_until = max(chat.blocked_until, self.clock() + exc.retry_after)
                    shared = self._usable_shared()
                    if shared is not None:
                        try:
                            await shared.block(key, exc.retry_after)
                        except self._redis_errors as error:
                            self._redis_failed(error)
                else:
                    await self.sleep(exc.retry_after)
            except TelegramEntityTooLarge:
                raise
            except (TelegramServerError, TelegramNetworkError) as exc:
                errors += 1
                if errors > self.limits.error_retries:
                    raise
                self.retried_errors += 1
                delay = min(self.limits.backoff_max, self.limits.backoff_base * 2 ** (errors - 1))
                log.warning("%s on %s: retry %d in %.1f s", type(exc).__name__, name, errors, delay)
                await self.sleep(delay)

    def _usable_shared(self) -> SharedSlots | None:
        """The slots counted in Redis, unless there are none or Redis failed a moment ago."""
        return self.shared if self.clock() >= self._redis_down_until else None

    def _redis_failed(self, error: BaseException) -> None:
        if self.clock() >= self._redis_down_until:
            log.warning(
                "outbound limits: Redis did not answer (%s); counting in this process for %.0f s",
                type(error).__name__,
                self.REDIS_RETRY_SECONDS,
            )
        self._redis_down_until = self.clock() + self.REDIS_RETRY_SECONDS

    async def _wait_shared(self, shared: SharedSlots, key: ChatKey) -> bool:
        """Wait for this chat's turn and a global slot counted in Redis; False when Redis failed."""
        chat = self._chats[key]
        while True:
            local_block = chat.blocked_until - self.clock()  # a 429 seen here before Redis knew it
            if local_block > 0:
                await self.sleep(max(local_block, MIN_SLEEP))
                continue
            try:
                wait = await shared.try_take(key)
            except self._redis_errors as error:  # Redis did not answer: count locally
                self._redis_failed(error)
                return False
            if wait <= 0:
                return True
            await self.sleep(max(wait, MIN_SLEEP))

    async def _wait_turn(self, key: ChatKey) -> None:
        """Wait until this chat may receive a message and a global token is free; take both.
        Called with the chat's lock held."""
        shared = self._usable_shared()
        if shared is not None and await self._wait_shared(shared, key):
            return
        chat = self._chats[key]
        private = isinstance(key, int) and key > 0
        limits = self.limits
        interval = 1.0 / limits.private_per_second
        while True:
            now = self.clock()
            wait = chat.blocked_until - now
            if private:
                wait = max(wait, chat.tat - (limits.private_burst - 1) * interval - now)
            else:
                # (the same expression decides "expired" and "how long to wait": no float gap)
                while chat.window and now - chat.window[0] >= 60.0:
                    chat.window.popleft()
                if len(chat.window) >= limits.group_per_minute:
                    wait = max(wait, 60.0 - (now - chat.window[0]))
            if wait <= 0:
                break
            await self.sleep(max(wait, MIN_SLEEP))
        answer = _ANSWER.get()
        first = answer is not None and answer.first_pending
        sent = await self._take_global(first=first)
        if answer is not None:
            answer.first_pending = False
        if private:
            chat.tat = max(chat.tat, sent) + interval
        else:
            chat.window.append(sent)

    async def _take_global(self, *, first: bool = False) -> float:
        """Wait for a token of the global bucket; returns the time. Waiting messages take tokens
        in order, the starts of answers (`first`) before all others.

        Tokens are taken when the message really goes out, so a stalled event loop does not
        release a catch-up burst afterwards: the bucket never holds more than `global_burst`."""
        rate = self.limits.global_per_second
        capacity = float(max(1, self.limits.global_burst))
        me = _Waiter()
        queue = self._firsts if first else self._others
        queue.append(me)
        try:
            while True:
                if self._next_waiter() is not me:
                    me.turn.clear()
                    await me.turn.wait()
                    continue
                now = self.clock()
                self._global_tokens = min(capacity, self._global_tokens + (now - self._global_updated) * rate)
                self._global_updated = now
                if self._global_tokens >= 1.0 - 1e-9:
                    self._global_tokens -= 1.0
                    return now
                await self.sleep(max((1.0 - self._global_tokens) / rate, MIN_SLEEP))
        finally:
            queue.remove(me)
            following = self._next_waiter()
            if following is not None:
                following.turn.set()

    def _next_waiter(self) -> _Waiter | None:
        return self._firsts[0] if self._firsts else self._others[0] if self._others else None

    def _sweep(self) -> None:
        """Forget chats whose limits no longer constrain anything (keeps memory flat)."""
        now = self.clock()
        for key, chat in list(self._chats.items()):
            if chat.users or chat.lock.locked() or chat.blocked_until > now or chat.tat > now:
                continue
            if chat.window and chat.window[-1] > now - 60.0:
                continue
            del self._chats[key]

    @property
    def tracked_chats(self) -> int:
        return len(self._chats)
