"""What staff do with bookings in the staff chat: /today, /week, /cancel <id>.

Called by the staff router (bot/telegram/routers/staff.py), which makes sure only messages from
the staff chat get here. Texts are German (locale keys under `staff.booking`), rendered to HTML.

    await today_text(services, now)           # the day's bookings per office, with notes
    await week_text(services, now)            # today and the next 6 days, per office
    await cancel_from_staff(services, "12")   # cancel #12, tell the person in their language
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from bot.booking import service
from bot.core.replies import Msg, Plain, Text
from bot.core.services import Services
from bot.dialogues import staff_notes
from bot.places.calendar import local_datetime, to_local
from bot.storage.models import Booking, Person

log = logging.getLogger(__name__)
UTC = UTC
WEEK_DAYS = 7


def day_bounds(first: date, days: int) -> tuple[datetime, datetime]:
    """[00:00 of `first`, 00:00 of `first + days`) in Berlin, as UTC instants."""
    start = local_datetime(first, time(0, 0)).astimezone(UTC)
    end = local_datetime(first + timedelta(days=days), time(0, 0)).astimezone(UTC)
    return start, end


def parse_booking_id(args: str | None) -> int | None:
    """ "12", "#12", " 12 " -> 12; anything else -> None."""
    text = (args or "").strip().lstrip("#").strip()
    if not text.isdigit() or len(text) > 9:
        return None
    return int(text)


def _interpreter(booking: Booking) -> Text:
    if not booking.interpreter:
        return Plain("")
    return Msg("staff.booking.line_interpreter", language=staff_notes.language_name_de(booking.interpreter))


def render_list(services: Services, bookings: list[Booking], *, title: Msg, with_date: bool, with_notes: bool) -> str:
    """Bookings grouped per office (in the offices' order), each line with number, time, topic,
    chat language and interpreter; notes only when `with_notes` (see staff_notes for why)."""
    offices = services.places.offices()
    order = {office.id: index for index, office in enumerate(offices.all)}
    grouped: dict[str, list[Booking]] = defaultdict(list)
    for booking in bookings:
        grouped[booking.office].append(booking)
    parts: list[Text] = [title]
    if not bookings:
        parts.append(Msg("staff.booking.none"))
    for office_id in sorted(grouped, key=lambda o: (order.get(o, len(order)), o)):
        items = sorted(grouped[office_id], key=lambda b: (b.starts_at, b.seat))
        parts.append(Msg("staff.booking.office", office=staff_notes.office_name(services, office_id), count=len(items)))
        for booking in items:
            local = to_local(booking.starts_at)
            args = dict(
                time=f"{local:%H:%M}",
                id=booking.id,
                topic=staff_notes.topic_title(services, booking.topic),
                language=staff_notes.language_name_de(booking.language),
                interpreter=_interpreter(booking),
            )
            if with_date:
                parts.append(
                    Msg(
                        "staff.booking.line_week",
                        date=f"{staff_notes.WEEKDAYS_DE[local.weekday()]} {local:%d.%m.}",
                        **args,
                    )
                )
            else:
                parts.append(Msg("staff.booking.line_today", **args))
            if with_notes and booking.note:
                parts.append(Msg("staff.booking.line_note", note=booking.note))
    return "\n".join(services.catalog.render(part, "de") for part in parts)


async def today_text(services: Services, now: datetime) -> str:
    today = to_local(now).date()
    start, end = day_bounds(today, 1)
    async with services.sessions() as session:
        bookings = await service.bookings_between(session, None, start, end)
    title = Msg("staff.booking.today_title", date=f"{staff_notes.WEEKDAYS_DE[today.weekday()]} {today:%d.%m.%Y}")
    return render_list(services, bookings, title=title, with_date=False, with_notes=True)


async def week_text(services: Services, now: datetime) -> str:
    today = to_local(now).date()
    start, end = day_bounds(today, WEEK_DAYS)
    async with services.sessions() as session:
        bookings = await service.bookings_between(session, None, start, end)
    last = today + timedelta(days=WEEK_DAYS - 1)
    title = Msg("staff.booking.week_title", first=f"{today:%d.%m.}", last=f"{last:%d.%m.%Y}")
    return render_list(services, bookings, title=title, with_date=True, with_notes=False)


async def cancel_from_staff(services: Services, args: str | None) -> str:
    """Cancel a booking for staff and tell the person in their language. Returns the staff answer."""
    from bot.dialogues.booking import cancelled_by_staff  # the person's texts live with the dialogue

    catalog = services.catalog
    booking_id = parse_booking_id(args)
    if booking_id is None:
        return catalog.render(Msg("staff.booking.cancel_usage"), "de")
    now = services.clock.now()
    async with services.sessions() as session:
        result = await service.cancel(session, booking_id, by="staff", now=now)
        if isinstance(result, service.Refused):
            return catalog.render(Msg("staff.booking.cancel_not_found", id=booking_id), "de")
        await service.booking_changed(
            session, result, offsets_minutes=services.settings.reminder_offset_minutes, now=now
        )
        await session.commit()  # cancelled for sure before anyone is told
        person = await session.get(Person, result.person_id) if result.person_id is not None else None
        told = False
        if person is not None:
            told = await services.outbox.to_person(
                person, cancelled_by_staff(services, result, person.language or "de")
            )
            await session.commit()  # the outbox marks a person who blocked the bot as inactive
        log.info("booking #%s cancelled by staff; person told: %s", booking_id, told)
        return catalog.render(
            Msg(
                "staff.booking.cancel_done",
                id=result.id,
                office=staff_notes.office_name(services, result.office),
                when=staff_notes.booking_when(result),
                told=Msg("staff.booking.person_told" if told else "staff.booking.person_not_told"),
            ),
            "de",
        )
