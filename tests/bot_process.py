"""The environment for a `python -m bot ...` process started by a test: this machine's
environment without the bot's own settings (a developer's .env or shell must not leak in), on a
SQLite file of the test's own, with no health server (tests running at once never compete for its
port)."""

from __future__ import annotations

import os
from pathlib import Path

BOT_SETTINGS = (
    "BOT_TOKEN",
    "DATABASE_URL",
    "STAFF_CHAT_ID",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "REDIS_URL",
    "TRANSLATOR",
)


def bot_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in BOT_SETTINGS}
    env.update({"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}", "HEALTH_PORT": "0", **extra})
    return env
