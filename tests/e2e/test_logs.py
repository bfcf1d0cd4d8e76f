"""Personal data stays out of the logs: names and what people write never appear; ids are pseudonymous."""

from __future__ import annotations

import logging

import pytest

from tests.e2e.harness import Telegram


async def test_names_and_messages_never_reach_the_logs(tg: Telegram, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    caplog.set_level(logging.INFO)
    person = tg.person(9301, "Zarifa-Uniquename", language_code="de")
    secret = "Meine Adresse ist Geheimweg 17 und ich habe Schulden"
    await person.send("/start")
    await person.send(secret)
    await person.send("/human")
    await tg.replies(person)
    await person.press("✅ Ja, verbinden")
    await tg.replies(person)
    await person.send(secret + " bitte helfen")
    await tg.settled()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged, "the bot logged nothing at all; this test would prove nothing"
    assert "Zarifa-Uniquename" not in logged
    assert "Geheimweg" not in logged and "Schulden" not in logged
    assert tg.settings.bot_token not in logged
