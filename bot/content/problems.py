"""A content problem found by `python -m bot check`: which file, which key, what is wrong."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    file: str
    key: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.problem}"


# Told once per broken version of a content file that a running bot keeps serving the last good
# version of (bot.bootstrap tells the staff chat).
broken_edit_listeners: list[Callable[[str, list[Problem]], None]] = []


def report_broken_edit(file: str, problems: list[Problem]) -> None:
    """Log a broken edit (once per version: the caller decides) and tell the listeners."""
    shown = "; ".join(str(problem) for problem in problems[:5])
    log.error("%s: broken edit, the last good version stays in use: %s", file, shown)
    for listener in broken_edit_listeners:
        listener(file, problems)
