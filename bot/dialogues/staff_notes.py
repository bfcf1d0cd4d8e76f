"""Notes for the staff chat, in German, with no more personal data than staff need."""

from __future__ import annotations

from bot.core.replies import Msg
from bot.core.services import Services
from bot.core.turn import Turn
from bot.places.calendar import TZ
from bot.storage.models import Booking


def _when(booking: Booking) -> str:
    return booking.starts_at.astimezone(TZ).strftime("%d.%m.%Y %H:%M")


def booking_cancelled_by_erasure(turn: Turn, booking: Booking) -> str:
    return turn.services.catalog.render(
        Msg("staff.booking_cancelled_erasure", office=booking.office, when=_when(booking)), "de"
    )


# --- bookings: new, moved, cancelled ------------------------------------------------------------
# What staff see of a booking: number, office, time, topic, the chat language and the interpreter
# need; no name (we store none). The person's note is NOT in these notices: it is free text that may
# hold personal details, the staff chat is shared by all seven offices, and Telegram keeps posts
# beyond RETENTION_DAYS and beyond /deletemydata. Staff do need it to prepare, so the notices only
# say that there is one, and the note itself appears in the /today list on the day of the
# appointment (bot/booking/staff.py), when it is needed.

WEEKDAYS_DE = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")


def booking_when(booking: Booking) -> Msg:
    """ "Do 26.11.2026, 09:00 Uhr" (Europe/Berlin)."""
    local = booking.starts_at.astimezone(TZ)
    return Msg("staff.booking.when", date=f"{WEEKDAYS_DE[local.weekday()]} {local:%d.%m.%Y}", time=f"{local:%H:%M}")


def office_name(services: Services, office_id: str) -> str:
    office = services.places.offices().get(office_id)
    return office.name if office is not None else office_id


def language_name_de(code: str | None) -> str:
    """ "Arabisch" for "ar" (German names for staff), the code itself when unknown."""
    if not code:
        return "–"
    from babel import Locale

    return str(Locale.parse("de").languages.get(code, code))


def topic_title(services: Services, topic: str | None) -> Msg:
    if not topic:
        return Msg("staff.booking.no_topic")
    if topic in services.flows:
        return Msg(services.flows.get(topic).title)
    return Msg("staff.booking.other_topic")


def booking_details(services: Services, booking: Booking) -> Msg:
    interpreter = language_name_de(booking.interpreter) if booking.interpreter else Msg("staff.booking.no_interpreter")
    return Msg(
        "staff.booking.details",
        office=office_name(services, booking.office),
        when=booking_when(booking),
        topic=topic_title(services, booking.topic),
        language=language_name_de(booking.language),
        interpreter=interpreter,
        note=Msg("staff.booking.note_flag") if booking.note else "",
    )


def booking_created(services: Services, booking: Booking) -> str:
    return services.catalog.render(
        Msg("staff.booking.new", id=booking.id, details=booking_details(services, booking)), "de"
    )


def booking_moved(services: Services, old: Booking, new: Booking) -> str:
    return services.catalog.render(
        Msg(
            "staff.booking.moved",
            old_id=old.id,
            id=new.id,
            old_when=booking_when(old),
            details=booking_details(services, new),
        ),
        "de",
    )


def booking_cancelled_by_person(services: Services, booking: Booking) -> str:
    return services.catalog.render(
        Msg(
            "staff.booking.cancelled_by_person",
            id=booking.id,
            office=office_name(services, booking.office),
            when=booking_when(booking),
        ),
        "de",
    )
