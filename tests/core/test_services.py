"""Services: the understanding model loads in the background; a failed load is logged and the
next question tries again."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.core import services as services_module
from tests.services import services_for


async def test_a_failed_background_load_is_logged_and_the_next_question_retries(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, clock: FakeClock
) -> None:
    loaded = object()
    attempts: list[str] = []

    def flaky_loader() -> Any:
        attempts.append("load")
        if len(attempts) == 1:
            raise OSError("model file unreadable")
        return loaded

    monkeypatch.setattr(services_module, "_shared_understander", flaky_loader)
    services = services_for(None, clock)
    with caplog.at_level(logging.ERROR, logger="bot.core.services"):
        await services.warm_up_in_background()  # the task itself does not fail
    assert "the understanding model did not load" in caplog.text
    assert await services.understander() is loaded
    assert attempts == ["load", "load"]
