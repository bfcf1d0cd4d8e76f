import pytest

from bot.places.districts import load_districts
from bot.places.finder import office_for_district, office_for_location
from bot.places.geo import offset

OFFICE_OF = {
    "innenstadt-west": "io",
    "innenstadt-ost": "io",
    "innenstadt-nord": "ns",
    "eving": "es",
    "scharnhorst": "es",
    "brackel": "ba",
    "aplerbeck": "ba",
    "hoerde": "hh",
    "hombruch": "hh",
    "luetgendortmund": "ld",
    "huckarde": "mh",
    "mengede": "mh",
}

# One Stadtteil per district (not always the namesake, to exercise the mapping).
SAMPLE = {
    "innenstadt-west": "Dorstfeld",
    "innenstadt-ost": "Körne",
    "innenstadt-nord": "Borsigplatz",
    "eving": "Brechten",
    "scharnhorst": "Lanstrop",
    "brackel": "Wickede",
    "aplerbeck": "Sölde",
    "hoerde": "Syburg",
    "hombruch": "Eichlinghofen",
    "luetgendortmund": "Bövinghausen",
    "huckarde": "Rahm",
    "mengede": "Groppenbruch",
}


def _centre(name):
    return next(s for s in load_districts().stadtteile if s.name == name).centre


@pytest.mark.parametrize("district_id", sorted(SAMPLE))
def test_each_district_maps_to_the_right_office(district_id):
    centre = _centre(SAMPLE[district_id])
    finding = office_for_location(centre.lat, centre.lon)
    assert finding is not None
    assert finding.district.id == district_id
    assert finding.stadtteil.name == SAMPLE[district_id]
    assert finding.office.id == OFFICE_OF[district_id]
    assert finding.distance_km > 0


@pytest.mark.parametrize("district_id", sorted(SAMPLE))
@pytest.mark.parametrize(("north", "east"), [(0.3, 0.0), (-0.21, 0.21)])
def test_300_m_off_a_centre_gives_the_same_office(district_id, north, east):
    centre = _centre(SAMPLE[district_id])
    lat, lon = offset(centre.lat, centre.lon, north_km=north, east_km=east)
    finding = office_for_location(lat, lon)
    assert finding is not None
    assert finding.district.id == district_id
    assert finding.office.id == OFFICE_OF[district_id]


def test_closest_office_when_another_is_nearer():
    # Barop (Hombruch) belongs to Hörde/Hombruch, but the Innenstadt office is nearer.
    centre = _centre("Barop")
    finding = office_for_location(centre.lat, centre.lon)
    assert finding.office.id == "hh"
    assert finding.closest_office is not None and finding.closest_office.id == "io"
    assert finding.closest_distance_km < finding.distance_km


def test_no_closest_office_when_the_responsible_one_is_nearest():
    finding = office_for_location(51.4852, 7.5020)  # at the Hörde office
    assert finding.office.id == "hh"
    assert finding.distance_km == pytest.approx(0.0, abs=0.01)
    assert finding.closest_office is None and finding.closest_distance_km is None


@pytest.mark.parametrize(("lat", "lon"), [(51.4556, 7.0116), (51.4818, 7.2162), (51.6160, 7.5260), (52.52, 13.405)])
def test_outside_dortmund_there_is_no_office(lat, lon):
    assert office_for_location(lat, lon) is None


def test_office_for_district():
    for district_id, office_id in OFFICE_OF.items():
        assert office_for_district(district_id).id == office_id
    assert office_for_district("nowhere") is None
