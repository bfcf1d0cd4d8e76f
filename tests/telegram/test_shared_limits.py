"""With REDIS_URL, several bot processes share Telegram's limits: the global 30 messages a second
and each chat's limit are counted in Redis (bot.telegram.ratelimit.SharedSlots), here on a private
redis-server: two processes, and two limiters in one process."""

from __future__ import annotations

import asyncio
import json
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as redis

from bot.telegram.ratelimit import OutboundLimits, OutboundRateLimiter
from tests.e2e.test_outages import PrivateRedis, private_redis  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.redis


class SendMessage:
    """Stands for aiogram's method object: what the limiter reads of it."""

    __api_method__ = "sendMessage"

    def __init__(self, chat_id: int) -> None:
        self.chat_id = chat_id


def most_in_any_second(times: list[float]) -> int:
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t - start < 1.0) for i, start in enumerate(times))


SENDER = textwrap.dedent("""
    import asyncio, json, sys, time
    import redis.asyncio as redis
    from bot.telegram.ratelimit import OutboundRateLimiter

    class SendMessage:
        __api_method__ = "sendMessage"
        def __init__(self, chat_id): self.chat_id = chat_id

    async def main(url, first_chat, count):
        client = redis.from_url(url)
        limiter = OutboundRateLimiter(redis=client)
        sent = []
        async def make_request(bot, method):
            sent.append(time.time())
            return True
        print("ready", flush=True)
        start_at = float(sys.stdin.readline())
        await asyncio.sleep(max(0.0, start_at - time.time()))
        await asyncio.gather(*(limiter(make_request, None, SendMessage(first_chat + i)) for i in range(count)))
        await client.aclose()
        print(json.dumps(sent))

    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
""")


async def test_two_processes_send_no_more_than_30_messages_a_second_together(private_redis: PrivateRedis) -> None:  # noqa: F811
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            SENDER,
            private_redis.url,
            str(first),
            "45",
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for first in (1000, 2000)
    ]
    # Both have imported aiogram and reached Redis (however loaded the machine): start together.
    for process in processes:
        assert process.stdout is not None
        assert await asyncio.wait_for(process.stdout.readline(), timeout=60) == b"ready\n"
    start_at = f"{time.time() + 0.2}\n".encode()
    for process in processes:
        assert process.stdin is not None
        process.stdin.write(start_at)
        await process.stdin.drain()
        process.stdin.close()
    outputs = [await process.communicate() for process in processes]
    assert all(process.returncode == 0 for process in processes)
    times = [t for stdout, _ in outputs for t in json.loads(stdout)]
    assert len(times) == 90
    # 30 a second plus the burst of 3 (two tokens beyond the rate): never the 60 that two
    # processes counting alone would send.
    assert most_in_any_second(times) <= 32
    # They sent at the same time (the limit is shared, not taken in turns).
    spans = sorted((min(json.loads(stdout)), max(json.loads(stdout))) for stdout, _ in outputs)
    assert spans[1][0] < spans[0][1]
    assert max(times) - min(times) >= (90 - 3) / 30 - 0.1


async def test_two_limiters_share_one_private_chat(private_redis: PrivateRedis) -> None:  # noqa: F811
    limits = OutboundLimits(private_per_second=10.0, private_burst=1)
    clients = [redis.from_url(private_redis.url) for _ in range(2)]
    limiters = [OutboundRateLimiter(limits, redis=client) for client in clients]
    sent: list[float] = []

    async def make_request(_bot: Any, _method: Any) -> bool:
        sent.append(time.monotonic())
        return True

    try:
        await asyncio.gather(*(limiters[i % 2](make_request, None, SendMessage(42)) for i in range(6)))
    finally:
        for client in clients:
            await client.aclose()
    sent.sort()
    gaps = [b - a for a, b in zip(sent, sent[1:], strict=False)]
    assert len(sent) == 6
    assert min(gaps) >= 0.09  # one message per 100 ms in that chat, whichever process sends


async def test_a_group_gets_20_messages_a_minute_across_limiters(private_redis: PrivateRedis) -> None:  # noqa: F811
    clients = [redis.from_url(private_redis.url) for _ in range(2)]
    limiters = [OutboundRateLimiter(redis=client) for client in clients]
    sent: list[int] = []

    async def make_request(_bot: Any, _method: Any) -> bool:
        sent.append(1)
        return True

    try:
        tasks = [asyncio.ensure_future(limiters[i % 2](make_request, None, SendMessage(-100123))) for i in range(24)]
        await asyncio.sleep(1.5)
        assert len(sent) == 20  # the other four wait for the minute to pass
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        for client in clients:
            await client.aclose()


async def test_without_an_answer_from_redis_the_limiter_counts_in_this_process(private_redis: PrivateRedis) -> None:  # noqa: F811
    client = redis.from_url(private_redis.url, socket_timeout=0.5, socket_connect_timeout=0.5)
    limiter = OutboundRateLimiter(redis=client)
    sent: list[int] = []

    async def make_request(_bot: Any, _method: Any) -> bool:
        sent.append(1)
        return True

    try:
        await private_redis.stop()
        await asyncio.wait_for(limiter(make_request, None, SendMessage(7)), 3.0)
        assert sent == [1]
        assert limiter.tracked_chats == 1  # counted here meanwhile
    finally:
        await client.aclose()
