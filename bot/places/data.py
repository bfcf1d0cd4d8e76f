"""The places data as one object: offices, districts and the school calendar from data/, and the
temporary closures staff entered in the staff chat.

Dialogues and jobs reach it through `Services.places` (`services.places.offices()`), like the
catalog and the flows. Each file is read when first asked and again when it changes on disk; a
broken edit keeps the last good version serving (bot.places.datafile.cached_by_mtime)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.places.calendar import SchoolCalendar, load_school_calendar
from bot.places.closures import StaffClosures
from bot.places.districts import DistrictDirectory, load_districts
from bot.places.offices import OfficeDirectory, load_offices


@dataclass(frozen=True)
class Places:
    """None: the file in data/ (the loaders' default, looked up at each call)."""

    offices_file: Path | None = None
    districts_file: Path | None = None
    calendar_file: Path | None = None
    # Closures staff entered in the staff chat (/closed), kept fresh per turn from the database.
    staff_closures: StaffClosures = field(default_factory=StaffClosures, compare=False)

    def offices(self) -> OfficeDirectory:
        """The offices of data/offices.yaml, with the staff's closures added to their own."""
        return self.staff_closures.apply(load_offices(self.offices_file))

    def districts(self) -> DistrictDirectory:
        return load_districts(self.districts_file)

    def school_calendar(self) -> SchoolCalendar:
        return load_school_calendar(self.calendar_file)
