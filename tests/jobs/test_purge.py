"""The nightly purge: each kind of data goes after its time, and nothing younger."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.jobs import purge
from bot.storage.models import (
    Booking,
    CachedTranslation,
    ConversationState,
    Handoff,
    HandoffMessage,
    JobRun,
    ProcessedUpdate,
)
from tests.reminders.factories import add_booking, add_person

DAYS = 90


async def _count(sessions, model, *where) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_handoff_transcripts_older_than_retention_are_deleted(sessions, clock: FakeClock) -> None:
    now = clock.now()
    async with sessions() as session:
        person = await add_person(session)
        handoff = Handoff(person_id=person.id, status="open", created_at=now - timedelta(days=200))
        session.add(handoff)
        await session.flush()
        for age in (200, 91, 89, 1):
            session.add(
                HandoffMessage(
                    handoff_id=handoff.id,
                    direction="in",
                    original=f"{age} days old",
                    created_at=now - timedelta(days=age),
                )
            )
        await session.commit()
    async with sessions() as session:
        assert await purge.purge_handoff_messages(session, now=now, retention_days=DAYS) == 2
        await session.commit()
    async with sessions() as session:
        left = (await session.scalars(select(HandoffMessage.original).order_by(HandoffMessage.id))).all()
    assert left == ["89 days old", "1 days old"]
    assert await _count(sessions, Handoff) == 1  # an open handoff stays


async def test_closed_handoffs_go_with_their_transcripts(sessions, clock: FakeClock) -> None:
    now = clock.now()
    async with sessions() as session:
        person = await add_person(session)
        old = Handoff(person_id=person.id, status="closed", closed_at=now - timedelta(days=DAYS + 1))
        recent = Handoff(person_id=person.id, status="closed", closed_at=now - timedelta(days=DAYS - 1))
        still_open = Handoff(person_id=person.id, status="open", created_at=now - timedelta(days=300))
        session.add_all([old, recent, still_open])
        await session.flush()
        session.add(HandoffMessage(handoff_id=old.id, direction="in", original="x", created_at=now))
        session.add(HandoffMessage(handoff_id=recent.id, direction="in", original="y", created_at=now))
        await session.commit()
    async with sessions() as session:
        assert await purge.purge_closed_handoffs(session, now=now, retention_days=DAYS) == 1
        await session.commit()
    async with sessions() as session:
        left = set((await session.scalars(select(Handoff.id))).all())
        messages = (await session.scalars(select(HandoffMessage.handoff_id))).all()
    assert left == {recent.id, still_open.id}
    assert messages == [recent.id]


async def test_processed_updates_are_kept_two_days(sessions, clock: FakeClock) -> None:
    now = clock.now()
    async with sessions() as session:
        for update_id, age in ((1, timedelta(days=3)), (2, timedelta(days=2, minutes=1)), (3, timedelta(days=1))):
            session.add(ProcessedUpdate(bot_id=42, update_id=update_id, received_at=now - age))
        await session.commit()
    async with sessions() as session:
        assert await purge.purge_processed_updates(session, now=now) == 2
        await session.commit()
    async with sessions() as session:
        assert (await session.scalars(select(ProcessedUpdate.update_id))).all() == [3]


async def test_cached_translations_older_than_retention_are_deleted(sessions, clock: FakeClock) -> None:
    now = clock.now()
    async with sessions() as session:
        for i, age in enumerate((DAYS + 10, DAYS - 10)):
            session.add(
                CachedTranslation(
                    provider="fake",
                    source_language="de",
                    target_language="ar",
                    text_hash=f"h{i}",
                    translated=f"t{i}",
                    created_at=now - timedelta(days=age),
                )
            )
        await session.commit()
    async with sessions() as session:
        assert await purge.purge_translations(session, now=now, retention_days=DAYS) == 1
        await session.commit()
    async with sessions() as session:
        assert (await session.scalars(select(CachedTranslation.text_hash))).all() == ["h1"]


async def test_untouched_conversation_states_are_deleted(sessions, clock: FakeClock) -> None:
    now = clock.now()
    async with sessions() as session:
        session.add(
            ConversationState(
                key="old", state="places:await_place", data={"a": 1}, updated_at=now - timedelta(days=DAYS + 1)
            )
        )
        session.add(ConversationState(key="fresh", state=None, data={}, updated_at=now - timedelta(days=3)))
        await session.commit()
    async with sessions() as session:
        assert await purge.purge_conversation_states(session, now=now, retention_days=DAYS) == 1
        await session.commit()
    async with sessions() as session:
        assert (await session.scalars(select(ConversationState.key))).all() == ["fresh"]


async def test_notes_of_past_and_cancelled_bookings_are_erased(sessions, clock: FakeClock) -> None:
    now = clock.now()
    old = now - timedelta(days=DAYS + 1)
    async with sessions() as session:
        person = await add_person(session)
        rows = {
            "past": await add_booking(session, person, starts_at=old, note="past", status="attended"),
            "past_booked": await add_booking(session, person, starts_at=old, seat=1, note="never marked"),
            "cancelled_long_ago": await add_booking(
                session, person, starts_at=now + timedelta(days=1), status="cancelled", note="c", updated_at=old
            ),
            "cancelled_recently": await add_booking(
                session,
                person,
                starts_at=now + timedelta(days=1),
                seat=1,
                status="cancelled",
                note="c2",
                updated_at=now,
            ),
            "recent_past": await add_booking(session, person, starts_at=now - timedelta(days=3), note="recent"),
            "upcoming": await add_booking(session, person, starts_at=now + timedelta(days=2), note="bring letter"),
        }
        await session.commit()
    async with sessions() as session:
        assert await purge.purge_booking_notes(session, now=now, retention_days=DAYS) == 3
        await session.commit()
    async with sessions() as session:
        notes = {key: (await session.get(Booking, b.id)).note for key, b in rows.items()}
    assert notes == {
        "past": None,
        "past_booked": None,
        "cancelled_long_ago": None,
        "cancelled_recently": "c2",
        "recent_past": "recent",
        "upcoming": "bring letter",
    }
    assert await _count(sessions, Booking) == 6  # the bookings themselves stay (statistics)


async def test_old_job_runs_are_deleted_but_kept_a_week(sessions, clock: FakeClock) -> None:
    now = clock.now()
    async with sessions() as session:
        session.add(JobRun(name="digest", run_key="old", claimed_at=now - timedelta(days=8)))
        session.add(JobRun(name="attendance", run_key="12", claimed_at=now - timedelta(days=3)))
        await session.commit()
    async with sessions() as session:
        assert await purge.purge_job_runs(session, now=now, retention_days=1) == 1
        await session.commit()
    async with sessions() as session:
        assert (await session.scalars(select(JobRun.run_key))).all() == ["12"]


async def test_purge_all_runs_every_kind(sessions, clock: FakeClock) -> None:
    now = clock.now()
    async with sessions() as session:
        session.add(ProcessedUpdate(bot_id=1, update_id=1, received_at=now - timedelta(days=5)))
        session.add(ConversationState(key="k", state=None, data={}, updated_at=now - timedelta(days=DAYS + 5)))
        await session.commit()
    counts = await purge.purge_all(sessions, now=now, retention_days=DAYS)
    assert counts == {
        "handoff_messages": 0,
        "closed_handoffs": 0,
        "processed_updates": 1,
        "translations": 0,
        "conversation_states": 1,
        "booking_notes": 0,
        "job_runs": 0,
    }
    assert await purge.purge_all(sessions, now=now, retention_days=DAYS) == dict.fromkeys(counts, 0)


def test_retention_must_be_positive(clock: FakeClock) -> None:
    with pytest.raises(ValueError):
        purge.cutoff(clock.now(), 0)
