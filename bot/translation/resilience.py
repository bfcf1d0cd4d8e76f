"""Around a translation service: a few retries with back-off, a circuit breaker, and the count of
every request (lw_translation_requests_total).

- Retries: a failure that another try may mend (refused connection, 429, 5xx: `retryable`) is tried
  again after 0.2 s, 0.4 s, ... while the whole call stays within `budget` seconds
  (TRANSLATOR_TIMEOUT); a time-out is not retried, it has used the time up.
- Circuit breaker: after `failure_threshold` outage failures in a row (`unreachable`: no answer,
  or a key or quota refused), calls fail at once for `open_seconds` (the handoff then relays the
  original with a note) instead of each message waiting for the time-out. After that one call is
  let through: if it works the breaker closes, if not it stays open for another period.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.metrics import TRANSLATION_REQUESTS
from bot.translation.base import Translation, TranslationFailed, Translator

log = logging.getLogger(__name__)


class ResilientTranslator:
    def __init__(
        self,
        inner: Translator,
        *,
        budget: float = 5.0,
        retries: int = 2,
        backoff_base: float = 0.2,
        failure_threshold: int = 5,
        open_seconds: float = 180.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.inner = inner
        self.name: str = inner.name
        self.budget = budget
        self.retries = retries
        self.backoff_base = backoff_base
        self.failure_threshold = failure_threshold
        self.open_seconds = open_seconds
        self.clock = clock
        self.sleep = sleep
        self.failures_in_a_row = 0
        self.open_until: float | None = None
        self._trial = False  # one call is testing the service after an open period

    @property
    def is_open(self) -> bool:
        return self.open_until is not None and (self.clock() < self.open_until or self._trial)

    async def translate(self, text: str, *, source: str, target: str) -> Translation:
        if source == target:
            return await self.inner.translate(text, source=source, target=target)
        if self.is_open:
            TRANSLATION_REQUESTS.labels(provider=self.name, result="circuit_open").inc()
            raise TranslationFailed(
                self.name, "circuit open after repeated failures", source=source, target=target, unreachable=True
            )
        trial = self.open_until is not None
        self._trial = trial
        try:
            return await self._with_retries(text, source, target)
        finally:
            self._trial = False

    async def _with_retries(self, text: str, source: str, target: str) -> Translation:
        deadline = self.clock() + self.budget
        attempt = 0
        while True:
            try:
                translation = await self.inner.translate(text, source=source, target=target)
            except TranslationFailed as failure:
                TRANSLATION_REQUESTS.labels(
                    provider=self.name, result="unreachable" if failure.unreachable else "failed"
                ).inc()
                if not failure.unreachable:
                    raise  # this text's problem (a language the service lacks, ...): the service works
                attempt += 1
                delay = self.backoff_base * 2 ** (attempt - 1)
                if failure.retryable and attempt <= self.retries and self.clock() + delay < deadline:
                    await self.sleep(delay)
                    continue
                self._failed()
                raise
            if translation.machine:
                TRANSLATION_REQUESTS.labels(provider=self.name, result="ok").inc()
            self._worked()
            return translation

    def _failed(self) -> None:
        self.failures_in_a_row += 1
        if self.open_until is not None or self.failures_in_a_row >= self.failure_threshold:
            if self.open_until is None or self.clock() >= self.open_until:
                log.warning(
                    "translator %s: %d failures in a row; relaying originals for %.0f s",
                    self.name,
                    self.failures_in_a_row,
                    self.open_seconds,
                )
            self.open_until = self.clock() + self.open_seconds

    def _worked(self) -> None:
        if self.open_until is not None:
            log.warning("translator %s works again; translating again", self.name)
        self.failures_in_a_row = 0
        self.open_until = None
