"""Translators backed by the `deep_translator` package (Google, DeepL, LibreTranslate, MyMemory).

`deep_translator` is synchronous and calls `requests` without a timeout, so a stalled connection
could block for ever. Each call therefore runs in its own daemon thread that we stop waiting for
after `timeout_seconds` (`asyncio.wait_for`); an abandoned thread cannot keep the process from
exiting, and `max_pending` bounds how many of them may pile up while a provider hangs.

Every failure becomes `TranslationFailed` whose message names only the provider, the language
pair and the exception *type*: `deep_translator`'s own exceptions embed the text (for example
`TranslationNotFound(text)`), and texts are personal data.

A provider that does not answer (timed out, refused, too many calls still hanging) is an outage:
logged once when it starts and once when the provider answers again, not for every message.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import threading
from types import ModuleType
from typing import Any, Callable, Final, Literal

from bot.health import OutageLog
from bot.translation.base import AUTO, Translation, TranslationFailed

log = logging.getLogger(__name__)

ProviderName = Literal["google", "deepl", "libre", "mymemory"]
PROVIDERS: Final[tuple[ProviderName, ...]] = ("google", "deepl", "libre", "mymemory")

def _deep_translator() -> ModuleType:
    """`deep_translator`, imported on first use: it brings requests and BeautifulSoup along (~0.3 s
    and ~6 MB at every start, bench/README.md), which a bot with TRANSLATOR=none never needs."""
    import deep_translator

    return deep_translator


# Looked up on the `deep_translator` module at call time, so tests can monkeypatch the class.
_CLASS_NAMES: Final[dict[str, str]] = {
    "google": "GoogleTranslator",
    "deepl": "DeeplTranslator",
    "libre": "LibreTranslator",
    "mymemory": "MyMemoryTranslator",
}

# deep_translator rejects texts of this many characters or more (it checks `len(text) < max`).
_MAX_CHARS: Final[dict[str, int]] = {"google": 5000, "mymemory": 500}


class NoTranslator:
    """TRANSLATOR=none: every call fails at once, so callers take their no-translation path."""

    name = "none"

    async def translate(self, text: str, *, source: str, target: str) -> Translation:
        raise TranslationFailed(self.name, "no translator configured", source=source, target=target)


# --- language codes ---------------------------------------------------------------------------
# Our codes are ISO 639-1 (plus "ckb" for Sorani); "ku" means Kurmanji, as at Google.

# Google still uses a few legacy or regional codes.
_GOOGLE_OVERRIDES: Final[dict[str, str]] = {
    "zh": "zh-CN", "he": "iw", "jv": "jw", "nb": "no", "fil": "tl", "mni": "mni-Mtei",
}

# MyMemory wants locale codes ("de-DE"). Where the table lists several for one language, the
# standard variety wins; these are the ones the rule "xx-XX" does not pick by itself.
_MYMEMORY_PREFERRED: Final[dict[str, str]] = {
    "en": "en-GB", "ar": "ar-SA", "zh": "zh-CN", "sr": "sr-Latn-RS", "ta": "ta-IN",
    "bs": "bs-BA", "ku": "kmr-TR", "he": "he-IL",
}


def _mymemory_table(locale_codes: dict[str, str]) -> dict[str, str]:
    by_language: dict[str, list[str]] = {}
    for locale_code in locale_codes.values():
        by_language.setdefault(locale_code.split("-")[0], []).append(locale_code)
    table: dict[str, str] = {}
    for language, options in by_language.items():
        regional = f"{language}-{language.upper()}"
        table[language] = regional if regional in options else sorted(options)[0]
    table.update(_MYMEMORY_PREFERRED)
    return table


@functools.cache
def _codes() -> tuple[frozenset[str], frozenset[str], dict[str, str]]:
    """Google's and DeepL's codes and the MyMemory table, from deep_translator on first use."""
    from deep_translator import constants
    return (frozenset(constants.GOOGLE_LANGUAGES_TO_CODES.values()),
            frozenset(constants.DEEPL_LANGUAGE_TO_CODE.values()),
            _mymemory_table(constants.MY_MEMORY_LANGUAGES_TO_CODES))


def provider_language_code(provider: str, language: str) -> str | None:
    """Our code -> the provider's code, or None if the provider cannot handle the language."""
    if provider == "google":
        if language == AUTO:
            return AUTO
        code = _GOOGLE_OVERRIDES.get(language, language)
        return code if code in _codes()[0] else None
    if provider == "deepl":
        # deep_translator 1.9 sends "auto" verbatim, which DeepL rejects: no auto-detection here.
        return language if language in _codes()[1] else None
    if provider == "libre":
        # deep_translator's Libre table knows only 17 languages; a LibreTranslate server usually has
        # more (uk, fa, bg, ro...). The server is the authority: pass the code on, it answers 400
        # for languages it lacks, which becomes TranslationFailed like any other error.
        return language
    if provider == "mymemory":
        return _codes()[2].get(language)
    raise ValueError(f"unknown provider {provider!r}")


# --- the provider -----------------------------------------------------------------------------


def _quiet_http_debug_logs() -> None:
    for name in ("urllib3.connectionpool", "requests"):
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.INFO:
            logger.setLevel(logging.INFO)


class DeepTranslatorProvider:
    """One of deep_translator's translators behind our `Translator` interface."""

    def __init__(
        self,
        provider: ProviderName,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout_seconds: float = 5.0,
        *,
        max_pending: int = 8,
    ) -> None:
        if provider not in _CLASS_NAMES:
            raise ValueError(f"unknown provider {provider!r}; use one of {', '.join(PROVIDERS)}")
        if timeout_seconds <= 0:
            raise ValueError("timeout_seconds must be positive")
        if provider == "deepl" and not api_key:
            raise ValueError("DeepL needs an API key")
        if provider == "libre" and not (api_key or base_url):
            raise ValueError("LibreTranslate needs a server URL or an API key for libretranslate.com")
        self.name: str = provider
        self._api_key = api_key
        # deep_translator appends "translate" to the base URL without a slash.
        self._base_url = base_url.rstrip("/") + "/" if base_url else None
        self._timeout = timeout_seconds
        self._max_pending = max_pending
        self._pending = 0  # threads still running, including ones we stopped waiting for
        self.outages = OutageLog()
        # urllib3 logs request URLs at DEBUG, and Google and MyMemory carry the text in the query
        # string: with LOG_LEVEL=DEBUG every translated message would end up in the log.
        _quiet_http_debug_logs()

    def __repr__(self) -> str:  # never show the key
        return f"DeepTranslatorProvider({self.name!r}, timeout_seconds={self._timeout})"

    def supports(self, language: str) -> bool:
        return provider_language_code(self.name, language) is not None

    async def translate(self, text: str, *, source: str, target: str) -> Translation:
        if source == target or not text.strip():
            return Translation(text, source, target, self.name, machine=False)
        source_code = provider_language_code(self.name, source)
        target_code = provider_language_code(self.name, target)
        if source_code is None or target_code is None or target_code == AUTO:
            raise self._failed("language not supported", source, target, level=logging.INFO)
        max_chars = _MAX_CHARS.get(self.name)
        if max_chars is not None and len(text) >= max_chars:
            raise self._failed(f"text longer than {max_chars - 1} characters", source, target,
                               level=logging.INFO)
        if self._pending >= self._max_pending:  # earlier calls hang: fail at once, not after a timeout
            raise self._unreachable("too many requests still pending", source, target)

        def call() -> Any:
            return self._make_client(source_code, target_code).translate(text)

        try:
            result = await asyncio.wait_for(self._in_thread(call), timeout=self._timeout)
        except asyncio.TimeoutError:
            raise self._unreachable(f"no answer within {self._timeout:g} s", source, target) from None
        except OSError as exc:  # requests' ConnectionError and Timeout are OSErrors
            raise self._unreachable(type(exc).__name__, source, target) from None
        except Exception as exc:  # noqa: BLE001 - any provider error means "not translated"
            # Only the type: the exception's message may contain the text.
            raise self._failed(type(exc).__name__, source, target) from None
        self.outages.recovered(f"translator {self.name}")
        if not isinstance(result, str) or not result.strip():
            raise self._failed("empty answer", source, target)
        return Translation(result, source, target, self.name, machine=True)

    def _make_client(self, source_code: str, target_code: str) -> Any:
        cls = getattr(_deep_translator(), _CLASS_NAMES[self.name])
        if self.name == "deepl":
            # Keys of DeepL's free plan end in ":fx" and only work on the free endpoint.
            assert self._api_key is not None
            return cls(source=source_code, target=target_code, api_key=self._api_key,
                       use_free_api=self._api_key.endswith(":fx"))
        if self.name == "libre":
            # The constructor validates codes against its short table and insists on a key, which
            # a self-hosted server does not need. "auto" always passes validation; the real codes
            # go in through the public `source`/`target` setters, and without a key `api_key`
            # is cleared so none is sent.
            client = cls(source=AUTO, target=AUTO, api_key=self._api_key or "unused",
                         use_free_api=False, custom_url=self._base_url)
            client.source = source_code
            client.target = target_code
            if not self._api_key:
                client.api_key = None
            return client
        return cls(source=source_code, target=target_code)

    async def _in_thread(self, call: Callable[[], Any]) -> Any:
        """Run `call` in a daemon thread; the awaiting side may give up (cancel) at any time."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()

        def settle(result: Any, error: BaseException | None) -> None:
            self._pending -= 1
            if future.done():  # the caller timed out or was cancelled
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)

        def work() -> None:
            result: Any = None
            error: BaseException | None = None
            try:
                result = call()
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine
                error = exc
            try:
                loop.call_soon_threadsafe(settle, result, error)
            except RuntimeError:  # the event loop is closed; nobody is waiting any more
                pass

        self._pending += 1
        try:
            threading.Thread(target=work, name=f"translate-{self.name}", daemon=True).start()
        except BaseException:
            self._pending -= 1
            raise
        return await future

    def _unreachable(self, reason: str, source: str, target: str) -> TranslationFailed:
        failure = TranslationFailed(self.name, reason, source=source, target=target, unreachable=True)
        self.outages.failed(f"translator {self.name}", failure, reason=reason)
        return failure

    def _failed(
        self, reason: str, source: str, target: str, *, level: int = logging.WARNING
    ) -> TranslationFailed:
        log.log(level, "translation %s %s->%s failed: %s", self.name, source, target, reason)
        return TranslationFailed(self.name, reason, source=source, target=target)
