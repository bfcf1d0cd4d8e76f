"""A polite slow-down for floods from one person: after LIMIT messages in a minute the person is
told once to wait, and further updates are dropped until the minute has passed. This protects the
staff chat and the translation quota from one runaway client.

The count lives in Redis when configured (shared by all bot processes), else in this process."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.core.replies import Msg, Reply
from bot.health import Health
from bot.telegram.render import TelegramRenderer

LIMIT_PER_MINUTE = 20
WINDOW_SECONDS = 60.0


class FloodCounter(Protocol):
    async def hit(self, person_key: int) -> int:
        """Count one more update; the number in the current window."""


class MemoryFloodCounter:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.hits: dict[int, deque[float]] = {}

    async def hit(self, person_key: int) -> int:
        now = self.clock()
        window = self.hits.setdefault(person_key, deque())
        while window and window[0] <= now - WINDOW_SECONDS:
            window.popleft()
        window.append(now)
        if len(self.hits) > 10_000:  # forget quiet people so memory stays bounded
            for key in [k for k, v in self.hits.items() if not v or v[-1] <= now - WINDOW_SECONDS]:
                del self.hits[key]
        return len(window)


class RedisFloodCounter:
    """Counts in Redis; while Redis does not answer, in this process, so that a Redis outage
    stops no update here (`health` logs the outage, and tells when Redis answers again)."""

    def __init__(self, redis: Any, health: Health | None = None) -> None:
        self.redis = redis
        self.health = health
        self.fallback = MemoryFloodCounter()

    async def hit(self, person_key: int) -> int:
        from redis.exceptions import ConnectionError, TimeoutError  # loaded with the client already

        if self.health is not None and self.health.is_down("redis"):
            return await self.fallback.hit(person_key)
        bucket = int(time.time() // WINDOW_SECONDS)
        key = f"flood:{person_key}:{bucket}"
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, int(WINDOW_SECONDS) * 2)
                count, _ = await pipe.execute()
        except (ConnectionError, TimeoutError) as error:
            if self.health is not None:
                self.health.failed("redis", error)
            return await self.fallback.hit(person_key)
        return int(count)


class SlowDownFloods(BaseMiddleware):
    def __init__(self, counter: FloodCounter, *, limit: int = LIMIT_PER_MINUTE) -> None:
        self.counter = counter
        self.limit = limit

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = getattr(event, "from_user", None)
        if user is None or not _private(event):  # staff in their group are never slowed down
            return await handler(event, data)
        count = await self.counter.hit(user.id)
        if count <= self.limit:
            return await handler(event, data)
        if isinstance(event, CallbackQuery):
            await event.answer()  # never an endless spinner, even when slowing down
        if count == self.limit + 1:
            renderer: TelegramRenderer = data["renderer"]
            chat_id = event.chat.id if isinstance(event, Message) else user.id
            lang = renderer.catalog.language_for_app(user.language_code)
            await renderer.send(chat_id, [Reply(Msg("errors.slow_down"))], lang)
        return None


def _private(event: TelegramObject) -> bool:
    if isinstance(event, Message):
        return event.chat.type == "private"
    if isinstance(event, CallbackQuery):
        return event.message is None or event.message.chat.type == "private"
    return False
