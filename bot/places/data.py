"""The places data as one object: offices, districts and the school calendar from data/.

Dialogues and jobs reach it through `Services.places` (`services.places.offices()`), like the
catalog and the flows. Each file is read when first asked and again when it changes on disk; a
broken edit keeps the last good version serving (bot.places.datafile.cached_by_mtime)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.places.calendar import CALENDAR_FILE, SchoolCalendar, load_school_calendar
from bot.places.districts import DISTRICTS_FILE, DistrictDirectory, load_districts
from bot.places.offices import OFFICES_FILE, OfficeDirectory, load_offices


@dataclass(frozen=True)
class Places:
    offices_file: Path = OFFICES_FILE
    districts_file: Path = DISTRICTS_FILE
    calendar_file: Path = CALENDAR_FILE

    def offices(self) -> OfficeDirectory:
        return load_offices(self.offices_file)

    def districts(self) -> DistrictDirectory:
        return load_districts(self.districts_file)

    def school_calendar(self) -> SchoolCalendar:
        return load_school_calendar(self.calendar_file)
