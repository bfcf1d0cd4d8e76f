"""Handle each update once: a webhook retry or a re-delivery after a crash is dropped.

The update id is recorded in the database (shared by all bot processes) before handling."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, cast

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from sqlalchemy import Table, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.models import ProcessedUpdate, utcnow

log = logging.getLogger(__name__)
_TABLE = cast(Table, ProcessedUpdate.__table__)  # declarative mapping types it as a FromClause
_RECORD = insert(_TABLE)  # a Core insert: no ORM unit of work for one row


class DeduplicateUpdates(BaseMiddleware):
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Update):
            bot = data.get("bot")
            bot_id = bot.id if bot is not None else 0
            try:
                async with self.sessions.begin() as session:
                    await session.execute(
                        _RECORD, {"bot_id": bot_id, "update_id": event.update_id, "received_at": utcnow()}
                    )
            except IntegrityError:
                log.info("update %s already handled; dropped", event.update_id)
                return None
        return await handler(event, data)
