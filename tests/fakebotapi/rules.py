"""Documented Bot API rules that the machine-readable spec cannot express.

The spec (api.json) gives names, types, required flags and, in descriptions, length ranges; the
validator in spec.py derives all of that. What remains lives here: rules per object type
(an inline button needs exactly one action, callback URLs must be http(s)/tg, command names are
``[a-z0-9_]``) and per method (webhook URL and secret, chat actions). Each rule raises ApiError
with Telegram's wording where we know it.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from .errors import limit_error

Rule = Callable[[dict[str, Any], str], None]

# Fields of InlineKeyboardButton that do not choose what the button does.
_BUTTON_DECORATION = frozenset({"text", "icon_custom_emoji_id", "style"})
_URL_SCHEMES = frozenset({"http", "https", "tg"})
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_RE = re.compile(r"[a-z]{2}")
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# The six colours Telegram allows for forum topic icons.
TOPIC_ICON_COLORS = frozenset({0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F})
MAX_INLINE_BUTTONS = 100

# Numeric ranges that hold wherever a field of this name appears.
FIELD_RANGES: dict[str, tuple[float, float]] = {
    "latitude": (-90.0, 90.0),
    "longitude": (-180.0, 180.0),
}


def _inline_button(button: dict[str, Any], path: str) -> None:
    if not button.get("text"):
        raise limit_error("BUTTON_TEXT_EMPTY", f"{path}: inline button text must not be empty")
    actions = [key for key in button if key not in _BUTTON_DECORATION]
    if not actions:
        raise limit_error(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
            f"{path}: no action field",
        )
    if len(actions) > 1:
        raise limit_error(
            "can't parse inline keyboard button: exactly one of the optional fields must be used",
            f"{path}: several action fields {actions}",
        )
    url = button.get("url")
    if url is not None and not is_button_url(url):
        raise limit_error("BUTTON_URL_INVALID", f"{path}.url {url!r}: only http, https and tg URLs")


def is_button_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme.lower() not in _URL_SCHEMES:
        return False
    return parts.scheme.lower() == "tg" or bool(parts.netloc)


def _inline_keyboard(markup: dict[str, Any], path: str) -> None:
    count = sum(len(row) for row in markup.get("inline_keyboard", []))
    if count > MAX_INLINE_BUTTONS:
        raise limit_error("reply markup is too long", f"{path}: {count} buttons > {MAX_INLINE_BUTTONS}")


def _keyboard_button(button: dict[str, Any], path: str) -> None:
    if not button.get("text"):
        raise limit_error("keyboard button text is empty", f"{path}: text must not be empty")


def _bot_command(command: dict[str, Any], path: str) -> None:
    if not _COMMAND_RE.fullmatch(command.get("command", "")):
        raise limit_error(
            "BOT_COMMAND_INVALID",
            f"{path}.command {command.get('command')!r}: 1-32 of a-z, 0-9 and _",
        )


def _language_code(params: dict[str, Any], path: str) -> None:
    code = params.get("language_code")
    if code and not _LANGUAGE_RE.fullmatch(code):
        raise limit_error("invalid language code specified", f"language_code {code!r}: two letters")


def _set_my_commands(params: dict[str, Any], path: str) -> None:
    commands = params.get("commands", [])
    if len(commands) > 100:
        raise limit_error("too many commands specified", f"{len(commands)} > 100")
    _language_code(params, path)


def _set_webhook(params: dict[str, Any], path: str) -> None:
    url = params.get("url", "")
    if url:
        problem = webhook_url_problem(url)
        if problem:
            raise limit_error(f"bad webhook: {problem}")
    secret = params.get("secret_token")
    if secret is not None and not _SECRET_RE.fullmatch(secret):
        raise limit_error(
            "secret token contains unallowed characters",
            "secret_token: 1-256 of A-Z, a-z, 0-9, _ and -",
        )


def webhook_url_problem(url: str) -> str | None:
    """Telegram wants HTTPS on ports 80/88/443/8443; we also allow plain HTTP on loopback,
    because tests run the bot's webhook server locally."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    loopback = host == "localhost"
    try:
        loopback = loopback or ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if loopback and parts.scheme in ("http", "https"):
        return None
    if parts.scheme != "https":
        return "An HTTPS URL must be provided for webhook"
    port = parts.port or 443
    if port not in _WEBHOOK_PORTS:
        return "Webhook can be set up only on ports 80, 88, 443 or 8443"
    return None


def _send_chat_action(params: dict[str, Any], path: str) -> None:
    if params.get("action") not in CHAT_ACTIONS:
        raise limit_error("wrong parameter action in request", f"action {params.get('action')!r}")


def _forum_topic_color(params: dict[str, Any], path: str) -> None:
    color = params.get("icon_color")
    if color is not None and color not in TOPIC_ICON_COLORS:
        raise limit_error("invalid icon_color specified", f"icon_color {color}: one of {sorted(TOPIC_ICON_COLORS)}")


OBJECT_RULES: dict[str, list[Rule]] = {
    "InlineKeyboardButton": [_inline_button],
    "InlineKeyboardMarkup": [_inline_keyboard],
    "KeyboardButton": [_keyboard_button],
    "BotCommand": [_bot_command],
}

METHOD_RULES: dict[str, list[Rule]] = {
    "setMyCommands": [_set_my_commands],
    "deleteMyCommands": [_language_code],
    "getMyCommands": [_language_code],
    "setWebhook": [_set_webhook],
    "sendChatAction": [_send_chat_action],
    "createForumTopic": [_forum_topic_color],
}
