"""Forged and outdated button presses through the running bot: whatever callback data arrives,
the press is answered "this button is out of date", no database query sees the forged values, and
nothing fails on the way (no traceback in the log)."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from bot.core.actions import MAX_CALLBACK_BYTES, action_types
from tests.e2e.harness import Telegram
from tests.fakebotapi import FakeUser, StoredMessage

HUGE = "9" * 55
OUTDATED = "nicht mehr aktuell"
PER_PERSON = 8


def with_huge_numbers(prefix: str, fields: int) -> str:
    """The callback data of an action with every value replaced by 55 nines (at most 64 bytes)."""
    data = ":".join([prefix, *[HUGE] * max(fields, 1)])
    return data.encode()[:MAX_CALLBACK_BYTES].decode()


FORGED = [with_huge_numbers(kind.prefix, len(dataclasses.fields(kind))) for kind in action_types()] + [
    f"bkx:{HUGE}:1",
    "bkx:-1:1",
    "bkx:0:1",
    "bkx:2147483648:1",
    "bkx:nan:1",
    "bkr:-9223372036854775809",
    f"bka:{HUGE}",
    "orig:1e309",
    "att:-1:1",
    "bks:ba:nan",
    "bks:ba:-1",
    f"bks:ba:{HUGE}",
    "bkd:2026-02-30",
    "bkd:9999999-01-01",
    "bkdd:-1",
    "lang:" + "x" * 59,
    "hc:2",
    "del:-1",
]


async def started(tg: Telegram, user_id: int) -> tuple[FakeUser, StoredMessage]:
    person = tg.person(user_id, "Lena", language_code="de")
    await person.send("/start")
    return person, (await tg.replies(person))[-1]


def failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_huge_booking_id_is_an_outdated_button(tg: Telegram, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    person, menu = await started(tg, 9601)
    pressed = await tg.press_data(person, f"bkx:{HUGE}:1", menu)
    await tg.settled()
    assert pressed.answered and OUTDATED in (pressed.text or "")
    assert await tg.replies(person) == []  # the short answer on the button says it all
    assert failures(caplog) == []


@pytest.mark.parametrize("forged", [FORGED], ids=["every prefix"])
async def test_forged_values_in_every_button_are_outdated_buttons(
    tg: Telegram, caplog: pytest.LogCaptureFixture, forged: list[str]
) -> None:
    caplog.set_level(logging.INFO)
    presses = []
    for i in range(0, len(forged), PER_PERSON):  # a few each: the flood limit would slow one down
        person, menu = await started(tg, 9610 + i)
        presses += [await tg.press_data(person, data, menu) for data in forged[i : i + PER_PERSON]]
    await tg.settled()
    unanswered = [p.data for p in presses if not p.answered or OUTDATED not in (p.text or "")]
    assert unanswered == []
    assert failures(caplog) == []
    await person.send("/menu")  # and the bot carries on as before
    assert "Wobei kann ich helfen?" in ((await person.wait_reply()).text or "")


async def test_a_real_button_still_works_after_forged_ones(tg: Telegram) -> None:
    person, menu = await started(tg, 9603)
    await tg.press_data(person, f"bkx:{HUGE}:1", menu)
    await tg.settled()
    await person.press("📅 Termin buchen")
    assert await tg.replies(person), "the real button got no answer"


async def test_forged_attendance_buttons_in_the_staff_chat_are_outdated_buttons(
    tg: Telegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    staff = tg.person(9690, "Mira", language_code="de")
    question = await tg.staff_group().send(staff, "Kam Frau K. heute?")
    presses = [
        await tg.press_data(staff, data, question)
        for data in (f"att:{HUGE}:1", "att:-1:0", "att:0:1", "att:2147483648:1", "att:2147483647:1")
    ]
    await tg.settled()
    assert [p.data for p in presses if not p.answered or OUTDATED not in (p.text or "")] == []
    assert failures(caplog) == []
