"""Temporary closures entered by staff (/closed), applied to the offices from data/.

Pure: the closures come in as data (bot.staff_tools.closure_store reads them from the database),
and the offices come out with them added to their own `closures`, so everything that asks
`bot.places.opening_hours` (the hours, "open now", the next opening, the booking calendar) sees
them without knowing where they came from.

    with_closures(directory, {"mh": (Closure(date(2026, 12, 1), date(2026, 12, 2), "Fortbildung"),)})
    closures_ahead(office, today)      # the closures still to come or under way, soonest first
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta

from bot.places.offices import Closure, Office, OfficeDirectory

# How far ahead the hours mention a closure: far enough to plan a visit, near enough to matter.
SHOWN_DAYS_AHEAD = 42


def with_closures(directory: OfficeDirectory, extra: Mapping[str, tuple[Closure, ...]]) -> OfficeDirectory:
    """The directory with `extra` closures added to the offices they name (unknown ids are ignored)."""
    if not any(extra.get(office.id) for office in directory.all):
        return directory
    offices = tuple(
        replace(office, closures=tuple(sorted(office.closures + extra[office.id], key=lambda c: (c.start, c.end))))
        if extra.get(office.id)
        else office
        for office in directory.all
    )
    return OfficeDirectory(offices)


def closures_ahead(office: Office, today: date, *, days: int = SHOWN_DAYS_AHEAD) -> list[Closure]:
    """The office's closures that have not ended before `today` and begin within `days`."""
    last = today + timedelta(days=days)
    return [c for c in office.closures if c.end >= today and c.start <= last]


class StaffClosures:
    """The staff closures one process knows, replaced whole when read again from the database
    (bot.staff_tools.closure_store.refresh). `Places.offices()` applies them; the merged
    directory is kept until the offices file or the closures change."""

    def __init__(self) -> None:
        self._closures: dict[str, tuple[Closure, ...]] = {}
        self._version = 0
        self.read_at: float | None = None  # time.monotonic() of the last read; None: read again
        self._merged: tuple[int, OfficeDirectory, OfficeDirectory] | None = None

    @property
    def current(self) -> Mapping[str, tuple[Closure, ...]]:
        return self._closures

    def replace(self, closures: Mapping[str, tuple[Closure, ...]], *, read_at: float) -> None:
        fresh = {office: tuple(items) for office, items in closures.items() if items}
        if fresh != self._closures:
            self._closures = fresh
            self._version += 1
        self.read_at = read_at

    def invalidate(self) -> None:
        """Read again before the next use (this process just changed them)."""
        self.read_at = None

    def is_stale(self, now: float, max_age: float) -> bool:
        return self.read_at is None or now - self.read_at >= max_age

    def apply(self, directory: OfficeDirectory) -> OfficeDirectory:
        merged = self._merged
        if merged is not None and merged[0] == self._version and merged[1] is directory:
            return merged[2]
        result = with_closures(directory, self._closures)
        self._merged = (self._version, directory, result)
        return result
