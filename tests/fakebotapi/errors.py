"""Errors answered in Telegram's own shape, so aiogram raises its real exceptions.

Telegram answers every failure as ``{"ok": false, "error_code": N, "description": "..."}`` with the
same HTTP status; aiogram maps the status (and ``parameters.retry_after``) to TelegramBadRequest,
TelegramForbiddenError, TelegramRetryAfter, ...  Every error also carries a *kind* so the recorder
can tell a bot mistake (a violation) from a fault the test provoked.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """Why a request failed; used by tests and by the violation report."""

    SPEC = "spec"  # not what the Bot API spec allows (unknown/missing param, wrong type)
    LIMIT = "limit"  # a documented limit (length, bytes, ranges, HTML rules)
    STATE = "state"  # the request does not fit the world (chat not found, not modified...)
    RATE_LIMIT = "rate_limit"  # flood control (429)
    INJECTED = "injected"  # a fault the test scheduled with fail_next()/drop_connection_next()
    AUTH = "auth"  # wrong token
    UNKNOWN_METHOD = "unknown_method"
    CONFLICT = "conflict"  # getUpdates vs webhook / two pollers


class ApiError(Exception):
    """A failed Bot API call. ``provoked`` marks errors caused by the test, not the bot."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        kind: Kind = Kind.STATE,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        provoked: bool = False,
        detail: str | None = None,
    ) -> None:
        super().__init__(description)
        # detail: our own explanation, kept in the record but never sent (the answer stays
        # word for word what Telegram says, e.g. "BUTTON_DATA_INVALID").
        self.detail = detail
        self.status = status
        self.description = description
        self.kind = kind
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id
        self.provoked = provoked

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        parameters: dict[str, int] = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            body["parameters"] = parameters
        return body

    def __repr__(self) -> str:
        return f"ApiError({self.status}, {self.description!r}, kind={self.kind})"


def bad_request(message: str, kind: Kind = Kind.STATE, detail: str | None = None) -> ApiError:
    return ApiError(400, f"Bad Request: {message}", kind=kind, detail=detail)


def spec_error(message: str, detail: str | None = None) -> ApiError:
    return bad_request(message, Kind.SPEC, detail)


def limit_error(message: str, detail: str | None = None) -> ApiError:
    return bad_request(message, Kind.LIMIT, detail)


def forbidden(message: str, *, provoked: bool = False) -> ApiError:
    return ApiError(403, f"Forbidden: {message}", kind=Kind.STATE, provoked=provoked)


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        kind=Kind.RATE_LIMIT,
        retry_after=retry_after,
    )


def unauthorized() -> ApiError:
    return ApiError(401, "Unauthorized", kind=Kind.AUTH)


def not_found() -> ApiError:
    return ApiError(404, "Not Found", kind=Kind.UNKNOWN_METHOD)


def conflict(message: str) -> ApiError:
    return ApiError(409, f"Conflict: {message}", kind=Kind.CONFLICT)


# Telegram's exact wording for the errors bots meet most often.
MESSAGE_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
CHAT_NOT_FOUND = "chat not found"
MESSAGE_TO_EDIT_NOT_FOUND = "message to edit not found"
MESSAGE_TO_DELETE_NOT_FOUND = "message to delete not found"
MESSAGE_TO_COPY_NOT_FOUND = "message to copy not found"
MESSAGE_TO_FORWARD_NOT_FOUND = "message to forward not found"
MESSAGE_TO_REPLY_NOT_FOUND = "message to be replied not found"
MESSAGE_THREAD_NOT_FOUND = "message thread not found"
BOT_BLOCKED = "bot was blocked by the user"
CANT_INITIATE = "bot can't initiate conversation with a user"
WRONG_FILE_ID = "wrong file identifier/HTTP URL specified"
