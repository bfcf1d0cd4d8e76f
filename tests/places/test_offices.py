import os
from datetime import date, time
from pathlib import Path

import pytest
import yaml

from bot.places.datafile import PlacesDataError
from bot.places.offices import OFFICES_FILE, load_offices
from bot.places.timetable import TimeRange

AS_OF = date(2026, 11, 22)


def test_seven_offices():
    directory = load_offices()
    assert [o.id for o in directory.all] == ["ba", "hh", "mh", "es", "ld", "io", "ns"]
    assert len(directory) == 7
    assert directory.get("xx") is None
    with pytest.raises(KeyError):
        directory["xx"]


def test_districts_and_partners():
    directory = load_offices()
    assert directory.get("ba").districts == ("brackel", "aplerbeck")
    assert directory.get("ns").districts == ("innenstadt-nord",)
    assert directory.for_district("huckarde").id == "mh"
    assert directory.for_district("nowhere") is None
    assert directory.get("hh").partner == "AWO"
    assert directory.get("ld").partner == "European Homecare"


def test_addresses_and_unverified_postal_codes():
    directory = load_offices()
    mh = directory.get("mh")
    assert mh.address.one_line() == "Westerfilder Straße 54, 44357 Dortmund"
    assert mh.address.postal_code_verified
    for office_id in ("ba", "hh", "ld"):
        assert not directory.get(office_id).address.postal_code_verified, office_id
    assert directory.get("io").address.one_line() == "Elisabethstraße 5, Dortmund"  # no code published


def test_contacts_as_published():
    directory = load_offices()
    mh = directory.get("mh").contact
    assert mh.emails == ("lokalwillkommen.mh@stadtdo.de",)
    assert mh.phones == ("0231 50-11148", "0231 50-11149")
    assert set(mh.languages) >= {"ar", "en", "fa"}
    assert directory.get("es").contact.languages == ("de", "ar", "fa", "en", "fr")
    assert directory.get("ns").contact.languages == ("de", "ar", "en", "tr")
    assert not directory.get("ld").contact.published
    assert not directory.get("io").contact.published


def test_every_office_has_the_standard_hours_and_sources():
    for office in load_offices().all:
        assert office.closed_on_public_holidays
        assert not office.closed_in_school_holidays
        assert office.by_appointment
        assert office.hours.open_weekdays == (0, 1, 3, 4)
        assert office.hours.rule_for(3).ranges == (TimeRange(time(14), time(17)),)
        assert office.location.approximate
        assert office.closures == ()
        for source in (
            office.source,
            office.address.source,
            office.contact.source,
            office.hours_source,
            office.location_source,
            office.appointments.source,
        ):
            assert source.name and source.as_of == AS_OF


def test_appointment_settings_default_to_office_hours():
    for office in load_offices().all:
        settings = office.appointments
        assert settings.windows_are_office_hours
        assert settings.windows == office.hours
        assert (settings.slot_minutes, settings.capacity, settings.lead_hours, settings.horizon_days) == (30, 2, 2, 28)


def test_extra_places():
    directory = load_offices()
    assert [p.id for p in directory.get("es").places] == ["es-lanstrop", "es-scharnhorst-ost", "es-kautsky"]
    kautsky = directory.place("es-kautsky")
    assert kautsky.office_id == "es"
    assert kautsky.closed_in_school_holidays
    assert kautsky.hours.rules[0].nth_of_month == 1
    assert kautsky.address.one_line() == "Kautskystraße 23-25, 44328 Dortmund"
    assert kautsky.since == date(2022, 9, 1)
    lanstrop = directory.place("es-lanstrop")
    assert not lanstrop.hours_published and "not published" in lanstrop.hours_note
    assert lanstrop.frequency == "weekly"
    assert directory.place("ld-marten").hours.rules[0].nth_of_month == 2
    assert directory.place("ld-mlk").hours is None
    assert directory.place("io-dorstfeld").office_id == "io"
    assert len(directory.places) == 6


def test_loading_is_cached():
    assert load_offices() is load_offices()


def _write(tmp_path: Path, document) -> Path:
    path = tmp_path / "offices.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _real_document():
    return yaml.safe_load(OFFICES_FILE.read_text(encoding="utf-8"))


def test_file_is_re_read_after_an_edit(tmp_path):
    document = _real_document()
    path = _write(tmp_path, document)
    assert load_offices(path).get("ba").partner == "Caritas"
    document["offices"][0]["partner"] = "Caritas Dortmund"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # make sure the mtime moves
    assert load_offices(path).get("ba").partner == "Caritas Dortmund"


def test_unquoted_time_is_reported_with_file_and_key(tmp_path):
    path = tmp_path / "offices.yaml"
    text = OFFICES_FILE.read_text(encoding="utf-8").replace('mon: ["09:00-12:00"]', "mon: [9-12]", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlacesDataError) as error:
        load_offices(path)
    message = str(error.value)
    assert "offices.yaml" in message
    assert "offices[ba].hours.weekly.mon[0]" in message


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "offices.yaml"
    path.write_text("offices:\n  - id: ba\n    name: [unclosed\n", encoding="utf-8")
    with pytest.raises(PlacesDataError) as error:
        load_offices(path)
    assert "offices.yaml: line" in str(error.value)


def test_missing_file(tmp_path):
    with pytest.raises(PlacesDataError) as error:
        load_offices(tmp_path / "nope.yaml")
    assert "nope.yaml" in str(error.value)


def test_all_problems_are_collected(tmp_path):
    document = _real_document()
    del document["offices"][0]["hours"]["as_of"]
    document["offices"][1]["hours"]["weekly"]["tue"] = ["16:00-13:00"]
    document["offices"][2]["closed_on_public_holiday"] = True  # typo of a key
    with pytest.raises(PlacesDataError) as error:
        load_offices(_write(tmp_path, document))
    keys = {p.key for p in error.value.problems}
    assert "offices[ba].hours.as_of" in keys
    assert "offices[hh].hours.weekly.tue[0]" in keys
    assert "offices[mh].closed_on_public_holiday" in keys
    assert "and 2 more problems" in str(error.value)


def test_closures_from_the_file(tmp_path):
    document = _real_document()
    document["offices"][0]["closures"] = [
        {"from": date(2026, 12, 24), "to": date(2027, 1, 1), "reason": "Betriebsferien"}
    ]
    office = load_offices(_write(tmp_path, document)).get("ba")
    (closure,) = office.closures
    assert closure.contains(date(2026, 12, 28)) and not closure.contains(date(2027, 1, 2))
    assert closure.reason == "Betriebsferien"
