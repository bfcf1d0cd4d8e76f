"""Plays a conversation script through the running bot and the fake Bot API (tests/e2e/harness.py).

Each turn is done as a person does it (typing, pressing a button by its visible text, sharing a
location); everything the bot sent or edited in answer is what the person saw. A script reaches its
goal when no turn is a dead end and every expectation holds; the outcome names the first that does not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.booking.slots import to_minutes
from bot.clock import FakeClock
from bot.places.calendar import TZ
from bot.storage.database import migrate
from tests.conversations.checks import (
    Seen,
    dead_end,
    normalize,
    seen_from_message,
    shows,
    unmet,
)
from tests.conversations.script_format import Booking, Script, Turn
from tests.e2e.harness import Telegram, running_bot
from tests.fakebotapi import FakeUser, StoredMessage

# The test clock of tests/conftest.py: Monday 23 November 2026, 10:00 in Dortmund.
START = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
SCRIPTS_DIR = Path(__file__).parent / "scripts"
HELDOUT = Path(__file__).resolve().parents[2] / "bench" / "data" / "conversations_heldout.yaml"


class TurnFailed(Exception):
    pass


@dataclass
class Outcome:
    script: Script
    passed: bool
    turn: int | None = None  # 1-based number of the first turn that failed
    problem: str | None = None
    transcript: list[str] = field(default_factory=list)

    def explain(self) -> str:
        if self.passed:
            return f"{self.script.id}: reached its goal"
        assert self.turn is not None
        action = self.script.turns[self.turn - 1].describe()
        return f"{self.script.id}: turn {self.turn} ({action}): {self.problem}"


async def _answer(tg: Telegram, person: FakeUser) -> list[StoredMessage]:
    """Everything the bot sent or edited for this person since their last action."""
    await tg.settled()
    found: list[StoredMessage] = []
    while True:
        try:
            found.append(await person.wait_reply(timeout=0.01, include_edits=True))
        except TimeoutError:
            return found


def _find_button(person: FakeUser, wanted: str) -> tuple[StoredMessage, dict[str, Any]] | None:
    """The button a person means: the exact text or callback data, else a button whose text
    contains it; newest messages first."""
    key = normalize(wanted)
    messages = [m for m in reversed(person.replies) if m.from_bot and not m.deleted]
    for exact in (True, False):
        for message in messages:
            for button in message.buttons:
                text = normalize(button.get("text", ""))
                if (text == key or button.get("callback_data") == wanted) if exact else key in text:
                    return message, button
    return None


def _keyboard_button(person: FakeUser, wanted: str) -> str | None:
    """A reply-keyboard button (pressing it sends its text)."""
    for message in reversed(person.replies):
        keyboard = (message.reply_markup or {}).get("keyboard")
        if keyboard:
            for row in keyboard:
                for button in row:
                    text = button if isinstance(button, str) else button.get("text", "")
                    if normalize(wanted) in normalize(text):
                        return text
            return None
    return None


async def _press(tg: Telegram, person: FakeUser, wanted: str) -> None:
    found = _find_button(person, wanted)
    if found is not None:
        message, button = found
        if "callback_data" not in button:
            raise TurnFailed(f"button {button.get('text')!r} is not a callback button")
        await person.press(button["callback_data"], message)
        return
    typed = _keyboard_button(person, wanted)
    if typed is not None:
        await person.send(typed)
        return
    shown = [b for m in person.replies[-3:] for b in m.button_texts]
    raise TurnFailed(f"no button {wanted!r} to press; the last buttons were {shown}")


def _data_in(answer: list[StoredMessage]) -> list[tuple[StoredMessage, str]]:
    return [(m, b["callback_data"]) for m in answer for b in m.buttons if "callback_data" in b]


async def _book(tg: Telegram, person: FakeUser, booking: Booking) -> None:
    """Makes an appointment through the booking buttons, whatever order the steps come in."""
    hour, minute = (int(part) for part in booking.time.split(":"))
    slot = to_minutes(datetime.combine(booking.day, datetime.min.time(), tzinfo=TZ).replace(hour=hour, minute=minute))
    wanted = {
        "bko": f"bko:{booking.office}",
        "bkd": f"bkd:{booking.day.isoformat()}",
        "bks": f"bks:{booking.office}:{slot}",
        "bki": "bki:no",
        "bkn": "bkn",
        "bkc": "bkc:1",
    }
    await person.send("/book")
    for _ in range(12):
        answer = await _answer(tg, person)
        seen = [seen_from_message(m) for m in answer]
        if any(shows(s, "booked") for s in seen):
            return
        offered = _data_in(answer)
        step = None
        for message, data in offered:
            prefix = data.split(":")[0]
            if prefix == "bkt":  # any topic will do
                step = (message, data)
                break
            if prefix in wanted and data == wanted[prefix]:
                step = (message, data)
                break
        if step is None:
            texts = " | ".join(s.text[:120] for s in seen)
            raise TurnFailed(
                f"booking setup: no step to take (wanted one of {list(wanted.values())}); "
                f"saw: {texts!r}; data: {[d for _, d in offered]}"
            )
        await person.press(step[1], step[0])
    raise TurnFailed("booking setup: not booked after 12 steps")


async def play(tg: Telegram, script: Script, user_id: int) -> Outcome:
    person = tg.person(user_id, "Test", language_code=script.lang)
    transcript: list[str] = []
    for number, turn in enumerate(script.turns, start=1):
        try:
            seen = await _do(tg, person, turn, transcript)
        except TurnFailed as failure:
            return Outcome(script, False, number, str(failure), transcript)
        if seen is None:
            continue
        problem = dead_end(seen, turn.allow) or unmet(turn.expect, seen)
        if problem is not None:
            return Outcome(script, False, number, problem, transcript)
    return Outcome(script, True, transcript=transcript)


async def _do(tg: Telegram, person: FakeUser, turn: Turn, transcript: list[str]) -> list[Seen] | None:
    """Does one turn; returns what the person saw, or None for turns that only set the scene."""
    if turn.action == "clock":
        assert turn.clock is not None
        tg.clock.set(turn.clock)
        return None
    if turn.action == "book":
        assert turn.book is not None
        await _book(tg, person, turn.book)
        transcript.append(f"(booked {turn.book.office} {turn.book.day} {turn.book.time})")
        return None
    if turn.action == "say":
        assert turn.say is not None
        await person.send(turn.say)
    elif turn.action == "press":
        assert turn.press is not None
        await _press(tg, person, turn.press)
    else:
        assert turn.location is not None
        await person.share_location(*turn.location)
    transcript.append(f"> {turn.describe()}")
    seen = [seen_from_message(m) for m in await _answer(tg, person)]
    transcript += [f"< {s.text} {list(s.buttons) if s.buttons else ''}" for s in seen]
    return seen


@asynccontextmanager
async def fresh_bot(directory: Path) -> AsyncIterator[Telegram]:
    """A bot of its own (SQLite database in `directory`, the test clock), as in tests/e2e."""
    url = f"sqlite+aiosqlite:///{directory / 'bot.sqlite3'}"
    await migrate(url)
    async with running_bot(url, FakeClock(START)) as telegram:
        yield telegram
