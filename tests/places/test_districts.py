import pytest

from bot.places.districts import (
    DISTRICT_IDS,
    district_at,
    districts_for_postal_code,
    find_district,
    load_districts,
)
from bot.places.geo import offset

OUTSIDE_DORTMUND = {
    "Essen": (51.4556, 7.0116),
    "Bochum": (51.4818, 7.2162),
    "Lünen": (51.6160, 7.5260),
    "Berlin": (52.5200, 13.4050),
    "Witten": (51.4436, 7.3353),
    "Unna": (51.5349, 7.6890),
    "Schwerte": (51.4436, 7.5653),
    "Null Island": (0.0, 0.0),
}

ALL_STADTTEILE = [(s.district_id, s) for s in load_districts().stadtteile]


def test_twelve_districts_with_their_stadtteile():
    directory = load_districts()
    assert tuple(sorted(d.id for d in directory.all)) == tuple(sorted(DISTRICT_IDS))
    assert directory.get("innenstadt-nord").name == "Innenstadt-Nord"
    assert [s.name for s in directory.get("innenstadt-nord").stadtteile] == ["Hafen", "Nordmarkt", "Borsigplatz"]
    assert len(directory.get("scharnhorst").stadtteile) == 9
    assert all(s.centre.approximate for s in directory.stadtteile)
    assert directory.get("nowhere") is None


@pytest.mark.parametrize(("district_id", "stadtteil"), ALL_STADTTEILE, ids=[s.name for _, s in ALL_STADTTEILE])
def test_every_stadtteil_centre_maps_to_its_district(district_id, stadtteil):
    hit = district_at(stadtteil.centre.lat, stadtteil.centre.lon)
    assert hit is not None
    assert hit.district.id == district_id
    assert hit.stadtteil == stadtteil
    assert hit.distance_km == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(("district_id", "stadtteil"), ALL_STADTTEILE, ids=[s.name for _, s in ALL_STADTTEILE])
@pytest.mark.parametrize(("north", "east"), [(0.3, 0), (0, 0.3), (-0.3, 0), (0, -0.3)])
def test_a_point_300_m_off_a_centre_stays_in_the_district(district_id, stadtteil, north, east):
    lat, lon = offset(stadtteil.centre.lat, stadtteil.centre.lon, north_km=north, east_km=east)
    hit = district_at(lat, lon)
    assert hit is not None
    assert hit.district.id == district_id
    assert hit.distance_km == pytest.approx(0.3, abs=0.01)


@pytest.mark.parametrize("place", sorted(OUTSIDE_DORTMUND))
def test_points_outside_dortmund_have_no_district(place):
    assert district_at(*OUTSIDE_DORTMUND[place]) is None


def test_near_border_flag():
    directory = load_districts()
    hoerde = next(s for s in directory.stadtteile if s.name == "Hörde")
    hit = district_at(hoerde.centre.lat, hoerde.centre.lon)
    assert not hit.near_border
    assert hit.runner_up is not None and hit.runner_up.id != "hoerde"
    # Halfway between Berghofen (Aplerbeck) and Benninghofen (Hörde): either could be right.
    berghofen = next(s for s in directory.stadtteile if s.name == "Berghofen")
    benninghofen = next(s for s in directory.stadtteile if s.name == "Benninghofen")
    middle = district_at(
        (berghofen.centre.lat + benninghofen.centre.lat) / 2, (berghofen.centre.lon + benninghofen.centre.lon) / 2
    )
    assert middle.near_border
    assert {middle.district.id, middle.runner_up.id} == {"aplerbeck", "hoerde"}


@pytest.mark.parametrize(
    ("text", "district_id"),
    [
        ("Hörde", "hoerde"),
        ("Hoerde", "hoerde"),
        ("Horde", "hoerde"),
        ("hörde", "hoerde"),
        ("HOERDE", "hoerde"),
        ("Dortmund-Hörde", "hoerde"),
        ("Hörd", "hoerde"),  # typo
        ("Lütgendortmund", "luetgendortmund"),
        ("Luetgendortmund", "luetgendortmund"),
        ("lutgendortmund", "luetgendortmund"),
        ("Lütgendortmnd", "luetgendortmund"),  # typo
        ("Brakel", "brackel"),  # typo
        ("Scharnhost", "scharnhorst"),  # typo
        ("scharnhorst ost", "scharnhorst"),
        ("Scharnhorst-Ost", "scharnhorst"),
        ("Nordstadt", "innenstadt-nord"),
        ("Innenstadt Nord", "innenstadt-nord"),
        ("innenstadt-nord", "innenstadt-nord"),
        ("Borsigplatz", "innenstadt-nord"),
        ("Kirchhörde", "hombruch"),  # a Stadtteil maps to its district
        ("Kirchhoerde", "hombruch"),
        ("Sölderholz", "aplerbeck"),
        ("Soelderholz", "aplerbeck"),
        ("Schüren", "aplerbeck"),
        ("Dorstfelder Brücke", "innenstadt-west"),
        ("Dorstfelder Bruecke", "innenstadt-west"),
        ("Westerfilde", "mengede"),
        ("Bövinghausen", "luetgendortmund"),
        ("Kley", "luetgendortmund"),
        ("Wickede", "brackel"),
        ("Körne", "innenstadt-ost"),
        ("ich wohne in Kirchlinde", "huckarde"),
        ("Phoenix-See", "hoerde"),
        # Cyrillic
        ("Хёрде", "hoerde"),
        ("Дортмунд-Евінг", "eving"),
        ("Эвинг", "eving"),
        ("Нордштадт", "innenstadt-nord"),
        ("Хомбрух", "hombruch"),
        ("Менгеде", "mengede"),
        ("Шарнхорст", "scharnhorst"),
        ("Лютгендортмунд", "luetgendortmund"),
        ("Бергхофен", "aplerbeck"),
        ("Аплербек", "aplerbeck"),
        # Arabic script (aliases in the data)
        ("هورده", "hoerde"),
        ("دورتموند هورده", "hoerde"),
        ("نوردشتات", "innenstadt-nord"),
        ("إيفينغ", "eving"),
        ("ايفينغ", "eving"),  # alef without hamza
    ],
)
def test_find_district_by_name(text, district_id):
    matches = find_district(text)
    assert matches, text
    assert matches[0].district.id == district_id
    assert len(matches) == 1


def test_exact_and_typo_scores():
    exact = find_district("Hoerde")[0]
    assert exact.exact and exact.score == 1.0 and exact.kind == "district" and exact.matched == "Hörde"
    typo = find_district("Brakel")[0]
    assert not typo.exact and 0.8 <= typo.score < 1.0


def test_stadtteil_match_carries_the_stadtteil():
    match = find_district("Kirchhörde")[0]
    assert match.kind == "stadtteil"
    assert match.stadtteil is not None and match.stadtteil.name == "Kirchhörde"


def test_innenstadt_alone_is_ambiguous():
    assert {m.district.id for m in find_district("Innenstadt")} == {
        "innenstadt-west",
        "innenstadt-nord",
        "innenstadt-ost",
    }


@pytest.mark.parametrize(
    "text", ["Berlin", "Essen", "Lünen", "Люнен", "Castrop-Rauxel", "", "   ", "Dortmund", "12345"]
)
def test_find_district_finds_nothing_for_other_places(text):
    assert find_district(text) == []


def test_postal_code_touching_several_districts():
    ids = {d.id for d in districts_for_postal_code("44149")}
    assert ids == {"innenstadt-west", "luetgendortmund"}
    assert len(districts_for_postal_code("44135")) >= 2


def test_postal_code_in_one_district():
    assert [d.id for d in districts_for_postal_code("44263")] == ["hoerde"]
    assert [d.id for d in districts_for_postal_code(" 44357 ")] == ["mengede", "huckarde"]


def test_unknown_postal_code():
    assert districts_for_postal_code("10115") == []
    assert districts_for_postal_code("abc") == []


def test_every_residential_postal_code_from_the_facts_is_mapped():
    codes = (
        "44135 44137 44139 44141 44143 44145 44147 44149 44225 44227 44229 44263 44265 44267 44269 "
        "44287 44289 44309 44319 44328 44329 44339 44357 44359 44369 44379 44388"
    ).split()
    for code in codes:
        assert districts_for_postal_code(code), code


def test_find_district_by_postal_code():
    matches = find_district("Ich wohne in 44149 Dortmund")
    assert {m.district.id for m in matches} == {"innenstadt-west", "luetgendortmund"}
    assert all(m.kind == "postal_code" and m.matched == "44149" for m in matches)
