""" "I'll come", pressed under a reminder: say thank you and note it.

Noting it stores nothing: the booking stays as it is, one log line records that the person
(pseudonymous id) confirmed the booking. Pressing twice answers the same way."""

from __future__ import annotations

import logging

from sqlalchemy import select

from bot.core.actions import MyBookings, OpenMenu, ShowOffice, WillAttend
from bot.core.dispatch import Dialogue
from bot.core.replies import Choice, Lines, Msg, Reply, rows
from bot.core.turn import Replies, Turn
from bot.reminders.message import appointment_lines
from bot.storage.models import Booking

log = logging.getLogger(__name__)
dialogue = Dialogue("reminders")


@dialogue.action(WillAttend)
async def will_attend(turn: Turn, action: WillAttend) -> Replies:
    booking = await turn.session.scalar(
        select(Booking).where(Booking.id == action.booking, Booking.person_id == turn.person.id)
    )
    if booking is None or booking.status != "booked" or booking.ends_at <= turn.now:
        return [
            Reply(
                Msg("reminders.not_live"),
                choices=rows(
                    [Choice(Msg("reminders.my_bookings"), MyBookings()), Choice(Msg("common.menu"), OpenMenu())]
                ),
            )
        ]
    log.info("person %s will attend booking %s", turn.person.id, booking.id)
    office = turn.services.places.offices().get(booking.office)
    lines = appointment_lines(starts_at=booking.starts_at, office_id=booking.office, office=office, lang=turn.lang)
    buttons = [Choice(Msg("reminders.show_way"), ShowOffice(office.id))] if office is not None else []
    buttons.append(Choice(Msg("common.menu"), OpenMenu()))
    return [Reply(Lines(Msg("reminders.thanks"), *lines), choices=rows(buttons))]
