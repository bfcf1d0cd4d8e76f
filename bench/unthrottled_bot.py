"""`python -m bot run`, exactly, except that the bot's own outbound flood control is lifted.

    python bench/unthrottled_bot.py        # same environment variables as `python -m bot run`

The shipped bot keeps itself under Telegram's limits (bot.telegram.ratelimit: 30 messages/s
overall, ~1/s per private chat). Under a closed-loop load that cap, not our code, decides the
throughput, so bench/load.py measures processing capacity with this launcher: the limiter
middleware still runs on every request, only its limits are set out of reach.
"""

from __future__ import annotations

import runpy
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.garbage import hold_collection  # noqa: E402

hold_collection()  # as `python -m bot run` does before it imports aiogram (bot/garbage.py)

from bot.telegram import ratelimit  # noqa: E402


@dataclass(frozen=True)
class UnreachableLimits(ratelimit.OutboundLimits):
    global_per_second: float = 1e9
    global_burst: int = 1_000_000
    private_per_second: float = 1e9
    private_burst: int = 1_000_000
    group_per_minute: int = 1_000_000_000


ratelimit.OutboundLimits = UnreachableLimits  # read when the bot is built

if __name__ == "__main__":
    sys.argv = ["bot", "run"]
    runpy.run_module("bot", run_name="__main__", alter_sys=True)
