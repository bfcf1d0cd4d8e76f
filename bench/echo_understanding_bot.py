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
import logging
import os
import sys
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


@dp.callback_query()
async def pressed(query: CallbackQuery) -> None:
    await query.answer()


async def main() -> None:
    global understander
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"))
    understander = await asyncio.to_thread(Understander.load)
    api = TelegramAPIServer.from_base(os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org"))
    bot = Bot(os.environ["BOT_TOKEN"], session=AiohttpSession(api=api))
    await dp.start_polling(bot)


if __name__ == "__main__":
    asyncio.run(main())
