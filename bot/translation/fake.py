"""A deterministic translator for tests: no network, predictable output, scriptable failures."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.translation.base import Translation, TranslationFailed


@dataclass(frozen=True)
class FakeCall:
    text: str
    source: str
    target: str


@dataclass
class FakeTranslator:
    """Translates "Hallo" from uk to de as "[uk→de] Hallo", unless `known` has an answer.

    `known` maps either `(source, target, text)` or just `text` to the translation (the more
    specific key wins). `delay` (seconds) makes every call slow, for timeout tests.
    """

    known: Mapping[tuple[str, str, str] | str, str] = field(default_factory=dict)
    delay: float = 0.0
    name: str = "fake"
    calls: list[FakeCall] = field(default_factory=list)
    _failures_left: int = 0

    def fail_next(self, n: int = 1) -> None:
        """The next `n` calls raise TranslationFailed (they are still recorded in `calls`)."""
        self._failures_left += n

    async def translate(self, text: str, *, source: str, target: str) -> Translation:
        self.calls.append(FakeCall(text, source, target))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self._failures_left > 0:
            self._failures_left -= 1
            raise TranslationFailed(self.name, "told to fail", source=source, target=target)
        if source == target:
            return Translation(text, source, target, self.name, machine=False)
        translated = self.known.get((source, target, text), self.known.get(text))
        if translated is None:
            translated = f"[{source}→{target}] {text}"
        return Translation(translated, source, target, self.name, machine=True)
