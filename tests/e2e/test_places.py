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


@pytest.mark.parametrize(
    "typed, office_name",
    [
        ("Hoerde", "Hörde/Hombruch"),
        ("nordstadt", "Nordstadt"),
        ("Lütgendortmnd", "Lütgendortmund"),
        ("Евінг", "Eving/Scharnhorst"),
        ("44339", "Eving/Scharnhorst"),
    ],
)
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


# --- places however written, "my office", the prompt, answer first for the hours ----------------


def asks_where_they_live(message) -> bool:
    """The office finder's question: a keyboard whose button sends the location."""
    keyboard = (message.reply_markup or {}).get("keyboard", [])
    return any(button.get("request_location") for row in keyboard for button in row)


def card_of(replies) -> str:
    """The office card among the replies (a language offer may follow it)."""
    return next(m.text for m in replies if m.kind == "text" and "lokal willkommen" in m.text)


@pytest.mark.parametrize(
    "typed, language_code",
    [
        ("mein büro", "de"),
        ("mein amt", "de"),
        ("Mein Buero", "de"),
        ("مكتبي", "ar"),
        ("мій офіс", "uk"),
        ("моё бюро", "ru"),
        ("ofisim", "tr"),
        ("biroul meu", "ro"),
        ("mon bureau", "fr"),
        ("دفتر من", "fa"),
        ("моят офис", "bg"),
        ("my office", "en"),
    ],
)
async def test_my_office_in_any_language_opens_the_finder(tg: Telegram, typed: str, language_code: str) -> None:
    person = tg.person(7200, "Test", language_code=language_code)
    await person.send(typed)
    replies = await tg.replies(person)
    assert asks_where_they_live(replies[0]), (typed, replies[0].text)
    assert "Diesen Ort habe ich in Dortmund nicht gefunden" not in replies[0].text


async def test_mein_buero_then_eving_at_the_prompt(tg: Telegram) -> None:
    person = tg.person(7201, "Test", language_code="de")
    await person.send("mein büro")
    assert asks_where_they_live((await tg.replies(person))[0])
    await person.send("Eving")
    assert "lokal willkommen Eving/Scharnhorst" in card_of(await tg.replies(person))


async def test_maktabi_then_an_arabic_prefixed_name(tg: Telegram) -> None:
    person = tg.person(7202, "Test", language_code="ar")
    await person.send("مكتبي")
    assert asks_where_they_live((await tg.replies(person))[0])
    await person.send("بإيفينغ")
    assert "lokal willkommen Eving/Scharnhorst" in card_of(await tg.replies(person))


@pytest.mark.parametrize(
    "typed, office_name",
    [
        ("в Евінгу", "Eving/Scharnhorst"),
        ("я живу в Евінгу", "Eving/Scharnhorst"),
        ("в Эвинге", "Eving/Scharnhorst"),
        ("Eving'de", "Eving/Scharnhorst"),
        ("Hörde'deki", "Hörde/Hombruch"),
        ("بإيفينغ", "Eving/Scharnhorst"),
        ("في هوردة", "Hörde/Hombruch"),
        ("اوینگ", "Eving/Scharnhorst"),
        ("44339", "Eving/Scharnhorst"),
        ("ich wohne in Aplerbek", "Brackel/Aplerbeck"),
    ],
)
async def test_a_place_however_written_is_an_answer_in_any_state(tg: Telegram, typed: str, office_name: str) -> None:
    """Without /office first: a message that is only a place finds its office."""
    person = tg.person(7203, "Test", language_code="de")
    await person.send(typed)
    assert f"lokal willkommen {office_name}" in card_of(await tg.replies(person)), typed


@pytest.mark.parametrize(
    "typed, office_name",
    [
        ("в Евінгу", "Eving/Scharnhorst"),
        ("Hörde'deki", "Hörde/Hombruch"),
        ("في هوردة", "Hörde/Hombruch"),
        ("Хомбрухе", "Hörde/Hombruch"),
    ],
)
async def test_the_prompt_takes_inflected_names(tg: Telegram, typed: str, office_name: str) -> None:
    person = await asked_where_they_live(tg, 7204)
    await person.send(typed)
    assert f"lokal willkommen {office_name}" in card_of(await tg.replies(person)), typed


@pytest.mark.parametrize("typed", ["44147", "plz 44147 welches büro", "ich wohne 44147"])
async def test_a_postal_code_alone_or_in_a_sentence_leads_to_the_office(tg: Telegram, typed: str) -> None:
    person = tg.person(7205, "Test", language_code="de")
    await person.send(typed)
    question = (await tg.replies(person))[0]
    assert "Die Postleitzahl 44147 gehört zu mehreren Stadtbezirken" in question.text, typed
    assert set(buttons(question)) == {"Innenstadt-Nord", "Huckarde"}
    await person.press("Huckarde")
    assert "lokal willkommen Mengede/Huckarde" in card_of(await tg.replies(person))


async def test_after_the_postal_code_question_a_typed_district_counts(tg: Telegram) -> None:
    person = tg.person(7206, "Test", language_code="de")
    await person.send("44147")
    await tg.replies(person)
    await person.send("nordstadt")
    assert "lokal willkommen Nordstadt" in card_of(await tg.replies(person))


@pytest.mark.parametrize(
    "typed, language_code",
    [
        ("plz 44339 wo ist mein amt", "de"),
        ("мій офіс, індекс 44339, де він", "uk"),
    ],
)
async def test_my_office_with_a_postal_code_names_the_office(tg: Telegram, typed: str, language_code: str) -> None:
    person = tg.person(7213, "Test", language_code=language_code)
    await person.send(typed)
    assert "lokal willkommen Eving/Scharnhorst" in card_of(await tg.replies(person)), typed


async def test_an_unknown_postal_code_is_said_so(tg: Telegram) -> None:
    person = tg.person(7207, "Test", language_code="de")
    await person.send("10115")
    reply = (await tg.replies(person))[0]
    assert "Die Postleitzahl 10115 kenne ich in Dortmund nicht" in reply.text
    assert asks_where_they_live(reply)


async def test_a_question_at_the_prompt_is_answered_as_a_question(tg: Telegram) -> None:
    person = await asked_where_they_live(tg, 7208)
    await person.send("wie melde ich mein kind an der schule an")
    replies = await tg.replies(person)
    assert not asks_where_they_live(replies[0])
    assert "Diesen Ort habe ich in Dortmund nicht gefunden" not in replies[0].text
    assert "Dienstleistungszentrum Bildung" in replies[0].text  # the school topic's answer


async def test_something_unclear_at_the_prompt_gets_the_prompt_hint(tg: Telegram) -> None:
    person = await asked_where_they_live(tg, 7209)
    await person.send("Berlin Mitte vielleicht")
    reply = (await tg.replies(person))[0]
    assert "Diesen Ort habe ich in Dortmund nicht gefunden" in reply.text
    await person.send("Mengede")
    assert "lokal willkommen Mengede/Huckarde" in card_of(await tg.replies(person))


@pytest.mark.parametrize(
    "typed, language_code, office_name",
    [
        ("öfnungszeiten hörde", "de", "Hörde/Hombruch"),
        ("wann hat eving offen", "de", "Eving/Scharnhorst"),
        ("часы работы в Хёрде", "ru", "Hörde/Hombruch"),
        # other scripts, with their own question mark and comma
        ("متى يفتح المكتب في هورده؟", "ar", "Hörde/Hombruch"),
        ("ايمتى بتفتحوا بإيفينغ؟", "ar", "Eving/Scharnhorst"),
        ("دفتر هورده، کی باز است؟", "fa", "Hörde/Hombruch"),
        ("ساعت کاری دفتر اوینگ؟", "fa", "Eving/Scharnhorst"),
        ("коли працює офіс у Гьорде?", "uk", "Hörde/Hombruch"),
        ("Hörde'deki ofis ne zaman açık?", "tr", "Hörde/Hombruch"),
    ],
)
async def test_a_district_named_in_an_hours_question_answers_for_that_office(
    tg: Telegram, typed: str, language_code: str, office_name: str
) -> None:
    person = tg.person(7210, "Test", language_code=language_code)
    await person.send(typed)
    hours = (await tg.replies(person))[0].text
    assert office_name in hours and "09:00–12:00" in hours, (typed, hours)
    assert "Welches Büro ist Ihres" not in hours
    other = "Eving/Scharnhorst" if office_name == "Hörde/Hombruch" else "Hörde/Hombruch"
    assert other not in hours, (typed, hours)  # that office's hours, not all offices'


async def test_when_are_you_open_answers_first_then_asks_which_office(tg: Telegram) -> None:
    person = tg.person(7211, "Test", language_code="en")
    await person.send("When are you open?")
    answer = (await tg.replies(person))[0]
    text = answer.text
    assert text.startswith("Opening hours (Sprechstunden) of lokal willkommen")
    assert "All 7 offices have the same hours:" in text  # one block, not seven
    assert text.count("Monday 09:00–12:00") == 1 and "Thursday 14:00–17:00" in text
    assert "Open now until 12:00" in text or "open now" in text.lower()  # Monday 10:00
    assert text.rstrip().endswith("If you don't know, I will find it for you.")
    assert len(buttons(answer)) == 8  # the seven offices and "find my office"
    await person.press("lokal willkommen Eving/Scharnhorst")
    hours = (await tg.replies(person))[0].text
    assert "lokal willkommen Eving/Scharnhorst" in hours and "Kautsky" in hours


async def test_when_are_you_open_with_a_known_office_answers_for_it(tg: Telegram) -> None:
    person = tg.person(7212, "Test", language_code="en")
    await person.send("Eving")
    await tg.replies(person)
    await person.send("When are you open?")
    hours = (await tg.replies(person))[0].text
    assert "lokal willkommen Eving/Scharnhorst" in hours
    assert "All 7 offices" not in hours
