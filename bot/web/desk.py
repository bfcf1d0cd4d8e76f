"""Handoffs from the web open in the same staff group as Telegram's, marked "web" so staff know
the person reads answers in a browser (and cannot send photos)."""
from __future__ import annotations

from dataclasses import dataclass

from bot.handoff.desk import SourceMessage, StaffDesk, Thread
from bot.handoff.staff_texts import TITLE_LIMIT
from bot.text.telegram_html import escape


@dataclass
class WebMarkedDesk:
    inner: StaffDesk
    marker: str  # plain text, e.g. "🌐 Web"

    @property
    def available(self) -> bool:
        return self.inner.available

    @property
    def chat_id(self) -> int | None:
        return self.inner.chat_id

    def _title(self, title: str) -> str:
        return f"{self.marker} · {title}"[:TITLE_LIMIT]

    async def open_thread(self, title: str) -> Thread:
        return await self.inner.open_thread(self._title(title))

    async def reopen_thread(self, thread: Thread, title: str) -> None:
        await self.inner.reopen_thread(thread, self._title(title))

    async def close_thread(self, thread: Thread, title: str) -> None:
        await self.inner.close_thread(thread, self._title(title))

    async def post(self, thread: Thread, html: str, *, reply_to: int | None = None) -> int:
        # In a forum the topic's title carries the mark; in a plain group each message does.
        if not thread.threaded:
            html = f"{escape(self.marker)} · {html}"
        return await self.inner.post(thread, html, reply_to=reply_to)

    async def copy_in(self, thread: Thread, source: SourceMessage | None, *, kind: str,
                      reply_to: int | None = None) -> int | None:
        return None  # the page sends no media
