"""A message in a language the bot does not speak is "beyond the ten", never the nearest of them;
markup, numbers and names switch nothing; our own languages keep being recognised, German words
inside them included."""

from __future__ import annotations

import pytest

from bot.understanding.language import detect_language


@pytest.mark.parametrize(
    ("text", "beyond"),
    [
        ("Waxaan rabaa inaan la hadlo qof xafiiska ka shaqeeya", "so"),
        ("ሰላም፡ ሓገዝ ደልየ ኣለኹ", "und"),  # Tigrinya: a script none of the ten uses
        ("Ez dixwazim bi karmendekî re biaxivim", "ku"),
        ("زه غواړم له یو کارمند سره خبرې وکړم", "ps"),
        ("Dua të flas me dikë nga zyra", "sq"),
        ("مجھے دفتر میں کسی سے بات کرنی ہے", "ur"),
    ],
)
def test_a_language_beyond_the_ten_is_not_taken_for_one_of_them(text: str, beyond: str) -> None:
    detected = detect_language(text)
    assert detected.code is None
    assert detected.beyond == beyond


@pytest.mark.parametrize("text", ["<b>hi</b> & <script>", "44147", "😀👍", "ok", "Eving", "+49 231 123456"])
def test_markup_numbers_and_short_words_switch_nothing(text: str) -> None:
    assert detect_language(text).code is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Ich habe einen Brief vom Jobcenter bekommen und verstehe ihn nicht", "de"),
        ("Jobcenter'dan mektup geldi anlamadım", "tr"),
        ("nu primesc kindergeld de la familienkasse", "ro"),
        ("Familienkasse не відповідає щодо дитячих", "uk"),
        ("как се купува месечна карта за автобус", "bg"),
        ("بدي موعد بالجوب سنتر بكرا", "ar"),
        ("میخوام برای بچه‌ام کیتا پیدا کنم", "fa"),
        ("Je voudrais un rendez-vous avec le Jobcenter", "fr"),
    ],
)
def test_our_languages_stay_ours_with_german_words_inside(text: str, code: str) -> None:
    detected = detect_language(text)
    assert detected.code == code and detected.beyond is None
