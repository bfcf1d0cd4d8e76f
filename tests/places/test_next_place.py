"""Extra consultation places count in "open now" and "next opening", and read naturally."""

from datetime import datetime

import pytest

from bot.content.locales import CURATED_LANGUAGES, Catalog
from bot.core.replies import Msg
from bot.places.calendar import TZ
from bot.places.offices import load_offices
from bot.places.opening_hours import soonest


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


def subjects(office_id: str) -> list:
    office = load_offices().get(office_id)
    return [office, *office.places]


def test_the_second_tuesday_place_opens_before_the_office() -> None:
    # 8 Dec 2026 is the 2nd Tuesday: "Marten aktiv" 10-12, the Lütgendortmund office only at 13:00
    found = soonest(subjects("ld"), berlin(2026, 12, 8, 9, 0))
    assert found is not None and found.subject.id == "ld-marten"
    assert found.status.next_opening == berlin(2026, 12, 8, 10, 0)


def test_a_place_open_now_wins() -> None:
    found = soonest(subjects("ld"), berlin(2026, 12, 8, 10, 30))
    assert found is not None and found.subject.id == "ld-marten" and found.status.open_now
    assert found.status.closes_at == berlin(2026, 12, 8, 12, 0)


def test_on_other_tuesdays_the_office_comes_first() -> None:
    found = soonest(subjects("ld"), berlin(2026, 12, 15, 9, 0))  # 3rd Tuesday
    assert found is not None and found.subject.id == "ld"


def test_the_kautsky_container_on_the_first_wednesday() -> None:
    # offices are closed on Wednesdays; 2 Dec 2026 is the 1st Wednesday, not in school holidays
    found = soonest(subjects("es"), berlin(2026, 12, 2, 7, 0))
    assert found is not None and found.subject.id == "es-kautsky"
    assert found.status.next_opening == berlin(2026, 12, 2, 8, 30)


def test_places_without_published_times_do_not_count() -> None:
    lanstrop = load_offices().place("es-lanstrop")
    assert soonest([lanstrop], berlin(2026, 12, 2, 7, 0)) is None


@pytest.mark.parametrize(
    ("lang", "want"),
    [
        ("de", "jeden zweiten Dienstag im Monat"),
        ("en", "every second Tuesday of the month"),
        ("fa", "دومین سه‌شنبهٔ هر ماه"),
        ("ar", "يوم الثلاثاء الثاني من كل شهر"),
        ("ru", "во второй вторник каждого месяца"),
        ("uk", "у другий вівторок кожного місяця"),
        ("bg", "всеки втори вторник от месеца"),
        ("tr", "her ayın ikinci salı günü"),
        ("ro", "în a doua marți a fiecărei luni"),
        ("fr", "le deuxième mardi de chaque mois"),
    ],
)
def test_monthly_rules_read_as_a_phrase(lang: str, want: str) -> None:
    text = Catalog.load().render(Msg("places.monthly.tue", nth=2), lang)
    assert want in text.replace("\u2068", "").replace("\u2069", "")


@pytest.mark.parametrize("lang", CURATED_LANGUAGES)
def test_every_place_has_a_translated_description(lang: str) -> None:
    catalog = Catalog.load()
    for office in load_offices().all:
        for place in office.places:
            key = f"places.place.{place.id.replace('-', '_')}"
            assert key in catalog.locales[lang].strings, (lang, key)


def test_russian_wednesday_is_feminine() -> None:
    assert Catalog.load().render(Msg("places.monthly.wed", nth=1), "ru") == "в первую среду каждого месяца"
