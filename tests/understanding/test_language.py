"""Language detection: script heuristics first, lingua for the rest, None when unsure."""

from __future__ import annotations

import pytest

from bot.understanding.language import SUPPORTED, DetectedLanguage, detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ich brauche einen Termin für eine Beratung, geht das nächste Woche?", "de"),
        ("Where can I find a doctor for my son? He has a fever.", "en"),
        ("وين بلاقي دكتور لابني؟ عندو حرارة", "ar"),
        ("برای پسرم دکتر لازم دارم، تب دارد", "fa"),
        ("Мені потрібен лікар для сина, у нього температура", "uk"),
        ("Мне нужен врач для сына, у него температура", "ru"),
        ("Трябва ми лекар за сина, той има температура", "bg"),
        ("Oğlum için doktora ihtiyacım var, ateşi var", "tr"),
        ("Am nevoie de un doctor pentru fiul meu, are febră", "ro"),
        ("J'ai besoin d'un médecin pour mon fils, il a de la fièvre", "fr"),
    ],
)
def test_clear_sentences(text: str, expected: str) -> None:
    result = detect_language(text)
    assert result.code == expected
    assert 0.6 <= result.confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Persian letters (پ چ ژ گ ی ک) settle Arabic script
        ("چطور می‌توانم برای بچه‌ام جا پیدا کنم", "fa"),
        # Arabic-only letters and words (ة ي ك, شو, بدي)
        ("شو لازم اعمل لأسجل ابني بالمدرسة", "ar"),
        # Ukrainian і ї є ґ, Russian ы э ё, Bulgarian ъ
        ("Де знаходиться ваш офіс?", "uk"),
        ("Где находится ваш офис? Это далеко?", "ru"),
        ("Къде се намира вашият офис?", "bg"),
        # surzhyk is still Ukrainian
        ("шо робить якщо свєт отключили", "uk"),
        # typed without special letters
        ("cocugum icin okul ariyorum yardim eder misiniz", "tr"),
        ("copilul meu are nevoie de un loc la scoala", "ro"),
    ],
)
def test_script_heuristics_and_plain_typing(text: str, expected: str) -> None:
    assert detect_language(text).code == expected


@pytest.mark.parametrize("text", ["", "   ", "ok", "Kita", "Jobcenter", "112", "😀", "?!"])
def test_short_or_ambiguous_input_gives_none(text: str) -> None:
    result = detect_language(text)
    assert result.code is None
    assert 0.0 <= result.confidence <= 1.0


def test_german_names_do_not_flip_the_language() -> None:
    # Newcomers use German office names inside their own language.
    assert detect_language("Jobcenter'dan mektup geldi, hiç anlamadım").code == "tr"
    assert detect_language("بدي موعد بالـ Jobcenter بكرا").code == "ar"
    assert detect_language("Où se trouve l'Ausländerbehörde, s'il vous plaît ?").code == "fr"


def test_result_type_and_supported_codes() -> None:
    result = detect_language("Good morning, I have a question about my rent")
    assert isinstance(result, DetectedLanguage)
    assert result.code in SUPPORTED
    assert len(SUPPORTED) == 10
