"""What a person says about themselves, read from what they type (bot.understanding.said_facts)."""

from __future__ import annotations

import pytest

from bot.places.districts import load_districts
from bot.understanding.said_facts import (
    age_answer,
    child_age,
    deadline_soon,
    from_eu,
    interpreter_language,
    read_said_facts,
    yes_no,
)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("mein sohn ist 8 und braucht schule", 8),
        ("meine tochter ist 7, sie braucht eine schule", 7),
        ("Mein Kind 12 jahre alt schule??", 12),
        ("ابني عمره ٨ سنوات", 8),
        ("ابني عمره ١٢ سنة بدو مدرسة", 12),
        ("پسرم ۸ ساله است مدرسه میخواد", 8),
        ("синові 8 років потрібна школа", 8),
        ("мой сын 10 лет нужна школа", 10),
        ("oğlum 8 yaşında okul lazım", 8),
        ("fiul meu are 9 ani", 9),
        ("дъщеря ми е на 11 години", 11),
        ("ma fille a 7 ans", 7),
        ("my daughter is 12 years old", 12),
        ("ich habe 3 kinder, der älteste ist 12", 12),
    ],
)
def test_a_childs_age_in_ten_languages(text: str, age: int) -> None:
    assert child_age(text) == age


@pytest.mark.parametrize(
    ("text", "age"),
    [
        # Turkish, Romanian, French and German typed without their letters, and their other forms
        ("oglum 11 yasinda okula kaydettirmek istiyorum", 11),
        ("8 yaşındaki kızım için okul", 8),
        ("8 yasindaki oglum", 8),
        ("cocugum 7 yasinda", 7),
        ("baiatul are 8 ani", 8),
        ("fetita de 8 ani", 8),
        ("ma fille a 8ans", 8),
        ("un enfant de 8 ans", 8),
        ("mein achtjähriger sohn", 8),
        ("meine zehnjaehrige tochter braucht schule", 10),
        ("8-jährige tochter", 8),
        ("my 8-year-old daughter", 8),
        ("an eight-year-old boy", 8),
        ("8 yo boy school", 8),
        # Cyrillic: other cases of the child words, a Latin "i" in "рокiв", "ему/йому N лет/років"
        ("дочке 8 лет", 8),
        ("ему 8 лет, нужна школа", 8),
        ("8-летний сын", 8),
        ("мы тут 3 года, сыну 8 лет", 8),
        ("детям 8 и 10 лет", 8),
        ("донька 8 рокiв школа", 8),
        ("йому 8 років", 8),
        ("8-річна донька", 8),
        ("на 8 години е", 8),
        ("детето е на 8 години", 8),
        # Arabic and Persian: "her age 8", colloquial "he is 8 years" (سالشه)
        ("بنتي عمرها 8", 8),
        ("بنتي بعمر 7 سنين", 7),
        ("پسرم 8 سالشه", 8),
        ("دخترم ۹ سالشه مدرسه", 9),
    ],
)
def test_a_childs_age_however_it_is_typed(text: str, age: int) -> None:
    assert child_age(text) == age


@pytest.mark.parametrize(
    "text",
    [
        "ich habe 3 kinder",  # a count, not an age
        "termin um 10:30 für meine tochter",  # a time
        "seit 3 jahren in deutschland",  # years here, not an age
        "ich brauche 8 euro",  # no child
        "mein sohn ist 30",  # not "the child" of the school flow
        "my son is eight",  # number words: not read (asked instead)
        "живу здесь 8 лет",  # years here
        "depuis 2 ans en allemagne",
        "il y a 2 ans",
        "locuiesc aici de 3 ani",
        "3 yildir almanyadayim",
        "page 3 of the letter",
        "дайте ей 2 минуты на ответ",
    ],
)
def test_no_age_where_there_is_none(text: str) -> None:
    assert child_age(text) is None


@pytest.mark.parametrize(
    ("typed", "age"),
    [
        ("8", 8),
        ("٨", 8),
        ("۱۲", 12),
        ("8 jahre", 8),
        ("8j", 8),
        ("12!", 12),
        ("sie ist 14", None),
        ("banana", None),
        ("10:30", None),
    ],
)
def test_a_typed_answer_to_how_old(typed: str, age: int | None) -> None:
    assert age_answer(typed) == age


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("wohne in eving", "eving"),
        ("ich wohne in eving, wo ist mein amt", "eving"),
        ("I live in Eving", "eving"),
        ("j'habite à Eving", "eving"),
        ("Ich wohne in Hörde", "hoerde"),
        ("Wann ist das Büro in Eving offen?", None),  # a question about Eving, not where they live
        ("ich wohne in Essen", None),
    ],
)
def test_where_someone_lives(text: str, district: str | None) -> None:
    assert read_said_facts(text, load_districts()).district == district


@pytest.mark.parametrize(
    ("text", "eu"),
    [
        ("I'm from Romania", True),
        ("sunt din România, caut de lucru", True),
        ("sunt din romania caut de lucru", True),  # no diacritics, as typed on phones
        ("от България съм", True),
        ("ich komme aus Bulgarien", True),
        ("Romanya'dan geldim", True),
        ("je suis de Pologne", True),
        ("ich bin EU-Bürger", True),
        ("ich bin aus Syrien", False),
        ("я з України", False),
        ("من سوريا", False),
        ("I speak Ukrainian", None),  # a language, not where one is from
        ("Rumänien ist schön", None),
    ],
)
def test_from_an_eu_country(text: str, eu: bool | None) -> None:
    assert from_eu(text) is eu


@pytest.mark.parametrize(
    "text",
    [
        "Brief vom Jobcenter, Frist morgen!!",
        "frist ist heute",
        "deadline tomorrow",
        "до завтра надо ответить",
        "غدا آخر موعد",
        "yarın son gün",
        "termenul este mâine",
        "délai demain",
        "краен срок утре",
        "مهلت تا فردا",
        # without accents or special letters, and other words for a deadline
        "j'ai une lettre du jobcenter le delai c'est demain",
        "date limite demain",
        "echeance aujourd'hui",
        "yarin son gun",
        "yarina kadar cevap",
        "süresi yarın bitiyor",
        "termen maine",
        "ultima zi e maine",
        "pana maine",
        "abgabefrist heute",
        "letter due tomorrow",
        "дедлайн завтра",
        "термін до завтра",
        "آخر يوم بكرة",
    ],
)
def test_a_deadline_today_or_tomorrow(text: str) -> None:
    assert deadline_soon(text)


@pytest.mark.parametrize(
    "text",
    [
        "Widerspruch Frist ein Monat",
        "ich komme morgen",
        "deadline next month",
        "I'm not sure, appointment tomorrow",
        "demain vous êtes ouverts",
        "ofis yarın açık mı",
        "schedule for tomorrow",
    ],
)
def test_no_deadline_soon(text: str) -> None:
    assert not deadline_soon(text)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("ja", True),
        ("Ja klar", True),
        ("نعم", True),
        ("так", True),
        ("evet", True),
        ("da", True),
        ("oui", True),
        ("nein", False),
        ("nu", False),
        ("لا", False),
        ("hayır", False),
        ("non", False),
        ("не знаю", None),
        ("weiß nicht", None),
        ("banana", None),
    ],
)
def test_yes_and_no(text: str, answer: bool | None) -> None:
    assert yes_no(text) is answer


def test_the_language_of_an_interpreter() -> None:
    assert interpreter_language("Ich brauche einen Dolmetscher für Arabisch") == "ar"
    assert interpreter_language("нужен переводчик на фарси") == "fa"
    assert interpreter_language("ich spreche Arabisch") is None  # no interpreter asked for


def test_only_facts_about_the_person_are_kept() -> None:
    said = read_said_facts("Brief vom Jobcenter, Frist morgen, mein Sohn ist 8", load_districts())
    assert said.kept() == {"child_age": 8}
