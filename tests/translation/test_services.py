"""The translators against local fake DeepL and LibreTranslate servers over real HTTP
(tests/translation/fake_services.py): request format, key, server override, glossary, errors,
time limits, retries and the circuit breaker."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from bot.translation import (
    DeepLProvider,
    LibreTranslateProvider,
    ResilientTranslator,
    TranslationFailed,
    build_translator,
    load_glossary,
)
from tests.translation.fake_services import FakeDeepL, FakeLibreTranslate

SECRET = "Mein Name ist Olena Kovalenko, Aufenthaltstitel Nr. X123"


@pytest.fixture
async def deepl_server() -> AsyncIterator[FakeDeepL]:
    server = FakeDeepL()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def libre_server() -> AsyncIterator[FakeLibreTranslate]:
    server = FakeLibreTranslate()
    await server.start()
    yield server
    await server.stop()


def deepl_translator(server: FakeDeepL, **options: float) -> ResilientTranslator:
    translator = build_translator("deepl", api_key=server.key, base_url=server.url, timeout=options.pop("timeout", 3.0))
    assert isinstance(translator, ResilientTranslator)
    for name, value in options.items():
        setattr(translator, name, value)
    return translator


# --- DeepL ------------------------------------------------------------------------------------


async def test_deepl_translates_through_the_configured_server_with_the_key_in_the_header(
    deepl_server: FakeDeepL,
) -> None:
    translator = deepl_translator(deepl_server)
    result = await translator.translate("Привіт, мені потрібна допомога", source="uk", target="de")
    assert result.text == "[DE] ПРИВІТ, МЕНІ ПОТРІБНА ДОПОМОГА" and result.machine and result.provider == "deepl"
    (request,) = [r for r in deepl_server.requests if r["path"] == "/v2/translate"]
    assert request["text"] == ["Привіт, мені потрібна допомога"]
    assert (request["source_lang"], request["target_lang"]) == ("UK", "DE")
    assert "glossary_id" not in request  # a glossary keeps staff's German office terms only
    assert "lokal-willkommen-bot" in request["user_agent"]


async def test_staffs_german_keeps_the_office_terms_through_the_glossary(deepl_server: FakeDeepL) -> None:
    translator = deepl_translator(deepl_server)
    text = "Bitte bringen Sie den Bescheid vom Jobcenter mit. Die Frist für das Bürgergeld endet am Freitag."
    result = await translator.translate(text, source="de", target="uk")
    assert result.text == (
        "[UK] BITTE BRINGEN SIE DEN Bescheid VOM Jobcenter MIT. DIE Frist FÜR DAS Bürgergeld ENDET AM FREITAG."
    )
    (glossary,) = deepl_server.glossaries.values()
    assert (glossary["source_lang"], glossary["target_lang"]) == ("de", "uk")
    for term in ("Jobcenter", "Bürgergeld", "Familienkasse", "Frist"):
        assert glossary["entries"][term] == term
    # The glossary is made once and then found again, also by a new process (a new provider).
    await translator.translate("Die Familienkasse schreibt Ihnen.", source="de", target="uk")
    again = deepl_translator(deepl_server)
    assert (
        await again.translate("Die Familienkasse schreibt.", source="de", target="uk")
    ).text == "[UK] DIE Familienkasse SCHREIBT."
    assert len(deepl_server.glossaries) == 1
    assert sum(1 for r in deepl_server.requests if r["path"] == "/v2/glossaries" and r["method"] == "POST") == 1


async def test_english_goes_to_british_english_and_the_glossary_list_is_the_data_file(deepl_server: FakeDeepL) -> None:
    translator = deepl_translator(deepl_server)
    await translator.translate("Das Jobcenter", source="de", target="en")
    translate = [r for r in deepl_server.requests if r["path"] == "/v2/translate"][-1]
    assert translate["target_lang"] == "EN-GB"
    assert set(load_glossary()) <= set(next(iter(deepl_server.glossaries.values()))["entries"])


async def test_a_language_deepl_lacks_fails_for_that_text_only(deepl_server: FakeDeepL) -> None:
    translator = deepl_translator(deepl_server)
    for _ in range(8):
        with pytest.raises(TranslationFailed) as failure:
            await translator.translate("سلام", source="fa", target="de")
        assert not failure.value.unreachable
    assert not translator.is_open  # the service works; Persian is simply not among its languages
    assert (await translator.translate("Привіт", source="uk", target="de")).machine


async def test_a_wrong_key_is_an_outage_without_retries(deepl_server: FakeDeepL) -> None:
    translator = build_translator("deepl", api_key="wrong", base_url=deepl_server.url, timeout=3.0)
    with pytest.raises(TranslationFailed, match="AuthorizationException") as failure:
        await translator.translate("Привіт", source="uk", target="de")
    assert failure.value.unreachable and not failure.value.retryable
    assert deepl_server.requests == []  # refused before anything was recorded


async def test_a_passing_server_error_is_retried_with_back_off(deepl_server: FakeDeepL) -> None:
    translator = deepl_translator(deepl_server)
    deepl_server.fail_next(503, times=2)
    result = await translator.translate("Привіт", source="uk", target="de")
    assert result.text == "[DE] ПРИВІТ"
    assert len([r for r in deepl_server.requests if r["path"] == "/v2/translate"]) == 3


async def test_429_is_retried_too(deepl_server: FakeDeepL) -> None:
    translator = deepl_translator(deepl_server)
    deepl_server.fail_next(429)
    assert (await translator.translate("Привіт", source="uk", target="de")).text == "[DE] ПРИВІТ"


async def test_a_server_that_does_not_answer_in_time_fails_within_the_timeout(deepl_server: FakeDeepL) -> None:
    translator = deepl_translator(deepl_server, timeout=0.3)
    deepl_server.delay = 2.0
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(TranslationFailed, match="no answer within") as failure:
        await translator.translate("Привіт", source="uk", target="de")
    assert failure.value.unreachable
    assert loop.time() - started < 1.5  # generous: the call gives up at the timeout, not when the server answers


async def test_after_repeated_failures_the_breaker_answers_at_once_and_closes_when_the_service_is_back(
    deepl_server: FakeDeepL, caplog: pytest.LogCaptureFixture
) -> None:
    translator = deepl_translator(deepl_server, failure_threshold=3, open_seconds=0.5, retries=0)
    deepl_server.fail_next(503, times=3)
    for _ in range(3):
        with pytest.raises(TranslationFailed):
            await translator.translate(SECRET, source="de", target="uk")
    assert translator.is_open
    seen = len(deepl_server.requests)
    with pytest.raises(TranslationFailed, match="circuit open") as failure:
        await translator.translate(SECRET, source="de", target="uk")
    assert failure.value.unreachable
    assert len(deepl_server.requests) == seen  # not asked while the breaker is open
    await asyncio.sleep(0.6)
    result = await translator.translate("Guten Tag", source="de", target="uk")
    assert result.text == "[UK] GUTEN TAG" and not translator.is_open
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.translation.resilience"]
    assert any("relaying originals" in line for line in lines) and any("works again" in line for line in lines)
    assert SECRET not in caplog.text


async def test_a_failed_trial_keeps_the_breaker_open(deepl_server: FakeDeepL) -> None:
    translator = deepl_translator(deepl_server, failure_threshold=1, open_seconds=0.3, retries=0)
    deepl_server.fail_next(500, times=2)
    with pytest.raises(TranslationFailed):
        await translator.translate("a", source="de", target="uk")
    await asyncio.sleep(0.35)
    with pytest.raises(TranslationFailed, match="InternalServer|DeepLException"):
        await translator.translate("a", source="de", target="uk")  # the trial reaches the server and fails
    with pytest.raises(TranslationFailed, match="circuit open"):
        await translator.translate("a", source="de", target="uk")


async def test_deepl_errors_never_carry_the_text(deepl_server: FakeDeepL, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    translator = deepl_translator(deepl_server, retries=0)
    deepl_server.fail_next(400)
    with pytest.raises(TranslationFailed) as failure:
        await translator.translate(SECRET, source="de", target="uk")
    assert SECRET not in str(failure.value) and "Olena" not in caplog.text


def test_repr_hides_the_key() -> None:
    assert "secret-key" not in repr(DeepLProvider("secret-key", glossary=()))


# --- LibreTranslate ---------------------------------------------------------------------------


async def test_libre_translates_on_the_self_hosted_server_without_a_key(libre_server: FakeLibreTranslate) -> None:
    translator = build_translator("libre", base_url=libre_server.url, timeout=3.0)
    result = await translator.translate("Привіт", source="uk", target="fa")  # beyond deep-translator's table
    assert result.text == "[FA] ПРИВІТ" and result.provider == "libre"
    (request,) = libre_server.requests
    assert (request["q"], request["source"], request["target"], request["format"]) == ("Привіт", "uk", "fa", "text")
    assert "api_key" not in request


async def test_libre_sends_the_key_a_server_asks_for(libre_server: FakeLibreTranslate) -> None:
    libre_server.api_key = "libre-key"
    with pytest.raises(TranslationFailed):  # the server wants a key and none is configured
        await build_translator("libre", base_url=libre_server.url, timeout=3.0).translate(
            "Hallo", source="de", target="uk"
        )
    translator = build_translator("libre", api_key="libre-key", base_url=libre_server.url, timeout=3.0)
    assert (await translator.translate("Hallo", source="de", target="uk")).text == "[UK] HALLO"


async def test_libre_refuses_a_language_it_lacks_for_that_text_only(libre_server: FakeLibreTranslate) -> None:
    translator = build_translator("libre", base_url=libre_server.url, timeout=3.0)
    with pytest.raises(TranslationFailed) as failure:
        await translator.translate("Bună ziua", source="ro", target="de")
    assert not failure.value.unreachable


async def test_libre_server_errors_are_retried(libre_server: FakeLibreTranslate) -> None:
    translator = build_translator("libre", base_url=libre_server.url, timeout=3.0)
    libre_server.fail_next(500)
    assert (await translator.translate("Hallo", source="de", target="uk")).text == "[UK] HALLO"
    assert len(libre_server.requests) == 2


async def test_a_stopped_libre_server_opens_the_breaker(libre_server: FakeLibreTranslate) -> None:
    provider = LibreTranslateProvider(libre_server.url, timeout_seconds=2.0)
    translator = ResilientTranslator(provider, budget=2.0, failure_threshold=2, retries=0)
    await libre_server.stop()
    for _ in range(2):
        with pytest.raises(TranslationFailed) as failure:
            await translator.translate("Hallo", source="de", target="uk")
        assert failure.value.unreachable
    assert translator.is_open
