"""Every request the bot made, what we answered, and which answers count as the bot's mistakes.

A failed request is a *violation* unless the test caused it: an injected fault (fail_next...), a
person who blocked the bot, or an error the test announced with ``expect_violation(...)``. A test
fixture can then simply assert ``server.violations == []``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from .spec import Upload


@dataclass(eq=False)
class RecordedRequest:
    seq: int
    method: str  # canonical name when known, else as requested
    params: dict[str, Any] = field(default_factory=dict)  # decoded and typed
    uploads: dict[str, Upload] = field(default_factory=dict, repr=False)
    status: int = 200
    ok: bool = True
    description: str | None = None  # Telegram's error text
    detail: str | None = None  # our explanation of a spec/limit violation
    kind: str | None = None  # errors.Kind of the failure
    result: Any = field(default=None, repr=False)
    provoked: bool = False  # the failure came from the test (fault injection, blocked user)
    expected: bool = False  # matched an expect_violation() of the test
    dropped: bool = False  # connection closed without an answer
    via: str = "http"  # "http" or "webhook-response"
    started_at: float = field(default_factory=time.monotonic, repr=False)
    finished_at: float | None = field(default=None, repr=False)

    @property
    def violation(self) -> bool:
        return not self.ok and not self.provoked and not self.expected

    @property
    def duration(self) -> float | None:
        return None if self.finished_at is None else self.finished_at - self.started_at

    def describe(self) -> str:
        outcome = "ok" if self.ok else f"{self.status} {self.description}"
        extra = f" ({self.detail})" if self.detail else ""
        return f"#{self.seq} {self.method}: {outcome}{extra}"


class ViolationExpectation:
    """Marks matching failures as expected. As a context manager it also asserts one happened."""

    def __init__(
        self, recorder: Recorder, pattern: str | re.Pattern[str], method: str | None, status: int | None
    ) -> None:
        self._recorder = recorder
        self.pattern = re.compile(re.escape(pattern)) if isinstance(pattern, str) else pattern
        self.method = method
        self.status = status
        self.matched: list[RecordedRequest] = []

    def matches(self, request: RecordedRequest) -> bool:
        if self.method is not None and request.method.lower() != self.method.lower():
            return False
        if self.status is not None and request.status != self.status:
            return False
        return bool(self.pattern.search(request.description or ""))

    def cancel(self) -> None:
        self._recorder.expectations.remove(self)

    def __enter__(self) -> ViolationExpectation:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.cancel()
        if exc_type is None and not self.matched:
            raise AssertionError(
                f"expected a failed request matching {self.pattern.pattern!r}"
                f"{f' for {self.method}' if self.method else ''}, but none happened"
            )


class Recorder:
    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.expectations: list[ViolationExpectation] = []
        self._seq = 0

    def start(self, method: str, via: str = "http") -> RecordedRequest:
        self._seq += 1
        request = RecordedRequest(seq=self._seq, method=method, via=via)
        self.requests.append(request)
        return request

    def finish(self, request: RecordedRequest) -> None:
        request.finished_at = time.monotonic()
        if not request.ok and not request.provoked:
            for expectation in self.expectations:
                if expectation.matches(request):
                    request.expected = True
                    expectation.matched.append(request)
                    break

    def expect(
        self, pattern: str | re.Pattern[str], method: str | None = None, status: int | None = None
    ) -> ViolationExpectation:
        expectation = ViolationExpectation(self, pattern, method, status)
        self.expectations.append(expectation)
        return expectation

    @property
    def violations(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.violation]

    def report(self, requests: list[RecordedRequest] | None = None) -> str:
        return "\n".join(r.describe() for r in (self.requests if requests is None else requests))

    def recent(self, count: int = 8) -> str:
        """The last requests that did something (empty long polls left out), for timeouts."""
        busy = [r for r in self.requests if not (r.method == "getUpdates" and r.ok and not r.result)]
        return self.report(busy[-count:]) or "(no requests but empty getUpdates)"
