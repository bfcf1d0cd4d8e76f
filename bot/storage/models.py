"""The database schema. Every change here comes with an Alembic migration (storage/migrations).

All timestamps are UTC. Only what a feature needs is stored (see /privacy, locale key privacy.text):
no phone numbers, no Telegram usernames; the first name only while a handoff is open.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (which has no time zones) too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class Person(Base):
    """Someone who talks to the bot, on one channel. `id` is the pseudonymous id used in logs."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_people_channel_external"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # "telegram" | "terminal" | "web"
    external_id: Mapped[str] = mapped_column(String(64))  # Telegram chat id
    language: Mapped[str | None] = mapped_column(String(16))
    language_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    district: Mapped[str | None] = mapped_column(String(32))
    office: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # False after "bot was blocked"
    translation_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationState(Base):
    """aiogram FSM state and data per storage key (the default storage; Redis when configured)."""

    __tablename__ = "conversation_states"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProcessedUpdate(Base):
    """Update ids already handled, so a webhook retry or a restart never handles one twice."""

    __tablename__ = "processed_updates"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Booking(Base):
    """A consultation. `seat` numbers the places of one slot; the partial unique index on
    (office, starts_at, seat) for live bookings is what makes double-booking impossible."""

    __tablename__ = "bookings"
    __table_args__ = (
        Index(
            "uq_bookings_live_seat",
            "office",
            "starts_at",
            "seat",
            unique=True,
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
        Index("ix_bookings_person_status", "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    office: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    seat: Mapped[int] = mapped_column(Integer, default=0)
    topic: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16))
    interpreter: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="booked")  # booked|cancelled|attended|no_show
    cancelled_by: Mapped[str | None] = mapped_column(String(16))  # person|staff
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Reminder(Base):
    """One reminder per booking and offset. Claimed atomically (status pending -> claimed)
    before sending, so two processes never both send it; a stale claim is retried."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("booking_id", "offset_minutes", name="uq_reminders_booking_offset"),
        Index("ix_reminders_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    offset_minutes: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|claimed|sent|skipped|failed
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class Heartbeat(Base):
    """A process that claims work (reminders) says here, every few seconds, that it is alive. A
    claim whose owner has stopped beating is taken over after the claim lease, not after the
    much longer stale timeout (bot.reminders.dispatch)."""

    __tablename__ = "heartbeats"

    owner: Mapped[str] = mapped_column(String(64), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column()


class JobRun(Base):
    """A scheduled job run (e.g. the 7:30 digest of one day), claimed once across processes."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    run_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Handoff(Base):
    """A conversation with staff: one forum topic (or reply thread) per person."""

    __tablename__ = "handoffs"
    __table_args__ = (
        Index("ix_handoffs_person_status", "person_id", "status"),
        Index("ix_handoffs_thread", "staff_chat_id", "thread_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|closed
    topic: Mapped[str | None] = mapped_column(String(32))
    staff_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    display_name: Mapped[str | None] = mapped_column(String(64))
    last_out_of_hours_notice: Mapped[str | None] = mapped_column(String(10))  # ISO date
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()


class HandoffMessage(Base):
    """The transcript of a handoff, purged after RETENTION_DAYS."""

    __tablename__ = "handoff_messages"
    __table_args__ = (Index("ix_handoff_messages_staff_msg", "staff_chat_id", "staff_message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(8))  # "in" (newcomer -> staff) | "out"
    original: Mapped[str | None] = mapped_column(Text)
    translated: Mapped[str | None] = mapped_column(Text)
    staff_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    staff_message_id: Mapped[int | None] = mapped_column(BigInteger)
    person_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebSession(Base):
    """A web chat session: the browser holds only the random id (a cookie); we keep its hash, so
    the table alone cannot be used to take a session over. Erased with the person."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebMessage(Base):
    """What a web chat page shows: the person's messages and the bot's replies, rendered (so a
    reload, or a reminder sent while the page was closed, shows the same). Erased with the person."""

    __tablename__ = "web_messages"
    __table_args__ = (Index("ix_web_messages_person", "person_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(8))  # "person" | "bot"
    payload: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CachedTranslation(Base):
    """Machine translations, keyed by a hash of the text (UI texts and relayed messages)."""

    __tablename__ = "translations"
    __table_args__ = (
        UniqueConstraint("provider", "source_language", "target_language", "text_hash", name="uq_translations_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    source_language: Mapped[str] = mapped_column(String(16))
    target_language: Mapped[str] = mapped_column(String(16))
    text_hash: Mapped[str] = mapped_column(String(64))
    translated: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OfficeClosure(Base):
    """A temporary closure staff entered in the staff chat (/closed), both days included. The
    reason is the team's own note, in German, shown to newcomers as such."""

    __tablename__ = "office_closures"
    __table_args__ = (Index("ix_office_closures_office_end", "office", "ends_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DailyCount(Base):
    """Anonymous figures for /stats: how often something happened on a Berlin calendar day, by
    topic and language where they apply (empty string where not). Never a text or a person."""

    __tablename__ = "daily_counts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    metric: Mapped[str] = mapped_column(String(24), primary_key=True)
    topic: Mapped[str] = mapped_column(String(32), primary_key=True, default="")
    lang: Mapped[str] = mapped_column(String(16), primary_key=True, default="")
    count: Mapped[int] = mapped_column(Integer, default=0)


class FirstReplyWait(Base):
    """How long a handoff waited for the first staff reply, for the median in /stats: the day and
    the seconds, nothing that points back to the handoff or the person."""

    __tablename__ = "first_reply_waits"
    __table_args__ = (Index("ix_first_reply_waits_day", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    seconds: Mapped[int] = mapped_column(Integer)
