from datetime import date
from pathlib import Path

import yaml

from bot.places.districts import DISTRICTS_FILE
from bot.places.offices import OFFICES_FILE
from bot.places.validation import validate_places_data


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dump(tmp_path: Path, name: str, document) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _problem_texts(problems):
    return [str(p) for p in problems]


def test_shipped_data_is_valid():
    assert validate_places_data(today=date(2026, 11, 22)) == []


def test_future_as_of_is_flagged():
    problems = validate_places_data(today=date(2026, 1, 1))
    assert problems and all("in the future" in p.problem for p in problems)


def test_broken_offices_file(tmp_path):
    document = _load(OFFICES_FILE)
    offices = {o["id"]: o for o in document["offices"]}
    offices["hh"]["hours"]["weekly"]["thu"] = ["17:00-14:00"]  # ends before it starts
    offices["es"]["hours"]["weekly"]["mon"] = ["09:00-12:00", "11:00-13:00"]  # overlapping
    del offices["es"]["contact"]["as_of"]  # fact block without as_of
    del offices["io"]["address"]["source"]
    offices["mh"]["hours"]["closed_on_public_holiday"] = True  # typo of a known key
    offices["ld"]["appointments"]["slot_minutes"] = 2
    problems = validate_places_data(offices_path=_dump(tmp_path, "offices.yaml", document))
    texts = "\n".join(_problem_texts(problems))
    assert all(p.file.endswith("offices.yaml") for p in problems)
    assert "offices[hh].hours.weekly.thu[0]: '17:00-14:00' ends before it starts" in texts
    assert "offices[es].hours.weekly.mon: ranges 09:00–12:00 and 11:00–13:00 overlap" in texts
    assert "offices[es].contact.as_of: is missing" in texts
    assert "offices[io].address.source: is missing" in texts
    assert "offices[mh].hours.closed_on_public_holiday: is not a known key here (typo?)" in texts
    assert "offices[ld].appointments.slot_minutes: should be at least 5, found int 2" in texts
    assert len(problems) == 6


def test_offices_that_disagree_with_the_districts(tmp_path):
    # A file that reads cleanly is then checked against districts.yaml and the map.
    document = _load(OFFICES_FILE)
    offices = {o["id"]: o for o in document["offices"]}
    offices["ba"]["districts"] = ["aplerbeck"]  # Brackel served by nobody
    offices["io"]["districts"].append("hoerde")  # Hörde served twice
    offices["ns"]["districts"].append("nowhere")  # unknown district
    offices["mh"]["location"]["lat"], offices["mh"]["location"]["lon"] = 7.393, 51.56  # swapped
    offices["ld"]["location"]["lat"], offices["ld"]["location"]["lon"] = 51.4852, 7.5020  # in Hörde
    offices["ba"]["address"]["postal_code"] = "4430"
    problems = validate_places_data(offices_path=_dump(tmp_path, "offices.yaml", document))
    texts = "\n".join(_problem_texts(problems))
    assert all(p.file.endswith("offices.yaml") for p in problems)
    assert "no office serves the district 'brackel'" in texts
    assert "'hoerde' is served by several offices: hh, io" in texts
    assert "offices[ns].districts: 'nowhere' is not a district" in texts
    assert "offices[mh].location: (7.393, 51.56) is not in the Dortmund area" in texts
    assert "offices[ld].location: lies in Hörde" in texts
    assert "offices[ba].address.postal_code: '4430' is not a 5-digit postal code" in texts


def test_broken_districts_file(tmp_path):
    document = _load(DISTRICTS_FILE)
    del document["postal_codes"]["as_of"]
    document["postal_codes"]["codes"]["44135"] = []
    document["districts"][0]["stadtteile"][1]["centre"] = [51.5]
    document["answer_words"]["Deutsch"] = ["ich wohne in"]
    problems = validate_places_data(districts_path=_dump(tmp_path, "districts.yaml", document))
    texts = "\n".join(_problem_texts(problems))
    assert "postal_codes.as_of: is missing" in texts
    assert "postal_codes.codes.44135: needs at least 1 entries, found 0" in texts
    assert "districts[innenstadt-west].stadtteile[1].centre: should be [lat, lon], found [51.5]" in texts
    assert "answer_words.Deutsch: should be a language code such as de or ar" in texts


def test_districts_that_do_not_add_up(tmp_path):
    # A file that reads cleanly is then checked for Dortmund's 12 districts, the map and offices.yaml.
    document = _load(DISTRICTS_FILE)
    document["postal_codes"]["codes"]["4413"] = ["innenstadt-west"]
    document["postal_codes"]["codes"]["44999"] = ["atlantis"]
    document["districts"] = [d for d in document["districts"] if d["id"] != "mengede"]
    document["districts"][0]["stadtteile"][0]["centre"] = [7.466, 51.5138]
    problems = validate_places_data(districts_path=_dump(tmp_path, "districts.yaml", document))
    texts = "\n".join(_problem_texts(problems))
    assert "postal_codes.codes.4413: a postal code has 5 digits" in texts
    assert "postal_codes.codes.44999: names the unknown district 'atlantis'" in texts
    assert "the Stadtbezirk 'mengede' is missing" in texts
    assert "districts[innenstadt-west].stadtteile[0].centre" in texts
    # offices.yaml still names mengede: the cross-check reports it too
    assert "offices[mh].districts: 'mengede' is not a district in districts.yaml" in texts


def test_yaml_syntax_error_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "calendar.yaml"
    path.write_text("school_holidays:\n  periods: [\n", encoding="utf-8")
    problems = validate_places_data(calendar_path=path)
    assert len(problems) == 1
    assert problems[0].file.endswith("calendar.yaml")
    assert problems[0].key.startswith("line ")


def test_wrong_top_level_shape(tmp_path):
    path = tmp_path / "offices.yaml"
    path.write_text("- just a list\n", encoding="utf-8")
    problems = validate_places_data(offices_path=path)
    assert any("should be a mapping" in p.problem for p in problems)


def test_keys_name_what_staff_wrote(tmp_path):
    # An nth-weekday entry, its own appointment windows and a wrong flag: the key is the path in the file.
    document = _load(OFFICES_FILE)
    offices = {o["id"]: o for o in document["offices"]}
    offices["ba"]["hours"]["weekly"]["wed"] = {"nth": 7, "times": ["9-12"]}
    offices["hh"]["appointments"]["windows"] = {"mon": ["09:00-10:00"], "tue": "10:00-12:00"}
    offices["mh"]["hours"]["by_appointment"] = "yes"
    problems = validate_places_data(offices_path=_dump(tmp_path, "offices.yaml", document))
    found = {(p.key, p.problem) for p in problems}
    assert found == {
        ("offices[ba].hours.weekly.wed.nth", "should be 1, 2, 3, 4, 5 or -1, found int 7"),
        ("offices[ba].hours.weekly.wed.times[0]", "should look like \"09:00-12:00\", found '9-12'"),
        ("offices[hh].appointments.windows.tue", "should be a list, found the text '10:00-12:00'"),
        ("offices[mh].hours.by_appointment", "should be true or false, found the text 'yes'"),
    }
