"""A fake Telegram Bot API server for end-to-end tests with the real aiogram Bot.

Validates every request against shared/telegram-bot-api/api.json and Telegram's documented rules,
records what the bot did per chat, and lets tests act as people, groups and channels.
See server.FakeBotAPI for the entry point.
"""

from .errors import ApiError, Kind
from .faults import Fault
from .formatting import FormattedText, parse_formatted
from .html_entities import EntityParseError, escape_html, parse_html, utf16_len
from .people import FakeChannel, FakeGroup, FakeUser
from .ratelimit import RateLimits
from .recording import RecordedRequest, ViolationExpectation
from .server import DEFAULT_TOKEN, FakeBotAPI
from .spec import ApiSpec, Validator
from .webhook import SECRET_HEADER, WebhookDelivery
from .world import CallbackQueryRecord, ChatState, FileRecord, StoredMessage, Topic

__all__ = [
    "DEFAULT_TOKEN",
    "SECRET_HEADER",
    "ApiError",
    "ApiSpec",
    "CallbackQueryRecord",
    "ChatState",
    "EntityParseError",
    "FakeBotAPI",
    "FakeChannel",
    "FakeGroup",
    "FakeUser",
    "Fault",
    "FileRecord",
    "FormattedText",
    "Kind",
    "RateLimits",
    "RecordedRequest",
    "StoredMessage",
    "Topic",
    "Validator",
    "ViolationExpectation",
    "WebhookDelivery",
    "escape_html",
    "parse_formatted",
    "parse_html",
    "utf16_len",
]
