"""Every topic flow walked through the running bot, in German and in Arabic (right-to-left)."""
from __future__ import annotations

import pytest

from bot.content.flows import FlowLibrary
from bot.core.actions import FlowGo, OpenTopic, pack
from pathlib import Path

from bot.clock import FakeClock
from bot.storage.database import migrate
from tests.e2e.harness import Telegram, buttons, running_bot

LIBRARY = FlowLibrary.load()
NEXT_STEP_LABELS = {
    "de": ("📅", "💬", "📍", "☰", "🕘"),
    "ar": ("📅", "💬", "📍", "☰", "🕘"),
}


@pytest.mark.parametrize("language", ["de", "ar"])
async def test_every_flow_and_step_answers_with_a_way_on(tmp_path: Path, clock: FakeClock, language: str) -> None:
    # Content, not storage, is tested here: SQLite only. Tapping through every step is faster than
    # the inbound flood limit allows a person.
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'flows.sqlite3'}"
    await migrate(db_url)
    async with running_bot(db_url, clock, FLOOD_LIMIT_PER_MINUTE=10_000) as tg:
        await walk_every_flow(tg, language)


async def walk_every_flow(tg: Telegram, language: str) -> None:
    person = tg.person(8000 + (language == "ar"), "Test", language_code=language)
    await person.send("/start")
    menu = (await tg.replies(person))[-1]
    for flow_id, flow in LIBRARY.flows.items():
        await tg.press_data(person, pack(OpenTopic(flow_id)), menu)
        first = (await tg.replies(person))[0]
        assert first.text, flow_id
        for step_id, step in flow.steps.items():
            await tg.press_data(person, pack(FlowGo(flow_id, step_id)), first)
            reply = (await tg.replies(person))[0]
            where = f"{flow_id}.{step_id} ({language})"
            assert reply.text and reply.text.strip(), where
            if language == "ar":
                assert any("\u0600" <= ch <= "\u06ff" for ch in reply.text), where
            labels = buttons(reply)
            assert labels, f"{where}: no buttons, a dead end"
            if step.is_answer:
                assert any(label.startswith(NEXT_STEP_LABELS[language]) for label in labels), (where, labels)


async def test_emergency_is_answered_first_from_any_state(tg: Telegram) -> None:
    person = tg.person(8010, "Test", language_code="de")
    await person.send("/office")  # the bot now waits for a place
    await tg.replies(person)
    await person.send("Hilfe, mein Mann atmet nicht mehr!")
    reply = (await tg.replies(person))[0]
    assert "112" in reply.text and "116117" in reply.text  # the medical answer: 112 first
    assert reply.text.index("112") < reply.text.index("116117")
