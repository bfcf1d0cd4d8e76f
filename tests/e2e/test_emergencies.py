"""Emergencies over the (fake) Telegram Bot API: recognised in the language they are written in,
at every step, before anything else; staff told at once; ordinary questions that only sound
alarming get their own answer."""

from __future__ import annotations

import re
from datetime import datetime

from bot.booking.slots import to_minutes
from bot.content.locales import html_to_plain
from bot.core.replies import Msg
from bot.places.calendar import TZ
from tests.e2e.harness import Telegram, buttons, callback_data
from tests.fakebotapi import FakeUser, StoredMessage

THU_14 = datetime(2026, 11, 26, 14, 0, tzinfo=TZ)
BIDI = re.compile("[\u2066-\u2069\u200e\u200f\u061c]")
ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
LANGUAGE_PICKER = "lang:de"  # the language picker's first button


def clean(text: str | None) -> str:
    """Visible text without the bidi isolates that right-to-left messages carry."""
    return BIDI.sub("", text or "")


def say(tg: Telegram, key: str, lang: str) -> str:
    return html_to_plain(tg.services.catalog.render(Msg(key), lang))


def opening_of(tg: Telegram, flow: str, lang: str) -> str:
    """The first words of a topic's first answer, as the person sees them."""
    services = tg.services
    text = html_to_plain(services.catalog.render(services.flows.start_reply(flow, lang).text, lang))
    return text.strip()[:30]


async def staff_posts(tg: Telegram, contains: str) -> StoredMessage:
    group = tg.staff_group()
    return await group.wait_message(lambda m: contains in clean(m.text), timeout=10)


async def at_the_booking_note(person: FakeUser) -> None:
    """/book at the Innenstadt office, letters, Thursday 14:00, no interpreter: the note question."""
    await person.send("/book")
    await person.wait_reply()
    for data in ("bko:io", "bkt:letters", "bkd:2026-11-26", f"bks:io:{to_minutes(THU_14)}", "bki:no"):
        await person.press(data)
        await person.wait_reply()


async def test_the_very_first_message_with_no_app_language_gets_help_in_its_own_language(tg: Telegram) -> None:
    person = tg.person(9101, "Mira", language_code=None)
    await person.send("help my husband beats me 110?")
    answer, *rest = await tg.replies(person)
    assert "110" in answer.text and "08000 116 016" in answer.text  # police, then the helpline
    assert answer.text.index("110") < answer.text.index("08000 116 016")
    assert "Helpline violence against women" in answer.text  # in English, as written
    assert say(tg, "flow.next.handoff", "en") in buttons(answer)
    assert LANGUAGE_PICKER in callback_data(rest[-1])  # and then the language picker, as before


async def test_levantine_arabic_at_the_booking_note_is_answered_not_stored(tg: Telegram) -> None:
    person = tg.person(9102, "Amal", language_code="de")
    await at_the_booking_note(person)
    await person.send("جوزي بيضربني")
    answer, paused = await tg.replies(person)
    assert ARABIC_LETTER.search(answer.text) and "08000 116 016" in clean(answer.text)
    assert "bkgo" in callback_data(paused)  # "continue my booking"
    alert = await staff_posts(tg, "Möglicher Notfall während einer Buchung (Gewalt zu Hause)")
    assert "جوزي" not in alert.text and "Innenstadt" in alert.text
    # The step waited: continuing asks for the note again, and the emergency text is nowhere.
    await person.press("bkgo")
    again = await person.wait_reply()
    assert "bkn" in callback_data(again)
    await person.press("bkn")
    summary = await person.wait_reply()
    assert "bkc:1" in callback_data(summary) and "جوزي" not in summary.text


async def test_at_the_place_prompt_the_emergency_comes_first_and_the_prompt_waits(tg: Telegram) -> None:
    person = tg.person(9103, "Jonas", language_code="de")
    await person.send("/office")
    await tg.replies(person)
    await person.send("Feuer! Unsere Wohnung brennt")
    answer = (await tg.replies(person))[0]
    assert answer.text.startswith("🔥") and "112" in answer.text[:60]
    await person.send("Eving")
    office = await tg.replies(person)
    assert any("Bayrische Straße 135" in (m.text or "") for m in office)  # the prompt was still waiting


async def test_in_a_handoff_staff_get_the_message_and_an_alert(tg: Telegram) -> None:
    person = tg.person(9104, "Olena", language_code="uk")
    await person.send("/human")
    consent = await person.wait_reply()
    await person.press(say(tg, "handoff.consent_yes", "uk"), consent)
    await person.wait_reply()
    await person.send("Чоловік б'є мене, допоможіть")
    answer = (await tg.replies(person))[0]
    assert "110" in answer.text and "08000 116 016" in answer.text and "Гаряча лінія" in answer.text
    relayed = await staff_posts(tg, "Чоловік б'є мене, допоможіть")
    alert = await staff_posts(tg, "möglicher Notfall (Gewalt zu Hause)")
    assert alert.thread_id == relayed.thread_id is not None  # in the person's own thread
    assert alert.message_id > relayed.message_id


async def test_beyond_the_ten_languages_german_and_english_with_the_numbers(tg: Telegram) -> None:
    for user_id, app_language, text in ((9105, "ps", "مرسته 112"), (9106, "so", "112 caawimaad")):
        person = tg.person(user_id, "Test", language_code=app_language)
        await person.send(text)
        answer, *rest = await tg.replies(person)
        assert "Notruf" in answer.text and "Emergency numbers" in answer.text, app_language
        assert answer.text.index("112") < 60
        assert any(" · " in label for label in buttons(answer))  # buttons in both languages
        assert LANGUAGE_PICKER in callback_data(rest[-1])


async def test_a_transliteration_is_answered_in_its_language(tg: Telegram) -> None:
    person = tg.person(9107, "Rana", language_code="de")
    await person.send("jozi bidrabni")
    answer = (await tg.replies(person))[0]
    assert ARABIC_LETTER.search(answer.text) and "08000 116 016" in clean(answer.text)


async def test_near_misses_get_their_own_topic(tg: Telegram) -> None:
    person = tg.person(9108, "Sam", language_code="de")
    for text, topic in (
        ("Praktikum bei der Feuerwehr", "work"),
        ("Die Polizei hat mir einen Brief geschickt", "letters"),
        ("Mein Mann sucht Arbeit", "work"),
    ):
        await person.send(text)
        replies = await tg.replies(person)
        seen = " ".join(m.text or "" for m in replies)
        assert opening_of(tg, topic, "de") in seen, (text, seen[:200])
        assert "112" not in seen and "Notruf" not in seen, text


async def test_without_the_model_the_lexicon_still_answers(tg: Telegram, monkeypatch) -> None:
    async def unavailable() -> None:
        raise RuntimeError("the understanding worker is down")

    monkeypatch.setattr(tg.services, "understander", unavailable)
    person = tg.person(9109, "Lea", language_code="de")
    await person.send("Mein Mann schlägt mich")
    answer = (await tg.replies(person))[0]
    assert "110" in answer.text and "08000 116 016" in answer.text
    await person.send("Wann habt ihr offen?")  # an ordinary question: a way on, not an error
    replies = await tg.replies(person)
    assert replies and say(tg, "common.talk_to_staff", "de") in buttons(replies[-1])
