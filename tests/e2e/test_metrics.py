"""GET /metrics on the health server: Prometheus' text format, names prefixed lw_, and the counts
move when a person writes, a Bot API call fails, and a conversation with staff opens."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.telegram.health_server import start_health_server
from tests.e2e.harness import Telegram
from tests.e2e.test_webhook import free_port


@pytest.fixture
async def metrics_url(tg: Telegram) -> AsyncIterator[str]:
    assert tg.app is not None
    port = free_port()
    runner = await start_health_server(tg.app.health, "127.0.0.1", port, tg.app.metrics)
    assert runner is not None
    tg.app.metrics.refresh_seconds = 0.0  # every scrape reads the database in this test
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def exposition(url: str) -> str:
    async with aiohttp.ClientSession() as http:
        async with http.get(url + "/metrics") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain; version=")
            return await response.text()


async def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = await exposition(url)
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_a_person_writing_is_counted_and_timed_to_the_first_reply(tg: Telegram, metrics_url: str) -> None:
    before = await scrape(metrics_url)
    olena = tg.person(5101, "Olena", language_code="de")
    await olena.send("/start")
    await olena.wait_reply()
    await tg.settled()
    after = await scrape(metrics_url)
    assert value(after, "lw_updates_total", kind="command") == value(before, "lw_updates_total", kind="command") + 1
    assert value(after, "lw_update_seconds_count") == value(before, "lw_update_seconds_count") + 1
    assert value(after, "lw_update_seconds_sum") > value(before, "lw_update_seconds_sum")
    families = {(family.name, family.type) for family in text_string_to_metric_families(await exposition(metrics_url))}
    assert {
        ("lw_updates", "counter"),
        ("lw_update_seconds", "histogram"),
        ("lw_bot_api_errors", "counter"),
        ("lw_bookings", "counter"),
        ("lw_reminders", "counter"),
        ("lw_handoffs_open", "gauge"),
        ("lw_understanding_seconds", "histogram"),
        ("lw_translation_requests", "counter"),
    } <= families


async def test_no_personal_data_reaches_a_label(tg: Telegram, metrics_url: str) -> None:
    olena = tg.person(5102, "Olena Kowalenko", language_code="de")
    await olena.send("/start")
    await olena.wait_reply()
    await olena.send("Ich heiße Olena und suche eine Wohnung")
    await olena.wait_reply(timeout=20)
    await tg.settled()
    samples = await scrape(metrics_url)
    label_values = {v for _name, labels in samples for _key, v in labels}
    assert not any("Olena" in v or "5102" in v or "Wohnung" in v for v in label_values)
    assert value(samples, "lw_updates_total", kind="text") >= 1
    assert value(samples, "lw_understanding_seconds_count") >= 1


async def test_a_failed_bot_api_call_is_counted_by_method_and_code(tg: Telegram, metrics_url: str) -> None:
    before = await scrape(metrics_url)
    person = tg.person(5103, "Ahmad", language_code="de")
    tg.server.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
    await person.send("/help")
    await tg.settled()
    after = await scrape(metrics_url)
    assert (
        value(after, "lw_bot_api_errors_total", method="sendMessage", code="403")
        == value(before, "lw_bot_api_errors_total", method="sendMessage", code="403") + 1
    )


async def test_open_conversations_with_staff_are_counted_from_the_database(tg: Telegram, metrics_url: str) -> None:
    from tests.e2e.test_handoff import connect

    olena = tg.person(5104, "Olena", language_code="de")
    before = value(await scrape(metrics_url), "lw_handoffs_open")
    await connect(tg, olena)
    await tg.settled()
    assert value(await scrape(metrics_url), "lw_handoffs_open") == before + 1
