"""The staff desk of `python -m bot chat`: there is no staff chat, so it prints what staff would see."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.content.locales import html_to_plain
from bot.core.staff_desk import SourceMessage, Thread

LOCAL_STAFF_CHAT = 0


@dataclass
class LocalDesk:
    write: Callable[[str], None]
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    available = True
    chat_id = LOCAL_STAFF_CHAT

    async def open_thread(self, title: str) -> Thread:
        thread = Thread(LOCAL_STAFF_CHAT, next(self._ids))
        self.write(f"\n[to staff] new topic: {title}\n")
        return thread

    async def reopen_thread(self, thread: Thread, title: str) -> None:
        self.write(f"\n[to staff] topic reopened: {title}\n")

    async def close_thread(self, thread: Thread, title: str) -> None:
        self.write(f"\n[to staff] topic closed: {title}\n")

    async def post(self, thread: Thread, html: str, *, reply_to: int | None = None) -> int:
        self.write("\n[to staff] " + html_to_plain(html) + "\n")
        return next(self._ids)

    async def copy_in(
        self, thread: Thread, source: SourceMessage | None, *, kind: str, reply_to: int | None = None
    ) -> int | None:
        self.write(f"\n[to staff] 📎 {kind}\n")
        return next(self._ids)
