"""Filters for the Telegram routers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.filters import BaseFilter
from aiogram.types import CallbackQuery, TelegramObject
from magic_filter import MagicFilter

from bot.core.actions import Action, InvalidAction, unpack


class ActionFilter(BaseFilter):
    """Matches callback queries whose data unpacks to one of our actions; injects `action`.

    Like aiogram's CallbackData.filter(), for the channel-agnostic actions of bot.core.actions.
    Forged or stale data that unpacks to nothing is left for the fallback router."""

    def __init__(self, *kinds: type[Action]) -> None:
        self.kinds = kinds

    async def __call__(self, query: CallbackQuery) -> bool | dict[str, Any]:
        if not query.data:
            return False
        try:
            action = unpack(query.data)
        except InvalidAction:
            return False
        if self.kinds and not isinstance(action, self.kinds):
            return False
        return {"action": action}


class Matches(BaseFilter):
    """A magic filter (`F.chat.type == "private"`) or a plain predicate, checked on the event loop.

    aiogram runs every synchronous filter in a worker thread (`asyncio.to_thread`): for a check of
    one attribute the thread hand-off costs far more than the check, and a message passes ~7 such
    filters on its way through the routers (bench/README.md)."""

    def __init__(self, check: MagicFilter | Callable[[Any], bool]) -> None:
        self.check = check.resolve if isinstance(check, MagicFilter) else check

    async def __call__(self, event: TelegramObject) -> bool:
        return bool(self.check(event))
