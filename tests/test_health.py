"""bot.health: an outage is logged once and its end once; /healthz's report is cached for a second
and names what failed; which errors mean "the service did not answer"."""

from __future__ import annotations

import asyncio
import logging

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.health import Health, HealthReport, OutageLog, outage_of


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Service:
    """A probe that answers or not, and counts how often it was asked."""

    def __init__(self) -> None:
        self.up = True
        self.asked = 0

    async def __call__(self) -> None:
        self.asked += 1
        if not self.up:
            raise ConnectionRefusedError("refused")


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.health" and r.levelno >= logging.WARNING]


def test_an_outage_is_logged_once_however_many_calls_fail_and_once_when_it_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    outages = OutageLog(clock)
    assert outages.failed("redis", RedisConnectionError("refused")) is True
    for _ in range(50):
        assert outages.failed("redis", RedisConnectionError("refused")) is False
    assert outages.is_down("redis") and not outages.is_down("database")
    clock.now += 42
    assert outages.recovered("redis") is True
    assert outages.recovered("redis") is False
    assert warnings(caplog) == [
        "redis is not reachable (ConnectionError): people get an apology or an answer without it until it is back",
        "redis is reachable again after 42 s",
    ]


async def test_the_report_names_what_failed_and_is_asked_at_most_once_a_second() -> None:
    clock = Clock()
    database, redis = Service(), Service()
    health = Health({"database": database, "redis": redis}, timeout=1, clock=clock)
    report = await health.check()
    assert (report.http_status, report.as_json()) == (200, {"status": "ok", "database": "ok", "redis": "ok"})
    redis.up = False
    await asyncio.gather(*(health.check() for _ in range(10)))
    assert (database.asked, redis.asked) == (1, 1)  # cached: the second has not passed
    clock.now += 1.0
    report = await health.check()
    assert report.http_status == 503 and report.failed == ["redis"]
    assert report.as_json() == {"status": "unavailable", "database": "ok", "redis": "unavailable"}
    await health.close()


async def test_a_service_not_configured_is_named_so_and_is_not_a_failure() -> None:
    health = Health({"database": Service(), "redis": None}, timeout=1)
    report = await health.check()
    assert report.as_json() == {"status": "ok", "database": "ok", "redis": "not configured"}


async def test_a_probe_that_hangs_counts_as_unavailable_after_the_timeout() -> None:
    async def hangs() -> None:
        await asyncio.sleep(3600)

    health = Health({"database": hangs}, timeout=0.05)
    report = await asyncio.wait_for(health.check(), timeout=5)
    assert report.failed == ["database"]
    await health.close()


async def test_a_failure_reported_by_the_bot_is_watched_until_the_service_answers_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    database = Service()
    database.up = False
    health = Health({"database": database}, timeout=1, retry_seconds=0.01)
    health.failed("database", ConnectionRefusedError("refused"))
    health.failed("database", ConnectionRefusedError("refused"))
    assert health.is_down("database")
    await asyncio.sleep(0.05)
    assert health.is_down("database") and database.asked >= 2  # probed again and again, logged once
    database.up = True
    for _ in range(100):
        if not health.is_down("database"):
            break
        await asyncio.sleep(0.01)
    assert not health.is_down("database")
    assert [m.split(" (")[0].split(" after")[0] for m in warnings(caplog)] == [
        "database is not reachable",
        "database is reachable again",
    ]
    assert (await health.check()).healthy
    await health.close()


def test_a_report_is_healthy_only_without_an_unavailable_service() -> None:
    assert HealthReport({"database": "ok", "redis": "not configured"}).healthy
    assert not HealthReport({"database": "unavailable", "redis": "ok"}).healthy


@pytest.mark.parametrize(
    "error, service",
    [
        (RedisConnectionError("Connection refused"), "redis"),
        (ConnectionRefusedError(111, "Connect call failed"), "database"),
        (TimeoutError(), "database"),
        (OperationalError("SELECT 1", {}, Exception("database is locked")), "database"),
        (OperationalError("SELECT 1", {}, Exception("connection was closed in the middle of operation")), "database"),
        (OperationalError("SELECT x", {}, Exception("no such column: x")), None),
        (IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed")), None),
        (ResponseError("WRONGTYPE"), None),
        (ValueError("a bug"), None),
    ],
)
def test_which_errors_mean_a_service_did_not_answer(error: BaseException, service: str | None) -> None:
    assert outage_of(error) == service
