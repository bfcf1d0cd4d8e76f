"""Remember translations so the same text is sent to a provider once.

Caches never hold the source text: entries are keyed by `text_hash(text)` (SHA-256), which also
matches the `translations.text_hash` column of the database-backed cache. The translated text is
stored, since that is what a cache is for.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from typing import Protocol

from bot.translation.base import Translation, Translator

log = logging.getLogger(__name__)


def text_hash(text: str) -> str:
    """SHA-256 of the UTF-8 text, 64 hex digits: the part of a cache key that stands for the text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class TranslationCache(Protocol):
    """Storage for translations. Implementations key by `text_hash(text)`, never by the text."""

    async def get(self, provider: str, source: str, target: str, text: str) -> str | None: ...

    async def put(self, provider: str, source: str, target: str, text: str, translated: str) -> None: ...


CacheKey = tuple[str, str, str, str]


class MemoryTranslationCache:
    """In-process LRU cache holding at most `max_entries` translations."""

    def __init__(self, max_entries: int = 2048) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._entries: OrderedDict[CacheKey, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, provider: str, source: str, target: str, text: str) -> str | None:
        key = (provider, source, target, text_hash(text))
        translated = self._entries.get(key)
        if translated is not None:
            self._entries.move_to_end(key)
        return translated

    async def put(self, provider: str, source: str, target: str, text: str, translated: str) -> None:
        key = (provider, source, target, text_hash(text))
        self._entries[key] = translated
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


class CachedTranslator:
    """Wraps a translator: answers from `cache` when it can, otherwise asks `inner` and stores.

    Concurrent requests for the same text share one call to `inner` (two people tapping the same
    button at once cost one translation). A failing cache is logged and bypassed: a broken cache
    must not stop translations. Failures of `inner` are not cached, so the next request retries.
    """

    def __init__(self, inner: Translator, cache: TranslationCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name: str = inner.name
        self._in_flight: dict[CacheKey, asyncio.Future[Translation]] = {}

    async def translate(self, text: str, *, source: str, target: str) -> Translation:
        if source == target:
            return await self.inner.translate(text, source=source, target=target)
        try:
            cached = await self.cache.get(self.name, source, target, text)
        except Exception as exc:  # noqa: BLE001
            log.warning("translation cache get failed: %s", type(exc).__name__)
            cached = None
        if cached is not None:
            return Translation(cached, source, target, self.name, machine=True)

        key = (self.name, source, target, text_hash(text))
        shared = self._in_flight.get(key)
        if shared is None:
            shared = asyncio.ensure_future(self._translate_and_store(text, source, target))
            self._in_flight[key] = shared
            shared.add_done_callback(lambda done: self._forget(key, done))
        # shield: one waiter being cancelled must not cancel the call the others wait for.
        return await asyncio.shield(shared)

    def _forget(self, key: CacheKey, done: asyncio.Future[Translation]) -> None:
        self._in_flight.pop(key, None)
        if not done.cancelled():
            done.exception()  # mark as retrieved even if every waiter was cancelled

    async def _translate_and_store(self, text: str, source: str, target: str) -> Translation:
        translation = await self.inner.translate(text, source=source, target=target)
        if translation.machine:
            try:
                await self.cache.put(self.name, source, target, text, translation.text)
            except Exception as exc:  # noqa: BLE001
                log.warning("translation cache put failed: %s", type(exc).__name__)
        return translation
