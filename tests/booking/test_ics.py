"""The .ics file, checked by parsing its lines as RFC 5545 says."""

from datetime import UTC, datetime

from bot.booking.ics import booking_ics, escape_text, fold
from bot.places.calendar import TZ

UTC = UTC


def unfold(data: bytes) -> list[str]:
    text = data.decode("utf-8")
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    lines: list[str] = []
    for line in physical:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def properties(lines: list[str]) -> dict[str, str]:
    found = {}
    for line in lines:
        name, _, value = line.partition(":")
        found.setdefault(name, value)
    return found


def make(**overrides):
    args = dict(
        uid="booking-12@lokal-willkommen.dortmund",
        start=datetime(2026, 11, 26, 14, 0, tzinfo=TZ),
        end=datetime(2026, 11, 26, 14, 30, tzinfo=TZ),
        stamp=datetime(2026, 11, 23, 9, 0, 5, tzinfo=UTC),
        summary="Termin bei lokal willkommen Mengede/Huckarde",
        location="lokal willkommen Mengede/Huckarde, Bürgerhaus, Rathausstraße 1; 44359 Dortmund",
        description="Thema: Schule. Terminnummer: 12.\nAbsagen im Chat mit /mybookings.",
    )
    args.update(overrides)
    return booking_ics(**args)


def test_structure_and_times_in_utc():
    data = make()
    lines = unfold(data)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert lines.index("BEGIN:VEVENT") < lines.index("END:VEVENT")
    props = properties(lines)
    assert props["VERSION"] == "2.0" and props["PRODID"]
    assert props["UID"] == "booking-12@lokal-willkommen.dortmund"
    assert props["DTSTAMP"] == "20261123T090005Z"
    assert props["DTSTART"] == "20261126T130000Z"  # 14:00 in Berlin (CET) is 13:00 UTC
    assert props["DTEND"] == "20261126T133000Z"
    assert props["SUMMARY"] == "Termin bei lokal willkommen Mengede/Huckarde"
    assert props["METHOD"] == "PUBLISH" and props["STATUS"] == "CONFIRMED"


def test_summer_time_is_converted_too():
    props = properties(
        unfold(make(start=datetime(2026, 7, 2, 14, 0, tzinfo=TZ), end=datetime(2026, 7, 2, 14, 30, tzinfo=TZ)))
    )
    assert props["DTSTART"] == "20260702T120000Z"


def test_every_physical_line_ends_in_crlf_and_has_at_most_75_octets():
    data = make(description="Notiz: " + "Ä€😀 ئەو شتانەی " * 20)
    assert b"\n" not in data.replace(b"\r\n", b"")  # no bare LF
    assert b"\r" not in data.replace(b"\r\n", b"")  # no bare CR
    physical = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical)
    assert any(line.startswith(b" ") for line in physical)  # the long line was folded
    for line in physical:
        line.decode("utf-8")  # folding never splits a UTF-8 sequence


def test_text_values_are_escaped_and_survive_folding():
    description = "Thema: Schule, Kita; Notiz: a\\b\nzweite Zeile " + "x" * 200
    props = properties(unfold(make(description=description)))
    assert props["DESCRIPTION"] == escape_text(description)
    assert "\\," in props["LOCATION"] and "\\;" in props["LOCATION"]
    assert props["DESCRIPTION"].startswith("Thema: Schule\\, Kita\\; Notiz: a\\\\b\\nzweite Zeile")


def test_fold_keeps_short_lines_and_counts_the_leading_space():
    assert fold("SUMMARY:kurz") == "SUMMARY:kurz"
    folded = fold("X:" + "a" * 200)
    pieces = folded.split("\r\n")
    assert len(pieces[0]) == 75 and all(len(p) <= 75 for p in pieces)
    assert "".join([pieces[0], *(p[1:] for p in pieces[1:])]) == "X:" + "a" * 200


def test_a_cancellation_has_the_same_uid():
    props = properties(unfold(make(cancelled=True, sequence=1)))
    assert props["METHOD"] == "CANCEL" and props["STATUS"] == "CANCELLED" and props["SEQUENCE"] == "1"
    assert props["UID"] == "booking-12@lokal-willkommen.dortmund"
