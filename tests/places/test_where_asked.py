"""'Where is it?' however asked, and the office serving a place typed at the booking's office step."""

from __future__ import annotations

import pytest

from bot.dialogues.booking import office_for_place
from bot.places.districts import load_districts
from bot.places.offices import load_offices
from bot.places.where_asked import asks_where, without_where_words


@pytest.mark.parametrize(
    "text",
    [
        "und wo genau is das",
        "wo ist das",
        "Adresse bitte",
        "а адреса яка",
        "яка адреса",
        "где это",
        "къде е офисът",
        "what's the address",
        "whats the adress",
        "where is it",
        "adres ne",
        "adresi neresi",
        "ofis nerde",
        "unde este",
        "où est le bureau",
        "العنوان وين",
        "فين المكتب",
        "آدرسش کجاست",
        "کجاست",
        "الرمز البريدي تبعي ٤٤٣٣٩ وين لازم روح",
    ],
)
def test_where_and_address_questions(text: str) -> None:
    assert asks_where(text)


@pytest.mark.parametrize(
    "text",
    ["wann ist offen", "woche", "wow danke", "what time", "коли працює", "saat kaçta", "ساعات الدوام", "ok"],
)
def test_other_texts_do_not_ask_where(text: str) -> None:
    assert not asks_where(text)


def test_what_is_left_without_the_where_words() -> None:
    assert without_where_words("Wo ist die Ausländerbehörde?") == "ist die ausländerbehörde"
    assert without_where_words("what's the address") == "what's the"
    assert without_where_words("آدرسش کجاست") == ""
    assert without_where_words("а адреса яка") == "а яка"


@pytest.mark.parametrize(
    ("text", "office_id"),
    [
        ("евінг", "es"),
        ("Евинг", "es"),
        ("eving'de", "es"),
        ("eving'de oturuyorum", "es"),
        ("hörde", "hh"),
        ("hoerde", "hh"),
        ("в Хёрде", "hh"),
        ("44339", "es"),
        ("plz 44263", "hh"),
        ("٤٤٣٣٩", "es"),
        ("wohne in brünninghausen", "hh"),
        ("هورده", "hh"),
    ],
)
def test_the_office_serving_a_typed_place(text: str, office_id: str) -> None:
    office = office_for_place(text, load_districts(), load_offices())
    assert office is not None and office.id == office_id


@pytest.mark.parametrize("text", ["banana", "Termin bitte", "12345", "", "Innenstadt"])
def test_no_office_when_no_place_or_several_offices_are_named(text: str) -> None:
    assert office_for_place(text, load_districts(), load_offices()) is None
