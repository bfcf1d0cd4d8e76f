"""The reminder a person gets before an appointment (pure: no clock, no database, no aiogram).

Morgen hast du einen Termin bei lokal willkommen.
📅 Dienstag, 24. November, um 10:00
🏢 lokal willkommen Brackel (Partner)
📍 Straße 1, 44309 Dortmund-Brackel
[✅ Ich komme] [🗺 Weg zeigen]
[🔁 Verschieben] [❌ Absagen]
"""

from __future__ import annotations

from datetime import datetime, timedelta

from babel import Locale, UnknownLocaleError

from bot.core.actions import CancelBooking, RescheduleBooking, ShowOffice, WillAttend
from bot.core.replies import Choice, Lines, Msg, Reply, rows
from bot.places.calendar import to_local
from bot.places.formatting import format_date, format_time, weekday_name
from bot.places.offices import Office


def language_name(code: str, lang: str) -> str:
    """ "ar" in German: "Arabisch"; in English: "Arabic" (the code itself when unknown)."""
    try:
        names = Locale.parse(lang.replace("-", "_")).languages
    except (UnknownLocaleError, ValueError):
        names = Locale.parse("de").languages
    return str(names.get(code.split("-")[0], code))


def appointment_lines(
    *, starts_at: datetime, office_id: str, office: Office | None, lang: str, interpreter: str | None = None
) -> list[Msg]:
    """When and where, as locale lines (shared by the reminder and the "I'll come" answer).
    `interpreter` is a language code (or "no"), shown by name in `lang`."""
    local = to_local(starts_at)
    lines = [
        Msg(
            "reminders.when",
            weekday=weekday_name(local.date(), lang),
            date=format_date(local.date(), lang),
            time=format_time(local, lang),
        )
    ]
    if office is not None:
        lines.append(Msg("reminders.office", office=office.name))
        lines.append(Msg("reminders.address", address=office.address.one_line()))
    else:
        lines.append(Msg("reminders.office", office=office_id))
    if interpreter and interpreter != "no":
        lines.append(Msg("reminders.interpreter", language=language_name(interpreter, lang)))
    return lines


def intro(starts_at: datetime, now: datetime) -> Msg:
    """ "today" / "tomorrow" / "soon", by the Berlin calendar day of the appointment."""
    day = to_local(starts_at).date()
    today = to_local(now).date()
    if day == today:
        return Msg("reminders.intro_today")
    if day == today + timedelta(days=1):
        return Msg("reminders.intro_tomorrow")
    return Msg("reminders.intro_later")


def reminder_reply(
    *,
    booking_id: int,
    starts_at: datetime,
    office_id: str,
    office: Office | None,
    lang: str,
    now: datetime,
    interpreter: str | None = None,
) -> Reply:
    """The reminder for one booking, in `lang` (dates and weekday names in that language);
    `office` is None when the office is no longer in the data."""
    parts: list[Msg] = [intro(starts_at, now)]
    parts += appointment_lines(
        starts_at=starts_at, office_id=office_id, office=office, lang=lang, interpreter=interpreter
    )
    parts.append(Msg("reminders.footer"))
    first = [Choice(Msg("reminders.will_attend"), WillAttend(booking_id))]
    if office is not None:
        first.append(Choice(Msg("reminders.show_way"), ShowOffice(office.id)))
    choices = rows(
        first,
        [
            Choice(Msg("reminders.reschedule"), RescheduleBooking(booking_id)),
            Choice(Msg("reminders.cancel"), CancelBooking(booking_id)),
        ],
    )
    return Reply(Lines(*parts), choices=choices)
