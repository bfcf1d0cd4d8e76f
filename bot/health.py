"""Whether the services the bot depends on answer: one log line when one stops answering and one
when it is back (however many updates meet the outage in between), and the report behind /healthz.

Telegram-free: the adapter tells `Health` when a call failed or worked (bot.telegram.middlewares),
and serves `Health.check()` over HTTP (bot.telegram.health_server). A service that went down is
probed in the background until it answers again, so its recovery is noticed and logged even when
no update comes by."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

log = logging.getLogger(__name__)

OK = "ok"
UNAVAILABLE = "unavailable"
NOT_CONFIGURED = "not configured"

# Raises when the service does not answer; anything it returns means "it answered".
Probe = Callable[[], Awaitable[object]]


class OutageLog:
    """Which services are down since when; logs each change of state once. Errors are logged by
    type only: a database error's message may quote a statement's parameters (personal data)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._down_since: dict[str, float] = {}

    def failed(self, service: str, error: BaseException, *, reason: str | None = None) -> bool:
        """Note a failed call; True when it starts an outage (and was logged). `reason` says more
        than the error's type, and must not quote personal data either."""
        if service in self._down_since:
            return False
        self._down_since[service] = self.clock()
        log.warning(
            "%s is not reachable (%s): people get an apology or an answer without it until it is back",
            service,
            reason or type(error).__name__,
        )
        return True

    def recovered(self, service: str) -> bool:
        """Note a call that worked; True when it ends an outage (and was logged)."""
        since = self._down_since.pop(service, None)
        if since is None:
            return False
        log.warning("%s is reachable again after %.0f s", service, self.clock() - since)
        return True

    def is_down(self, service: str) -> bool:
        return service in self._down_since


@dataclass(frozen=True)
class HealthReport:
    """Each service's state: "ok", "unavailable" or "not configured"."""

    services: Mapping[str, str]

    @property
    def healthy(self) -> bool:
        return UNAVAILABLE not in self.services.values()

    @property
    def failed(self) -> list[str]:
        return [name for name, state in self.services.items() if state == UNAVAILABLE]

    @property
    def http_status(self) -> int:
        return 200 if self.healthy else 503

    def as_json(self) -> dict[str, str]:
        return {"status": OK if self.healthy else UNAVAILABLE, **self.services}


class Health:
    """The probes of the bot's services (None: not configured), their outage log, and a report
    that is computed at most once a second however often /healthz is asked."""

    def __init__(
        self,
        probes: Mapping[str, Probe | None],
        *,
        timeout: float,
        outages: OutageLog | None = None,
        cache_seconds: float = 1.0,
        retry_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.probes = dict(probes)
        self.timeout = timeout
        self.outages = outages or OutageLog(clock)
        self.cache_seconds = cache_seconds
        self.retry_seconds = retry_seconds
        self.clock = clock
        self._report: HealthReport | None = None
        self._checked_at = 0.0
        self._checking = asyncio.Lock()
        self._watchers: dict[str, asyncio.Task[None]] = {}

    def failed(self, service: str, error: BaseException) -> None:
        """A call to `service` failed for want of an answer: log the outage once, watch for its end."""
        self._report = None
        self.outages.failed(service, error)
        self._watch(service)

    def succeeded(self, service: str) -> None:
        if self.outages.recovered(service):
            self._report = None

    def is_down(self, service: str) -> bool:
        return self.outages.is_down(service)

    async def check(self) -> HealthReport:
        """Every configured service asked with a real call, or the report of the last second."""
        async with self._checking:  # concurrent requests share one round of probes
            if self._report is not None and self.clock() - self._checked_at < self.cache_seconds:
                return self._report
            names = list(self.probes)
            results = await asyncio.gather(*(self._probe(name) for name in names))
            self._report = HealthReport(dict(zip(names, results, strict=False)))
            self._checked_at = self.clock()
            return self._report

    async def _probe(self, service: str) -> str:
        probe = self.probes.get(service)
        if probe is None:
            return NOT_CONFIGURED
        try:
            async with asyncio.timeout(self.timeout):
                await probe()
        except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
            if self.outages.failed(service, error):
                self._watch(service)
            return UNAVAILABLE
        self.outages.recovered(service)
        return OK

    def _watch(self, service: str) -> None:
        if self.probes.get(service) is None or service in self._watchers:
            return
        try:
            task = asyncio.get_running_loop().create_task(self._until_back(service))
        except RuntimeError:  # no event loop (a synchronous caller): the next check notices
            return
        self._watchers[service] = task
        task.add_done_callback(lambda _task: self._watchers.pop(service, None))

    async def _until_back(self, service: str) -> None:
        while self.outages.is_down(service):
            await asyncio.sleep(self.retry_seconds)
            probe = self.probes[service]
            assert probe is not None
            try:
                async with asyncio.timeout(self.timeout):
                    await probe()
            except Exception:  # noqa: BLE001 - still down; the outage is logged already
                continue
            self.succeeded(service)

    async def close(self) -> None:
        watchers = list(self._watchers.values())
        for task in watchers:
            task.cancel()
        for task in watchers:
            with contextlib.suppress(asyncio.CancelledError):
                await task


def outage_of(error: BaseException) -> str | None:
    """ "redis" or "database" when `error` means that service did not answer (refused, timed out,
    connection lost, locked); None for every other failure, which stays a bug to be logged."""
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.exc import TimeoutError as PoolTimeoutError

    # Without REDIS_URL the redis client is never imported, and then no error can be one of its own.
    redis_errors = sys.modules.get("redis.exceptions")
    if redis_errors is not None and isinstance(error, (redis_errors.ConnectionError, redis_errors.TimeoutError)):
        return "redis"
    if isinstance(error, PoolTimeoutError):
        return "database"
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return "database"
        message = str(error.orig).lower()  # the driver's words, without the statement
        words = ("connect", "closed", "timeout", "timed out", "locked", "unable to open", "terminat")
        return "database" if any(word in message for word in words) else None
    # asyncpg's refused or timed-out connects reach us unwrapped.
    if isinstance(error, (OSError, TimeoutError)):
        return "database"
    return None
