"""Handoffs from the web open in the same staff group as Telegram's, marked "web" so staff know
the person reads answers in a browser (and cannot send photos).

Whoever holds the Telegram desk calls `hand_web_over_to(services, desk)`: `python -m bot run`
(its staff routers close web threads too) and `python -m bot web` with a bot token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.content.locales import html_to_plain
from bot.core.replies import Msg
from bot.core.staff_desk import SourceMessage, StaffDesk, Thread
from bot.handoff.staff_texts import TITLE_LIMIT
from bot.text.telegram_html import escape
from bot.web.sessions import CHANNEL

if TYPE_CHECKING:
    from bot.core.services import Services


def hand_web_over_to(services: Services, desk: StaffDesk) -> None:
    """Web people's handoffs go to `desk` (Telegram's staff group), their threads marked "web"."""
    marker = html_to_plain(services.catalog.render(Msg("web.staff_marker"), "de"))
    services.staff_desks[CHANNEL] = WebMarkedDesk(desk, marker) if desk.available else desk


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

    async def copy_in(
        self, thread: Thread, source: SourceMessage | None, *, kind: str, reply_to: int | None = None
    ) -> int | None:
        return None  # the page sends no media
