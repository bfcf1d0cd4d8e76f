"""With REDIS_URL, a Redis that does not answer costs the first call REDIS_TIMEOUT and later calls
nothing until it answers a probe again; the per-chat ordering and the flood count carry on in this
process (bot.telegram.redis_state, bot.telegram.middlewares.flood)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiogram.fsm.storage.base import StorageKey
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.health import Health, outage_of
from bot.telegram.middlewares.flood import RedisFloodCounter
from bot.telegram.redis_state import RedisDown, RedisOrLocalIsolation, RedisStateStorage, redis_client
from tests.e2e.test_webhook import free_port

KEY = StorageKey(bot_id=1, chat_id=42, user_id=42)


@dataclass
class SilentServer:
    """Accepts connections and never answers (a Redis host that hangs)."""

    port: int = 0
    connections: list[asyncio.StreamWriter] = field(default_factory=list)


@pytest.fixture
async def silent() -> AsyncIterator[SilentServer]:
    found = SilentServer()

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        found.connections.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    found.port = server.sockets[0].getsockname()[1]
    yield found
    for writer in found.connections:
        writer.transport.abort()
    server.close()
    await server.wait_closed()


async def test_a_redis_that_hangs_costs_the_first_call_the_timeout_and_later_ones_nothing(silent: SilentServer) -> None:
    redis = redis_client(f"redis://127.0.0.1:{silent.port}/0", timeout=0.2)
    health = Health({"redis": redis.ping}, timeout=0.2, retry_seconds=3600)
    storage = RedisStateStorage(redis, health)
    isolation = RedisOrLocalIsolation(redis, health)
    try:
        async with isolation.lock(KEY):  # the lock times out, then is held in this process
            with pytest.raises(RedisDown) as failure:
                await storage.get_state(KEY)
        assert outage_of(failure.value) == "redis" and health.is_down("redis")
        asked = len(silent.connections)
        async with isolation.lock(KEY):
            with pytest.raises(RedisDown):
                await storage.get_data(KEY)
        assert len(silent.connections) == asked  # not asked again while down
    finally:
        await health.close()
        await storage.close()


async def test_a_redis_call_gives_up_after_the_timeout(silent: SilentServer) -> None:
    redis = redis_client(f"redis://127.0.0.1:{silent.port}/0", timeout=0.2)
    try:
        with pytest.raises(RedisTimeoutError) as failure:
            await asyncio.wait_for(redis.get("fsm:1:42:42:default:state"), timeout=5)  # not the 5 s: 2 x 0.2 s
        assert outage_of(failure.value) == "redis"
    finally:
        await redis.aclose()


async def test_without_redis_the_chat_lock_is_held_in_this_process() -> None:
    redis = redis_client(f"redis://127.0.0.1:{free_port()}/0", timeout=0.5)  # nobody listens there
    health = Health({"redis": redis.ping}, timeout=0.5, retry_seconds=3600)
    isolation = RedisOrLocalIsolation(redis, health)
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
        await redis.aclose()


async def test_without_redis_floods_are_counted_in_this_process() -> None:
    redis = redis_client(f"redis://127.0.0.1:{free_port()}/0", timeout=0.5)
    health = Health({"redis": redis.ping}, timeout=0.5, retry_seconds=3600)
    counter = RedisFloodCounter(redis, health)
    try:
        assert [await counter.hit(7) for _ in range(3)] == [1, 2, 3]
        assert await counter.hit(8) == 1
        assert health.is_down("redis")
    finally:
        await health.close()
        await redis.aclose()
