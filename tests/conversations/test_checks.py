"""The script checks themselves: the language guess, named texts, dead ends and the format."""

from __future__ import annotations

import pytest
import yaml

from tests.conversations.checks import (
    LOCALES,
    Seen,
    _all_strings,
    _literal_runs,
    dead_end,
    guess_language,
    named_markers,
    unmet,
)
from tests.conversations.runner import HELDOUT, SCRIPTS_DIR
from tests.conversations.script_format import (
    LANGUAGES,
    NAMED_TEXTS,
    ScriptError,
    load,
    parse_expect,
    parse_script,
)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_language_guess_knows_the_bots_own_texts(lang: str) -> None:
    strings = yaml.safe_load((LOCALES / f"{lang}.yaml").read_text(encoding="utf-8"))
    texts = [
        " ".join(_literal_runs(text))
        for path, text in _all_strings(strings)
        if not path.startswith(("_meta", "staff", "web", "start.pick_language"))
    ]
    texts = [t for t in texts if len(t.split()) >= 8]
    right = sum(guess_language(t) == lang for t in texts)
    assert right >= 0.95 * len(texts), (lang, right, len(texts))


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Ihr Kind kommt in die Grundschule. Bitte bringen Sie den Pass mit.", "de"),
        ("Your child will go to primary school (Grundschule). Please bring your passport.", "en"),
        ("Votre enfant va aller à l'école primaire. Apportez votre passeport, s'il vous plaît.", "fr"),
        ("Çocuğunuz ilkokula gidecek. Lütfen pasaportunuzu getirin.", "tr"),
        ("Copilul dumneavoastră va merge la școala primară. Vă rog să aduceți pașaportul.", "ro"),
        ("Ваша дитина піде до початкової школи. Будь ласка, візьміть паспорт.", "uk"),
        ("Ваш ребёнок пойдёт в начальную школу. Пожалуйста, возьмите паспорт.", "ru"),
        ("Детето Ви ще ходи в основно училище. Моля, носете паспорта си.", "bg"),
        ("سيذهب طفلكم إلى المدرسة الابتدائية. من فضلكم أحضروا جواز السفر.", "ar"),
        ("فرزند شما به مکتب ابتدایی می‌رود. لطفاً پاسپورت خود را بیاورید.", "fa"),
    ],
)
def test_the_language_guess_on_sentences(text: str, lang: str) -> None:
    assert guess_language(text) == lang


def test_every_named_text_has_markers_in_every_language() -> None:
    for name in NAMED_TEXTS:
        assert len(named_markers(name)) >= len(LANGUAGES), name


def test_dead_ends_are_found_and_can_be_allowed() -> None:
    not_sure = Seen("Je ne suis pas sûr de bien vous comprendre. Voulez-vous dire l'un de ces thèmes\xa0?")
    assert dead_end([not_sure], ()) is not None
    assert dead_end([not_sure], ("not_sure",)) is None
    assert dead_end([], ()) == "dead end: no answer at all"
    picker = Seen(
        "?",
        buttons=("Deutsch", "English", "العربية", "Українська", "Русский"),
        callback_data=("lang:de", "lang:en", "lang:ar", "lang:uk", "lang:ru"),
    )
    assert dead_end([picker], ()) is not None
    interpreter = Seen("?", buttons=picker.buttons, callback_data=("bki:de", "bki:en", "bki:ar", "bki:uk", "bki:ru"))
    assert dead_end([interpreter], ()) is None


def test_expectations_say_what_is_missing() -> None:
    seen = [Seen("Sprechstunden lokal willkommen Eving/Scharnhorst\n• Montag 09:00–12:00", buttons=("🔁 Verschieben",))]
    assert unmet(parse_expect({"has": ["Eving/Scharnhorst", ["9:00", "09:00"]], "button": "🔁"}, "t"), seen) is None
    problem = unmet(parse_expect({"has": ["Hörde"]}, "t"), seen)
    assert problem is not None and "Hörde" in problem
    assert unmet(parse_expect({"either": [{"has": ["x"]}, {"button": "🔁"}]}, "t"), seen) is None
    assert (
        unmet(
            parse_expect({"never": ["which_office"]}, "t"),
            [Seen("Für welches Büro möchten Sie die Öffnungszeiten sehen?")],
        )
        is not None
    )


def test_the_format_refuses_typos() -> None:
    with pytest.raises(ScriptError):
        parse_script(
            {
                "id": "x",
                "lang": "de",
                "case": "places",
                "goal": "g",
                "turns": [{"say": "hi", "expect": {"hass": ["a"]}}],
            }
        )
    with pytest.raises(ScriptError):
        parse_expect({"sees": ["not_a_text"]}, "t")
    with pytest.raises(ScriptError):  # nothing expected at all
        parse_script({"id": "x", "lang": "de", "case": "places", "goal": "g", "turns": [{"say": "hi"}]})


def test_the_sets_load_and_are_distinct() -> None:
    tuning, heldout = load(SCRIPTS_DIR), load(HELDOUT)
    assert len(tuning) >= 60 and len(heldout) >= 40
    assert not {s.id for s in tuning} & {s.id for s in heldout}
    said = {t.say for s in heldout for t in s.turns if t.say and not t.say.startswith("/")}
    assert not said & {t.say for s in tuning for t in s.turns}
    for scripts in (tuning, heldout):
        languages = {s.id.split("-")[1] for s in scripts}
        assert set(LANGUAGES) <= languages
        assert {s.case for s in scripts} == {
            "first_message",
            "unknown_language",
            "places",
            "kept_facts",
            "bookings_by_text",
            "answer_first",
            "deadline",
            "typed_at_buttons",
        }
