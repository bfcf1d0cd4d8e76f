"""Everything a dialogue may use, built once by the composition root (Telegram, web or terminal)."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.content.flows import FlowLibrary
from bot.content.locales import Catalog
from bot.core.replies import Reply
from bot.core.staff_desk import NULL_DESK, StaffDesk
from bot.places.data import Places
from bot.translation import Translator

if TYPE_CHECKING:
    from bot.storage.models import Person
    from bot.understanding import Understander

log = logging.getLogger(__name__)


class Outbox(Protocol):
    """Messages that are not answers to the current turn: to another person, or to staff."""

    async def to_person(self, person: Person, replies: list[Reply]) -> bool:
        """Deliver; False when the person cannot be reached (e.g. blocked the bot)."""

    async def to_staff(self, html: str) -> None:
        """Post a note in the staff chat (no-op where none is configured)."""


# Turns that work with the database at once in one process (PostgreSQL): a turn holds a connection
# until it commits, and a burst must queue here rather than exhaust the pool (5 + 10 on SQLite,
# 10 + 10 on PostgreSQL), which the jobs and the staff chat need too. 12 was within the noise of 8
# at capacity (bench/README.md, item 10).
MAX_CONCURRENT_TURNS = 12


class TurnSlot:
    """One of `Services.turn_slots`, given back at most once: after the turn's commit (the
    adapter adds `release` to `turn.after_commit`), or when the turn ends."""

    def __init__(self, slots: asyncio.Semaphore) -> None:
        self._slots = slots
        self._held = False

    async def __aenter__(self) -> TurnSlot:
        await self._slots.acquire()
        self._held = True
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self.release()

    def release(self) -> None:
        if self._held:
            self._held = False
            self._slots.release()


_SHARED_UNDERSTANDER: Understander | None = None
_SHARED_LOCK = threading.Lock()


def _shared_understander() -> Understander:
    global _SHARED_UNDERSTANDER
    with _SHARED_LOCK:
        if _SHARED_UNDERSTANDER is None:
            from bot.understanding import Understander

            _SHARED_UNDERSTANDER = Understander.load()
        return _SHARED_UNDERSTANDER


@dataclass
class Services:
    settings: Settings
    clock: Clock
    sessions: async_sessionmaker[AsyncSession]
    catalog: Catalog
    flows: FlowLibrary
    translator: Translator
    outbox: Outbox
    # Offices, districts and the school calendar (data/), re-read when a file changes.
    places: Places = field(default_factory=Places)
    # The staff chat each channel hands over to ("telegram", "web", "terminal"), given by the
    # adapter that serves the channel when it builds the services (one process may serve two).
    staff_desks: dict[str, StaffDesk] = field(default_factory=dict)
    # Texts answered before, and without, the model (the composition root gives the safety
    # lexicon's check): open_turn does not make them wait for it.
    answered_without_model: Callable[[str], bool] = field(default=lambda text: False)
    _understander: Understander | None = None
    _understander_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # The turns of this process that work with the database at once, whichever channel they come
    # from (an adapter takes a `turn_slot()` after understanding the typed text). On SQLite one:
    # its transactions take the one write lock in turn anyway (bot.storage.database), and a turn
    # waiting here is woken the moment the one before commits, where one waiting in SQLite's busy
    # handler sleeps in steps of up to 100 ms.
    turn_slots: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        sqlite = self.settings.database_url.startswith("sqlite")
        self.turn_slots = asyncio.Semaphore(1 if sqlite else MAX_CONCURRENT_TURNS)

    def turn_slot(self) -> TurnSlot:
        return TurnSlot(self.turn_slots)

    async def understander(self) -> Understander:
        """Loaded once per process, off the event loop, on first use (or at start-up by `warm_up`).

        The models are read-only after loading, so every Services of a process shares them."""
        if self._understander is None:
            async with self._understander_lock:
                if self._understander is None:
                    self._understander = await asyncio.to_thread(_shared_understander)
        return self._understander

    def staff_desk(self, channel: str) -> StaffDesk:
        """The desk of `channel`; NULL_DESK (nothing can be handed over) where none was given."""
        return self.staff_desks.get(channel, NULL_DESK)

    @property
    def machine_translation(self) -> bool:
        """Whether the city configured a translation service."""
        return self.settings.translator != "none"

    async def warm_up(self) -> None:
        await self.understander()

    def warm_up_in_background(self) -> asyncio.Task[None]:
        """Load the model while the adapter already answers (nothing but questions needs it; a
        question that comes first waits for it). A failure is logged, not fatal: the next
        question tries again. The caller cancels the task when it stops."""
        return asyncio.create_task(self._warm_up_logged())

    async def _warm_up_logged(self) -> None:
        try:
            await self.warm_up()
        except Exception:
            log.exception("the understanding model did not load")
