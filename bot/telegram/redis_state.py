"""With REDIS_URL: conversation state and per-chat ordering in Redis, with short timeouts, and the
bot answering on while Redis does not.

Imported only when Redis is configured: the redis client is ~6 MB and ~0.1 s at every start.
A call gives up after REDIS_TIMEOUT. Once a call has failed, Redis counts as down (bot.health
probes it every second until it answers) and is not asked meanwhile, so a Redis that hangs costs
the first update the timeout, not every update: the per-chat lock is held in this process, and
an update that needs the conversation state meets `RedisDown` at once and gets an apology
(bot.telegram.middlewares.outages). redis-py reconnects by itself once Redis is back."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError, LockError, RedisError, TimeoutError

from bot.health import Health

log = logging.getLogger(__name__)
SERVICE = "redis"


class RedisDown(ConnectionError):
    """Redis failed a moment ago and has not answered a probe since; not asked again meanwhile."""


def redis_client(url: str, *, timeout: float) -> Redis:
    """Every call gives up after `timeout` seconds, with one retry at once (a connection that went
    stale while Redis restarted) instead of redis-py's default back-off."""
    return Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 1))


class RedisStateStorage(RedisStorage):
    """aiogram's RedisStorage that fails at once while `health` knows Redis to be down."""

    def __init__(self, redis: Redis, health: Health) -> None:
        super().__init__(redis=redis)
        self.health = health

    def _check(self) -> None:
        if self.health.is_down(SERVICE):
            raise RedisDown("Redis is down")

    async def set_state(self, key: StorageKey, state: str | State | None = None) -> None:
        self._check()
        await super().set_state(key, state)

    async def get_state(self, key: StorageKey) -> str | None:
        self._check()
        return await super().get_state(key)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        self._check()
        await super().set_data(key, data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        self._check()
        return await super().get_data(key)


class RedisOrLocalIsolation(RedisEventIsolation):
    """One update at a time per chat across processes (a Redis lock); while Redis does not
    answer, one at a time per chat in this process, which is the ordering still to be had."""

    def __init__(self, redis: Redis, health: Health) -> None:
        super().__init__(redis=redis)
        self.health = health
        self.local = SimpleEventIsolation()

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        if self.health.is_down(SERVICE):
            async with self.local.lock(key):
                yield
            return
        lock = self.redis.lock(name=self.key_builder.build(key, "lock"), **self.lock_kwargs)
        try:
            await lock.acquire()
        except (ConnectionError, TimeoutError) as error:
            self.health.failed(SERVICE, error)
            async with self.local.lock(key):
                yield
            return
        try:
            yield
        finally:
            try:
                await lock.release()
            except (ConnectionError, TimeoutError) as error:  # the lock expires by itself
                self.health.failed(SERVICE, error)
            except (LockError, RedisError) as error:  # it expired while the update was handled
                log.warning("a chat's Redis lock was gone at release (%s)", type(error).__name__)

    async def close(self) -> None:
        await self.local.close()
