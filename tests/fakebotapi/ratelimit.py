"""Telegram's flood limits, as token buckets (off unless a test turns them on).

Documented limits: about 30 messages per second overall, 1 message per second per chat (short
bursts are tolerated), 20 messages per minute per group. Over a limit Telegram answers 429 with
``retry_after``; we compute it from when the bucket will hold a token again.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RateLimits:
    enabled: bool = False
    global_per_second: float = 30.0
    global_burst: int = 30
    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: float = 20.0
    group_burst: int = 20


@dataclass
class TokenBucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self) -> float:
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class RateLimiter:
    limits: RateLimits
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[object, TokenBucket] = field(default_factory=dict)

    def _bucket(self, key: object, rate: float, capacity: int, now: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None or bucket.rate != rate or bucket.capacity != capacity:
            bucket = TokenBucket(rate, capacity, capacity, now)
            self._buckets[key] = bucket
        bucket.refill(now)
        return bucket

    def check(self, chat_id: int, chat_type: str) -> int | None:
        """Take a token for one message to ``chat_id``; None if allowed, else retry_after."""
        if not self.limits.enabled:
            return None
        now = self.clock()
        limits = self.limits
        buckets = [self._bucket("global", limits.global_per_second, limits.global_burst, now)]
        if chat_type == "private":
            buckets.append(self._bucket(chat_id, limits.private_per_second, limits.private_burst, now))
        else:
            buckets.append(self._bucket(chat_id, limits.group_per_minute / 60.0, limits.group_burst, now))
        wait = max(b.wait_time() for b in buckets)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.tokens -= 1
        return None

    def reset(self) -> None:
        self._buckets.clear()
