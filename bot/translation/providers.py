"""The translation services fit for casework texts, each behind our `Translator` interface:

- `DeepLProvider` (TRANSLATOR=deepl): DeepL's API through DeepL's official `deepl` client, with
  TRANSLATOR_API_KEY (sent in the Authorization header), TRANSLATOR_URL to use another server
  (DeepL's free endpoint is chosen by the key itself), and a glossary per target language that
  keeps office terms (Jobcenter, Bürgergeld, Familienkasse, Frist, ...) as they are when staff's
  German is translated (data/glossary.yaml).
- `LibreTranslateProvider` (TRANSLATOR=libre): a self-hosted LibreTranslate server
  (TRANSLATOR_URL, optional TRANSLATOR_API_KEY) through deep-translator.

Services that translate through public web pages without a key (Google's and MyMemory's web
endpoints) are not offered: what a person writes to staff must not go there.

Both clients are synchronous (`requests`), so each call runs in its own daemon thread that we stop
waiting for after `timeout_seconds`; an abandoned thread cannot keep the process from exiting, and
`max_pending` bounds how many may pile up while a service hangs. Retries and the circuit breaker
are bot.translation.resilience's.

Every failure becomes `TranslationFailed` naming only the provider, the language pair and the
exception *type*: the libraries' own exceptions may embed the text, and texts are personal data.
A service that does not answer is an outage: logged once when it starts and once when it ends.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, Final, Literal

from bot.content.yaml_files import read_yaml
from bot.health import OutageLog
from bot.translation.base import AUTO, Translation, TranslationFailed

log = logging.getLogger(__name__)

ProviderName = Literal["deepl", "libre"]
PROVIDERS: Final[tuple[ProviderName, ...]] = ("deepl", "libre")
# Named in TRANSLATOR's error message: they were offered once and are refused now.
WITHDRAWN: Final[tuple[str, ...]] = ("google", "mymemory")
GLOSSARY_FILE = Path(__file__).resolve().parents[2] / "data" / "glossary.yaml"

# DeepL wants a regional variant for a few target languages.
_DEEPL_TARGETS: Final[dict[str, str]] = {"en": "EN-GB", "pt": "PT-PT", "zh": "ZH-HANS"}


class NoTranslator:
    """TRANSLATOR=none: every call fails at once, so callers take their no-translation path."""

    name = "none"

    async def translate(self, text: str, *, source: str, target: str) -> Translation:
        raise TranslationFailed(self.name, "no translator configured", source=source, target=target)


def provider_language_code(provider: str, language: str, *, as_target: bool = False) -> str | None:
    """Our ISO 639-1 code -> the provider's code. The server is the authority on which languages
    it has (a LibreTranslate server's models, DeepL's growing list): it answers 400 for one it
    lacks, which becomes a TranslationFailed like any other refusal."""
    if provider == "deepl":
        if language == AUTO:
            return None if as_target else AUTO
        return _DEEPL_TARGETS.get(language, language.upper()) if as_target else language.upper()
    if provider == "libre":
        return language
    raise ValueError(f"unknown provider {provider!r}")


def load_glossary(path: Path = GLOSSARY_FILE) -> tuple[str, ...]:
    """The office terms kept as they are (data/glossary.yaml: `keep: [Jobcenter, ...]`)."""
    data = read_yaml(path) or {}
    terms = data.get("keep") or []
    if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
        raise ValueError(f"{path.name}: 'keep' is a list of terms")
    return tuple(dict.fromkeys(t.strip() for t in terms))


def _quiet_http_debug_logs() -> None:
    """urllib3 and the deepl client log request URLs and bodies at DEBUG: with LOG_LEVEL=DEBUG
    every translated message would end up in the log."""
    for name in ("urllib3.connectionpool", "requests", "deepl"):
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.INFO:
            logger.setLevel(logging.INFO)


class ThreadedProvider:
    """What both providers share: the thread per call, the time limit, the failure rules."""

    name: str = "provider"

    def __init__(self, *, timeout_seconds: float = 5.0, max_pending: int = 8) -> None:
        if timeout_seconds <= 0:
            raise ValueError("timeout_seconds must be positive")
        self._timeout = timeout_seconds
        self._max_pending = max_pending
        self._pending = 0  # threads still running, including ones we stopped waiting for
        self.outages = OutageLog()
        _quiet_http_debug_logs()

    def __repr__(self) -> str:  # never show the key
        return f"{type(self).__name__}(timeout_seconds={self._timeout})"

    def _call(self, text: str, source: str, target: str) -> str:
        """The blocking call to the service (runs in a thread); raises on failure."""
        raise NotImplementedError

    def _classify(self, error: BaseException) -> tuple[bool, bool]:
        """(unreachable, retryable) for a failed call: an outage and worth another try, or this text's problem."""
        return isinstance(error, OSError), isinstance(error, OSError)

    async def translate(self, text: str, *, source: str, target: str) -> Translation:
        if source == target or not text.strip():
            return Translation(text, source, target, self.name, machine=False)
        if provider_language_code(self.name, target, as_target=True) is None:
            raise self._failed("language not supported", source, target, level=logging.INFO)
        if self._pending >= self._max_pending:  # earlier calls hang: fail at once, not after a timeout
            raise self._unreachable("too many requests still pending", source, target, retryable=False)
        try:
            result = await asyncio.wait_for(
                self._in_thread(lambda: self._call(text, source, target)), timeout=self._timeout
            )
        except TimeoutError:
            raise self._unreachable(f"no answer within {self._timeout:g} s", source, target, retryable=False) from None
        except Exception as exc:  # noqa: BLE001 - any provider error means "not translated"
            unreachable, retryable = self._classify(exc)
            # Only the type: the exception's message may contain the text.
            if unreachable:
                raise self._unreachable(type(exc).__name__, source, target, retryable=retryable) from None
            raise self._failed(type(exc).__name__, source, target) from None
        self.outages.recovered(f"translator {self.name}")
        if not isinstance(result, str) or not result.strip():
            raise self._failed("empty answer", source, target)
        return Translation(result, source, target, self.name, machine=True)

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

    def _unreachable(self, reason: str, source: str, target: str, *, retryable: bool) -> TranslationFailed:
        failure = TranslationFailed(
            self.name, reason, source=source, target=target, unreachable=True, retryable=retryable
        )
        self.outages.failed(f"translator {self.name}", failure, reason=reason)
        return failure

    def _failed(self, reason: str, source: str, target: str, *, level: int = logging.WARNING) -> TranslationFailed:
        log.log(level, "translation %s %s->%s failed: %s", self.name, source, target, reason)
        return TranslationFailed(self.name, reason, source=source, target=target)


# --- DeepL -------------------------------------------------------------------------------------


def _deepl() -> ModuleType:
    """The `deepl` client, imported on first use (it brings requests along), configured once:
    no retries of its own (bot.translation.resilience retries within TRANSLATOR_TIMEOUT) and a
    connection time limit no longer than ours. Both are the client's documented module settings."""
    import deepl

    deepl.http_client.max_network_retries = 0
    return deepl


class DeepLProvider(ThreadedProvider):
    name = "deepl"

    def __init__(
        self,
        api_key: str,
        *,
        server_url: str | None = None,
        timeout_seconds: float = 5.0,
        max_pending: int = 8,
        glossary: tuple[str, ...] | None = None,
        app_name: str = "lokal-willkommen-bot",
    ) -> None:
        if not api_key:
            raise ValueError("DeepL needs an API key")
        super().__init__(timeout_seconds=timeout_seconds, max_pending=max_pending)
        self.terms = load_glossary() if glossary is None else glossary
        deepl = _deepl()
        deepl.http_client.min_connection_timeout = timeout_seconds
        # No platform details in the User-Agent: the service learns what it needs, the key.
        self._client = deepl.Translator(
            api_key, server_url=server_url.rstrip("/") + "/" if server_url else None, send_platform_info=False
        ).set_app_info(app_name, "1")
        self._glossaries: dict[str, str | None] = {}  # target language -> glossary id (None: none there)
        self._glossary_lock = threading.Lock()

    def glossary_name(self, target: str) -> str:
        """Names a glossary by its content: a changed term list makes a new glossary."""
        digest = hashlib.sha256("\n".join(self.terms).encode()).hexdigest()[:10]
        return f"lokal-willkommen de-{target} {digest}"

    def _glossary_for(self, target: str) -> str | None:
        """The id of the glossary for German -> `target`: found on the server by its name, or made
        once. A language pair DeepL has no glossaries for is remembered and translated without."""
        with self._glossary_lock:
            if target in self._glossaries:
                return self._glossaries[target]
            deepl = _deepl()
            name = self.glossary_name(target)
            glossary_id: str | None = None
            try:
                existing = [g for g in self._client.list_glossaries() if g.name == name and g.ready]
                if existing:
                    glossary_id = existing[0].glossary_id
                else:
                    entries = {term: term for term in self.terms}
                    glossary_id = self._client.create_glossary(name, "DE", target.upper(), entries).glossary_id
            except deepl.DeepLException as exc:
                if exc.http_status_code is None or exc.http_status_code >= 500 or exc.http_status_code == 429:
                    raise  # an outage: try again with the next text
                log.info("deepl: no glossary for de->%s (%s); translating without", target, type(exc).__name__)
            self._glossaries[target] = glossary_id
            return glossary_id

    def _call(self, text: str, source: str, target: str) -> str:
        glossary = self._glossary_for(target) if source == "de" and self.terms else None
        result = self._client.translate_text(
            text,
            source_lang=provider_language_code("deepl", source),
            target_lang=provider_language_code("deepl", target, as_target=True),
            glossary=glossary,
        )
        return str(result.text)

    def _classify(self, error: BaseException) -> tuple[bool, bool]:
        deepl = _deepl()
        if isinstance(error, (deepl.ConnectionException, deepl.TooManyRequestsException, OSError)):
            return True, True
        if isinstance(error, (deepl.AuthorizationException, deepl.QuotaExceededException)):
            return True, False  # the service refuses every text until someone acts
        if isinstance(error, deepl.DeepLException):
            code = error.http_status_code
            return code is None or code >= 500, code is None or code >= 500
        return False, False


# --- LibreTranslate ---------------------------------------------------------------------------


def _deep_translator() -> ModuleType:
    """`deep_translator`, imported on first use: it brings requests and BeautifulSoup along (~0.3 s
    and ~6 MB at every start, bench/README.md), which a bot with TRANSLATOR=none never needs."""
    import deep_translator

    module: ModuleType = deep_translator
    return module


# deep_translator's ServerException messages for 429, 500, 503 and any other 5xx.
_LIBRE_SERVER_SIDE: Final = frozenset(
    {"ERR_TOO_MANY_REQUESTS", "ERR_INTERNAL_SERVER_ERROR", "ERR_SERVICE_NOT_AVAIBLE", "API server error"}
)


class LibreTranslateProvider(ThreadedProvider):
    name = "libre"

    def __init__(
        self, base_url: str | None, api_key: str | None = None, *, timeout_seconds: float = 5.0, max_pending: int = 8
    ) -> None:
        if not (api_key or base_url):
            raise ValueError("LibreTranslate needs a server URL or an API key for libretranslate.com")
        super().__init__(timeout_seconds=timeout_seconds, max_pending=max_pending)
        self._api_key = api_key
        # deep_translator appends "translate" to the base URL without a slash.
        self._base_url = base_url.rstrip("/") + "/" if base_url else None

    def make_client(self, source: str, target: str) -> Any:
        """deep_translator's LibreTranslator for one language pair. Its constructor checks codes
        against a short table of its own and insists on a key, which a self-hosted server does not
        need: "auto" always passes, the real codes go in through the public setters, and without a
        key `api_key` is cleared so that none is sent."""
        cls = _deep_translator().LibreTranslator
        client = cls(
            source=AUTO, target=AUTO, api_key=self._api_key or "unused", use_free_api=False, custom_url=self._base_url
        )
        client.source = source
        client.target = target
        if not self._api_key:
            client.api_key = None
        return client

    def _call(self, text: str, source: str, target: str) -> str:
        translated: str = self.make_client(source, target).translate(text)
        return translated

    def _classify(self, error: BaseException) -> tuple[bool, bool]:
        exceptions = _deep_translator().exceptions
        if isinstance(error, OSError):  # requests' ConnectionError and Timeout
            return True, True
        if isinstance(error, exceptions.AuthorizationException):
            return True, False
        if isinstance(error, exceptions.ServerException):
            # deep_translator keeps only a word for the status (never text of ours) in the message.
            server_side = str(error) in _LIBRE_SERVER_SIDE
            return server_side, server_side
        return False, False


def build_provider(
    name: str, *, api_key: str | None, base_url: str | None, timeout: float, glossary: tuple[str, ...] | None = None
) -> ThreadedProvider:
    if name == "deepl":
        assert api_key is not None
        return DeepLProvider(api_key, server_url=base_url, timeout_seconds=timeout, glossary=glossary)
    if name == "libre":
        return LibreTranslateProvider(base_url, api_key, timeout_seconds=timeout)
    raise ValueError(f"unknown provider {name!r}; use one of {', '.join(PROVIDERS)}")


__all__ = [
    "DeepLProvider",
    "LibreTranslateProvider",
    "NoTranslator",
    "PROVIDERS",
    "ThreadedProvider",
    "WITHDRAWN",
    "build_provider",
    "load_glossary",
    "provider_language_code",
]
