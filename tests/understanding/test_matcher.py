"""Intent matching: examples + keywords, confidence, emergency priority, JSON shape."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from bot.core.services import _shared_understander
from bot.understanding import INTENTS, SUPPORTED, Understander, Understanding, understanding_as_json
from bot.understanding.matcher import (
    EXAMPLES_DIR,
    KeywordIndex,
    _cache_key,
    _parse_keyword,
    _read_cache,
    _write_cache,
    load_examples,
)
from bot.understanding.normalize import fold


@pytest.fixture(scope="module")
def understander() -> Understander:
    # The process's shared one (default cache dir: the first run embeds ~1000 examples).
    return _shared_understander()


@pytest.mark.parametrize(
    "text",
    [
        "cocuk parasi icin nereye basvurmam lazim",  # Turkish as typed on phones, without its letters
        "kindergeld nasil alinir",
        "wo kann ich kindergeld beantragen",
        "kinder geld antrag",
        "child money how",
        "وين اقدم على فلوس الاولاد",
        "كيف اطلب اعانة الاطفال",
        "پول بچه از کجا بگیرم",
        "де подати на допомогу на дитину",
        "как получить пособие на ребенка",
        "alocatia pentru copii unde",
        "как да получа детски надбавки",
        "comment demander les allocations familiales",
    ],
)
def test_child_benefit_however_it_is_called(understander: Understander, text: str) -> None:
    result = understander.understand(text)
    assert (result.intent, result.confident) == ("family", True)


def test_housing_benefit_is_not_child_benefit(understander: Understander) -> None:
    assert understander.understand("allocation logement comment faire").intent == "housing"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Which office is responsible for Aplerbeck?", "office"),
        ("Wo ist euer Büro in Mengede?", "office"),
        ("When are you open on Thursday?", "hours"),
        ("Habt ihr heute geöffnet?", "hours"),
        ("I'd like to make an appointment with you", "booking"),
        ("بدي موعد للاستشارة", "booking"),
        ("How do I enrol my 8-year-old in school?", "school"),
        ("Моєму синові 9, як потрапити до школи?", "school"),
        ("We need a Kita place for our daughter", "kita"),
        ("کودکستان برای پسرم می‌خواهم", "kita"),
        ("Die Stromrechnung kann ich nicht bezahlen", "energy"),
        ("They want to cut off our gas", "energy"),
        ("I would rather talk to a person", "human"),
        ("Хочу поговорити з живою людиною", "human"),
        ("I don't understand this letter from the city", "letters"),
        ("Ich habe einen Brief vom Amt bekommen, was steht da drin?", "letters"),
        ("Where can I learn German?", "german_course"),
        ("Integrationskurs anmelden", "german_course"),
        ("I am looking for a job as a cook", "work"),
        ("Vreau să lucrez, caut un loc de muncă", "work"),
        ("Our landlord does not repair the heating", "housing"),
        ("Je cherche un appartement", "housing"),
        ("How much is the Deutschlandticket?", "ticket"),
        ("Sozialticket beantragen", "ticket"),
        ("I need a doctor for my daughter", "health"),
        ("Nu am asigurare de sănătate", "health"),
        ("My residence permit expires soon", "authorities"),
        ("Ausländerbehörde Termin", "authorities"),
        ("Can you speak Arabic with me?", "language"),
        ("Sprache ändern", "language"),
    ],
)
def test_intents(understander: Understander, text: str, intent: str) -> None:
    result = understander.understand(text)
    assert result.intent == intent
    assert result.confident
    assert 0.0 <= result.score <= 1.0
    assert result.alternatives[0][0] == intent


@pytest.mark.parametrize(
    "text",
    [
        "help, my husband is not breathing",
        "حريق",
        "пожежа",
        "ambulance",
        "Feuer! Es brennt in der Küche",
        "Ein Mann mit einem Messer steht vor unserer Tür",
        # an emergency outranks everything else in the same message
        "My child is unconscious and I have an appointment tomorrow",
    ],
)
def test_emergency_has_priority(understander: Understander, text: str) -> None:
    result = understander.understand(text)
    assert result.intent == "emergency"
    assert result.confident
    assert result.score >= 0.9


@pytest.mark.parametrize(
    "text",
    ["asdfgh", "what's the weather on Mars", "hello", "thank you", "Wer hat gestern gewonnen?"],
)
def test_unrelated_input_is_never_confident(understander: Understander, text: str) -> None:
    result = understander.understand(text)
    assert not result.confident
    assert result.intent is None


def test_vague_input_offers_alternatives(understander: Understander) -> None:
    result = understander.understand("I need help")
    assert not result.confident
    assert len(result.alternatives) == 3
    scores = [score for _, score in result.alternatives]
    assert scores == sorted(scores, reverse=True)
    assert all(intent in INTENTS for intent, _ in result.alternatives)
    assert len({intent for intent, _ in result.alternatives}) == 3


def test_language_is_reported(understander: Understander) -> None:
    assert understander.understand("Wann habt ihr morgen offen?").language == "de"
    assert understander.understand("ايمتى بتفتحوا بكرا؟").language == "ar"
    assert understander.understand("Kita").language is None


def test_empty_and_symbol_input(understander: Understander) -> None:
    for text in ("", "   ", "?!", "😀"):
        result = understander.understand(text)
        assert result.intent is None
        assert not result.confident
        assert result.alternatives == ()


def test_understanding_is_frozen(understander: Understander) -> None:
    result = understander.understand("Where can I learn German?")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.intent = "work"


async def test_aunderstand_matches_sync(understander: Understander) -> None:
    texts = ["Habt ihr heute geöffnet?", "بدي موعد للاستشارة", "asdfgh"]
    results = await asyncio.gather(*(understander.aunderstand(t) for t in texts))
    assert list(results) == [understander.understand(t) for t in texts]


def test_json_shape(understander: Understander) -> None:
    data = understanding_as_json(understander.understand("Mein Sohn braucht einen Kitaplatz"))
    assert set(data) == {"language", "intent", "score"}
    assert data["intent"] == "kita"
    assert data["language"] == "de"
    assert data["score"] == round(data["score"], 2)
    json.dumps(data)  # serialisable as is

    unsure = understanding_as_json(Understanding(None, None, 0.123456, False, ()))
    assert unsure == {"language": None, "intent": None, "score": 0.12}


# --- examples and keywords (no model needed) ------------------------------------------------


def test_every_language_covers_every_intent() -> None:
    examples = load_examples()
    counts = Counter(zip(examples.languages, examples.intents, strict=False))
    for lang in SUPPORTED:
        assert (EXAMPLES_DIR / f"{lang}.yaml").exists()
        for intent in INTENTS:
            assert counts[(lang, intent)] >= 4, (lang, intent)
    keyword_pairs = {(k.language, k.intent) for k in examples.keywords}
    assert {(lang, intent) for lang in SUPPORTED for intent in INTENTS} <= keyword_pairs


def test_no_duplicate_examples() -> None:
    examples = load_examples()
    folded = Counter(fold(t) for t in examples.texts)
    assert [t for t, n in folded.items() if n > 1] == []


def _index(*raw: str, intent: str = "work", language: str = "de") -> KeywordIndex:
    keywords = [_parse_keyword(intent, language, r) for r in raw]
    return KeywordIndex([k for k in keywords if k is not None])


def test_keyword_prefix_exact_substring_and_phrase() -> None:
    assert _index("termin").hits(fold("Termine frei?"))
    assert not _index("=bus").hits(fold("business plan"))
    assert _index("=bus").hits(fold("der Bus kommt"))
    assert _index("*rechnung").hits(fold("Stromrechnung zu hoch"))
    assert _index("not breathing").hits(fold("he is NOT breathing"))
    assert not _index("not breathing").hits(fold("breathing not"))
    # umlauts typed as ae/oe/ue or without dots
    assert _index("büro").hits(fold("Buero")) and _index("büro").hits(fold("buro"))


def test_keyword_arabic_particles_and_language_scope() -> None:
    index = _index("مدرسه", intent="school", language="ar")
    assert index.hits(fold("بدي سجل ابني بالمدرسة"))  # بال + مدرسة, teh marbuta folded
    assert index.hits(fold("بالمدرسة"), frozenset({"ar"}))
    # Dari "مکتب" (school) folds like Arabic "مكتب" (office): keywords stay in their language
    dari = _index("مکتب", intent="school", language="fa")
    assert dari.hits(fold("وين المكتب"), None)
    assert not dari.hits(fold("وين المكتب"), frozenset({"ar", "de", "en"}))


# --- embedding cache ------------------------------------------------------------------------


def test_cache_round_trip_and_key(tmp_path: Path) -> None:
    matrix = np.random.default_rng(0).random((3, 384), dtype=np.float32)
    path = tmp_path / "sub" / f"examples-{_cache_key(['a', 'b', 'c'])}.npy"
    _write_cache(path, matrix)
    assert np.array_equal(_read_cache(path, 3), matrix)
    assert _read_cache(path, 4) is None  # stale shape -> recompute
    assert _cache_key(["a", "b", "c"]) != _cache_key(["a", "b", "d"])
    assert list(path.parent.glob("*.tmp")) == []


def test_unwritable_cache_dir_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    _write_cache(blocker / "examples-x.npy", np.zeros((1, 384), dtype=np.float32))
    assert _read_cache(blocker / "examples-x.npy", 1) is None
