"""Messages the bot starts itself (reminders, staff answers, a booking staff cancelled) for web
people: stored with the page's conversation and, while a page of theirs is open in this process,
shown at once (the inbox wakes its long poll); otherwise they are there when the person comes back.

`ChannelOutbox` sends web people's messages here and everyone else's to the other channel's
outbox (Telegram), so `python -m bot run` delivers both.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from bot.content.machine_locale import localize
from bot.core.replies import Reply
from bot.storage.models import Person, WebMessage
from bot.web.render import render_reply
from bot.web.sessions import CHANNEL

if TYPE_CHECKING:
    from bot.core.services import Outbox, Services

log = logging.getLogger(__name__)


class Inbox:
    """Wakes the long polls of a person's open pages when something new is stored for them."""

    def __init__(self) -> None:
        self._waiters: dict[int, set[asyncio.Future[None]]] = {}

    def notify(self, person_id: int) -> None:
        for waiter in self._waiters.pop(person_id, set()):
            if not waiter.done():
                waiter.set_result(None)

    async def wait(self, person_id: int, timeout: float) -> None:
        """Until `notify(person_id)` or the timeout, whichever comes first."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiters = self._waiters.setdefault(person_id, set())
        waiters.add(waiter)
        try:
            await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            pass
        finally:
            waiters.discard(waiter)
            if not waiters and self._waiters.get(person_id) is waiters:
                del self._waiters[person_id]


async def store(services: Services, inbox: Inbox, person_id: int, payloads: Sequence[dict[str, Any]]) -> None:
    async with services.sessions.begin() as session:
        session.add_all(
            [
                WebMessage(person_id=person_id, author="bot", payload=payload, created_at=services.clock.now())
                for payload in payloads
            ]
        )
    inbox.notify(person_id)


class WebOutbox:
    """The Outbox for web people. Storing happens in a task of its own: callers may hold the
    database's write lock (a staff update's session, a reminder batch), which on SQLite a second
    writer would wait for; the task writes once they have committed."""

    def __init__(self, inbox: Inbox, services: Services | None = None) -> None:
        self.inbox = inbox
        self.services = services  # set by the composition root
        self._pending: set[asyncio.Task[None]] = set()

    async def to_person(self, person: Person, replies: list[Reply]) -> bool:
        if person.channel != CHANNEL:
            return False
        services = self.services
        assert services is not None
        replies, lang = await localize(
            replies,
            person.language or "de",
            services.catalog,
            services.translator,
            service_configured=services.machine_translation,
        )
        payloads = [render_reply(reply, lang, services.catalog) for reply in replies]
        task = asyncio.get_running_loop().create_task(self._store(person.id, payloads))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
        return True

    async def _store(self, person_id: int, payloads: list[dict[str, Any]]) -> None:
        assert self.services is not None
        try:
            await store(self.services, self.inbox, person_id, payloads)
        except SQLAlchemyError:
            # e.g. the person erased their data meanwhile; nothing is logged but the id.
            log.warning("message for web person %s not stored", person_id)

    async def to_staff(self, html: str) -> None:
        return None  # the staff chat is Telegram's; ChannelOutbox sends staff notes there

    async def settle(self) -> None:
        """Wait until every message handed over so far is stored (shutdown, tests)."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)


class ChannelOutbox:
    """Web people through the web outbox, everyone else (and staff notes) through `other`."""

    def __init__(self, web: WebOutbox, other: Outbox | None) -> None:
        self.web = web
        self.other = other

    async def to_person(self, person: Person, replies: list[Reply]) -> bool:
        if person.channel == CHANNEL:
            return await self.web.to_person(person, replies)
        if self.other is None:
            return False
        return await self.other.to_person(person, replies)

    async def to_staff(self, html: str) -> None:
        if self.other is not None:
            await self.other.to_staff(html)
