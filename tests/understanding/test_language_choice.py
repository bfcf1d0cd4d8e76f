"""Which language a typed message is answered in: the first message decides when it is one of
the ten; later, only a sentence in another of the ten switches. Markup, numbers, names and short
words switch nothing; a language beyond the ten is never the nearest of them."""

from __future__ import annotations

import pytest

from bot.understanding.language import SUPPORTED, DetectedLanguage, detect_language
from bot.understanding.language_choice import first_message_language, switched_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Wann habt ihr offen?", "de"),
        ("wann habt ihr offen heute", "de"),
        ("متى تفتحون؟", "ar"),
        ("ايمتى بتفتحوا المكتب", "ar"),
        ("Коли ви працюєте?", "uk"),
        ("коли працює офіс у понеділок", "uk"),
        ("ofisiniz ne zaman acik", "tr"),
        ("when r u open tomorow", "en"),
    ],
)
def test_a_first_message_in_one_of_ours_is_answered_in_it(text: str, code: str) -> None:
    assert first_message_language(detect_language(text), SUPPORTED) == code


@pytest.mark.parametrize(
    "text",
    [
        "Saacadaha shaqada xafiiska waa maxay",  # Somali
        "Xafiisku goorma ayuu furan yahay",
        "ستاسو دفتر کله پرانیستل کیږي",  # Pashto
        "Ez dixwazim bi karmendekî re biaxivim",  # Kurmanji
        "ሰላም፡ ሓገዝ ደልየ ኣለኹ",  # Tigrinya
        "Kur është zyra e hapur",  # Albanian
        "<b>hi</b> & <script>",
        "44147",
        "Eving",
        "ok",
        "Hörde",
        "😀👍",
        "hi",
        "Mohammed Al-Hassan",
        "Olena Kovalenko",
    ],
)
def test_a_first_message_not_confidently_ours_gets_no_language(text: str) -> None:
    assert first_message_language(detect_language(text), SUPPORTED) is None


@pytest.mark.parametrize(
    "text",
    [
        "<b>hi</b> & <script>",
        "44147",
        "Eving",
        "ok",
        "Hörde",
        "ok danke",
        "Hörde Eving",
        "Jobcenter Termin",
        "+49 231 50-0",
        "merci",
        "Saacadaha shaqada xafiiska waa maxay",
        "https://www.dortmund.de/de/leben_in_dortmund/index.html",
        # names, typed as a reply or by mistake: whatever their letters look like
        "Mohammed Al-Hassan",
        "Fatima Zahra Benali",
        "Olena Kovalenko",
        "Ayşe Yılmaz",
        "Иван Петров",
        "Jean-Pierre Dubois",
        "Jörg Müller",
    ],
)
def test_markup_numbers_names_and_short_words_do_not_switch_an_english_speaker(text: str) -> None:
    assert switched_language("en", detect_language(text), SUPPORTED) is None


@pytest.mark.parametrize(
    ("current", "text", "code"),
    [
        ("en", "Wann habt ihr heute offen?", "de"),
        ("de", "when is the office open tomorrow", "en"),
        ("en", "متى تفتحون؟", "ar"),  # two words, but Arabic letters are not English
        ("de", "Коли відкрито?", "uk"),
        ("ru", "коли працює офіс у понеділок", "uk"),
        ("tr", "je voudrais un rendez-vous demain", "fr"),
    ],
)
def test_a_sentence_in_another_of_ours_switches(current: str, text: str, code: str) -> None:
    assert switched_language(current, detect_language(text), SUPPORTED) == code


def test_the_decision_itself() -> None:
    french = DetectedLanguage("fr", 0.9, words=2)
    assert switched_language("en", french, SUPPORTED) is None  # two Latin words: not a sentence
    assert switched_language("en", DetectedLanguage("fr", 0.9, words=3), SUPPORTED) == "fr"
    assert switched_language("ar", french, SUPPORTED) == "fr"  # another script
    assert switched_language("fr", DetectedLanguage("fr", 0.9, words=5), SUPPORTED) is None
    assert switched_language("en", DetectedLanguage("xx", 0.9, words=5), SUPPORTED) is None
    assert switched_language("en", DetectedLanguage(None, 0.9, "so", words=5), SUPPORTED) is None
    # A machine locale has no script of ours: only a sentence switches it.
    assert switched_language("ti", DetectedLanguage("ar", 0.9, words=2), SUPPORTED) is None
    assert switched_language("ti", DetectedLanguage("ar", 0.9, words=3), SUPPORTED) == "ar"
    assert first_message_language(DetectedLanguage("de", 0.9, words=1), SUPPORTED) == "de"
    assert first_message_language(DetectedLanguage("de", 0.9, words=1), ("en",)) is None
    assert first_message_language(DetectedLanguage(None, 0.9, "ps", words=4), SUPPORTED) is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("<b>hi</b> & <script>", 1),
        ("44147", 0),
        ("Termin beim Jobcenter in Eving bitte", 3),
        ("Mohammed Al-Hassan", 0),
    ],
)
def test_words_counts_what_the_decision_rests_on(text: str, words: int) -> None:
    assert detect_language(text).words == words


@pytest.mark.parametrize(
    ("current", "text", "code"),
    [
        ("en", "Wann Ist Das Büro Offen", "de"),  # capitalised throughout, but with words of its own
        ("de", "When Is The Office Open", "en"),
        ("en", "Je Voudrais Un Rendez-Vous", "fr"),
    ],
)
def test_a_capitalised_sentence_is_still_a_sentence(current: str, text: str, code: str) -> None:
    assert switched_language(current, detect_language(text), SUPPORTED) == code
