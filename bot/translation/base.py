"""The translation interface the rest of the bot depends on.

Providers (DeepL through its official client, a self-hosted LibreTranslate, or none at all) hide behind
`Translator`, so the conversation core never imports a vendor library and tests use `FakeTranslator`.

Texts passed to a translator are often what a person wrote: personal data. Nothing in this package
puts a text into an exception message or a log line (see `TranslationFailed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

# Language codes are ISO 639-1 ("de", "uk", "fa", "ti", ...). A provider that needs other codes
# (DeepL's "EN-GB") maps them itself; callers never see those.
AUTO = "auto"  # as `source`: let the provider detect the language (not every provider can)


@dataclass(frozen=True)
class Translation:
    text: str
    source_language: str
    target_language: str
    provider: str
    # False when no machine was involved (source == target: the text came back unchanged), so the
    # UI only labels real machine translations as such.
    machine: bool


class TranslationFailed(Exception):
    """The text could not be translated; the caller falls back (e.g. shows the original).

    The message carries the provider, the language pair and a reason such as the exception type,
    never the text itself, so logging this exception (even with a traceback) leaks nothing.
    """

    def __init__(
        self,
        provider: str,
        reason: str,
        *,
        source: str = "",
        target: str = "",
        unreachable: bool = False,
        retryable: bool = False,
    ) -> None:
        self.provider = provider
        self.reason = reason
        # The service did not answer (timed out, refused) or refuses every text (key, quota): an
        # outage rather than this text's problem. The circuit breaker counts these.
        self.unreachable = unreachable
        # Another try soon may work (refused connection, 429, 5xx); a time-out has used the time up.
        self.retryable = retryable
        self.source = source
        self.target = target
        pair = f" {source}->{target}" if source or target else ""
        super().__init__(f"{provider}{pair}: {reason}")


@runtime_checkable
class Translator(Protocol):
    name: str

    async def translate(self, text: str, *, source: str, target: str) -> Translation:
        """Translate `text`; raise `TranslationFailed` on any failure (never other exceptions)."""
        ...
