"""An iCalendar file (RFC 5545) for one appointment, so a person can put it into their calendar.

    booking_ics(uid="booking-12@lokal-willkommen.dortmund", start=..., end=..., stamp=now,
                summary="Termin bei lokal willkommen Eving", location="..., 44339 Dortmund")

Times are written in UTC ("...Z", RFC 5545 3.3.5 form #2), which every calendar app converts to
local time, so no VTIMEZONE is needed. Lines end in CRLF and are folded at 75 octets without
splitting a UTF-8 character; text values are escaped (backslash, semicolon, comma, newline).
Pure: takes strings and aware datetimes, returns bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

CRLF = "\r\n"
MAX_OCTETS = 75
PRODID = "-//lokal willkommen Dortmund//Termin-Bot//DE"


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def format_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("expected an aware datetime")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets; continuation lines start with a space
    (which counts toward their 75). Never splits inside a UTF-8 sequence."""
    pieces: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, MAX_OCTETS - 1
        current += char
        size += width
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def booking_ics(
    *,
    uid: str,
    start: datetime,
    end: datetime,
    stamp: datetime,
    summary: str,
    location: str,
    description: str | None = None,
    cancelled: bool = False,
    sequence: int = 0,
    alarm_before: timedelta | None = None,
) -> bytes:
    """One VEVENT in a VCALENDAR. `cancelled=True` makes a cancellation (METHOD:CANCEL) for the same UID.
    `alarm_before`: a VALARM, so the phone's calendar reminds a person who does not keep the chat open."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{format_utc(stamp)}",
        f"DTSTART:{format_utc(start)}",
        f"DTEND:{format_utc(end)}",
        f"SEQUENCE:{sequence}",
        f"SUMMARY:{escape_text(summary)}",
        f"LOCATION:{escape_text(location)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines += [
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
    ]
    if alarm_before is not None and not cancelled:
        minutes = max(1, int(alarm_before.total_seconds() // 60))
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape_text(summary)}",
            f"TRIGGER:-PT{minutes}M",
            "END:VALARM",
        ]
    lines += [
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + CRLF for line in lines).encode("utf-8")
