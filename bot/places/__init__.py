"""Offices, districts and opening hours: pure logic over the staff-edited files in data/.

Modules (one job each):
- `calendar`       time zone (TZ), NRW public holidays, school holidays (data/calendar.yaml), nth weekday
- `geo`            distances (haversine) and the "inside Dortmund" outline test
- `timetable`      TimeRange / WeeklyRule / WeeklyHours: a weekly timetable as data
- `offices`        Office, Place, ... from data/offices.yaml: load_offices() -> OfficeDirectory
- `districts`      District, Stadtteil from data/districts.yaml: find_district, district_at, postal codes
- `opening_hours`  hours_on, status (open now? closes at, next opening), closed_reason
- `finder`         office_for_location, office_for_district
- `formatting`     weekdays, times, dates, hours and distances as text per language (Babel)
- `validation`     validate_places_data() for `python -m bot check`
- `names`, `datafile`  helpers: name normalisation/transliteration; YAML reading with located errors

Nothing here reads the clock, the network or the database: `now` is passed in (aware datetime).
"""
