"""The staff desk on Telegram: one forum topic per newcomer in the staff supergroup.

If the staff chat is a plain group ("Bad Request: the chat is not a forum"), there are no topics:
each relayed message carries a header with the handoff number and staff answer by replying to it
(bot.telegram.routers.handoff_staff maps the reply back). Photos and documents are copied with
copyMessage, never downloaded. Errors become DeskError without any text in them.

The composition root gives the desk to `Services.staff_desks["telegram"]`; `SourceOfTurn` tells
the turn which message it handles (so a photo can be copied to staff).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramNetworkError, TelegramRetryAfter
from aiogram.types import Message, MessageId, ReplyParameters, TelegramObject

from bot.core.staff_desk import DeskError, SourceMessage, Thread, ThreadGone
from bot.text.telegram_html import split_message

log = logging.getLogger(__name__)

NOT_A_FORUM = "not a forum"
THREAD_GONE = ("message thread not found", "topic_deleted", "topic_id_invalid")
NOT_MODIFIED = "topic_not_modified"
FORUM_RECHECK_SECONDS = 3600  # after "not a forum", try topics again after this long
MAX_RETRY_AFTER = 10


class TelegramStaffDesk:
    def __init__(self, bot: Bot, staff_chat_id: int | None) -> None:
        self.bot = bot
        self._chat_id = staff_chat_id
        self._not_forum_since: float | None = None

    @property
    def available(self) -> bool:
        return self._chat_id is not None

    @property
    def chat_id(self) -> int | None:
        return self._chat_id

    def _chat(self) -> int:
        if self._chat_id is None:
            raise DeskError("no staff chat configured")
        return self._chat_id

    async def _call(self, what: str, call: Callable[[], Awaitable[Any]]) -> Any:
        """One Bot API call; a short flood wait or a network hiccup is retried once."""
        for attempt in (1, 2):
            try:
                return await call()
            except TelegramRetryAfter as exc:
                if attempt == 2 or exc.retry_after > MAX_RETRY_AFTER:
                    raise DeskError(f"{what}: flood control ({exc.retry_after} s)") from None
                await asyncio.sleep(exc.retry_after)
            except TelegramNetworkError as exc:
                if attempt == 2:
                    raise DeskError(f"{what}: network error {type(exc).__name__}") from None
            except TelegramBadRequest as exc:
                text = exc.message.lower()
                if any(marker in text for marker in THREAD_GONE):
                    raise ThreadGone(f"{what}: thread gone") from None
                raise DeskError(f"{what}: {exc.message}") from None
            except TelegramAPIError as exc:
                raise DeskError(f"{what}: {type(exc).__name__}") from None
        raise DeskError(f"{what}: failed")

    def _forum_known_absent(self) -> bool:
        if self._not_forum_since is None:
            return False
        if time.monotonic() - self._not_forum_since > FORUM_RECHECK_SECONDS:
            self._not_forum_since = None
            return False
        return True

    async def open_thread(self, title: str) -> Thread:
        chat_id = self._chat()
        if self._forum_known_absent():
            return Thread(chat_id, None)
        try:
            topic = await self.bot.create_forum_topic(chat_id, name=title)
        except TelegramBadRequest as exc:
            if NOT_A_FORUM in exc.message.lower():
                log.info("staff chat is not a forum: relaying with reply threads")
                self._not_forum_since = time.monotonic()
                return Thread(chat_id, None)
            raise DeskError(f"createForumTopic: {exc.message}") from None
        except TelegramAPIError as exc:
            raise DeskError(f"createForumTopic: {type(exc).__name__}") from None
        return Thread(chat_id, topic.message_thread_id)

    async def reopen_thread(self, thread: Thread, title: str) -> None:
        topic = thread.thread_id
        if topic is None:
            return
        await self._topic_change(
            "reopenForumTopic", lambda: self.bot.reopen_forum_topic(thread.chat_id, message_thread_id=topic)
        )
        await self._rename(thread, title)

    async def close_thread(self, thread: Thread, title: str) -> None:
        topic = thread.thread_id
        if topic is None:
            return
        await self._rename(thread, title)
        await self._topic_change(
            "closeForumTopic", lambda: self.bot.close_forum_topic(thread.chat_id, message_thread_id=topic)
        )

    async def _rename(self, thread: Thread, title: str) -> None:
        topic = thread.thread_id
        if topic is None:
            return
        try:
            await self._topic_change(
                "editForumTopic",
                lambda: self.bot.edit_forum_topic(thread.chat_id, message_thread_id=topic, name=title),
            )
        except ThreadGone:
            raise
        except DeskError as exc:  # a name is a courtesy; the thread itself works
            log.warning("could not rename a staff topic: %s", exc)

    async def _topic_change(self, what: str, call: Callable[[], Awaitable[Any]]) -> None:
        try:
            await self._call(what, call)
        except DeskError as exc:
            if NOT_MODIFIED in str(exc).lower():
                return  # already in that state (staff closed or reopened it by hand)
            raise

    async def post(self, thread: Thread, html: str, *, reply_to: int | None = None) -> int:
        chat_id = self._chat() if thread.chat_id is None else thread.chat_id
        first: int | None = None
        for part in split_message(html):  # the core splits; this only guards the limit
            reply = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
            send = partial(
                self.bot.send_message, chat_id, part, message_thread_id=thread.thread_id, reply_parameters=reply
            )
            sent: Message = await self._call("sendMessage", send)
            first = sent.message_id if first is None else first
        assert first is not None
        return first

    async def copy_in(
        self, thread: Thread, source: SourceMessage | None, *, kind: str, reply_to: int | None = None
    ) -> int | None:
        if source is None:
            return None
        reply = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
        copied: MessageId = await self._call(
            "copyMessage",
            lambda: self.bot.copy_message(
                chat_id=thread.chat_id,
                from_chat_id=source.chat_id,
                message_id=source.message_id,
                message_thread_id=thread.thread_id,
                reply_parameters=reply,
            ),
        )
        return copied.message_id


class SourceOfTurn(BaseMiddleware):
    """Inner middleware of the private-chat routers, after TurnMiddleware: for a message, the turn
    learns its chat and message id (a photo is copied to staff by reference, never downloaded)."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        turn = data.get("turn")
        if turn is not None and isinstance(event, Message):
            turn.source = SourceMessage(event.chat.id, event.message_id)
        return await handler(event, data)
