"""Which office is mine? From a location or a district to the responsible office.

    finding = office_for_location(51.5600, 7.3930)
    finding.district.name, finding.office.name, finding.distance_km   # Mengede, ..., about 0.0
    finding.closest_office        # set only when another office is nearer than the responsible one

The responsible office is decided by the district (each district is served by exactly one office),
not by distance; the closest office is mentioned because anyone may walk in there too. The district
comes from the nearest Stadtteil centre (`bot.places.districts.district_at`), so it is approximate:
`finding.near_border` says when the dialogue should confirm it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.places.districts import District, DistrictDirectory, Stadtteil, district_at, load_districts
from bot.places.geo import haversine_km
from bot.places.offices import Office, OfficeDirectory, load_offices


@dataclass(frozen=True)
class OfficeFinding:
    district: District
    stadtteil: Stadtteil  # nearest Stadtteil centre
    office: Office  # responsible for the district
    distance_km: float  # straight line to the responsible office (approximate)
    closest_office: Office | None  # a different office that is nearer, else None
    closest_distance_km: float | None
    near_border: bool  # another district's centre is almost as near: confirm the district


def office_for_district(district_id: str, offices: OfficeDirectory | None = None) -> Office | None:
    """The office serving a district id ("hoerde" -> Hörde/Hombruch); None for an unknown id."""
    return (offices or load_offices()).for_district(district_id)


def office_for_location(
    lat: float,
    lon: float,
    *,
    offices: OfficeDirectory | None = None,
    districts: DistrictDirectory | None = None,
) -> OfficeFinding | None:
    """The district at (lat, lon) and its office; None outside Dortmund (or if no office serves it)."""
    offices = offices or load_offices()
    hit = district_at(lat, lon, districts or load_districts())
    if hit is None:
        return None
    office = offices.for_district(hit.district.id)
    if office is None:
        return None
    distance = haversine_km(lat, lon, office.location.lat, office.location.lon)
    nearest, nearest_km = min(
        ((o, haversine_km(lat, lon, o.location.lat, o.location.lon)) for o in offices.all),
        key=lambda pair: pair[1],
    )
    closer = nearest if nearest.id != office.id and nearest_km < distance else None
    return OfficeFinding(
        district=hit.district,
        stadtteil=hit.stadtteil,
        office=office,
        distance_km=distance,
        closest_office=closer,
        closest_distance_km=nearest_km if closer is not None else None,
        near_border=hit.near_border,
    )
