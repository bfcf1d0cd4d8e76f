"""The bot's Prometheus metrics (prometheus-client), all named `lw_...`, served as GET /metrics
by bot.telegram.health_server.

Labels hold only fixed vocabularies (an update's kind, a Bot API method and status code, a
booking event, a provider and a result): never a person id, a chat id, a name or a text.
Telegram-free: the adapters and services count where the events happen.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

__all__ = ["CONTENT_TYPE_LATEST"]

UPDATES = Counter("lw_updates_total", "Updates received, by kind (text, command, button, ...)", ["kind"])
UPDATE_SECONDS = Histogram(
    "lw_update_seconds",
    "From receiving an update to the first reply sent for it",
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
BOT_API_ERRORS = Counter(
    "lw_bot_api_errors_total", "Bot API calls that failed, by method and status code", ["method", "code"]
)
BOOKINGS = Counter("lw_bookings_total", "Booking events (booked, cancelled, moved, attended, no_show)", ["event"])
REMINDERS = Counter("lw_reminders_total", "Reminders handled, by result (sent, failed, skipped)", ["result"])
HANDOFFS_OPEN = Gauge("lw_handoffs_open", "Conversations with staff that are open now (from the database)")
UNDERSTANDING_SECONDS = Histogram(
    "lw_understanding_seconds",
    "Time to understand one typed text (language and intent)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
TRANSLATION_REQUESTS = Counter(
    "lw_translation_requests_total",
    "Calls to the translation service, by result (ok, failed, unreachable, circuit_open)",
    ["provider", "result"],
)


@contextmanager
def timed_understanding() -> Iterator[None]:
    with UNDERSTANDING_SECONDS.time():
        yield


# --- update to first reply -------------------------------------------------------------------


@dataclass
class UpdateTimer:
    """The time an update arrived; the first reply sent while handling it observes the latency."""

    started: float = field(default_factory=time.perf_counter)
    replied: bool = False

    def first_reply(self) -> None:
        if not self.replied:
            self.replied = True
            UPDATE_SECONDS.observe(time.perf_counter() - self.started)


# Set for the task that handles one update (contextvars follow it into the Bot API calls it makes).
CURRENT_UPDATE: ContextVar[UpdateTimer | None] = ContextVar("lw_current_update", default=None)


def reply_sent() -> None:
    timer = CURRENT_UPDATE.get()
    if timer is not None:
        timer.first_reply()


# --- exposition ------------------------------------------------------------------------------

Refresh = Callable[[], Awaitable[None]]


class MetricsPage:
    """The text behind GET /metrics. `refresh` brings values that live in the database (open
    handoffs, counted across all processes) up to date, at most once per `refresh_seconds`."""

    def __init__(
        self,
        refresh: Refresh | None = None,
        *,
        registry: CollectorRegistry = REGISTRY,
        refresh_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.refresh = refresh
        self.registry = registry
        self.refresh_seconds = refresh_seconds
        self.clock = clock
        self._refreshed_at: float | None = None

    async def render(self) -> bytes:
        now = self.clock()
        if self.refresh is not None and (
            self._refreshed_at is None or now - self._refreshed_at >= self.refresh_seconds
        ):
            self._refreshed_at = now
            try:
                await self.refresh()
            except Exception:  # noqa: BLE001 - an outage shows in /healthz; metrics still answer
                pass
        return generate_latest(self.registry)
