"""Rate limits of the web chat: a token bucket per session and one per address.

Someone typing fast gets a polite "please wait a moment" (errors.slow_down) and the page holds
the send button for the seconds returned, rather than an error. Pure: `now` is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_BUCKETS = 50_000  # idle (full) buckets are dropped beyond this many


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class RateLimit:
    """`per_minute` requests a minute on average, bursts of up to `burst` (default: per_minute)."""

    per_minute: int
    burst: int | None = None
    buckets: dict[str, _Bucket] = field(default_factory=dict)

    @property
    def capacity(self) -> float:
        return float(self.burst or self.per_minute)

    def wait(self, key: str, now: float) -> float:
        """0 and one token taken when allowed; otherwise the seconds until the next token."""
        rate = self.per_minute / 60.0
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= MAX_BUCKETS:
                self._drop_full(now)
            bucket = self.buckets[key] = _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / rate

    def _drop_full(self, now: float) -> None:
        rate = self.per_minute / 60.0
        for key in [k for k, b in self.buckets.items() if b.tokens + (now - b.at) * rate >= self.capacity]:
            del self.buckets[key]


@dataclass
class WebLimits:
    per_session: RateLimit
    per_address: RateLimit

    def wait(self, session_key: str | None, address: str, now: float) -> float:
        """Seconds to wait (0: go ahead). The address is charged only when the session may go."""
        if session_key is not None:
            waited = self.per_session.wait(session_key, now)
            if waited:
                return waited
        return self.per_address.wait(address, now)
