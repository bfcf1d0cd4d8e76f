"""Detection: the lexicon first, then bare emergency numbers, then the model's own threshold."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pytest

from bot.safety import GENERAL, detect
from bot.safety.detect import MODEL_MARGIN, MODEL_MIN_SIMILARITY


@dataclass(frozen=True)
class FakeUnderstanding:
    language: str | None = None
    intent: str | None = None
    confident: bool = False
    similarities: Mapping[str, float] = field(default_factory=dict)
    safety_similarities: Mapping[str, float] = field(default_factory=dict)


@pytest.mark.parametrize(
    ("text", "category", "language"),
    [
        ("Mein Mann schlägt mich", "domestic_violence", "de"),
        ("mein man schlegt mich", "domestic_violence", "de"),
        ("جوزي بيضربني", "domestic_violence", "ar"),
        ("jozi bidrabni", "domestic_violence", "ar"),
        ("menya b'yot muzh", "domestic_violence", "ru"),
        ("kocam beni dovuyor", "domestic_violence", "tr"),
        ("I have nowhere to sleep tonight", "homeless_tonight", "en"),
        ("نفس نمیکشه بچه ام", "medical", "fa"),
        ("дитина випила отруту", "poisoning", "uk"),
        ("je veux mourir", "suicide", "fr"),
        ("incendiu în bloc", "fire", "ro"),
        ("заплашва ме с нож", "weapon", "bg"),
        ("пропал сын", "missing_child", "ru"),
        # families that a second held-out set found missing (bench/README.md): odd breathing,
        # Arabic "and not" written as one word, Latin-script Arabic and Farsi, "has not come home",
        # German separable verbs that are still violence, typos of "umbringen"
        ("unser baby atmet komisch und wird blau", "medical", "de"),
        ("ماما وقعت ومش بترد", "medical", "ar"),
        ("binti ma btitnaffas", "medical", "ar"),
        ("ma3ndi wein nam el lele", "homeless_tonight", "ar"),
        ("mardam kotakam zad", "domestic_violence", "fa"),
        ("mein mann schlägt vor allem die kinder", "domestic_violence", "de"),
        ("will mich umbrigen", "suicide", "de"),
        ("сын не вернулся с тренировки", "missing_child", "ru"),
        ("kizim hala eve gelmedi", "missing_child", "tr"),
        ("u nas pozhar na kuhne", "fire", "ru"),
        # families a third held-out set found missing: strangling and "he will finish me", indirect
        # suicide ("no reason to go on living", "end it tonight"), a home lost in other words, a
        # child with fever who does not react, chest pressure, blood everywhere
        ("er hat mich gestern gewürgt", "domestic_violence", "de"),
        ("my ex said hes gonna kill me", "domestic_violence", "en"),
        ("муж меня душил ночью", "domestic_violence", "ru"),
        ("kocam beni bogmaya calisti dun", "domestic_violence", "tr"),
        ("il m'a étranglée", "domestic_violence", "fr"),
        ("es gibt keinen grund mehr weiterzuleben", "suicide", "de"),
        ("honestly no reason to go on living", "suicide", "en"),
        ("ما بدي عيش بعد اليوم", "suicide", "ar"),
        ("думаю выйти в окно", "suicide", "ru"),
        ("wir stehen seit heute auf der straße", "homeless_tonight", "de"),
        ("we have to sleep in the park", "homeless_tonight", "en"),
        ("nous sommes à la rue avec les enfants", "homeless_tonight", "fr"),
        ("baby hat hohes fieber und reagiert nicht", "medical", "de"),
        ("mon bébé a de la fièvre et ne réagit plus", "medical", "fr"),
        ("у отца давит в груди", "medical", "ru"),
        ("blood all over the bathroom floor", "medical", "en"),
        ("my sister is having a fit", "medical", "en"),
        ("ضاعت بنتي بالمول", "missing_child", "ar"),
        ("oglum kaybolmus", "missing_child", "tr"),
    ],
)
def test_the_lexicon_finds_the_category_and_the_language(text: str, category: str, language: str) -> None:
    alert = detect(text)
    assert alert is not None and alert.source == "lexicon"
    assert (alert.category, alert.language) == (category, language)


def test_the_most_specific_danger_wins_and_the_others_are_kept() -> None:
    alert = detect("mein Mann schlägt mich und hat ein Messer")
    assert alert is not None and alert.category == "weapon"
    assert alert.categories == ("weapon", "domestic_violence")


def test_a_word_shared_by_two_languages_names_both() -> None:
    alert = detect("пожар в квартире")
    assert alert is not None and alert.category == "fire"
    assert {"ru", "bg"} <= set(alert.languages)


@pytest.mark.parametrize("text", ["112", "110!", "١١٢", "۱۱۰", "112 hilfe", "مرسته 112"])
def test_bare_emergency_numbers(text: str) -> None:
    alert = detect(text)
    assert alert is not None and (alert.category, alert.source, alert.language) == (GENERAL, "number", None)


@pytest.mark.parametrize(
    "text",
    [
        "Brackeler Hellweg 112, ist das mein Bezirk?",
        "Linie 110 Richtung Hauptbahnhof",
        "1120",
        "44110",
    ],
)
def test_a_number_in_an_ordinary_sentence_is_not_an_alarm(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "my husband is looking for work",
        "Praktikum bei der Feuerwehr",
        "the police sent me a letter",
        "my son had a fever last week, which Kita?",
        "bıçak gibi bir baş ağrısı, doktor lazım",
        "I'm dying to learn German faster",
        "my daughter lost her school bag",
        "شوهرم بهم زنگ میزنه",
        "disim bicak gibi agriyor, disci lazim",
        "Mein Mann schlägt vor, dass wir umziehen",
        "mein Sohn hat seinen Schülerausweis verloren",
        "the smoke alarm needs a new battery, who replaces it",
        "yangin tatbikati okulda ne zaman",
        "хазяинът иска да ме изгони",
        "mon fils a perdu sa carte de bus",
        # idioms, past events, lost things
        "die Hitze bringt mich noch um",
        "this waiting is killing me",
        "birocratia ma omoara",
        "la paperasse me tue",
        "вы знаете, очередь меня убивает",
        "vor zwei Jahren hatten wir einen Küchenbrand, zahlt die Versicherung",
        "meine Tochter hat den Wohnungsschlüssel verloren",
        "fiica mea si-a pierdut cheile",
        "where is the nearest fire station, my kids want to visit",
        "ich mache schluss mit meinem Freund, wo finde ich eine Wohnung",
    ],
)
def test_near_misses(text: str) -> None:
    assert detect(text) is None


def emergency_like(emergency: float, other: float) -> FakeUnderstanding:
    return FakeUnderstanding("de", "emergency", True, {"emergency": emergency, "work": other, "none": 0.80})


def test_the_model_alone_needs_its_own_similarity_and_margin() -> None:
    text = "es ist etwas Schlimmes passiert, bitte kommen Sie"
    high = MODEL_MIN_SIMILARITY + 0.01
    alert = detect(text, emergency_like(high, high - MODEL_MARGIN - 0.005))
    assert alert is not None and (alert.category, alert.source, alert.language) == (GENERAL, "model", "de")
    assert detect(text, emergency_like(MODEL_MIN_SIMILARITY - 0.01, 0.70)) is None
    assert detect(text, emergency_like(high, high)) is None  # no margin over another topic


def test_the_matchers_keyword_emergency_alone_is_not_trusted() -> None:
    # The matcher's "Polizei" keyword makes this a confident emergency; its similarities do not.
    understanding = FakeUnderstanding("de", "emergency", True, {"emergency": 0.84, "letters": 0.89, "none": 0.83})
    assert detect("Die Polizei hat mir einen Brief geschickt", understanding) is None


def test_an_exclusion_also_vetoes_the_model() -> None:
    understanding = emergency_like(0.95, 0.80)
    assert detect("Praktikum bei der Feuerwehr", understanding) is None


def test_without_the_model_the_lexicon_still_works() -> None:
    alert = detect("زوجي يضربني", None)
    assert alert is not None and alert.category == "domestic_violence"


def test_only_the_start_of_a_long_text_is_read() -> None:
    from bot.safety.detect import MAX_CHARS, read

    assert read("Mein Mann schlägt mich. " + "Bla bla. " * 20).alert is not None
    assert read("Bla bla. " * (MAX_CHARS // 9 + 1) + "Mein Mann schlägt mich.").alert is None
    # A flood of a character that normalisation multiplies (one "ﷺ" is 18 letters) is bounded too.
    assert read("\ufdfa" * 4096).alert is None


def test_an_exclusion_cancels_only_in_its_own_clause() -> None:
    alert = detect("Hallo, meine Tochter hat ihren Schlüssel verloren. Mein Mann schlägt mich")
    assert alert is not None and alert.category == "domestic_violence"
    alert = detect("guten tag ich mache ein praktikum bei der feuerwehr und heute brennt unsere küche")
    assert alert is not None and alert.category == "fire"
    assert detect("Praktikum bei der Feuerwehr. Wann fängt es an?") is None


def test_the_nearest_examples_give_the_category() -> None:
    from bot.safety.neighbours import MARGIN, MIN_SIMILARITY

    near = {"suicide": MIN_SIMILARITY + 0.02, "medical": MIN_SIMILARITY, "ordinary": MIN_SIMILARITY - MARGIN}
    understanding = FakeUnderstanding("de", None, False, {"work": 0.85, "emergency": 0.95, "none": 0.97}, near)
    alert = detect("ich kann nicht mehr, heute ist es vorbei", understanding)
    assert alert is not None and (alert.category, alert.source, alert.language) == ("suicide", "model", "de")


def test_the_nearest_examples_must_beat_the_ordinary_ones_and_every_ordinary_intent() -> None:
    from bot.safety.neighbours import MARGIN, MIN_SIMILARITY

    high = MIN_SIMILARITY + 0.03
    text = "ich kann nicht mehr, heute ist es vorbei"
    for ordinary, intents in (
        ({"ordinary": high - MARGIN / 2}, {"work": 0.80}),
        ({"ordinary": 0.80}, {"work": high - MARGIN / 2}),
    ):
        understanding = FakeUnderstanding("de", None, False, intents, {"suicide": high, **ordinary})
        assert detect(text, understanding) is None
    too_far = FakeUnderstanding(
        "de", None, False, {"work": 0.70}, {"suicide": MIN_SIMILARITY - 0.005, "ordinary": 0.70}
    )
    assert detect(text, too_far) is None


def test_an_exclusion_also_vetoes_the_nearest_examples() -> None:
    understanding = FakeUnderstanding("de", None, False, {"work": 0.70}, {"fire": 0.97, "ordinary": 0.70})
    assert detect("Praktikum bei der Feuerwehr", understanding) is None
