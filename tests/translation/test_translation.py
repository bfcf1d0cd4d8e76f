"""Translation interface, cache, fake, the LibreTranslate provider's thread and time limit, and the
factory (never over the network; the services themselves: test_services.py)."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from typing import Any

import deep_translator
import pytest
from deep_translator.exceptions import TranslationNotFound

from bot.config import ConfigError, load_settings
from bot.translation import (
    CachedTranslator,
    DeepLProvider,
    FakeTranslator,
    LibreTranslateProvider,
    MemoryTranslationCache,
    NoTranslator,
    ResilientTranslator,
    Translation,
    TranslationFailed,
    Translator,
    build_translator,
    provider_language_code,
    text_hash,
)

SECRET = "Mein Name ist Olena Kovalenko, Aufenthaltstitel Nr. X123"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test loudly instead of hanging."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a test tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


class RecordingClient:
    """Stands in for a deep_translator class: records constructor arguments and texts."""

    instances: list[RecordingClient] = []
    answer: str | None = "Translated"
    error: Exception | None = None

    def __init__(self, source: str = "auto", target: str = "en", **kwargs: Any) -> None:
        self.source = source
        self.target = target
        self.kwargs = kwargs
        self.api_key = kwargs.get("api_key")
        self.texts: list[str] = []
        type(self).instances.append(self)

    def translate(self, text: str, **kwargs: Any) -> Any:
        self.texts.append(text)
        if self.error is not None:
            raise self.error
        return self.answer


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> type[RecordingClient]:
    cls = type("FakeClient", (RecordingClient,), {"instances": []})
    monkeypatch.setattr(deep_translator, "LibreTranslator", cls)
    return cls


# --- FakeTranslator -----------------------------------------------------------------------------


async def test_fake_translator_is_deterministic_and_records_calls() -> None:
    fake = FakeTranslator(known={"Привіт": "Hallo", ("uk", "en", "Привіт"): "Hello"})
    assert isinstance(fake, Translator)
    assert (await fake.translate("Дякую", source="uk", target="de")).text == "[uk→de] Дякую"
    assert (await fake.translate("Привіт", source="uk", target="de")).text == "Hallo"
    assert (await fake.translate("Привіт", source="uk", target="en")).text == "Hello"
    same = await fake.translate("Hallo", source="de", target="de")
    assert same == Translation("Hallo", "de", "de", "fake", machine=False)
    assert [c.text for c in fake.calls] == ["Дякую", "Привіт", "Привіт", "Hallo"]


async def test_fake_translator_fails_when_told() -> None:
    fake = FakeTranslator()
    fake.fail_next(2)
    for _ in range(2):
        with pytest.raises(TranslationFailed):
            await fake.translate("a", source="uk", target="de")
    assert (await fake.translate("a", source="uk", target="de")).machine
    assert len(fake.calls) == 3


async def test_no_translator_always_fails() -> None:
    with pytest.raises(TranslationFailed, match="none"):
        await NoTranslator().translate("Hallo", source="de", target="uk")


# --- cache --------------------------------------------------------------------------------------


async def test_cache_hit_avoids_a_second_call() -> None:
    fake = FakeTranslator()
    translator = CachedTranslator(fake, MemoryTranslationCache())
    first = await translator.translate("Wo ist das Bürgeramt?", source="de", target="ar")
    second = await translator.translate("Wo ist das Bürgeramt?", source="de", target="ar")
    assert first == second == Translation("[de→ar] Wo ist das Bürgeramt?", "de", "ar", "fake", True)
    assert len(fake.calls) == 1
    await translator.translate("Wo ist das Bürgeramt?", source="de", target="fa")
    assert len(fake.calls) == 2  # another target is another entry


async def test_concurrent_requests_for_one_text_share_one_call() -> None:
    fake = FakeTranslator(delay=0.05)
    translator = CachedTranslator(fake, MemoryTranslationCache())
    results = await asyncio.gather(*(translator.translate("Termin", source="de", target="uk") for _ in range(5)))
    assert {r.text for r in results} == {"[de→uk] Termin"}
    assert len(fake.calls) == 1


async def test_failures_are_not_cached() -> None:
    fake = FakeTranslator()
    translator = CachedTranslator(fake, MemoryTranslationCache())
    fake.fail_next()
    with pytest.raises(TranslationFailed):
        await translator.translate("Termin", source="de", target="uk")
    assert (await translator.translate("Termin", source="de", target="uk")).text == "[de→uk] Termin"
    assert len(fake.calls) == 2


async def test_cache_keys_hold_a_hash_never_the_text() -> None:
    cache = MemoryTranslationCache()
    await CachedTranslator(FakeTranslator(), cache).translate(SECRET, source="de", target="uk")
    (key,) = cache._entries.keys()
    assert key == ("fake", "de", "uk", text_hash(SECRET))
    assert all(SECRET not in part for part in key)
    assert len(text_hash(SECRET)) == 64


async def test_memory_cache_is_a_bounded_lru() -> None:
    cache = MemoryTranslationCache(max_entries=2)
    await cache.put("p", "de", "uk", "a", "A")
    await cache.put("p", "de", "uk", "b", "B")
    assert await cache.get("p", "de", "uk", "a") == "A"  # now "b" is the least recently used
    await cache.put("p", "de", "uk", "c", "C")
    assert len(cache) == 2
    assert await cache.get("p", "de", "uk", "b") is None
    assert await cache.get("p", "de", "uk", "a") == "A"
    assert await cache.get("p", "de", "uk", "c") == "C"


class BrokenCache:
    async def get(self, provider: str, source: str, target: str, text: str) -> str | None:
        raise OSError("database is down")

    async def put(self, provider: str, source: str, target: str, text: str, translated: str) -> None:
        raise OSError("database is down")


async def test_a_broken_cache_does_not_stop_translation() -> None:
    translator = CachedTranslator(FakeTranslator(), BrokenCache())
    assert (await translator.translate("Termin", source="de", target="uk")).text == "[de→uk] Termin"


# --- LibreTranslateProvider (the thread, the time limit, the failure rules) ----------------------


def libre() -> LibreTranslateProvider:
    return LibreTranslateProvider("http://libre.local:5000")


async def test_provider_calls_the_library_in_a_thread(
    client: type[RecordingClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen_threads: list[str] = []

    class ThreadRecording(client):
        def translate(self, text: str, **kwargs: Any) -> Any:
            seen_threads.append(threading.current_thread().name)
            return super().translate(text)

    monkeypatch.setattr(deep_translator, "LibreTranslator", ThreadRecording)
    result = await libre().translate("Привіт", source="uk", target="de")
    assert result == Translation("Translated", "uk", "de", "libre", machine=True)
    assert seen_threads == ["translate-libre"]


async def test_libre_uses_the_server_url_and_codes_outside_the_library_table(
    client: type[RecordingClient],
) -> None:
    await libre().translate("Привіт", source="uk", target="fa")
    (instance,) = client.instances
    assert instance.kwargs["custom_url"] == "http://libre.local:5000/"
    assert (instance.source, instance.target) == ("uk", "fa")
    assert instance.api_key is None  # a self-hosted server gets no key


async def test_libre_library_accepts_our_construction_without_network() -> None:
    """The real LibreTranslator accepts the way we build it (constructing sends nothing)."""
    real = LibreTranslateProvider("http://libre.local:5000/").make_client("uk", "fa")
    assert (real.source, real.target, real.api_key) == ("uk", "fa", None)


async def test_same_language_or_blank_text_needs_no_call(client: type[RecordingClient]) -> None:
    provider = libre()
    assert (await provider.translate("Hallo", source="de", target="de")).machine is False
    assert (await provider.translate("  ", source="uk", target="de")).machine is False
    assert client.instances == []


async def test_deepl_cannot_translate_into_auto_detection() -> None:
    assert provider_language_code("deepl", "auto", as_target=True) is None
    assert provider_language_code("deepl", "en", as_target=True) == "EN-GB"
    assert provider_language_code("deepl", "uk") == "UK"
    assert provider_language_code("libre", "fa") == "fa"


async def test_empty_answer_is_a_failure(client: type[RecordingClient]) -> None:
    client.answer = None
    with pytest.raises(TranslationFailed, match="empty"):
        await libre().translate("x", source="de", target="uk")


async def test_timeout_becomes_translation_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    class Hanging(RecordingClient):
        def translate(self, text: str, **kwargs: Any) -> Any:
            release.wait(5)  # like requests without a timeout on a stalled connection
            return "too late"

    monkeypatch.setattr(deep_translator, "LibreTranslator", Hanging)
    provider = LibreTranslateProvider("http://libre.local:5000", timeout_seconds=0.05, max_pending=1)
    try:
        with pytest.raises(TranslationFailed, match="no answer within"):
            await provider.translate("Hallo", source="de", target="uk")
        # The abandoned thread still counts: a hanging provider cannot pile up threads.
        with pytest.raises(TranslationFailed, match="pending"):
            await provider.translate("Hallo", source="de", target="uk")
    finally:
        release.set()
    for _ in range(100):  # the thread finishes and frees its slot
        if provider._pending == 0:
            break
        await asyncio.sleep(0.01)
    assert provider._pending == 0


class LeakyError(Exception):
    """Like deep_translator's exceptions, which put the text into their message."""


async def test_provider_errors_never_leak_the_text(
    client: type[RecordingClient], caplog: pytest.LogCaptureFixture
) -> None:
    client.error = LeakyError(f"{SECRET} --> No translation was found")
    caplog.set_level(logging.DEBUG)
    with pytest.raises(TranslationFailed) as info:
        await libre().translate(SECRET, source="de", target="uk")
    failure = info.value
    assert "LeakyError" in str(failure)
    assert SECRET not in str(failure) and SECRET not in repr(failure)
    assert failure.__cause__ is None and failure.__suppress_context__
    # Even a handler that logs with the traceback prints nothing of the text.
    logging.getLogger("test").exception("translation failed", exc_info=failure)
    assert caplog.records
    assert SECRET not in caplog.text
    assert "Olena" not in caplog.text


async def test_deep_translator_exceptions_that_embed_the_text_are_converted(
    client: type[RecordingClient], caplog: pytest.LogCaptureFixture
) -> None:
    """deep_translator's TranslationNotFound(text) carries the text in its message."""
    client.error = TranslationNotFound(SECRET)
    assert SECRET in str(client.error)
    with pytest.raises(TranslationFailed, match="TranslationNotFound") as info:
        await libre().translate(SECRET, source="de", target="uk")
    assert SECRET not in str(info.value)
    assert SECRET not in caplog.text


# --- factory ------------------------------------------------------------------------------------


def test_factory_builds_each_translator() -> None:
    assert isinstance(build_translator("none", api_key=None, base_url=None, timeout=5), NoTranslator)
    assert isinstance(build_translator("", api_key=None, base_url=None, timeout=5), NoTranslator)
    deepl = build_translator("DeepL ", api_key="k", base_url=None, timeout=3)
    assert isinstance(deepl, ResilientTranslator) and isinstance(deepl.inner, DeepLProvider)
    assert deepl.name == "deepl" and isinstance(deepl, Translator)
    assert build_translator("libre", api_key=None, base_url="http://libre:5000", timeout=3).name == "libre"


def test_factory_and_settings_refuse_the_keyless_web_services_with_a_reason() -> None:
    for name in ("google", "mymemory", "GOOGLE "):
        with pytest.raises(ValueError, match="TRANSLATOR: .*public web pages without a key.*deepl.*libre"):
            build_translator(name, api_key=None, base_url=None, timeout=3)
        with pytest.raises(ConfigError, match="TRANSLATOR: .*public web pages"):
            load_settings(TRANSLATOR=name)


def test_factory_errors_name_the_variable() -> None:
    with pytest.raises(ValueError, match="TRANSLATOR_API_KEY"):
        build_translator("deepl", api_key=None, base_url=None, timeout=5)
    with pytest.raises(ValueError, match="TRANSLATOR_URL"):
        build_translator("libre", api_key=None, base_url=None, timeout=5)
    with pytest.raises(ValueError, match="TRANSLATOR_URL"):
        build_translator("libre", api_key=None, base_url="libre:5000", timeout=5)
    with pytest.raises(ValueError, match="TRANSLATOR: unknown"):
        build_translator("babelfish", api_key=None, base_url=None, timeout=5)
    with pytest.raises(ValueError, match="timeout"):
        build_translator("libre", api_key=None, base_url="http://libre:5000", timeout=0)


def test_http_debug_logs_that_would_show_the_text_are_silenced() -> None:
    logging.getLogger("urllib3.connectionpool").setLevel(logging.DEBUG)
    try:
        libre()
        assert not logging.getLogger("urllib3.connectionpool").isEnabledFor(logging.DEBUG)
    finally:
        logging.getLogger("urllib3.connectionpool").setLevel(logging.NOTSET)


async def test_an_unreachable_provider_is_logged_once_per_outage_and_once_when_back(
    client: type[RecordingClient], caplog: pytest.LogCaptureFixture
) -> None:
    import requests

    provider = libre()
    client.error = requests.exceptions.ConnectionError("refused")
    for _ in range(5):
        with pytest.raises(TranslationFailed) as failure:
            await provider.translate(SECRET, source="uk", target="de")
        assert failure.value.unreachable and failure.value.retryable
    client.error = None
    assert (await provider.translate(SECRET, source="uk", target="de")).text == "Translated"
    client.error = ValueError("a bad answer, not an outage")
    with pytest.raises(TranslationFailed) as failure:
        await provider.translate(SECRET, source="uk", target="de")
    assert not failure.value.unreachable
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert [line.split(" (")[0].split(" after")[0] for line in lines if "reach" in line] == [
        "translator libre is not reachable",
        "translator libre is reachable again",
    ]
    assert all(SECRET not in line for line in lines)
