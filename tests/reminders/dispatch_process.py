"""One dispatcher in its own OS process, for the two-process test (not a test module).

    python -m tests.reminders.dispatch_process DB_URL NOW_ISO OUT_FILE GO_FILE [--hang]

Waits until GO_FILE exists (so both processes start together), sends every due reminder with a
sender that appends the booking id to OUT_FILE, and exits. With --hang the sender instead writes
"claimed <booking id>" to OUT_FILE and never returns: the process holds its claim (and keeps
beating) until the test kills it between claim and send."""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import datetime
from pathlib import Path

from bot.clock import FakeClock
from bot.reminders.dispatch import ReminderDispatcher
from bot.storage.database import create_engine, session_factory
from tests.reminders.factories import booking_of


async def main(db_url: str, now: str, out: Path, go: Path, hang: bool = False) -> None:
    engine = create_engine(db_url)
    lines: list[str] = []

    async def sender(person, replies) -> bool:
        if hang:
            with out.open("a") as f:
                f.write("".join(f"claimed {booking_of(reply)}\n" for reply in replies))
            await asyncio.Event().wait()
        for reply in replies:
            lines.append(str(booking_of(reply)))
        with out.open("a") as f:  # written as it happens: a crash loses nothing already sent
            f.write("".join(line + "\n" for line in lines))
        lines.clear()
        await asyncio.sleep(0.001)
        return True

    deadline = time.monotonic() + 30
    while not go.exists() and time.monotonic() < deadline:
        await asyncio.sleep(0.005)
    dispatcher = ReminderDispatcher(
        session_factory(engine),
        sender=sender,
        clock=FakeClock(datetime.fromisoformat(now)),
        batch_size=5,
        concurrency=3,
    )
    await dispatcher.run_once()
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), hang="--hang" in sys.argv[5:]))
