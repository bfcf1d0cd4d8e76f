"""Keeps aiogram's response models alive, so they are built once per process, not once per GC.

aiogram parses every Bot API answer with `Response[method.__returning__]`, a parametrized pydantic
generic model. pydantic caches those classes only weakly, and a class lives in reference cycles,
so whenever the cyclic garbage collector runs, the next request builds the class again: schema,
core schema and validator, 2-8 ms of CPU. A bot that allocates as much as ours (SQLAlchemy rows,
rendered replies) collects often: `Response[list[Update]]` was rebuilt for every fourth update,
and these rebuilds were ~15% of the busy event loop's time under load (bench/README.md). This
session middleware holds a reference to each response model the bot has used (a few dozen at
most), which keeps pydantic's own cache warm.

    bot.session.middleware(KeepResponseModels())
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods.base import Response, TelegramType

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import TelegramMethod


class KeepResponseModels(BaseRequestMiddleware):
    def __init__(self) -> None:
        self.models: dict[Any, Any] = {}

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Any:
        returning = getattr(method, "__returning__", None)
        if returning is not None:
            try:
                if returning not in self.models:
                    self.models[returning] = Response[returning]  # type: ignore[valid-type]  # the type is a value known only at run time
            except TypeError:  # an unhashable return type: leave it to aiogram
                pass
        return await make_request(bot, method)
