"""With REDIS_URL set, conversation state and per-person ordering live in Redis (the scale-out path)."""

from __future__ import annotations

import pytest
import redis.asyncio as redis
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage

from bot.clock import FakeClock
from tests.databases import REDIS_URL, require_service
from tests.e2e.harness import running_bot

pytestmark = pytest.mark.redis


@pytest.fixture
async def redis_url() -> str:
    client = redis.from_url(REDIS_URL)
    try:
        await client.ping()
        await client.flushdb()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        require_service("Redis", exc)
    finally:
        await client.aclose()
    return REDIS_URL


async def test_redis_keeps_the_dialogue_across_a_restart(db_url: str, clock: FakeClock, redis_url: str) -> None:
    async with running_bot(db_url, clock, REDIS_URL=redis_url) as tg:
        assert tg.app is not None
        assert isinstance(tg.app.dispatcher.storage, RedisStorage)
        assert isinstance(tg.app.dispatcher.fsm.events_isolation, RedisEventIsolation)
        person = tg.person(3001, "Mariam", language_code="de")
        await person.send("/office")
        await tg.replies(person)
        client = redis.from_url(redis_url)
        keys = [k.decode() async for k in client.scan_iter("fsm:*")]
        await client.aclose()
        assert any("3001" in key and key.endswith(":state") for key in keys)
        await tg.restart()
        await person.send("Eving")
        replies = await tg.replies(person)
        assert "Für Eving ist dieses Büro zuständig" in replies[0].text
