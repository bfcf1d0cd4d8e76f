"""Messages that once crashed or stalled the bot, sent to the running bot: it answers and stays up.

The understanding model runs in its own process (bot/understanding/model_process.py); these tests
talk to the real one."""

from __future__ import annotations

import asyncio
import os
import signal
import time

from tests.e2e.harness import Telegram
from tests.understanding.test_native_fuzz import crash_inputs


async def test_every_known_crash_input_is_answered_and_the_bot_stays_up(tg: Telegram) -> None:
    model = (await tg.services.understander()).model
    restarts = model.restarts
    nadia = tg.person(2201, "Nadia", language_code="ar")
    for text in crash_inputs():
        await nadia.send(text)
        assert await tg.replies(nadia), "no answer"
    await nadia.send("متى يفتح المكتب في هورده؟")
    answer = (await tg.replies(nadia))[0].text
    assert "هورده" in answer or "Hörde" in answer
    assert model.restarts == restarts  # the guard held: the model process never died


async def test_a_dead_model_process_costs_a_not_sure_not_the_bot(tg: Telegram) -> None:
    model = (await tg.services.understander()).model
    anna = tg.person(2202, "Anna", language_code="de")
    assert model.pid is not None
    os.kill(model.pid, signal.SIGKILL)
    await anna.send("Wann hat das Büro in Hörde offen?")
    first = (await tg.replies(anna))[0].text
    # Either the new process was already up, or the question was "not sure": never silence.
    assert "Hörde" in first or "nicht sicher" in first or "nicht verstanden" in first
    deadline = time.monotonic() + 60
    while True:
        await anna.send("Wann hat das Büro in Hörde offen?")
        if "Hörde" in (await tg.replies(anna))[0].text:
            break
        assert time.monotonic() < deadline, "the model process did not come back"
        await asyncio.sleep(0.2)


async def test_long_messages_from_one_person_do_not_hold_up_anothers_question(tg: Telegram) -> None:
    flooder = tg.person(2203, "Flood", language_code="de")
    mariam = tg.person(2204, "Mariam", language_code="de")
    # Loaded and warmed up (the first question of a process reads places and data files):
    # this is about fairness, not start-up.
    await tg.services.understander()
    await mariam.send("Wann hat das Büro in Hörde offen?")
    await tg.replies(mariam)
    for filler in ("ب", "ü", "\ufdfa", "a", "😀"):
        await flooder.send(filler * 4096 if len(filler.encode()) < 4 else filler * 1024)
    started = time.monotonic()
    await mariam.send("Wann hat das Büro in Hörde offen?")
    reply = await mariam.wait_reply(timeout=5.0)
    waited = time.monotonic() - started
    assert "Hörde" in reply.text
    assert waited < 1.0, f"Mariam waited {waited:.2f} s behind the long messages"
    await tg.replies(flooder)
