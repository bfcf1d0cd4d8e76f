"""ApologizeOnError: a failed handler becomes one log line and an apology in the person's
language, also after the turn rolled back and its ORM objects expired."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.core.replies import Msg, Reply
from bot.core.turn import Turn
from bot.storage.models import Booking
from bot.telegram.middlewares.errors import ApologizeOnError
from bot.telegram.middlewares.turn import TurnMiddleware
from tests.core.test_turn_state import RecordStore
from tests.services import services_for
from tests.telegram.test_turn_slots import message_from


class RecordingRenderer:
    def __init__(self) -> None:
        self.sent: list[tuple[int, list[Reply], str]] = []

    async def send(self, chat_id: int, replies: list[Reply], lang: str) -> None:
        self.sent.append((chat_id, replies, lang))


async def test_a_query_that_fails_and_rolls_back_the_turn_still_gets_an_apology(
    sessions: Any, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    services = services_for(sessions, clock)
    apologize, turns = ApologizeOnError(services), TurnMiddleware(services)
    seen: dict[str, Any] = {}

    async def handler(_event: Any, data: dict[str, Any]) -> None:
        turn: Turn = data["turn"]
        turn.lang = "uk"
        # a forged button's id beyond the database's integers: the driver refuses it
        await turn.session.scalar(select(Booking).where(Booking.id == int("9" * 55)))

    async def through_the_turn(event: Any, data: dict[str, Any]) -> Any:
        return await turns(handler, event, data)

    async def first_contact(_event: Any, data: dict[str, Any]) -> None:
        seen["person"] = data["turn"].person.id

    # The person exists before the failing turn: the rollback then expires them (a person
    # created in the failing turn would only be expunged).
    await turns(first_contact, message_from(4242), {"state": RecordStore()})
    renderer = RecordingRenderer()
    caplog.set_level(logging.ERROR, logger="bot.telegram.middlewares.errors")
    result = await apologize(through_the_turn, message_from(4242), {"state": RecordStore(), "renderer": renderer})

    assert result is None
    assert [(chat, lang) for chat, _, lang in renderer.sent] == [(4242, "uk")]
    assert renderer.sent[0][1][0].text == Msg("errors.apology")
    (record,) = caplog.records
    assert f"person {seen['person']}" in record.getMessage()
