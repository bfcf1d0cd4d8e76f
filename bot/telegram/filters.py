"""Filters for the Telegram routers."""
from __future__ import annotations

from typing import Any

from aiogram.filters import BaseFilter
from aiogram.types import CallbackQuery

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
