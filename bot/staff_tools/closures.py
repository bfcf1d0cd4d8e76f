"""/closed and /open in the staff chat: temporary closures of an office.

    await closed_text(services, "mengede 24.12.2026 31.12.2026 Betriebsferien")
    await open_text(services, "mh 28.12.2026")

/closed stores the closure (bot.staff_tools.closure_store), after which every process shows it
in the hours, "open now", the next opening and the booking calendar. Appointments already booked
on those days cannot take place: each is cancelled (by staff), the person is told in their
language with the team's note as staff wrote it, and offered another time at the same office. The
answer in the staff chat lists them. /open makes the office open again from a day on; appointments
cancelled by the closure stay cancelled (the people have been told).

Texts for staff are German (locale keys under `staff.tools`), rendered to HTML.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.booking import service
from bot.core.actions import BookOffice, MyBookings
from bot.core.replies import Choice, Msg, Reply, Text, rows
from bot.core.services import Services
from bot.dialogues import staff_notes
from bot.places.calendar import local_datetime, to_local
from bot.places.formatting import format_date, format_time
from bot.places.offices import Closure, Office
from bot.staff_tools import closure_store
from bot.staff_tools.answers import problem_text
from bot.staff_tools.arguments import CloseRequest, Problem, german, parse_closed, parse_open
from bot.storage.models import Booking, Person

log = logging.getLogger(__name__)
UTC = UTC


def span_de(closure: Closure) -> str:
    """ "24.12.2026" or "24.12.2026 – 31.12.2026"."""
    if closure.start == closure.end:
        return german(closure.start)
    return f"{german(closure.start)} – {german(closure.end)}"


def days_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """From 00:00 of `first` to 00:00 after `last`, Berlin, as UTC instants."""
    return (
        local_datetime(first, time(0, 0)).astimezone(UTC),
        local_datetime(last + timedelta(days=1), time(0, 0)).astimezone(UTC),
    )


def closure_notice(services: Services, booking: Booking, office: Office, reason: str, lang: str) -> list[Reply]:
    """What a person booked on a closed day is told (sent through the outbox, in their language)."""
    when = Msg(
        "booking.when",
        date=format_date(booking.starts_at, lang, capitalize=True),
        time=format_time(booking.starts_at, lang),
    )
    text = Msg("closures.booking_cancelled", when=when, office=office.name, reason=reason)
    return [
        Reply(
            text,
            choices=rows(
                [Choice(Msg("closures.pick_another_time"), BookOffice(office.id))],
                [Choice(Msg("booking.my_bookings"), MyBookings())],
            ),
        )
    ]


@dataclass(frozen=True)
class Affected:
    booking: Booking
    told: bool


async def closed_text(services: Services, args: str | None) -> str:
    """/closed: list the current closures (no arguments), or enter one. Returns the staff answer."""
    now = services.clock.now()
    today = to_local(now).date()
    offices = services.places.offices()
    if not (args or "").strip():
        return await listing_text(services, today)
    request = parse_closed(args, offices.all, today)
    if isinstance(request, Problem):
        return problem_text(services, request)
    affected = await _close(services, request, now)
    log.info(
        "office %s closed %s to %s by staff; %d bookings cancelled",
        request.office.id,
        request.start,
        request.end,
        len(affected),
    )
    return _closed_answer(services, request, affected)


async def _close(services: Services, request: CloseRequest, now: datetime) -> list[Affected]:
    start, end = days_bounds(request.start, request.end)
    async with services.sessions() as session:
        await closure_store.add(session, request, now)
        booked = await service.bookings_between(session, request.office.id, max(start, now), end)
        cancelled: list[Booking] = []
        for booking in booked:
            result = await service.cancel(session, booking.id, by="staff", now=now)
            if isinstance(result, service.Refused):
                continue  # cancelled by the person a moment ago
            await service.booking_changed(
                session, result, now=now, offsets_minutes=services.settings.reminder_offset_minutes
            )
            cancelled.append(result)
        await session.commit()  # closed and cancelled for sure before anyone is told
        services.places.staff_closures.invalidate()
        affected: list[Affected] = []
        for booking in cancelled:
            person = await session.get(Person, booking.person_id) if booking.person_id is not None else None
            told = False
            if person is not None:
                lang = person.language or "de"
                told = await services.outbox.to_person(
                    person, closure_notice(services, booking, request.office, request.reason, lang)
                )
            affected.append(Affected(booking, told))
        await session.commit()  # the outbox marks a person who blocked the bot as inactive
    return affected


def _closed_answer(services: Services, request: CloseRequest, affected: list[Affected]) -> str:
    closure = Closure(request.start, request.end, request.reason)
    parts: list[Text] = [
        Msg("staff.tools.closed_done", office=request.office.name, days=span_de(closure), reason=request.reason)
    ]
    if not affected:
        parts.append(Msg("staff.tools.no_bookings_affected"))
    else:
        parts.append(Msg("staff.tools.bookings_affected", count=len(affected)))
        for item in affected:
            booking = item.booking
            parts.append(
                Msg(
                    "staff.tools.affected_line",
                    id=booking.id,
                    when=staff_notes.booking_when(booking),
                    topic=staff_notes.topic_title(services, booking.topic),
                    language=staff_notes.language_name_de(booking.language),
                    told=Msg("staff.tools.told" if item.told else "staff.tools.not_told"),
                )
            )
    parts.append(Msg("staff.tools.undo_hint", office=request.office.id, day=german(request.start)))
    return "\n".join(services.catalog.render(part, "de") for part in parts)


async def open_text(services: Services, args: str | None) -> str:
    """/open: the office is open again from a day on. Returns the staff answer."""
    request = parse_open(args, services.places.offices().all)
    if isinstance(request, Problem):
        return problem_text(services, request)
    async with services.sessions() as session:
        changed = await closure_store.reopen(session, request.office.id, request.day)
        await session.commit()
    services.places.staff_closures.invalidate()
    catalog = services.catalog
    if not changed:
        text = catalog.render(
            Msg("staff.tools.open_nothing", office=request.office.name, day=german(request.day)), "de"
        )
        return (
            text + "\n\n" + await listing_text(services, to_local(services.clock.now()).date(), office=request.office)
        )
    parts: list[Text] = [Msg("staff.tools.open_done", office=request.office.name, day=german(request.day))]
    for item in changed:
        if item.kept is None:
            parts.append(Msg("staff.tools.open_removed", days=span_de(item.before), reason=item.before.reason))
        else:
            parts.append(
                Msg(
                    "staff.tools.open_shortened",
                    days=span_de(item.before),
                    reason=item.before.reason,
                    kept=span_de(item.kept),
                )
            )
    parts.append(Msg("staff.tools.open_bookings_stay_cancelled"))
    log.info(
        "office %s open again from %s by staff (%d closures changed)", request.office.id, request.day, len(changed)
    )
    return "\n".join(catalog.render(part, "de") for part in parts)


async def listing_text(services: Services, today: date, *, office: Office | None = None) -> str:
    """The closures entered in the chat that are still to come or under way, and how to enter one."""
    async with services.sessions() as session:
        rows_found = await closure_store.current(session, today, office.id if office is not None else None)
    offices = services.places.offices()
    parts: list[Text] = [Msg("staff.tools.closures_title")]
    if not rows_found:
        parts.append(Msg("staff.tools.closures_none"))
    for row in rows_found:
        found = offices.get(row.office)
        parts.append(
            Msg(
                "staff.tools.closures_line",
                office=found.name if found else row.office,
                id=row.office,
                days=span_de(closure_store.as_closure(row)),
                reason=row.reason,
            )
        )
    parts.append(Msg("staff.tools.closed_usage"))
    return "\n".join(services.catalog.render(part, "de") for part in parts)
