"""/privacy says what is stored and for how long; /deletemydata erases it after a confirm step."""

from __future__ import annotations

import logging

from sqlalchemy import delete, select

from bot.core.actions import DeleteMyData, OpenMenu
from bot.core.dispatch import Dialogue
from bot.core.replies import Choice, Msg, Reply, rows
from bot.core.turn import Replies, Turn
from bot.reminders.planning import cancel_for_booking
from bot.storage.models import Booking, Handoff, Person

log = logging.getLogger(__name__)
dialogue = Dialogue("privacy")


@dialogue.command("privacy")
async def privacy(turn: Turn, args: str = "") -> Replies:
    return [
        Reply(
            Msg(
                "privacy.text",
                days=turn.services.settings.retention_days,
                backup_days=turn.services.settings.backup_retention_days,
            ),
            choices=rows(
                [Choice(Msg("privacy.delete_button"), DeleteMyData(confirmed=False))],
                [Choice(Msg("common.menu"), OpenMenu())],
            ),
        )
    ]


@dialogue.command("deletemydata")
async def ask_delete(turn: Turn, args: str = "") -> Replies:
    return [
        Reply(
            Msg("privacy.confirm_delete"),
            choices=rows(
                [
                    Choice(Msg("privacy.delete_yes"), DeleteMyData(confirmed=True)),
                    Choice(Msg("privacy.delete_no"), OpenMenu()),
                ]
            ),
        )
    ]


@dialogue.action(DeleteMyData)
async def delete_pressed(turn: Turn, action: DeleteMyData) -> Replies:
    return await (delete_everything(turn) if action.confirmed else ask_delete(turn))


async def delete_everything(turn: Turn) -> Replies:
    """Cancel upcoming bookings (telling staff), then erase the person, their conversation state,
    handoffs and transcripts (cascade). Past bookings stay as anonymous statistics (person_id NULL)."""
    session = turn.session
    person = turn.person
    # The conversation state first: it is written through another connection, which SQLite would
    # make wait for this session once it has written (the deletes below).
    await turn.leave()
    upcoming = (
        await session.scalars(
            select(Booking).where(
                Booking.person_id == person.id, Booking.status == "booked", Booking.starts_at > turn.now
            )
        )
    ).all()
    for booking in upcoming:
        booking.status = "cancelled"
        booking.cancelled_by = "person"
        booking.note = None
        await cancel_for_booking(session, booking.id)  # no reminder for a booking that is gone
    await session.flush()
    if upcoming:
        from bot.dialogues import staff_notes

        for booking in upcoming:
            await turn.services.outbox.to_staff(staff_notes.booking_cancelled_by_erasure(turn, booking))
    from bot.handoff import relay

    await relay.on_erasure(turn)  # closes their staff topics, tells staff (no content)
    await session.execute(delete(Handoff).where(Handoff.person_id == person.id))
    await session.execute(delete(Person).where(Person.id == person.id))
    log.info("person %s erased their data", person.id)
    return [Reply(Msg("privacy.deleted"))]
