"""The staff desk: where a handoff meets the staff, behind a small channel-agnostic interface.

The relay (bot.handoff.relay) decides *what* staff see — German HTML it has already escaped,
split and labelled — and a desk only *does* it: open a thread per newcomer, post into it, copy the
newcomer's photo or document in, close it. On Telegram the thread is a forum topic in the staff
supergroup (or, in a plain group, a reply chain; bot.telegram.staff_desk); in the terminal a local
desk prints "[to staff] ..." (bot.terminal.staff_desk); the web chat marks Telegram's threads
"web" (bot.web.desk); tests record the calls.

Each adapter gives the desk of its channel to `Services.staff_desks` when it builds the services;
a turn finds its person's with `turn.staff_desk` (NULL_DESK where a channel has none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Thread:
    """Where one newcomer's conversation lives in the staff chat.

    `thread_id` is the forum topic; None means a plain group, where each relayed message carries a
    header with the handoff number and staff answer by replying to it."""

    chat_id: int
    thread_id: int | None

    @property
    def threaded(self) -> bool:
        return self.thread_id is not None


@dataclass(frozen=True)
class SourceMessage:
    """The newcomer's message being handled (to copy a photo or document to staff)."""

    chat_id: int
    message_id: int


class DeskError(Exception):
    """The staff chat could not be reached or refused the call. The message never holds texts."""


class ThreadGone(DeskError):
    """The thread (forum topic) no longer exists, e.g. staff deleted it."""


class StaffDesk(Protocol):
    """What the handoff needs of a staff chat. Every method may raise DeskError."""

    @property
    def available(self) -> bool:
        """False when no staff chat is configured: the bot then cannot hand over."""

    @property
    def chat_id(self) -> int | None:
        """The staff chat, stored on the handoff (None for desks without one)."""

    async def open_thread(self, title: str) -> Thread:
        """A new thread named `title` (a forum topic; without forum: Thread(chat, None))."""

    async def reopen_thread(self, thread: Thread, title: str) -> None:
        """Open a closed thread again under `title`; ThreadGone if it is gone."""

    async def close_thread(self, thread: Thread, title: str) -> None:
        """Close the thread and rename it to `title` (a title without the first name)."""

    async def post(self, thread: Thread, html: str, *, reply_to: int | None = None) -> int:
        """Post one message (at most one Telegram message long); its message id."""

    async def copy_in(
        self, thread: Thread, source: SourceMessage | None, *, kind: str, reply_to: int | None = None
    ) -> int | None:
        """Copy the newcomer's media message into the thread; its id (None if nothing copied)."""


class NullDesk:
    """No staff chat configured: nothing can be handed over."""

    available = False
    chat_id = None

    async def open_thread(self, title: str) -> Thread:
        raise DeskError("no staff chat configured")

    async def reopen_thread(self, thread: Thread, title: str) -> None:
        raise DeskError("no staff chat configured")

    async def close_thread(self, thread: Thread, title: str) -> None:
        return None

    async def post(self, thread: Thread, html: str, *, reply_to: int | None = None) -> int:
        raise DeskError("no staff chat configured")

    async def copy_in(
        self, thread: Thread, source: SourceMessage | None, *, kind: str, reply_to: int | None = None
    ) -> int | None:
        raise DeskError("no staff chat configured")


NULL_DESK = NullDesk()
