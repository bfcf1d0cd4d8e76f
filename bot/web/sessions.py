"""Web chat sessions: a random id in a cookie, its hash and a CSRF token in the database.

The browser stores nothing but the cookie (HttpOnly, SameSite=Lax, Secure behind HTTPS). Each
session is one Person with channel "web" (external_id: the hash), so bookings, reminders, handoffs
and /deletemydata work as for Telegram. A session ends after WEB_SESSION_IDLE_DAYS without a visit
(`expire`): the person and everything of theirs goes, unless they have an appointment ahead.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.database import reading
from bot.storage.models import Booking, Person, WebSession

COOKIE = "lw_session"
CHANNEL = "web"
TOUCH_EVERY = timedelta(minutes=1)  # resolution of WebSession.seen_at


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def plausible_token(token: str | None) -> bool:
    return bool(token) and 20 <= len(token or "") <= 64 and all(c.isalnum() or c in "-_" for c in token or "")


@dataclass(frozen=True)
class WebVisitor:
    """A live session, as plain values (safe to use after its database session has closed)."""

    id_hash: str
    person_id: int
    csrf_token: str
    seen_at: datetime

    @property
    def external_id(self) -> str:
        return self.id_hash

    def csrf_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf_token, token or "")


class SessionStore:
    """`write_slot`: what a write waits for first (the process's turn slot, so that on SQLite it
    queues with the turns instead of sleeping in the busy handler)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        idle: timedelta,
        write_slot: Callable[[], AbstractAsyncContextManager[object]] = contextlib.nullcontext,
    ) -> None:
        self.sessions = sessions
        self.idle = idle
        self.write_slot = write_slot

    async def find(self, token: str | None, now: datetime) -> WebVisitor | None:
        """The session behind a cookie; its last visit is moved on (at most once a minute)."""
        if not plausible_token(token):
            return None
        assert token is not None
        key = token_hash(token)
        async with reading(self.sessions) as session:
            row = await session.get(WebSession, key)
            if row is None:
                return None
            visitor = WebVisitor(row.id_hash, row.person_id, row.csrf_token, row.seen_at)
        if now - visitor.seen_at >= TOUCH_EVERY:
            async with self.write_slot(), self.sessions.begin() as session:
                await session.execute(update(WebSession).where(WebSession.id_hash == key).values(seen_at=now))
        return visitor

    async def create(self, now: datetime) -> tuple[str, WebVisitor]:
        """A new session and its person; the token is returned once, for the cookie."""
        token = new_token()
        key = token_hash(token)
        csrf = secrets.token_urlsafe(32)
        async with self.write_slot(), self.sessions.begin() as session:
            person = Person(channel=CHANNEL, external_id=key, created_at=now, last_seen_at=now)
            session.add(person)
            await session.flush()
            session.add(WebSession(id_hash=key, person_id=person.id, csrf_token=csrf, created_at=now, seen_at=now))
            person_id = person.id
        return token, WebVisitor(key, person_id, csrf, now)

    async def expire(self, now: datetime) -> int:
        """Erase web people idle for longer than `idle` (sessions, messages, handoffs go with them;
        bookings stay as anonymous statistics); someone with an appointment ahead is kept."""
        cutoff = now - self.idle
        upcoming = exists().where(Booking.person_id == Person.id, Booking.status == "booked", Booking.starts_at > now)
        idle = select(WebSession.person_id).where(WebSession.seen_at < cutoff)
        async with self.sessions.begin() as session:
            result = await session.execute(
                delete(Person)
                .where(Person.channel == CHANNEL, Person.id.in_(idle), ~upcoming)
                .execution_options(synchronize_session=False)
            )
        return int(getattr(result, "rowcount", 0) or 0)
