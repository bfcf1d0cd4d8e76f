"""Where the Telegram adapter counts for bot.metrics: an outer update middleware (lw_updates_total,
and the start of lw_update_seconds) and a Bot API session middleware (lw_bot_api_errors_total,
and the first reply that ends lw_update_seconds).

    dp.update.outer_middleware(CountUpdates())
    bot.session.middleware(CountBotApiCalls())   # inside the rate limiter: every attempt counts
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject, Update

from bot.metrics import BOT_API_ERRORS, CURRENT_UPDATE, UPDATES, UpdateTimer, reply_sent
from bot.telegram.ratelimit import is_message_method

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import TelegramMethod

# The status code each aiogram exception stands for ("network": no HTTP answer at all).
_CODES: tuple[tuple[type[BaseException], str], ...] = (
    (TelegramRetryAfter, "429"),
    (TelegramBadRequest, "400"),
    (TelegramUnauthorizedError, "401"),
    (TelegramForbiddenError, "403"),
    (TelegramNotFound, "404"),
    (TelegramConflictError, "409"),
    (TelegramEntityTooLarge, "413"),
    (TelegramServerError, "5xx"),
    (TelegramNetworkError, "network"),
)
# Methods the bot calls only from a reply (answering a button press also ends the wait).
_REPLIES = frozenset({"answerCallbackQuery", "editMessageText", "editMessageReplyMarkup"})


def update_kind(update: Update) -> str:
    """A fixed word for what the update is: text, command, button, location, media, membership, other."""
    message = update.message
    if message is not None:
        if message.text is not None:
            return "command" if message.text.startswith("/") else "text"
        if message.location is not None:
            return "location"
        return "media"
    if update.callback_query is not None:
        return "button"
    if update.my_chat_member is not None or update.chat_member is not None:
        return "membership"
    if update.edited_message is not None:
        return "edited"
    return "other"


class CountUpdates(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        UPDATES.labels(kind=update_kind(event)).inc()
        token = CURRENT_UPDATE.set(UpdateTimer())
        try:
            return await handler(event, data)
        finally:
            CURRENT_UPDATE.reset(token)


def error_code(error: BaseException) -> str | None:
    for kind, code in _CODES:
        if isinstance(error, kind):
            return code
    return None


class CountBotApiCalls(BaseRequestMiddleware):
    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Any:
        name = getattr(method, "__api_method__", type(method).__name__)
        try:
            result = await make_request(bot, method)
        except Exception as error:
            code = error_code(error)
            if code is not None:
                BOT_API_ERRORS.labels(method=name, code=code).inc()
            raise
        if is_message_method(name) or name in _REPLIES:
            reply_sent()
        return result
