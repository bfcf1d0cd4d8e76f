"""python -m bot run | chat [--lang de] | web [--host H] [--port P] | understand [TEXT ...] | check | migrate"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Coroutine
from typing import Any

from bot.config import ConfigError, Settings, load_settings

NO_TOKEN = (
    "BOT_TOKEN is not set: create a bot with @BotFather in Telegram (/newbot), put its token "
    "in .env as BOT_TOKEN=..., or try the bot without Telegram: python -m bot chat"
)


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _logging(settings: Settings, *, quiet: bool = False) -> None:
    from bot.log_format import configure_logging

    configure_logging(logging.WARNING if quiet else settings.log_level, settings.log_format)


def cmd_run(_args: argparse.Namespace) -> int:
    settings = _settings()
    if not settings.bot_token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    _logging(settings)
    from bot.garbage import hold_collection, limit_malloc_arenas

    limit_malloc_arenas()  # before the threads start
    hold_collection()  # until the bot is built (bot.telegram.app.run freezes what it built)
    from bot.telegram.app import run

    return _serve(run(settings))


def cmd_chat(args: argparse.Namespace) -> int:
    settings = _settings()
    _logging(settings, quiet=True)
    from bot.content.locales import CURATED_LANGUAGES
    from bot.terminal.chat import chat

    if args.lang and args.lang not in CURATED_LANGUAGES:
        print(f"--lang: one of {', '.join(CURATED_LANGUAGES)}", file=sys.stderr)
        return 2
    return _serve(chat(settings, lang=args.lang))


def cmd_web(args: argparse.Namespace) -> int:
    settings = _settings()
    _logging(settings)
    from bot.web.server import serve

    return _serve(serve(settings, args.host or settings.web_host, args.port or settings.web_port or 8090))


def _serve(main: Coroutine[Any, Any, None]) -> int:
    """Run until done or Ctrl-C; start-up failures become one clear line and an exit code."""
    from bot.storage.database import DatabaseUnavailable

    try:
        asyncio.run(main)
    except DatabaseUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 3
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


def cmd_understand(args: argparse.Namespace) -> int:
    from bot.understanding import Understander, understanding_as_json

    understander = Understander.load()
    texts = args.text or (line.rstrip("\n") for line in sys.stdin)
    for text in texts:
        result = understander.understand(text)
        print(json.dumps(understanding_as_json(result), ensure_ascii=False), flush=True)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    import datetime as dt

    from bot.content.check import run_checks, run_warnings

    for warning in run_warnings(dt.date.today(), args.max_age_days):
        print(f"warning: {warning}", file=sys.stderr)
    problems = run_checks()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("content ok: flows, locales, office data")
    return 0


def cmd_migrate(_args: argparse.Namespace) -> int:
    settings = _settings()
    from bot.storage.database import migrate, safe_url

    asyncio.run(migrate(settings.database_url))
    print(f"database {safe_url(settings.database_url)} is at the newest schema")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="lokal willkommen bot")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the Telegram bot (polling, or webhook when WEBHOOK_URL is set)")
    chat = sub.add_parser("chat", help="talk to the bot in this terminal (no token needed)")
    chat.add_argument("--lang", default=None, help="language code, e.g. de, ar, uk")
    web = sub.add_parser("web", help="serve the web chat (the same bot in any browser)")
    web.add_argument("--host", default=None, help="address to listen on (default WEB_HOST, 127.0.0.1)")
    web.add_argument("--port", type=int, default=None, help="port (default WEB_PORT, else 8090)")
    understand = sub.add_parser("understand", help="print language and intent for each text as JSON")
    understand.add_argument("text", nargs="*")
    check = sub.add_parser("check", help="validate flows, locales and office data")
    check.add_argument(
        "--max-age-days",
        type=int,
        default=365,
        help="warn about facts whose source is older than this many days (default 365)",
    )
    sub.add_parser("migrate", help="apply database migrations")
    args = parser.parse_args(argv)
    handlers = {
        "run": cmd_run,
        "chat": cmd_chat,
        "web": cmd_web,
        "understand": cmd_understand,
        "check": cmd_check,
        "migrate": cmd_migrate,
    }
    return handlers[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
