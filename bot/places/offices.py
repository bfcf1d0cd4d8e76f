"""The lokal willkommen offices and their extra consultation places, from data/offices.yaml.

    directory = load_offices()            # cached; re-read when the file changes
    directory.all                         # the 7 offices, in file order
    directory.get("mh")                   # Office | None
    directory.for_district("huckarde")    # the office responsible for a Stadtbezirk, or None
    directory.place("es-kautsky")         # an extra consultation place, or None

Everything is a frozen dataclass. Each fact block keeps its `Source` (name + as_of date) so the
dialogue can say "as of ..." next to unverified facts (e.g. `Address.postal_code_verified`).
Opening hours are evaluated by `bot.places.opening_hours`; both `Office` and `Place` carry the
fields it needs (`hours`, `closed_on_public_holidays`, `closed_in_school_holidays`, `closures`).

A broken file raises `PlacesDataError` naming file and key; `python -m bot check` lists all problems
(`parse_offices` collects them).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.content.problems import Problem
from bot.places.datafile import (
    DATA_DIR,
    Fields,
    PlacesDataError,
    Source,
    parsed_file_loader,
)
from bot.places.geo import GeoPoint
from bot.places.timetable import TimeRange, WeeklyHours, WeeklyRule, parse_weekly_hours

__all__ = [
    "OFFICES_FILE",
    "Address",
    "AppointmentSettings",
    "Closure",
    "Contact",
    "GeoPoint",
    "Office",
    "OfficeDirectory",
    "Place",
    "PlacesDataError",
    "Source",
    "TimeRange",
    "WeeklyHours",
    "WeeklyRule",
    "load_offices",
    "parse_offices",
]

OFFICES_FILE = DATA_DIR / "offices.yaml"

# Stands in for a missing source while parsing goes on; the problem itself is already recorded.
_NO_SOURCE = Source(name="(missing)", as_of=date.min)


@dataclass(frozen=True)
class Address:
    street: str | None
    postal_code: str | None  # None when not published
    postal_code_verified: bool  # False: show only with the source's as_of date
    locality: str | None  # "Dortmund-Brackel", helps people recognise the place
    city: str
    source: Source

    def one_line(self) -> str:
        """ "Westerfilder Straße 54, 44357 Dortmund" (postal code left out when unknown)."""
        town = f"{self.postal_code} {self.city}" if self.postal_code else self.city
        return f"{self.street}, {town}" if self.street else town


@dataclass(frozen=True)
class Contact:
    emails: tuple[str, ...]
    phones: tuple[str, ...]  # as published, e.g. "0231 50-11148"
    languages: tuple[str, ...]  # ISO 639-1 codes the team speaks; empty = not published
    source: Source

    @property
    def published(self) -> bool:
        return bool(self.emails or self.phones)


@dataclass(frozen=True)
class Closure:
    """A temporary closure, both days included."""

    start: date
    end: date
    reason: str

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class AppointmentSettings:
    """How the booking code offers appointments at an office."""

    windows: WeeklyHours  # when appointments can start and end (default: the office hours)
    windows_are_office_hours: bool
    slot_minutes: int
    capacity: int  # people per slot
    lead_hours: int  # earliest booking: now + lead_hours
    horizon_days: int  # latest booking: today + horizon_days
    source: Source


@dataclass(frozen=True)
class Place:
    """An extra consultation place of an office (a weekly or monthly consultation elsewhere)."""

    id: str
    office_id: str
    name: str
    frequency: str | None  # "weekly", "monthly": said even when the times are unknown
    hours: WeeklyHours | None  # None: times not published
    hours_note: str | None
    address: Address | None
    location: GeoPoint | None
    location_source: Source | None
    closed_on_public_holidays: bool
    closed_in_school_holidays: bool
    closures: tuple[Closure, ...]
    since: date | None
    source: Source

    @property
    def hours_published(self) -> bool:
        return self.hours is not None


@dataclass(frozen=True)
class Office:
    id: str  # short ascii id: ba hh mh es ld io ns
    name: str
    partner: str
    districts: tuple[str, ...]  # district ids (data/districts.yaml) this office serves
    address: Address
    location: GeoPoint
    location_source: Source
    contact: Contact
    hours: WeeklyHours
    hours_source: Source
    by_appointment: bool  # "and by appointment" besides the open hours
    closed_on_public_holidays: bool
    closed_in_school_holidays: bool
    appointments: AppointmentSettings
    closures: tuple[Closure, ...]
    places: tuple[Place, ...]
    opened: date | None
    source: Source


class OfficeDirectory:
    """All offices, looked up by id or by the district they serve."""

    def __init__(self, offices: tuple[Office, ...]) -> None:
        self._offices = offices
        self._by_id = {office.id: office for office in offices}
        self._by_district: dict[str, Office] = {}
        for office in offices:
            for district_id in office.districts:
                self._by_district.setdefault(district_id, office)
        self._places = {place.id: place for office in offices for place in office.places}

    @property
    def all(self) -> tuple[Office, ...]:
        return self._offices

    @property
    def places(self) -> tuple[Place, ...]:
        return tuple(self._places.values())

    def get(self, office_id: str) -> Office | None:
        return self._by_id.get(office_id)

    def __getitem__(self, office_id: str) -> Office:
        return self._by_id[office_id]

    def for_district(self, district_id: str) -> Office | None:
        return self._by_district.get(district_id)

    def place(self, place_id: str) -> Place | None:
        return self._places.get(place_id)

    def __iter__(self) -> Iterator[Office]:
        return iter(self._offices)

    def __len__(self) -> int:
        return len(self._offices)


# --- parsing ---------------------------------------------------------------------------------------


def parse_offices(document: object, file: str, problems: list[Problem]) -> OfficeDirectory:
    """Build the directory from a parsed YAML document, appending every problem found to `problems`.

    Offices with broken blocks are still included where possible so later checks can run."""
    root = Fields(document, file, "", problems)
    offices: list[Office] = []
    seen: set[str] = set()
    for item in root.items("offices"):
        office = _parse_office(item)
        if office is None:
            continue
        if office.id in seen:
            item.problem("id", f"office id {office.id!r} is used twice")
            continue
        seen.add(office.id)
        offices.append(office)
    root.finish()
    place_ids = [place.id for office in offices for place in office.places]
    for place_id in {p for p in place_ids if place_ids.count(p) > 1}:
        root.problem("offices", f"place id {place_id!r} is used twice")
    return OfficeDirectory(tuple(offices))


def _parse_office(item: Fields) -> Office | None:
    office_id = item.text("id")
    name = item.text("name")
    partner = item.text("partner")
    districts = tuple(item.texts("districts"))
    opened = item.day("opened", required=False)
    source = item.source() or _NO_SOURCE

    address_block = item.child("address")
    address = _parse_address(address_block) if address_block else None
    location, location_source = _parse_location(item.child("location"))

    contact_block = item.child("contact")
    contact = _parse_contact(contact_block) if contact_block else None

    hours_block = item.child("hours")
    hours, hours_source, by_appointment, on_holidays, in_school_holidays = _parse_hours_block(hours_block)

    appointments_block = item.child("appointments")
    appointments = _parse_appointments(appointments_block, hours) if appointments_block else None
    closures = _parse_closures(item)

    places: list[Place] = []
    for place_item in item.items("places", required=False):
        place = _parse_place(place_item, office_id or "?")
        if place is not None:
            places.append(place)
    item.finish()

    if (
        office_id is None
        or name is None
        or partner is None
        or address is None
        or location is None
        or contact is None
        or hours is None
        or appointments is None
    ):
        return None
    return Office(
        id=office_id,
        name=name,
        partner=partner,
        districts=districts,
        address=address,
        location=location,
        location_source=location_source or _NO_SOURCE,
        contact=contact,
        hours=hours,
        hours_source=hours_source,
        by_appointment=by_appointment,
        closed_on_public_holidays=on_holidays,
        closed_in_school_holidays=in_school_holidays,
        appointments=appointments,
        closures=closures,
        places=tuple(places),
        opened=opened,
        source=source,
    )


def _parse_address(block: Fields) -> Address:
    address = Address(
        street=block.text("street", required=False),
        postal_code=block.text("postal_code", required=False),
        postal_code_verified=block.flag("postal_code_verified", False),
        locality=block.text("locality", required=False),
        city=block.text("city", required=False, default="Dortmund") or "Dortmund",
        source=block.source() or _NO_SOURCE,
    )
    block.finish()
    return address


def _parse_location(block: Fields | None) -> tuple[GeoPoint | None, Source | None]:
    if block is None:
        return None, None
    lat = block.number("lat")
    lon = block.number("lon")
    approximate = block.flag("approximate", True)
    source = block.source()
    block.finish()
    if lat is None or lon is None:
        return None, source
    return GeoPoint(lat=lat, lon=lon, approximate=approximate), source


def _parse_contact(block: Fields) -> Contact:
    contact = Contact(
        emails=tuple(block.texts("emails", required=False)),
        phones=tuple(block.texts("phones", required=False)),
        languages=tuple(code.lower() for code in block.texts("languages", required=False)),
        source=block.source() or _NO_SOURCE,
    )
    block.finish()
    return contact


def _parse_hours_block(block: Fields | None) -> tuple[WeeklyHours | None, Source, bool, bool, bool]:
    if block is None:
        return None, _NO_SOURCE, False, True, False
    weekly_block = block.child("weekly")
    hours = parse_weekly_hours(weekly_block) if weekly_block else None
    result = (
        hours,
        block.source() or _NO_SOURCE,
        block.flag("by_appointment", False),
        block.flag("closed_on_public_holidays", True),
        block.flag("closed_in_school_holidays", False),
    )
    block.finish()
    return result


def _parse_appointments(block: Fields, office_hours: WeeklyHours | None) -> AppointmentSettings:
    windows_value = block.raw("windows", "office_hours", required=False)
    windows: WeeklyHours
    if windows_value == "office_hours":
        windows, from_office = office_hours or WeeklyHours(rules=()), True
    elif isinstance(windows_value, dict):
        windows, from_office = (
            parse_weekly_hours(Fields(windows_value, block.file, block.at("windows"), block.problems)),
            False,
        )
    else:
        block.problem("windows", f"should be office_hours or a weekday mapping, found {windows_value!r}")
        windows, from_office = office_hours or WeeklyHours(rules=()), True
    settings = AppointmentSettings(
        windows=windows,
        windows_are_office_hours=from_office,
        slot_minutes=block.integer("slot_minutes", 30, minimum=5, maximum=240),
        capacity=block.integer("capacity", 2, minimum=1, maximum=50),
        lead_hours=block.integer("lead_hours", 2, minimum=0, maximum=24 * 14),
        horizon_days=block.integer("horizon_days", 28, minimum=1, maximum=366),
        source=block.source() or _NO_SOURCE,
    )
    block.finish()
    return settings


def _parse_closures(item: Fields) -> tuple[Closure, ...]:
    closures: list[Closure] = []
    for block in item.items("closures", required=False):
        start = block.day("from")
        end = block.day("to")
        reason = block.text("reason")
        block.finish()
        if start is None or end is None or reason is None:
            continue
        if end < start:
            block.problem("to", f"ends ({end}) before it starts ({start})")
            continue
        closures.append(Closure(start=start, end=end, reason=reason))
    return tuple(sorted(closures, key=lambda c: c.start))


def _parse_place(item: Fields, office_id: str) -> Place | None:
    place_id = item.text("id")
    name = item.text("name")
    frequency = item.text("frequency", required=False)
    hours_value = item.raw("hours")  # required, but `null` is meaningful: times not published
    hours = None
    if hours_value is not None:
        hours = parse_weekly_hours(Fields(hours_value, item.file, item.at("hours"), item.problems))
    hours_note = item.text("hours_note", required=False)
    if hours is None and hours_note is None and item.ok:
        item.problem("hours_note", "is needed when hours is null: say what is known (e.g. weekly, times not published)")
    address_block = item.child("address", required=False)
    address = _parse_address(address_block) if address_block else None
    location, location_source = _parse_location(item.child("location", required=False))
    on_holidays = item.flag("closed_on_public_holidays", True)
    in_school_holidays = item.flag("closed_in_school_holidays", False)
    closures = _parse_closures(item)
    since = item.day("since", required=False)
    source = item.source() or _NO_SOURCE
    item.finish()
    if place_id is None or name is None:
        return None
    return Place(
        id=place_id,
        office_id=office_id,
        name=name,
        frequency=frequency,
        hours=hours,
        hours_note=hours_note,
        address=address,
        location=location,
        location_source=location_source,
        closed_on_public_holidays=on_holidays,
        closed_in_school_holidays=in_school_holidays,
        closures=closures,
        since=since,
        source=source,
    )


_load_offices_cached = parsed_file_loader(parse_offices)


def load_offices(path: Path | None = None) -> OfficeDirectory:
    """The offices from data/offices.yaml (or `path`). Cached; re-read when the file changes.

    Raises PlacesDataError (file and key named) when the file is broken."""
    return _load_offices_cached(path or OFFICES_FILE)
