"""The safety lexicon: phrase syntax, matching, and what `python -m bot check` reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.locales import CURATED_LANGUAGES
from bot.safety.lexicon import CATEGORIES, Lexicon, check_lexicon, load_lexicon
from bot.understanding.normalize import fold, tokens


def lexicon_of(*phrases: tuple[str, str], exclusions: tuple[tuple[str, str], ...] = ()) -> Lexicon:
    lexicon = Lexicon()
    for category, raw in phrases:
        lexicon.add(category, "de", raw)
    for category, raw in exclusions:
        lexicon.add(category, "de", raw, exclusion=True)
    lexicon._index()
    return lexicon


def found(lexicon: Lexicon, text: str) -> list[str]:
    return [rule.category for rule in lexicon.find(tokens(fold(text))).rules]


def test_a_word_matches_as_a_prefix_of_the_folded_token() -> None:
    lexicon = lexicon_of(("fire", "brennt"))
    assert found(lexicon, "Es BRENNT!") == ["fire"]
    assert found(lexicon, "brennte") == ["fire"]
    assert found(lexicon, "verbrennt") == []


def test_exact_and_substring_words() -> None:
    lexicon = lexicon_of(("fire", "=feuer"), ("domestic_violence", "*ضربني"))
    assert found(lexicon, "Feuer!") == ["fire"]
    assert found(lexicon, "Feuerwehr") == []
    assert found(lexicon, "جوزي بيضربني") == ["domestic_violence"]


def test_consecutive_words_and_parts_anywhere() -> None:
    lexicon = lexicon_of(("domestic_violence", "schlägt mich"), ("missing_child", "=sohn + verschwunden"))
    assert found(lexicon, "mein Mann schlaegt mich") == ["domestic_violence"]  # ä = ae
    assert found(lexicon, "mich schlägt niemand") == []
    assert found(lexicon, "verschwunden ist mein Sohn") == ["missing_child"]
    assert found(lexicon, "mein Sohn sucht Arbeit") == []


def test_alternatives_within_a_part() -> None:
    lexicon = lexicon_of(("domestic_violence", "mann|freund + =schlägt"))
    assert found(lexicon, "mein Freund schlägt") == ["domestic_violence"]
    assert found(lexicon, "mein Freund sucht Arbeit") == []


def test_an_exclusion_names_the_category_it_cancels() -> None:
    lexicon = lexicon_of(("fire", "feuerwehr + rufen"), exclusions=(("fire", "praktikum + feuerwehr"),))
    match = lexicon.find(tokens(fold("Praktikum bei der Feuerwehr: wen soll ich rufen?")))
    assert [r.category for r in match.rules] == ["fire"] and match.excluded == {"fire"}


def write(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, encoding="utf-8")


def test_check_reports_what_an_editor_can_break(tmp_path: Path) -> None:
    write(
        tmp_path,
        "de.yaml",
        """
language: de
phrases:
  fire:
    - "es brennt"
    - "es  BRENNT"
    - ""
    - "uns"
  flood:
    - "wasser"
colour: blue
""",
    )
    write(tmp_path, "en.yaml", 'language: fr\nphrases:\n  fire: ["on fire"]\n')
    problems = [str(p) for p in check_lexicon(tmp_path, required=("de", "en", "tr"))]
    assert any("de.yaml: phrases.fire[1]: duplicate" in p for p in problems)
    assert any("de.yaml: phrases.fire[2]: empty phrase" in p for p in problems)
    assert any("de.yaml: phrases.fire[3]: stem 'uns' is too short" in p for p in problems)
    assert any("de.yaml: phrases.flood: unknown category" in p for p in problems)
    assert any("de.yaml: colour: unknown key" in p for p in problems)
    assert any("en.yaml: language: must be the file name 'en'" in p for p in problems)
    assert any("tr.yaml: -: missing" in p for p in problems)
    assert any("de.yaml: phrases.medical: no phrases for this category" in p for p in problems)


def test_three_letter_arabic_script_roots_may_stand_alone(tmp_path: Path) -> None:
    write(tmp_path, "fa.yaml", 'language: fa\nphrases:\n  domestic_violence: ["*کتک"]\n')
    assert check_lexicon(tmp_path) == []


def test_the_shipped_lexicon_is_clean_and_covers_every_category_in_every_language() -> None:
    assert check_lexicon(required=CURATED_LANGUAGES) == []
    lexicon = load_lexicon()
    for language in CURATED_LANGUAGES:
        covered = {r.category for r in lexicon.rules if r.language == language and not r.exclusion}
        assert set(CATEGORIES) <= covered, language


@pytest.mark.parametrize("text", ["", "   ", "!!!"])
def test_nothing_to_match(text: str) -> None:
    assert load_lexicon().find(tokens(fold(text))).rules == ()


def test_parts_found_inside_a_word_at_the_same_place_are_all_found() -> None:
    # "ضربني" and the shorter "ضرب" start at the same letter of "بيضربني".
    lexicon = lexicon_of(("weapon", "*ضرب + =زوجي"), ("domestic_violence", "*ضربني"))
    assert sorted(found(lexicon, "زوجي بيضربني")) == ["domestic_violence", "weapon"]
