import pytest

from bot.places.geo import distance_to_polygon_km, haversine_km, inside_polygon, offset, within_outline

DORTMUND_HBF = (51.5178, 7.4594)
BOCHUM_HBF = (51.4787, 7.2233)


def test_haversine_known_distance():
    assert haversine_km(*DORTMUND_HBF, *BOCHUM_HBF) == pytest.approx(17.0, abs=0.5)
    assert haversine_km(*DORTMUND_HBF, *DORTMUND_HBF) == 0.0


def test_haversine_is_symmetric():
    assert haversine_km(*DORTMUND_HBF, *BOCHUM_HBF) == pytest.approx(haversine_km(*BOCHUM_HBF, *DORTMUND_HBF))


@pytest.mark.parametrize(("north", "east"), [(0.3, 0), (0, 0.3), (-0.3, 0), (0, -0.3), (1.0, 1.0)])
def test_offset_moves_by_the_given_distance(north, east):
    lat, lon = offset(*DORTMUND_HBF, north_km=north, east_km=east)
    assert haversine_km(*DORTMUND_HBF, lat, lon) == pytest.approx((north**2 + east**2) ** 0.5, rel=0.01)


SQUARE = [(51.0, 7.0), (51.0, 8.0), (52.0, 8.0), (52.0, 7.0)]


def test_inside_polygon():
    assert inside_polygon(51.5, 7.5, SQUARE)
    assert not inside_polygon(52.5, 7.5, SQUARE)
    assert not inside_polygon(51.5, 8.5, SQUARE)


def test_distance_to_polygon_and_buffer():
    lat, lon = offset(52.0, 7.5, north_km=0.5)
    assert distance_to_polygon_km(lat, lon, SQUARE) == pytest.approx(0.5, rel=0.02)
    assert within_outline(lat, lon, SQUARE, buffer_km=1.0)
    assert not within_outline(lat, lon, SQUARE, buffer_km=0.2)
    assert not within_outline(51.5, 7.5, [], buffer_km=5)
