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
    offices["ba"]["districts"] = ["aplerbeck"]  # Brackel served by nobody
    offices["io"]["districts"].append("hoerde")  # Hörde served twice
    offices["ns"]["districts"].append("nowhere")  # unknown district
    offices["mh"]["location"]["lat"], offices["mh"]["location"]["lon"] = 7.393, 51.56  # swapped
    offices["ld"]["location"]["lat"], offices["ld"]["location"]["lon"] = 51.4852, 7.5020  # in Hörde
    offices["hh"]["hours"]["weekly"]["thu"] = ["17:00-14:00"]  # ends before it starts
    offices["es"]["hours"]["weekly"]["mon"] = ["09:00-12:00", "11:00-13:00"]  # overlapping
    del offices["es"]["contact"]["as_of"]  # fact block without as_of
    del offices["io"]["address"]["source"]
    offices["ba"]["address"]["postal_code"] = "4430"
    problems = validate_places_data(offices_path=_dump(tmp_path, "offices.yaml", document))
    texts = "\n".join(_problem_texts(problems))
    assert all(p.file.endswith("offices.yaml") for p in problems)
    assert "no office serves the district 'brackel'" in texts
    assert "'hoerde' is served by several offices: hh, io" in texts
    assert "offices[ns].districts: 'nowhere' is not a district" in texts
    assert "offices[mh].location: (7.393, 51.56) is not in the Dortmund area" in texts
    assert "offices[ld].location: lies in Hörde" in texts
    assert "offices[hh].hours.weekly.thu[0]" in texts
    assert "overlap" in texts
    assert "offices[es].contact.as_of: is missing" in texts
    assert "offices[io].address.source: is missing" in texts
    assert "offices[ba].address.postal_code" in texts


def test_broken_districts_file(tmp_path):
    document = _load(DISTRICTS_FILE)
    document["postal_codes"]["codes"]["4413"] = ["innenstadt-west"]
    document["postal_codes"]["codes"]["44999"] = ["atlantis"]
    document["districts"] = [d for d in document["districts"] if d["id"] != "mengede"]
    document["districts"][0]["stadtteile"][0]["centre"] = [7.466, 51.5138]
    del document["postal_codes"]["as_of"]
    problems = validate_places_data(districts_path=_dump(tmp_path, "districts.yaml", document))
    texts = "\n".join(_problem_texts(problems))
    assert "postal_codes.codes.4413: a postal code has 5 digits" in texts
    assert "postal_codes.codes.44999: names the unknown district 'atlantis'" in texts
    assert "the Stadtbezirk 'mengede' is missing" in texts
    assert "districts[innenstadt-west].stadtteile[0].centre" in texts
    assert "postal_codes.as_of: is missing" in texts
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
