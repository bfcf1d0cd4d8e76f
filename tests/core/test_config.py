from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings, parse_offsets


def test_defaults_need_no_token_and_use_an_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BOT_TOKEN", "DATABASE_URL", "TRANSLATOR", "WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.bot_token is None
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.translator == "none"
    assert settings.reminder_offset_minutes == (1440, 120)


def test_every_bad_variable_is_named() -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(STAFF_CHAT_ID="abc", LOG_LEVEL="LOUD", TRANSLATOR="babelfish")
    message = str(error.value)
    assert "STAFF_CHAT_ID" in message and "LOG_LEVEL" in message and "TRANSLATOR" in message


def test_webhook_secret_must_be_telegram_safe() -> None:
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        load_settings(WEBHOOK_URL="https://x.example/hook", WEBHOOK_SECRET="has spaces!")
    settings = load_settings(WEBHOOK_URL="https://x.example/hook/", WEBHOOK_SECRET="ok_token-1")
    assert settings.webhook_url == "https://x.example/hook"


@pytest.mark.parametrize("text, minutes", [("24h,2h", (1440, 120)), ("30m, 2h", (120, 30)), ("2h,2h", (120,))])
def test_reminder_offsets(text: str, minutes: tuple[int, ...]) -> None:
    assert parse_offsets(text) == minutes


@pytest.mark.parametrize("text", ["", "2d", "h", "-1h", "0m"])
def test_bad_reminder_offsets(text: str) -> None:
    with pytest.raises(ValueError):
        parse_offsets(text)
