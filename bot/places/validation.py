"""Checks of data/offices.yaml, data/districts.yaml and data/calendar.yaml for `python -m bot check`.

    problems = validate_places_data()      # [] when all is well

Besides what the loaders already report (YAML syntax, missing keys, malformed or unordered times,
unknown keys, a fact block without `source`/`as_of`), this checks that the files agree (for each
file that reads cleanly; a file with such mistakes is only reported, not cross-checked):
- the 12 Stadtbezirke are all there, each served by exactly one office, and offices name only
  known districts;
- coordinates (offices, places, Stadtteil centres) lie in the Dortmund area, and an office or place
  lies in a district its office serves (catches swapped lat/lon and typos in coordinates);
- postal codes have 5 digits and map to known districts;
- appointment windows fit the slot length.
Pure: reads the files, returns problems, changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from bot.content.problems import Problem
from bot.places.calendar import CALENDAR_FILE, parse_school_calendar
from bot.places.datafile import PlacesDataError, Source, display_path, read_yaml
from bot.places.districts import DISTRICT_IDS, DISTRICTS_FILE, DistrictDirectory, district_at, parse_districts
from bot.places.geo import GeoPoint, within_outline
from bot.places.offices import OFFICES_FILE, Address, OfficeDirectory, parse_offices

T = TypeVar("T")

_POSTAL_CODE = re.compile(r"^\d{5}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
# A generous box around Dortmund: a point outside is certainly a mistake (swapped lat/lon etc.).
_DORTMUND_BOX = (51.38, 51.64, 7.25, 7.70)  # lat min, lat max, lon min, lon max


def validate_places_data(
    *,
    offices_path: Path | None = None,
    districts_path: Path | None = None,
    calendar_path: Path | None = None,
    today: date | None = None,
) -> list[Problem]:
    """Every problem in the three data files. `today` (optional) also flags `as_of` dates in the future."""
    problems: list[Problem] = []
    offices_path = offices_path or OFFICES_FILE
    districts_path = districts_path or DISTRICTS_FILE
    calendar_path = calendar_path or CALENDAR_FILE

    districts = _parse(districts_path, parse_districts, problems)
    offices = _parse(offices_path, parse_offices, problems)
    _parse(calendar_path, parse_school_calendar, problems)

    if districts is not None:
        _check_districts(districts, display_path(districts_path), problems)
    if offices is not None and districts is not None:
        _check_offices(offices, districts, display_path(offices_path), problems)
    if today is not None:
        problems.extend(
            _future_as_of(offices, districts, today, display_path(offices_path), display_path(districts_path))
        )
    return problems


def _parse(path: Path, parse: Callable[[Any, str, list[Problem]], T | None], problems: list[Problem]) -> T | None:
    try:
        document = read_yaml(path)
    except PlacesDataError as exc:
        problems.extend(exc.problems)
        return None
    return parse(document, display_path(path), problems)


def _in_box(lat: float, lon: float) -> bool:
    lat_min, lat_max, lon_min, lon_max = _DORTMUND_BOX
    return lat_min <= lat <= lat_max and lon_min <= lon <= lon_max


def _check_point(point: GeoPoint, districts: DistrictDirectory, file: str, key: str, problems: list[Problem]) -> bool:
    """Inside the Dortmund area? Reports and returns False if not."""
    outline = districts.outline
    inside = _in_box(point.lat, point.lon) and (
        not outline.points or within_outline(point.lat, point.lon, outline.points, outline.buffer_km)
    )
    if not inside:
        problems.append(
            Problem(file, key, f"({point.lat}, {point.lon}) is not in the Dortmund area (lat and lon swapped?)")
        )
    return inside


def _check_districts(districts: DistrictDirectory, file: str, problems: list[Problem]) -> None:
    known = {d.id for d in districts.all}
    for missing in sorted(set(DISTRICT_IDS) - known):
        problems.append(Problem(file, "districts", f"the Stadtbezirk {missing!r} is missing"))
    for unknown in sorted(known - set(DISTRICT_IDS)):
        problems.append(
            Problem(file, f"districts[{unknown}]", "is not one of Dortmund's 12 Stadtbezirke (ids are fixed)")
        )

    seen_names: dict[str, str] = {}
    for district in districts.all:
        if not district.stadtteile:
            problems.append(Problem(file, f"districts[{district.id}].stadtteile", "lists no Stadtteil"))
        for i, stadtteil in enumerate(district.stadtteile):
            key = f"districts[{district.id}].stadtteile[{i}]"
            other = seen_names.get(stadtteil.name.casefold())
            if other is not None:
                problems.append(Problem(file, key, f"Stadtteil {stadtteil.name!r} is also listed under {other!r}"))
            seen_names[stadtteil.name.casefold()] = district.id
            _check_point(stadtteil.centre, districts, file, f"{key}.centre", problems)

    for code, ids in districts.postal_codes.items():
        key = f"postal_codes.codes.{code}"
        if not _POSTAL_CODE.match(code):
            problems.append(Problem(file, key, 'a postal code has 5 digits (quote it: "44135")'))
        for district_id in ids:
            if district_id not in known:
                problems.append(Problem(file, key, f"names the unknown district {district_id!r}"))
    if not districts.postal_codes:
        problems.append(Problem(file, "postal_codes.codes", "is empty"))


def _check_address(address: Address | None, file: str, key: str, problems: list[Problem]) -> None:
    if address is not None and address.postal_code is not None and not _POSTAL_CODE.match(address.postal_code):
        problems.append(Problem(file, f"{key}.postal_code", f"{address.postal_code!r} is not a 5-digit postal code"))


def _check_offices(offices: OfficeDirectory, districts: DistrictDirectory, file: str, problems: list[Problem]) -> None:
    known = {d.id for d in districts.all}
    served_by: dict[str, list[str]] = {}
    for office in offices.all:
        key = f"offices[{office.id}]"
        if not office.districts:
            problems.append(Problem(file, f"{key}.districts", "lists no district"))
        for district_id in office.districts:
            if district_id not in known:
                problems.append(
                    Problem(file, f"{key}.districts", f"{district_id!r} is not a district in districts.yaml")
                )
            served_by.setdefault(district_id, []).append(office.id)

        _check_address(office.address, file, f"{key}.address", problems)
        if _check_point(office.location, districts, file, f"{key}.location", problems):
            _check_in_own_district(office.location, office.districts, districts, file, f"{key}.location", problems)
        for code in office.contact.languages:
            if not _LANGUAGE.match(code):
                problems.append(
                    Problem(file, f"{key}.contact.languages", f"{code!r} is not a language code like ar or en")
                )
        for email in office.contact.emails:
            if "@" not in email:
                problems.append(Problem(file, f"{key}.contact.emails", f"{email!r} is not an e-mail address"))
        if office.hours.is_empty:
            problems.append(Problem(file, f"{key}.hours.weekly", "has no open weekday"))

        settings = office.appointments
        if settings.windows.is_empty:
            problems.append(Problem(file, f"{key}.appointments.windows", "has no window: nobody could book"))
        for rule in settings.windows.rules:
            for window in rule.ranges:
                if window.minutes < settings.slot_minutes:
                    problems.append(
                        Problem(
                            file,
                            f"{key}.appointments",
                            f"window {window} is shorter than one slot ({settings.slot_minutes} min)",
                        )
                    )

        for place in office.places:
            place_key = f"{key}.places[{place.id}]"
            _check_address(place.address, file, f"{place_key}.address", problems)
            if place.location is not None and _check_point(
                place.location, districts, file, f"{place_key}.location", problems
            ):
                _check_in_own_district(
                    place.location, office.districts, districts, file, f"{place_key}.location", problems
                )
            if place.hours is not None and place.hours.is_empty:
                problems.append(Problem(file, f"{place_key}.hours", "has no open weekday (use hours: null if unknown)"))

    for district_id in sorted(known):
        offices_for = served_by.get(district_id, [])
        if not offices_for:
            problems.append(Problem(file, "offices", f"no office serves the district {district_id!r}"))
        elif len(offices_for) > 1:
            problems.append(
                Problem(
                    file,
                    "offices",
                    f"the district {district_id!r} is served by several offices: {', '.join(offices_for)}",
                )
            )


def _check_in_own_district(
    point: GeoPoint, served: tuple[str, ...], districts: DistrictDirectory, file: str, key: str, problems: list[Problem]
) -> None:
    hit = district_at(point.lat, point.lon, districts)
    if hit is not None and hit.district.id not in served:
        problems.append(
            Problem(
                file,
                key,
                f"lies in {hit.district.name} (near {hit.stadtteil.name}), "
                f"which this office does not serve: check the coordinates",
            )
        )


def _future_as_of(
    offices: OfficeDirectory | None,
    districts: DistrictDirectory | None,
    today: date,
    offices_file: str,
    districts_file: str,
) -> list[Problem]:
    """An as_of date after today is a typo (2062 for 2026) and would make old facts look fresh."""
    dated: list[tuple[str, str, Source | None]] = []
    if offices is not None:
        for office in offices.all:
            key = f"offices[{office.id}]"
            dated += [
                (offices_file, key, office.source),
                (offices_file, f"{key}.address", office.address.source),
                (offices_file, f"{key}.location", office.location_source),
                (offices_file, f"{key}.contact", office.contact.source),
                (offices_file, f"{key}.hours", office.hours_source),
                (offices_file, f"{key}.appointments", office.appointments.source),
            ]
            dated += [(offices_file, f"{key}.places[{p.id}]", p.source) for p in office.places]
    if districts is not None:
        dated += [
            (districts_file, "membership", districts.membership_source),
            (districts_file, "centres", districts.centres_source),
            (districts_file, "postal_codes", districts.postal_codes_source),
            (districts_file, "city_boundary", districts.outline.source),
        ]
    return [
        Problem(file, key, f"as_of {src.as_of} is in the future")
        for file, key, src in dated
        if src is not None and src.as_of > today
    ]
