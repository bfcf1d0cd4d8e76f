"""Machine translations cached in the database, shared by every bot process."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.database import unit_of_work
from bot.storage.models import CachedTranslation
from bot.translation.cache import text_hash


class DatabaseTranslationCache:
    """Implements bot.translation.cache.TranslationCache; keyed by a hash, never by the text."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def get(self, provider: str, source: str, target: str, text: str) -> str | None:
        async with unit_of_work(self.sessions) as session:
            return await session.scalar(
                select(CachedTranslation.translated).where(
                    CachedTranslation.provider == provider,
                    CachedTranslation.source_language == source,
                    CachedTranslation.target_language == target,
                    CachedTranslation.text_hash == text_hash(text),
                )
            )

    async def put(self, provider: str, source: str, target: str, text: str, translated: str) -> None:
        async with unit_of_work(self.sessions) as session:
            try:
                async with session.begin_nested():  # a duplicate must not spoil the turn's transaction
                    session.add(
                        CachedTranslation(
                            provider=provider,
                            source_language=source,
                            target_language=target,
                            text_hash=text_hash(text),
                            translated=translated,
                        )
                    )
            except IntegrityError:
                pass  # another process stored the same translation first
