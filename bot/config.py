"""Settings from the environment or a `.env` file.

Bad values fail at start-up with a message that names the variable (see `load_settings`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///" + str(Path.cwd() / "lokal_willkommen.sqlite3")
TranslatorName = Literal["none", "deepl", "libre"]


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: str | None = Field(default=None, alias="BOT_TOKEN")
    telegram_api_url: str = Field(default="https://api.telegram.org", alias="TELEGRAM_API_URL")
    database_url: str = Field(default=DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    redis_url: str | None = Field(default=None, alias="REDIS_URL")
    staff_chat_id: int | None = Field(default=None, alias="STAFF_CHAT_ID")
    translator: TranslatorName = Field(default="none", alias="TRANSLATOR")
    translator_api_key: str | None = Field(default=None, alias="TRANSLATOR_API_KEY")
    translator_url: str | None = Field(default=None, alias="TRANSLATOR_URL")
    webhook_url: str | None = Field(default=None, alias="WEBHOOK_URL")
    webhook_secret: str | None = Field(default=None, alias="WEBHOOK_SECRET")
    webhook_host: str = Field(default="0.0.0.0", alias="WEBHOOK_HOST")
    webhook_port: int = Field(default=8080, alias="WEBHOOK_PORT", ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", alias="LOG_LEVEL")
    log_format: Literal["text", "json"] = Field(default="text", alias="LOG_FORMAT")
    reminder_offsets: str = Field(default="24h,2h", alias="REMINDER_OFFSETS")
    retention_days: int = Field(default=90, alias="RETENTION_DAYS", ge=1)
    # How long the city keeps database backups (docs/DEPLOY.md): /privacy tells people that a
    # deletion reaches the backups when they expire.
    backup_retention_days: int = Field(default=30, alias="BACKUP_RETENTION_DAYS", ge=1)
    show_staff_names: bool = Field(default=False, alias="SHOW_STAFF_NAMES")
    flood_limit_per_minute: int = Field(default=20, alias="FLOOD_LIMIT_PER_MINUTE", ge=1)
    # Outages: how long one call may wait before the bot answers without that service.
    redis_timeout: float = Field(default=2.0, alias="REDIS_TIMEOUT", gt=0, le=60)
    database_timeout: float = Field(default=5.0, alias="DATABASE_TIMEOUT", gt=0, le=300)
    translator_timeout: float = Field(default=5.0, alias="TRANSLATOR_TIMEOUT", gt=0, le=60)
    health_host: str = Field(default="127.0.0.1", alias="HEALTH_HOST")
    health_port: int = Field(default=8081, alias="HEALTH_PORT", ge=0, le=65535)  # 0: no health server
    # The web chat (bot.web): served beside Telegram by `run` when WEB_PORT is set (0 or empty: not).
    web_host: str = Field(default="127.0.0.1", alias="WEB_HOST")
    web_port: int | None = Field(default=None, alias="WEB_PORT", ge=0, le=65535)
    web_allowed_origins: str = Field(default="", alias="WEB_ALLOWED_ORIGINS")  # may embed the chat
    web_session_idle_days: int = Field(default=30, alias="WEB_SESSION_IDLE_DAYS", ge=1)
    web_limit_per_minute: int = Field(default=20, alias="WEB_LIMIT_PER_MINUTE", ge=1)  # per session
    web_address_limit_per_minute: int = Field(default=120, alias="WEB_ADDRESS_LIMIT_PER_MINUTE", ge=1)
    web_trust_proxy: bool = Field(default=False, alias="WEB_TRUST_PROXY")  # X-Forwarded-For/-Proto

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("translator", mode="before")
    @classmethod
    def _translator(cls, value: object) -> object:
        from bot.translation.factory import WITHDRAWN_MESSAGE
        from bot.translation.providers import WITHDRAWN

        name = value.strip().lower() if isinstance(value, str) else value
        if name in WITHDRAWN:
            raise ValueError(WITHDRAWN_MESSAGE.format(name=name))
        return name or "none"

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator(
        "bot_token", "redis_url", "webhook_url", "webhook_secret", "translator_api_key", "translator_url", mode="before"
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("web_port", mode="before")
    @classmethod
    def _no_web_port(cls, value: object) -> object:
        return None if value in ("", "0", 0) else value

    @field_validator("web_allowed_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        parse_origins(value)
        return value

    @field_validator("staff_chat_id", mode="before")
    @classmethod
    def _empty_chat_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: str | None) -> str | None:
        if value is not None and (":" not in value or not value.split(":", 1)[0].isdigit()):
            raise ValueError("looks like '123456789:ABC...' (the token @BotFather gives you)")
        return value

    @field_validator("telegram_api_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path.sqlite3 or postgresql+asyncpg://user@host/db")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_chars(cls, value: str | None) -> str | None:
        if value is not None:
            ok = 1 <= len(value) <= 256 and all(c.isascii() and (c.isalnum() or c in "_-") for c in value)
            if not ok:
                raise ValueError("1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("reminder_offsets")
    @classmethod
    def _offsets(cls, value: str) -> str:
        parse_offsets(value)
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("WEBHOOK_SECRET: required when WEBHOOK_URL is set")
        return self

    @property
    def web_origins(self) -> tuple[str, ...]:
        return parse_origins(self.web_allowed_origins)

    @property
    def reminder_offset_minutes(self) -> tuple[int, ...]:
        return parse_offsets(self.reminder_offsets)


def parse_origins(text: str) -> tuple[str, ...]:
    """ "https://www.dortmund.de, https://x.de" -> ("https://www.dortmund.de", "https://x.de")."""
    origins: list[str] = []
    for part in (p.strip().rstrip("/") for p in text.split(",") if p.strip()):
        scheme, sep, host = part.partition("://")
        if scheme not in ("http", "https") or not sep or not host or "/" in host:
            raise ValueError(f"{part!r}: an origin looks like https://www.dortmund.de")
        origins.append(part.lower())
    return tuple(origins)


def parse_offsets(text: str) -> tuple[int, ...]:
    """ "24h,2h,30m" -> (1440, 120, 30) minutes, largest first."""
    minutes: list[int] = []
    for part in (p.strip().lower() for p in text.split(",") if p.strip()):
        unit = part[-1]
        number = part[:-1]
        if unit not in "hm" or not number.isdigit() or int(number) <= 0:
            raise ValueError(f"{part!r}: use e.g. 24h,2h or 30m")
        minutes.append(int(number) * (60 if unit == "h" else 1))
    if not minutes:
        raise ValueError("give at least one offset, e.g. 24h,2h")
    return tuple(sorted(set(minutes), reverse=True))


def load_settings(**overrides: Any) -> Settings:
    """Read the settings; raise ConfigError naming each bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            loc = error.get("loc") or ()
            name = str(loc[0]) if loc else ""
            field = Settings.model_fields.get(name)
            variable = field.alias if field and field.alias else name.upper()
            message = error.get("msg", "invalid").removeprefix("Value error, ")
            lines.append(f"{variable}: {message}" if variable else message)
        raise ConfigError("; ".join(lines)) from None
