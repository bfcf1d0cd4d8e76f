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
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, ValidationInfo, field_validator

from bot.content.problems import Problem
from bot.places.datafile import (
    DATA_DIR,
    DataModel,
    Day,
    PlacesDataError,
    Source,
    SourcedModel,
    Text,
    parsed_file_loader,
    validate_document,
)
from bot.places.geo import GeoPoint
from bot.places.timetable import TimeRange, WeeklyHours, WeeklyHoursModel, WeeklyRule

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


class _Address(SourcedModel):
    street: Text | None = None
    postal_code: Text | None = None
    postal_code_verified: bool = False
    locality: Text | None = None
    city: Text = "Dortmund"

    def build(self) -> Address:
        return Address(
            street=self.street,
            postal_code=self.postal_code,
            postal_code_verified=self.postal_code_verified,
            locality=self.locality,
            city=self.city,
            source=self.fact_source,
        )


class _Location(SourcedModel):
    lat: float
    lon: float
    approximate: bool = True

    @property
    def point(self) -> GeoPoint:
        return GeoPoint(lat=self.lat, lon=self.lon, approximate=self.approximate)


class _Contact(SourcedModel):
    emails: list[Text] = []
    phones: list[Text] = []
    languages: list[Text] = []

    def build(self) -> Contact:
        return Contact(
            emails=tuple(self.emails),
            phones=tuple(self.phones),
            languages=tuple(code.lower() for code in self.languages),
            source=self.fact_source,
        )


class _Hours(SourcedModel):
    weekly: WeeklyHoursModel
    by_appointment: bool = False
    closed_on_public_holidays: bool = True
    closed_in_school_holidays: bool = False


def _windows_shape(value: Any) -> str:
    return "own windows" if isinstance(value, dict) else "office hours"


class _Appointments(SourcedModel):
    # "office_hours" (the default) or a weekday mapping of its own
    windows: Annotated[
        Annotated[Literal["office_hours"], Tag("office hours")] | Annotated[WeeklyHoursModel, Tag("own windows")],
        Discriminator(_windows_shape),
    ] = "office_hours"
    slot_minutes: int = Field(30, ge=5, le=240)
    capacity: int = Field(2, ge=1, le=50)
    lead_hours: int = Field(2, ge=0, le=24 * 14)
    horizon_days: int = Field(28, ge=1, le=366)

    def build(self, office_hours: WeeklyHours) -> AppointmentSettings:
        from_office = not isinstance(self.windows, WeeklyHoursModel)
        return AppointmentSettings(
            windows=office_hours if not isinstance(self.windows, WeeklyHoursModel) else self.windows.to_hours(),
            windows_are_office_hours=from_office,
            slot_minutes=self.slot_minutes,
            capacity=self.capacity,
            lead_hours=self.lead_hours,
            horizon_days=self.horizon_days,
            source=self.fact_source,
        )


class _Closure(DataModel):
    start: Day = Field(alias="from")
    end: Day = Field(alias="to")
    reason: Text

    @field_validator("end")
    @classmethod
    def _not_before_start(cls, end: date, info: ValidationInfo) -> date:
        start = info.data.get("start")
        if start is not None and end < start:
            raise ValueError(f"ends ({end}) before it starts ({start})")
        return end


def _closures(blocks: list[_Closure]) -> tuple[Closure, ...]:
    return tuple(sorted((Closure(start=b.start, end=b.end, reason=b.reason) for b in blocks), key=lambda c: c.start))


class _Place(SourcedModel):
    id: Text
    name: Text
    frequency: Text | None = None
    hours: WeeklyHoursModel | None  # required, but `null` is meaningful: times not published
    hours_note: Text | None = Field(None, validate_default=True)
    address: _Address | None = None
    location: _Location | None = None
    closed_on_public_holidays: bool = True
    closed_in_school_holidays: bool = False
    closures: list[_Closure] = []
    since: Day | None = None

    @field_validator("hours_note")
    @classmethod
    def _says_what_is_known(cls, note: str | None, info: ValidationInfo) -> str | None:
        if note is None and "hours" in info.data and info.data["hours"] is None:
            raise ValueError("is needed when hours is null: say what is known (e.g. weekly, times not published)")
        return note

    def build(self, office_id: str) -> Place:
        return Place(
            id=self.id,
            office_id=office_id,
            name=self.name,
            frequency=self.frequency,
            hours=self.hours.to_hours() if self.hours is not None else None,
            hours_note=self.hours_note,
            address=self.address.build() if self.address is not None else None,
            location=self.location.point if self.location is not None else None,
            location_source=self.location.fact_source if self.location is not None else None,
            closed_on_public_holidays=self.closed_on_public_holidays,
            closed_in_school_holidays=self.closed_in_school_holidays,
            closures=_closures(self.closures),
            since=self.since,
            source=self.fact_source,
        )


class _Office(SourcedModel):
    id: Text
    name: Text
    partner: Text
    districts: list[Text]
    address: _Address
    location: _Location
    contact: _Contact
    hours: _Hours
    appointments: _Appointments
    closures: list[_Closure] = []
    places: list[_Place] = []
    opened: Day | None = None

    def build(self) -> Office:
        hours = self.hours.weekly.to_hours()
        return Office(
            id=self.id,
            name=self.name,
            partner=self.partner,
            districts=tuple(self.districts),
            address=self.address.build(),
            location=self.location.point,
            location_source=self.location.fact_source,
            contact=self.contact.build(),
            hours=hours,
            hours_source=self.hours.fact_source,
            by_appointment=self.hours.by_appointment,
            closed_on_public_holidays=self.hours.closed_on_public_holidays,
            closed_in_school_holidays=self.hours.closed_in_school_holidays,
            appointments=self.appointments.build(hours),
            closures=_closures(self.closures),
            places=tuple(place.build(self.id) for place in self.places),
            opened=self.opened,
            source=self.fact_source,
        )


class _OfficesFile(DataModel):
    offices: list[_Office]


def parse_offices(document: object, file: str, problems: list[Problem]) -> OfficeDirectory | None:
    """Build the directory from a parsed YAML document, appending every problem found to `problems`.

    None when the document does not fit the model; ids used twice are reported and the later
    office left out."""
    parsed = validate_document(_OfficesFile, document, file, problems)
    if parsed is None:
        return None
    offices: list[Office] = []
    seen: set[str] = set()
    for office in (item.build() for item in parsed.offices):
        if office.id in seen:
            problems.append(Problem(file, f"offices[{office.id}].id", f"office id {office.id!r} is used twice"))
            continue
        seen.add(office.id)
        offices.append(office)
    place_ids = [place.id for office in offices for place in office.places]
    for place_id in sorted({p for p in place_ids if place_ids.count(p) > 1}):
        problems.append(Problem(file, "offices", f"place id {place_id!r} is used twice"))
    return OfficeDirectory(tuple(offices))


_load_offices_cached = parsed_file_loader(parse_offices)


def load_offices(path: Path | None = None) -> OfficeDirectory:
    """The offices from data/offices.yaml (or `path`). Cached; re-read when the file changes.

    Raises PlacesDataError (file and key named) when the file is broken."""
    return _load_offices_cached(path or OFFICES_FILE)
