"""LOG_FORMAT=json: one JSON object per line (time, level, logger, message, person_id where known),
and still no names or message texts in the log."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.log_format import JsonLines
from bot.storage.models import Person
from tests.e2e.harness import Telegram
from tests.e2e.test_handoff import connect, has, only_topic
from tests.fakebotapi import FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
NAME = "Olena Kowalenko"
SECRET_TEXT = "Mein Vermieter in der Schützenstraße 12 droht mir"


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def records(stream: io.StringIO) -> list[dict[str, object]]:
    lines = stream.getvalue().splitlines()
    assert lines
    return [json.loads(line) for line in lines]  # every line one object


async def test_a_conversation_with_staff_is_logged_as_json_with_the_person_id_and_without_texts(
    tg: Telegram, json_log: io.StringIO
) -> None:
    olena = tg.person(5201, NAME, language_code="de")
    await connect(tg, olena)
    await olena.send(SECRET_TEXT)
    staff = tg.staff_group()
    await staff.wait_message(has("Vermieter"), thread_id=only_topic(tg).thread_id)
    await tg.settled()
    logged = records(json_log)
    assert all({"time", "level", "logger", "message"} <= entry.keys() for entry in logged)
    async with tg.services.sessions() as session:
        person_id = (await session.scalars(select(Person.id).where(Person.external_id == "5201"))).one()
    relayed = [e for e in logged if "relayed to staff" in str(e["message"])]
    assert relayed and all(e["person_id"] == person_id for e in relayed)
    assert any(str(e["logger"]).startswith("bot.handoff") and e["level"] == "INFO" for e in logged)
    text = json_log.getvalue()
    assert "Olena" not in text and "Kowalenko" not in text and "Vermieter" not in text and "Schützen" not in text


async def test_python_m_bot_run_writes_one_json_object_per_line(tmp_path: Path) -> None:
    async with FakeBotAPI() as server:
        env = {
            k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "STAFF_CHAT_ID", "TRANSLATOR", "REDIS_URL")
        }
        env.update(
            {
                "BOT_TOKEN": server.token,
                "TELEGRAM_API_URL": server.base_url,
                "HEALTH_PORT": "0",
                "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
                "LOG_FORMAT": "json",
                "LOG_LEVEL": "INFO",
            }
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            person = server.user(5202, NAME, language_code="de")
            await server.wait_for(lambda r: r.method == "getUpdates", timeout=60)
            await person.send("/start")
            await person.wait_reply(timeout=60)
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    lines = stderr.decode().splitlines()
    assert process.returncode == 0, lines[-20:]
    entries = [json.loads(line) for line in lines]
    assert any(e["logger"] == "aiogram.dispatcher" for e in entries)
    assert all(isinstance(e["time"], str) and e["level"] in ("INFO", "WARNING", "ERROR") for e in entries)
    assert "Olena" not in stderr.decode()
