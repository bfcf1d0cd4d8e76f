"""With REDIS_URL: conversation state and per-chat ordering in Redis, with short timeouts, and the
ordering kept in this process while Redis does not answer.

Imported only when Redis is configured: the redis client is ~6 MB and ~0.1 s at every start.
Redis being down costs an update at most REDIS_TIMEOUT: the lock falls back to this process, and
an update that needs the state meets the outage there and gets an apology
(bot.telegram.middlewares.outages); redis-py reconnects by itself once Redis is back."""
from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError, LockError, RedisError, TimeoutError

from bot.health import Health

log = logging.getLogger(__name__)


def redis_storage(url: str, *, timeout: float) -> RedisStorage:
    """A RedisStorage whose every call gives up after `timeout` seconds: one retry at once (a
    connection that went stale while Redis restarted), not redis-py's default back-off."""
    return RedisStorage.from_url(url, connection_kwargs={
        "socket_timeout": timeout, "socket_connect_timeout": timeout, "retry": Retry(NoBackoff(), 1)})


class RedisOrLocalIsolation(RedisEventIsolation):
    """One update at a time per chat across processes (a Redis lock); while Redis does not
    answer, one at a time per chat in this process, which is the ordering still to be had."""

    def __init__(self, redis: Redis, health: Health) -> None:
        super().__init__(redis=redis)
        self.health = health
        self.local = SimpleEventIsolation()

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        lock = self.redis.lock(name=self.key_builder.build(key, "lock"), **self.lock_kwargs)
        try:
            await lock.acquire()
        except (ConnectionError, TimeoutError) as error:
            self.health.failed("redis", error)
            async with self.local.lock(key):
                yield
            return
        self.health.succeeded("redis")
        try:
            yield
        finally:
            try:
                await lock.release()
            except (ConnectionError, TimeoutError) as error:  # the lock expires by itself
                self.health.failed("redis", error)
            except (LockError, RedisError) as error:  # it expired while the update was handled
                log.warning("a chat's Redis lock was gone at release (%s)", type(error).__name__)

    async def close(self) -> None:
        await self.local.close()
