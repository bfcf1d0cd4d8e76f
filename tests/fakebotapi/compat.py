"""Where aiogram 3.31 and the Bot API spec (10.1) disagree about what we send to the bot.

aiogram requires these fields in objects it parses, although the spec does not list them; our
answers and updates carry them so aiogram can parse them, and our own check of outgoing updates
tolerates them. (Requests from the bot are still checked strictly against the spec.)
"""

from __future__ import annotations

from typing import Any

AIOGRAM_REQUIRED: dict[str, dict[str, Any]] = {
    "ChatAdministratorRights": {"can_send_welcome_messages": False},
    "ChatMemberAdministrator": {"can_send_welcome_messages": False},
}

TOLERATED_OUTGOING: dict[str, frozenset[str]] = {name: frozenset(fields) for name, fields in AIOGRAM_REQUIRED.items()}
