"""Reading what staff type after /closed, /open and /stats. Pure: no database, no Telegram.

    parse_closed("mengede 24.12.2026 31.12.2026 Betriebsferien", offices, today)
        -> CloseRequest(office=<mh>, start=2026-12-24, end=2026-12-31, reason="Betriebsferien")
    parse_open("mh 2026-12-28", offices, today)  -> OpenRequest(office=<mh>, day=2026-12-28)
    parse_period("week")                         -> "week"

A problem comes back as `Problem(key, args, usage)`: a German locale key under `staff.tools` that
says what was wrong, and the command whose usage to show with it.

OFFICE is the office's id ("mh") or a part of its name that only one office has ("Mengede",
"hörde", "Hoerde"); it may be several words ("lokal willkommen Eving"): everything before the first
date. Dates are DD.MM.YYYY or YYYY-MM-DD (a single-digit day or month is fine).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

from bot.places.offices import Office

REASON_MAX = 300  # OfficeClosure.reason is String(300)
LONGEST_CLOSURE_DAYS = 366  # a longer "closure" is a typo in the year, not a plan

Period = Literal["week", "month"]

_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_LIKE = re.compile(r"^[\d.\-/]+$")
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u"})


@dataclass(frozen=True)
class Problem:
    key: str  # under staff.tools
    args: dict[str, str] = field(default_factory=dict)
    usage: Literal["closed", "open", "stats"] | None = None  # the command to show the usage of


@dataclass(frozen=True)
class CloseRequest:
    office: Office
    start: date
    end: date
    reason: str


@dataclass(frozen=True)
class OpenRequest:
    office: Office
    day: date


def parse_day(token: str) -> date | None:
    """ "24.12.2026", "1.2.2027", "2026-12-24" -> the date; anything else (or no such day) -> None."""
    token = token.strip()
    german, iso = _GERMAN_DATE.match(token), _ISO_DATE.match(token)
    if german:
        day, month, year = (int(part) for part in german.groups())
    elif iso:
        year, month, day = (int(part) for part in iso.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _fold(text: str) -> str:
    """Lower case, umlauts and their typed forms folded, no spaces or punctuation: "Hörde" and
    "hoerde" meet."""
    text = text.casefold().translate(_FOLD)
    text = text.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return re.sub(r"[\W_]+", "", text)


def find_offices(query: str, offices: Sequence[Office]) -> list[Office]:
    """The offices `query` names: the one with that id, else every office whose name contains it."""
    wanted = query.strip().casefold()
    by_id = [office for office in offices if office.id.casefold() == wanted]
    if by_id:
        return by_id
    folded = _fold(query)
    if not folded:
        return []
    return [office for office in offices if folded in _fold(office.name)]


def _office_problem(query: str, found: list[Office], offices: Sequence[Office]) -> Problem:
    if not found:
        return Problem("office_unknown", {"query": query, "offices": _listing(offices)})
    return Problem("office_ambiguous", {"query": query, "offices": _listing(found)})


def _listing(offices: Sequence[Office]) -> str:
    return ", ".join(f"{office.id} ({office.name})" for office in offices)


def _split_at_first_date(tokens: list[str]) -> tuple[str, list[str]] | None:
    """("office words", [the first date-like token, and what follows]), or None without one."""
    for index, token in enumerate(tokens):
        if _DATE_LIKE.match(token) and any(ch.isdigit() for ch in token):
            if index == 0:
                return "", tokens
            return " ".join(tokens[:index]), tokens[index:]
    return None


def parse_closed(args: str | None, offices: Sequence[Office], today: date) -> CloseRequest | Problem:
    """/closed OFFICE FROM [TO] REASON…"""
    found = _parse_closed(args, offices, today)
    return replace(found, usage="closed") if isinstance(found, Problem) else found


def _office_and_day(
    args: str | None, offices: Sequence[Office], usage: str
) -> tuple[Office, date, list[str]] | Problem:
    """What /closed and /open both start with: OFFICE (words before the first date) and that date;
    then the words after it."""
    tokens = (args or "").split()
    split = _split_at_first_date(tokens) if tokens else None
    if split is None or not split[0]:
        return Problem(usage)
    query, rest = split
    found = find_offices(query, offices)
    if len(found) != 1:
        return _office_problem(query, found, offices)
    day = parse_day(rest[0])
    if day is None:
        return Problem("bad_date", {"text": rest[0]})
    return found[0], day, rest[1:]


def _parse_closed(args: str | None, offices: Sequence[Office], today: date) -> CloseRequest | Problem:
    head = _office_and_day(args, offices, "closed_usage")
    if isinstance(head, Problem):
        return head
    office, start, rest = head
    end = start
    if rest and _DATE_LIKE.match(rest[0]) and any(ch.isdigit() for ch in rest[0]):
        parsed = parse_day(rest[0])
        if parsed is None:
            return Problem("bad_date", {"text": rest[0]})
        end, rest = parsed, rest[1:]
    if end < start:
        return Problem("end_before_start", {"start": german(start), "end": german(end)})
    if end < today:
        return Problem("in_the_past", {"end": german(end)})
    if (end - start).days + 1 > LONGEST_CLOSURE_DAYS:
        return Problem("too_long", {"days": str(LONGEST_CLOSURE_DAYS)})
    reason = " ".join(rest).strip()
    if not reason:
        return Problem("reason_missing")
    if len(reason) > REASON_MAX:
        return Problem("reason_too_long", {"max": str(REASON_MAX)})
    return CloseRequest(office=office, start=max(start, today), end=end, reason=reason)


def parse_open(args: str | None, offices: Sequence[Office]) -> OpenRequest | Problem:
    """/open OFFICE FROM"""
    found = _parse_open(args, offices)
    return replace(found, usage="open") if isinstance(found, Problem) else found


def _parse_open(args: str | None, offices: Sequence[Office]) -> OpenRequest | Problem:
    head = _office_and_day(args, offices, "open_usage")
    if isinstance(head, Problem):
        return head
    office, day, rest = head
    if rest:
        return Problem("open_usage")
    return OpenRequest(office=office, day=day)


def parse_period(args: str | None) -> Period | Problem:
    """/stats, /stats week, /stats Woche -> "week"; /stats month, /stats Monat -> "month"."""
    word = (args or "").strip().casefold()
    if word in ("", "week", "woche", "w"):
        return "week"
    if word in ("month", "monat", "m"):
        return "month"
    return Problem("stats_usage", usage="stats")


def period_days(period: Period, today: date) -> tuple[date, date]:
    """The last 7 or 30 days up to and including `today` (first, last)."""
    length = 7 if period == "week" else 30
    return today - timedelta(days=length - 1), today


def german(day: date) -> str:
    """ "24.12.2026", as staff write it."""
    return f"{day:%d.%m.%Y}"
