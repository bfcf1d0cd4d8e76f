"""Small geometry on WGS84 coordinates: distances, moving a point, "is this inside the outline".

Dortmund is about 20 km across, so for polygon tests an equirectangular projection around the point
is accurate to far better than the (coarse, approximate) outline itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class GeoPoint:
    """A WGS84 position. `approximate` marks positions taken from a map by eye, not surveyed."""

    lat: float
    lon: float
    approximate: bool = True


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance_km(a: GeoPoint, b: GeoPoint) -> float:
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def offset(lat: float, lon: float, north_km: float = 0.0, east_km: float = 0.0) -> tuple[float, float]:
    """The point `north_km` north and `east_km` east of (lat, lon) (negative values go south/west)."""
    dlat = math.degrees(north_km / EARTH_RADIUS_KM)
    dlon = math.degrees(east_km / (EARTH_RADIUS_KM * math.cos(math.radians(lat))))
    return lat + dlat, lon + dlon


def _to_local_km(lat0: float, lon0: float, lat: float, lon: float) -> tuple[float, float]:
    """(x east, y north) in km relative to (lat0, lon0); fine over a few tens of km."""
    x = math.radians(lon - lon0) * EARTH_RADIUS_KM * math.cos(math.radians(lat0))
    y = math.radians(lat - lat0) * EARTH_RADIUS_KM
    return x, y


def inside_polygon(lat: float, lon: float, polygon: Sequence[tuple[float, float]]) -> bool:
    """Ray casting on (lat, lon) vertices; the polygon is closed implicitly."""
    inside = False
    n = len(polygon)
    for i in range(n):
        y1, x1 = polygon[i]
        y2, x2 = polygon[(i + 1) % n]
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_cross:
                inside = not inside
    return inside


def distance_to_polygon_km(lat: float, lon: float, polygon: Sequence[tuple[float, float]]) -> float:
    """Distance in km from the point to the nearest edge of the polygon (0 on an edge)."""
    best = math.inf
    n = len(polygon)
    for i in range(n):
        ax, ay = _to_local_km(lat, lon, *polygon[i])
        bx, by = _to_local_km(lat, lon, *polygon[(i + 1) % n])
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        # Closest point of segment AB to the origin (the query point).
        t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
        cx, cy = ax + t * dx, ay + t * dy
        best = min(best, math.hypot(cx, cy))
    return best


def within_outline(lat: float, lon: float, polygon: Sequence[tuple[float, float]], buffer_km: float) -> bool:
    """Inside the polygon, or outside it by at most `buffer_km`."""
    if len(polygon) < 3:
        return False
    return inside_polygon(lat, lon, polygon) or distance_to_polygon_km(lat, lon, polygon) <= buffer_km
