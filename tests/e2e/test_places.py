"""'Which office is mine?' for every part of Dortmund, by location, name or postal code, in German and Arabic."""
from __future__ import annotations

import pytest

from bot.places.districts import load_districts
from bot.places.geo import offset
from bot.places.offices import load_offices
from bot.text.bidi import FSI, PDI
from tests.e2e.harness import Telegram, buttons
from tests.fakebotapi import FakeUser

DISTRICT_IDS = [d.id for d in load_districts().all]


async def asked_where_they_live(tg: Telegram, user_id: int, language_code: str = "de") -> FakeUser:
    """A person who typed /office and now sees the question where they live."""
    person = tg.person(user_id, "Test", language_code=language_code)
    await person.send("/office")
    await tg.replies(person)
    return person


async def test_a_location_in_each_of_the_12_districts_finds_its_office(tg: Telegram) -> None:
    offices = load_offices()
    for number, district in enumerate(load_districts().all):
        stadtteil = district.stadtteile[0]
        lat, lon = offset(stadtteil.centre.lat, stadtteil.centre.lon, north_km=0.2, east_km=0.2)
        person = await asked_where_they_live(tg, 7000 + number)
        await person.share_location(lat, lon)
        replies = await tg.replies(person)
        office = offices.for_district(district.id)
        assert office is not None
        card = replies[0].text
        assert f"Stadtbezirk {district.name}" in card, (district.id, card)
        assert office.name in card and "lokal willkommen lokal willkommen" not in card, (district.id, card)
        assert "etwa" in card and "km" in card  # an approximate distance
        venue = next(m for m in replies if m.kind == "venue")
        assert venue.content["venue"]["location"]["latitude"] == pytest.approx(office.location.lat)


@pytest.mark.parametrize("typed, office_name", [
    ("Hoerde", "Hörde/Hombruch"),
    ("nordstadt", "Nordstadt"),
    ("Lütgendortmnd", "Lütgendortmund"),
    ("Евінг", "Eving/Scharnhorst"),
    ("44339", "Eving/Scharnhorst"),
])
async def test_typed_names_and_postal_codes(tg: Telegram, typed: str, office_name: str) -> None:
    person = await asked_where_they_live(tg, 7100)
    await person.send(typed)
    card = (await tg.replies(person))[0].text
    assert f"lokal willkommen {office_name}" in card


async def test_a_postal_code_in_two_districts_asks_which_one(tg: Telegram) -> None:
    person = await asked_where_they_live(tg, 7101)
    await person.send("44357")
    question = (await tg.replies(person))[0]
    assert "gehört zu mehreren Stadtbezirken" in question.text
    assert set(buttons(question)) == {"Mengede", "Huckarde"}
    await person.press("Huckarde")
    card = (await tg.replies(person))[0].text
    assert "lokal willkommen Mengede/Huckarde" in card and "Westerfilder Straße 54" in card


async def test_a_place_outside_dortmund_says_what_the_network_serves(tg: Telegram) -> None:
    person = await asked_where_they_live(tg, 7102)
    await person.share_location(52.52, 13.405)  # Berlin
    replies = await tg.replies(person)
    assert "nicht in Dortmund" in replies[0].text
    assert replies[0].reply_markup == {"remove_keyboard": True}  # the location keyboard goes away
    assert len([b for m in replies for b in buttons(m)]) == 7  # one button per office


async def test_the_arabic_answer_keeps_addresses_and_times_intact(tg: Telegram) -> None:
    person = await asked_where_they_live(tg, 7103, language_code="ar")
    await person.send("Eving")
    card = (await tg.replies(person))[0]
    raw = card.raw_text or ""
    assert any("\u0600" <= ch <= "\u06ff" for ch in raw), "the card is in Arabic"
    assert f"{FSI}Bayrische Straße 135, 44339 Dortmund{PDI}" in raw
    assert "0231 50-11157" in raw
    for chunk in raw.split(FSI)[1:]:
        assert PDI in chunk  # every isolate is closed
    await person.send("/hours")
    hours = (await tg.replies(person))[0].raw_text or ""
    assert f"{FSI}09:00–12:00{PDI}" in hours


async def test_a_question_naming_a_district_gets_that_office_and_monthly_places(tg: Telegram) -> None:
    person = tg.person(7104, "Test", language_code="de")
    await person.send("Wann hat das Büro in Eving offen?")
    hours = (await tg.replies(person))[0].text
    assert hours.startswith("Sprechstunden lokal willkommen Eving/Scharnhorst")
    assert "Montag 09:00–12:00" in hours and "Donnerstag 14:00–17:00" in hours
    assert "Kautsky-Grundschule – jeden ersten Mittwoch im Monat, 08:30–11:00; nicht in den Schulferien" in hours
    assert "📍 Kautskystraße 23-25, 44328 Dortmund" in hours
    assert "Jetzt geöffnet bis 12:00" in hours  # the test clock is Monday 10:00
