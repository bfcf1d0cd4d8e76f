"""A second floor: the echo bot that also reads every typed text with our understanding.

    BOT_TOKEN=... TELEGRAM_API_URL=http://127.0.0.1:8081 python bench/echo_understanding_bot.py

bench/echo_bot.py, plus what any bot that must understand free text with the chosen model pays
for each typed question: `Understander.aunderstand` (language detection, the embedding model off
the event loop, intent scoring), exactly as the real bot calls it, before the echo. No database,
no dialogues. The distance from this floor to the echo floor is the model's share of the budget;
the distance from the real bot to this floor is everything else.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from aiogram import Dispatcher
from aiogram.types import Message

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.echo_bot import poll, pressed  # noqa: E402
from bot.understanding import Understander  # noqa: E402

dp = Dispatcher()
understander: Understander | None = None


@dp.message()
async def echo(message: Message) -> None:
    if message.text and not message.text.startswith("/") and understander is not None:
        understood = await understander.aunderstand(message.text)
        await message.answer(f"{understood.intent or 'none'}: {message.text}")
        return
    await message.answer(message.text or "ok")


dp.callback_query.register(pressed)


async def main() -> None:
    global understander
    understander = await asyncio.to_thread(Understander.load)
    await poll(dp)


if __name__ == "__main__":
    asyncio.run(main())
