"""Handlers for Bot API methods that change or read the fake world.

Every method in the spec is accepted once it validates: methods without a handler here get the
generic one (chat existence checked, a plausible result built from the spec's return type).
"""

from __future__ import annotations

from . import bot, chats, editing, polling, sending  # noqa: F401  (they register handlers)
from .base import HANDLERS, Call, Handler, handles
from .generic import generic_handler

__all__ = ["HANDLERS", "Call", "Handler", "generic_handler", "handler_for", "handles"]


def handler_for(method: str) -> Handler:
    return HANDLERS.get(method, generic_handler)
