"""The parts both adapters share: database (migrated), texts, flows, translator."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock, SystemClock
from bot.config import ConfigError, Settings
from bot.content.flows import FlowLibrary
from bot.content.locales import Catalog
from bot.core.services import Outbox, Services
from bot.storage.database import connect, session_factory
from bot.storage.translation_cache import DatabaseTranslationCache
from bot.translation import CachedTranslator, NoTranslator, Translator
from bot.translation.factory import build_translator


@dataclass
class Foundation:
    engine: AsyncEngine
    services: Services

    async def close(self) -> None:
        await self.engine.dispose()


async def build_foundation(settings: Settings, outbox: Outbox, *, clock: Clock | None = None,
                           translator: Translator | None = None, db_attempts: int = 5) -> Foundation:
    engine = await connect(settings.database_url, attempts=db_attempts, timeout=settings.database_timeout)
    sessions = session_factory(engine)
    if translator is None:
        try:
            translator = build_translator(settings.translator, api_key=settings.translator_api_key,
                                          base_url=settings.translator_url,
                                          timeout=settings.translator_timeout)
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
    )
    return Foundation(engine=engine, services=services)
