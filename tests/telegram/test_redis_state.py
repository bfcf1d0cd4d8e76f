"""With REDIS_URL, a Redis that does not answer costs a call at most REDIS_TIMEOUT, and the per-chat
ordering and the flood count carry on in this process (bot.telegram.redis_state, middlewares.flood)."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram.fsm.storage.base import StorageKey
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.health import Health, outage_of
from bot.telegram.middlewares.flood import RedisFloodCounter
from bot.telegram.redis_state import RedisOrLocalIsolation, redis_storage
from tests.e2e.test_webhook import free_port

KEY = StorageKey(bot_id=1, chat_id=42, user_id=42)


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A server that accepts connections and never answers (a Redis host that hangs)."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in held:
        writer.transport.abort()
    server.close()
    await server.wait_closed()


async def test_a_redis_that_hangs_costs_a_call_at_most_the_timeout(silent_port: int) -> None:
    storage = redis_storage(f"redis://127.0.0.1:{silent_port}/0", timeout=0.2)
    try:
        # Two attempts (one retry at once) of 0.2 s each; generous for a loaded machine.
        with pytest.raises(RedisTimeoutError) as failure:
            await asyncio.wait_for(storage.get_state(KEY), timeout=5)
        assert outage_of(failure.value) == "redis"
    finally:
        await storage.close()


async def test_without_redis_the_chat_lock_is_held_in_this_process() -> None:
    storage = redis_storage(f"redis://127.0.0.1:{free_port()}/0", timeout=0.5)  # nobody listens there
    health = Health({"redis": storage.redis.ping}, timeout=0.5, retry_seconds=3600)
    isolation = RedisOrLocalIsolation(storage.redis, health)
    order: list[str] = []

    async def update(name: str) -> None:
        async with isolation.lock(KEY):
            order.append(f"{name} in")
            await asyncio.sleep(0.05)
            order.append(f"{name} out")

    try:
        await asyncio.wait_for(asyncio.gather(update("first"), update("second")), timeout=5)
        assert order == ["first in", "first out", "second in", "second out"]  # one at a time per chat
        assert health.is_down("redis")
    finally:
        await health.close()
        await storage.close()


async def test_without_redis_floods_are_counted_in_this_process() -> None:
    storage = redis_storage(f"redis://127.0.0.1:{free_port()}/0", timeout=0.5)
    health = Health({"redis": storage.redis.ping}, timeout=0.5, retry_seconds=3600)
    counter = RedisFloodCounter(storage.redis, health)
    try:
        assert [await counter.hit(7) for _ in range(3)] == [1, 2, 3]
        assert await counter.hit(8) == 1
        assert health.is_down("redis")
    finally:
        await health.close()
        await storage.close()
