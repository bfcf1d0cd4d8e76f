"""The queue of updates waiting for the bot, with Telegram's getUpdates semantics.

Updates stay queued until the bot confirms them with a higher ``offset`` (so an update answered to
a connection that died is delivered again, as with Telegram). ``allowed_updates`` filters updates
when they are *created*, as Telegram documents ("doesn't affect updates created before the call").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .signals import Notifier

# Telegram's default when allowed_updates was never set or set to [].
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    ip_address: str | None = None
    has_custom_certificate: bool = False
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class UpdateQueue:
    notifier: Notifier
    pending: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)  # filtered out by allowed_updates
    allowed_updates: list[str] | None = None
    next_update_id: int = 1
    poll_generation: int = 0  # bumped by each getUpdates; an older waiting poll gets 409

    def allows(self, kind: str) -> bool:
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in NOT_BY_DEFAULT

    def put(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue ``{"update_id": n, kind: payload}``; None if allowed_updates filters it out."""
        update = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        if not self.allows(kind):
            self.dropped.append(update)
            return None
        self.pending.append(update)
        self.notifier.notify()
        return update

    def put_raw(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a hand-made update as is (no filtering), numbering it if it has no id."""
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = self.next_update_id
        self.next_update_id = max(self.next_update_id, update["update_id"] + 1)
        self.pending.append(update)
        self.notifier.notify()
        return update

    def confirm(self, offset: int) -> None:
        """Forget updates below ``offset``; a negative offset keeps only the last -offset ones."""
        if offset < 0:
            self.pending = self.pending[offset:]
        else:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def take(self, limit: int) -> list[dict[str, Any]]:
        return self.pending[:limit]

    def remove(self, update: dict[str, Any]) -> None:
        self.pending = [u for u in self.pending if u["update_id"] != update["update_id"]]

    def clear(self) -> None:
        self.pending.clear()


def update_kind(update: dict[str, Any]) -> str:
    return next((k for k in update if k != "update_id"), "unknown")
