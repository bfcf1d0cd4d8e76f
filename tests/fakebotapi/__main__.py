"""Run the fake Bot API standalone, for trying a bot by hand and for benchmarks.

    python -m tests.fakebotapi --port 8081 [--token 123:ABC] [--rate-limits] [--user 1001]

Prints the base URL; point the bot at it with TelegramAPIServer.from_base(url).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .server import DEFAULT_TOKEN, FakeBotAPI


async def _serve(args: argparse.Namespace) -> None:
    async with FakeBotAPI(args.token, host=args.host, port=args.port) as server:
        if args.rate_limits:
            server.enable_rate_limits()
        for user_id in args.user:
            server.user(user_id, first_name=f"User{user_id}")
        print(f"Fake Telegram Bot API at {server.base_url}", flush=True)
        print(f"token: {server.token}", flush=True)
        print(f"control: {server.base_url}/_fake (POST /_fake/users/<id>/send text=...)", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakebotapi", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--rate-limits", action="store_true", help="enable flood limits")
    parser.add_argument("--user", type=int, action="append", default=[], help="create a user with this id (repeatable)")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
