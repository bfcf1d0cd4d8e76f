"""Typed places and follow-ups around an office: a district or postal code at the booking's office
step, a postal code in Arabic-Indic or Persian digits in a question, "wo ist das?" right after an
office was shown (and only then)."""

from __future__ import annotations

import pytest

from tests.booking.chat import Chat, RecordingOutbox, make_services

EVING_ADDRESS = "Bayrische Straße 135"
HOERDE_ADDRESS = "Schildplatz 7"


@pytest.fixture
def services(sessions, clock):
    return make_services(sessions, clock, RecordingOutbox())


@pytest.mark.parametrize(
    ("lang", "text", "office"),
    [("uk", "евінг", "es"), ("ru", "в Хёрде", "hh"), ("tr", "eving'de", "es"), ("de", "44339", "es")],
)
async def test_a_place_typed_at_the_office_step_chooses_its_office(services, lang, text, office):
    c = Chat(services, 3101, lang=lang)
    await c.command("book")
    assert await c.step() == "booking:office"
    await c.type(text)
    assert await c.step() == "booking:topic"
    assert (await c.data()).get("office") == office


async def test_postal_codes_in_arabic_and_persian_digits_inside_a_question(services):
    c = Chat(services, 3102, lang="fa")
    await c.type("کد پستی ما ۴۴۲۲۵ است دفتر ما کجاست")
    assert "Hörde/Hombruch" in c.text
    c = Chat(services, 3103, lang="ar")
    await c.type("الرمز البريدي تبعي ٤٤٣٣٩ وين لازم روح")
    assert "Eving/Scharnhorst" in c.text and EVING_ADDRESS in c.text


async def test_where_is_that_right_after_an_office_shows_its_card(services):
    c = Chat(services, 3104)
    await c.command("hours", "eving")  # what "wann hat das büro in eving offen" leads to
    assert "Eving/Scharnhorst" in c.text and EVING_ADDRESS not in c.text
    replies = await c.type("und wo genau is das")
    assert EVING_ADDRESS in c.text
    assert any(r.venue is not None for r in replies)
    await c.type("а адреса яка")  # asked again: still that office
    assert EVING_ADDRESS in c.text


async def test_where_is_that_without_an_office_just_shown_is_not_an_office_card(services):
    c = Chat(services, 3105)
    await c.type("wo ist das")
    assert EVING_ADDRESS not in c.text and HOERDE_ADDRESS not in c.text
    await c.type("44263")
    assert HOERDE_ADDRESS in c.text
    await c.type("mein sohn ist 8")  # something else in between: the office is no longer "that"
    await c.type("wo ist das")
    assert HOERDE_ADDRESS not in c.text
