"""Formal address: the locale files never say "du", "ти", "tu" ... to the person (staff texts aside)."""

from __future__ import annotations

import pytest

from bot.content.locale_check import (
    ADDRESS_REWRITE_PENDING,
    address_problems,
    informal_words,
)
from bot.content.locales import CURATED_LANGUAGES


@pytest.mark.parametrize("lang", [code for code in CURATED_LANGUAGES if code not in ADDRESS_REWRITE_PENDING])
def test_locale_addresses_people_formally(lang: str) -> None:
    found = [str(p) for p in address_problems() if p.file == f"{lang}.yaml"]
    assert found == []


@pytest.mark.parametrize(
    ("lang", "informal", "formal"),
    [
        ("de", "Bitte wähle deine Sprache.", "Bitte wählen Sie Ihre Sprache."),
        ("de", "Schreib mir deine Frage.", "Schreiben Sie mir Ihre Frage."),
        ("uk", "Напиши мені своє запитання.", "Напишіть мені своє запитання."),
        ("ru", "Выбери другой офис.", "Выберите другой офис."),
        ("bg", "Избери друг офис.", "Изберете друг офис."),
        ("fr", "Choisis ta langue.", "Choisissez votre langue."),
        ("ro", "Alege limba ta.", "Alegeți limba dumneavoastră."),
        ("tr", "Sana yardım ederim, bize yaz.", "Size yardım ederim, bize yazın."),
        ("fa", "زبان تو را انتخاب کن", "زبان خود را انتخاب کنید"),
        ("fa", "می‌توانی سؤالت را برای ما بفرستی.", "می‌توانید سؤال خود را برای ما بفرستید."),
        ("fr", "Où habites-tu ? Renseigne-toi au bureau.", "Où habitez-vous ? Renseignez-vous au bureau."),
        ("ro", "Te rog, scrie-mi întrebarea.", "Vă rog, scrieți-mi întrebarea."),
        ("tr", "Randevun iptal edildi, bize gönder.", "Randevunuz iptal edildi, bize gönderin."),
        ("ar", "أحضر معك طفلك.", "أحضروا معكم طفلكم."),
        ("ar", "اكتب سؤالك", "اكتبوا سؤالكم"),
    ],
)
def test_the_scan_tells_informal_from_formal(lang: str, informal: str, formal: str) -> None:
    assert informal_words(lang, informal)
    assert informal_words(lang, formal) == []


def test_placeholders_and_tags_are_not_words() -> None:
    assert informal_words("de", "Hallo {du} <b>Sie</b>") == []
    assert informal_words("de", "Wie melde ich mein Kind an?") == []
