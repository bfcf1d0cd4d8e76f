"""The parts both adapters share: database (migrated), texts, flows, translator."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock, SystemClock
from bot.config import ConfigError, Settings
from bot.content.flows import FlowLibrary
from bot.content.live import LiveContent
from bot.content.locales import Catalog
from bot.content.problems import Problem, broken_edit_listeners
from bot.core.replies import Msg
from bot.core.services import Outbox, Services
from bot.dialogues.emergency import known_emergency
from bot.storage.database import connect, session_factory
from bot.storage.translation_cache import DatabaseTranslationCache
from bot.translation import CachedTranslator, NoTranslator, Translator
from bot.translation.factory import build_translator


@dataclass
class Foundation:
    engine: AsyncEngine
    services: Services
    _listeners: list[Callable[[str, list[Problem]], None]] = field(default_factory=list)
    _watching: asyncio.Task[None] | None = None

    def tell_staff_about_broken_edits(self) -> None:
        """A broken edit of a data file keeps the last good version serving; staff hear of it once."""
        services = self.services
        pending: set[asyncio.Task[None]] = set()

        def tell(file: str, problems: list[Problem]) -> None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # not on the bot's loop (e.g. `python -m bot check`): the log has it
            lines = "\n".join(str(problem) for problem in problems[:5])
            html = services.catalog.render(Msg("staff.data_file_broken", file=file, problems=lines), "de")
            task = loop.create_task(services.outbox.to_staff(html))
            pending.add(task)
            task.add_done_callback(pending.discard)

        broken_edit_listeners.append(tell)
        self._listeners.append(tell)

    def watch_content(self) -> asyncio.Task[None]:
        """Pick up edits of flows/ and locales/ while the bot runs (bot.content.live)."""
        if self._watching is None:
            self._watching = asyncio.get_running_loop().create_task(LiveContent(self.services).watch())
        return self._watching

    async def close(self) -> None:
        if self._watching is not None:
            self._watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watching  # before the engine goes: see bot.web.server RunningWebChat.close
            self._watching = None
        for listener in self._listeners:
            broken_edit_listeners.remove(listener)
        self._listeners.clear()
        await self.engine.dispose()


async def build_foundation(
    settings: Settings,
    outbox: Outbox,
    *,
    clock: Clock | None = None,
    translator: Translator | None = None,
    db_attempts: int = 5,
) -> Foundation:
    engine = await connect(settings.database_url, attempts=db_attempts, timeout=settings.database_timeout)
    sessions = session_factory(engine)
    if translator is None:
        try:
            translator = build_translator(
                settings.translator,
                api_key=settings.translator_api_key,
                base_url=settings.translator_url,
                timeout=settings.translator_timeout,
            )
        except ValueError as exc:
            await engine.dispose()
            raise ConfigError(str(exc)) from None
    if not isinstance(translator, NoTranslator):
        # Each text is translated once, for every process (the cache is keyed by a hash).
        translator = CachedTranslator(translator, DatabaseTranslationCache(sessions))
    services = Services(
        settings=settings,
        clock=clock or SystemClock(),
        sessions=sessions,
        catalog=Catalog.load(),
        flows=FlowLibrary.load(),
        translator=translator,
        outbox=outbox,
        answered_without_model=known_emergency,
    )
    foundation = Foundation(engine=engine, services=services)
    foundation.tell_staff_about_broken_edits()
    foundation.watch_content()
    return foundation
