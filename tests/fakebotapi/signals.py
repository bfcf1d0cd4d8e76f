"""Wake-ups for waiters: long polls, webhook pushes and the tests' wait_for helpers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Notifier:
    """Something changed; every waiter re-checks its condition (no lost wake-ups).

    Each wait grabs the current Event *before* checking its condition; notify() sets that event
    and installs a fresh one, so a change between the check and the wait is never missed.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, check: Callable[[], T | None], timeout: float | None) -> T | None:
        """Return check()'s first non-None value, or None when the timeout passes."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            event = self._event
            value = check()
            if value is not None:
                return value
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return None
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return check()
