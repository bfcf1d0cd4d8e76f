"""LOG_FORMAT: `text` (one readable line per record) or `json` (one JSON object per line, for a log
collector): {"time", "level", "logger", "message", "person_id" where known}.

The person a record is about is the pseudonymous `Person.id`, from the record's `person_id`
(`log.info(..., extra={"person_id": id})`) or from the turn being handled (`PERSON_ID`, set by
bot.core.turn). Messages stay what the code logs: ids and types, never names or message texts.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Literal

LogFormat = Literal["text", "json"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# The person whose update or turn the running task handles (None: no one, e.g. a scheduled job).
PERSON_ID: ContextVar[int | None] = ContextVar("lw_person_id", default=None)


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        person_id = getattr(record, "person_id", None)
        if person_id is None:
            person_id = PERSON_ID.get()
        if person_id is not None:
            entry["person_id"] = person_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str | int, log_format: LogFormat = "text") -> None:
    """The root logger writes to stderr in `log_format`; earlier handlers are replaced."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # APScheduler logs every run of every job at INFO ("Running job ...", "executed successfully"):
    # the jobs log what they did themselves, so only its warnings are kept.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, root.level))
