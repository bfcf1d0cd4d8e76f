"""Counts by CLDR plural rules (Babel) and dates without doubled full stops."""

from __future__ import annotations

import pytest

from bot.content.locale_check import (
    plural_problems,
    punctuation_problems,
    validate_locales,
)
from bot.content.locales import (
    Catalog,
    choice_blocks,
    expand_choices,
    placeholders,
    plural_category,
)
from bot.core.replies import Msg

DAYS_UK = "{days, plural, one {# день} few {# дні} many {# днів} other {# дня}}"
DAYS_AR = "{days, plural, zero {# يوم} one {يوم واحد} two {يومين} few {# أيام} many {# يوماً} other {# يوم}}"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


@pytest.mark.parametrize(
    ("n", "want"),
    [
        (1, "1 день"),
        (2, "2 дні"),
        (4, "4 дні"),
        (5, "5 днів"),
        (11, "11 днів"),
        (21, "21 день"),
        (22, "22 дні"),
        (25, "25 днів"),
        (90, "90 днів"),
    ],
)
def test_ukrainian_days(n: int, want: str) -> None:
    assert expand_choices(DAYS_UK, {"days": n}, "uk") == want


@pytest.mark.parametrize(
    ("n", "want"),
    [
        (0, "0 يوم"),
        (1, "يوم واحد"),
        (2, "يومين"),
        (3, "3 أيام"),
        (10, "10 أيام"),
        (11, "11 يوماً"),
        (99, "99 يوماً"),
        (100, "100 يوم"),
    ],
)
def test_arabic_days(n: int, want: str) -> None:
    assert expand_choices(DAYS_AR, {"days": n}, "ar") == want


def test_exact_number_and_select() -> None:
    assert expand_choices("{n, plural, =0 {keine} one {ein Termin} other {# Termine}}", {"n": 0}, "de") == "keine"
    assert expand_choices("{nth, select, 1 {ersten} other {letzten}}", {"nth": -1}, "de") == "letzten"


def test_placeholders_inside_blocks_count() -> None:
    assert placeholders("{days, plural, one {# Tag bei {office}} other {# Tage}} – {x}") == {"days", "office", "x"}


def test_every_plural_block_in_the_locales_has_the_languages_categories() -> None:
    assert [p for p in validate_locales() if "plural" in p.problem] == []


def test_a_missing_category_is_reported() -> None:
    problems = plural_problems("ru", "ru.yaml", {"k": "{n, plural, one {# день} other {# дня}}"})
    assert problems and "few" in problems[0].problem and "many" in problems[0].problem
    assert plural_problems("de", "de.yaml", {"k": "{n, plural, one {a} few {b} other {c}}"})  # no "few" in German
    assert plural_problems("de", "de.yaml", {"k": "{n, plural, one {a}"})  # unclosed


@pytest.mark.parametrize(
    ("lang", "days", "want"),
    [
        ("uk", 21, "через 21 день"),
        ("uk", 3, "через 3 дні"),
        ("uk", 30, "через 30 днів"),
        ("ru", 30, "через 30 дней"),
        ("ru", 2, "через 2 дня"),
        ("ar", 30, "بعد 30 يوماً"),
        ("ar", 2, "بعد يومين"),
        ("de", 1, "nach 1 Tag"),
        ("de", 30, "nach 30 Tagen"),
        ("ro", 30, "după 30 de zile"),
        ("ro", 3, "după 3 zile"),
    ],
)
def test_handoff_consent_counts_days_in_each_language(catalog: Catalog, lang: str, days: int, want: str) -> None:
    text = catalog.render(Msg("handoff.consent", days=days, translation=""), lang)
    assert want in text.replace("\u2068", "").replace("\u2069", "")  # right-to-left isolation marks


@pytest.mark.parametrize("lang", ["uk", "ru", "bg", "de", "fr"])
def test_a_date_ending_with_a_full_stop_gets_no_second_one(catalog: Catalog, lang: str) -> None:
    text = catalog.render(Msg("flow.source_undated", date="22.11.2026 г."), lang)
    assert ".." not in text and text.endswith("г.")


def test_arabic_and_farsi_use_their_own_punctuation() -> None:
    assert punctuation_problems() == []


def test_cldr_categories_come_from_babel() -> None:
    assert [plural_category("ru", n) for n in (1, 2, 5, 21)] == ["one", "few", "many", "one"]
    assert choice_blocks("no blocks here") == []
