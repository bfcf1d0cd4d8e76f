"""The floor: a bare aiogram bot that only echoes, run by long polling like the real bot.

    BOT_TOKEN=... TELEGRAM_API_URL=http://127.0.0.1:8081 python bench/echo_bot.py

One Dispatcher, one message handler (answers every message with its text, or "ok" when it has
none) and one callback-query handler (answerCallbackQuery). Nothing else: no database, no
middlewares, no flood control. bench/load.py runs it as its own process, exactly as it runs
`python -m bot run`, and reports the real bot's figures as ratios to this one.
"""

from __future__ import annotations

import asyncio
import logging
import os

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message

dp = Dispatcher()


@dp.message()
async def echo(message: Message) -> None:
    await message.answer(message.text or "ok")


@dp.callback_query()
async def pressed(query: CallbackQuery) -> None:
    await query.answer()


async def poll(dispatcher: Dispatcher) -> None:
    """Long-poll the Bot API at TELEGRAM_API_URL with BOT_TOKEN (also for echo_understanding_bot.py)."""
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"))
    api = TelegramAPIServer.from_base(os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org"))
    bot = Bot(os.environ["BOT_TOKEN"], session=AiohttpSession(api=api))
    await dispatcher.start_polling(bot)


async def main() -> None:
    await poll(dp)


if __name__ == "__main__":
    asyncio.run(main())
