"""Talking to a person: newcomers and staff over the (fake) Telegram Bot API, translated both ways.

The staff chat is a forum supergroup (one topic per newcomer) unless a test turns it into a plain
group. The fake translator marks what it did: "[uk→de] text"."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.content.locales import Locale, LocaleMeta, html_to_plain
from bot.core.replies import Msg
from bot.places.calendar import TZ
from tests.e2e.harness import STAFF_CHAT_ID, Telegram, buttons
from tests.fakebotapi import FakeGroup, FakeUser, StoredMessage


@pytest.fixture
def tgx(tg: Telegram) -> Telegram:
    """The bot with a translation service configured (TRANSLATOR=deepl); the harness's fake
    translator stands in for it, so nothing reaches the network."""
    tg.settings.translator = "deepl"
    assert tg.services.settings is tg.settings
    return tg


def speaks_ukrainian(tg: Telegram) -> None:
    """The Ukrainian locale is not translated yet: its texts fall back to German, but the bot
    knows the language, so the person's language is "uk" (as it will be once uk.yaml exists)."""
    catalog = tg.services.catalog
    if "uk" not in catalog.locales:
        catalog.locales["uk"] = Locale(LocaleMeta("uk", "Українська", "ltr", "test"), {}, Path("uk.yaml"))


def say(tg: Telegram, key: str, lang: str = "uk") -> str:
    """A locale text as the person sees it (whatever the translators made of it)."""
    return html_to_plain(tg.services.catalog.render(Msg(key), lang))


def has(text: str):
    return lambda message: text in (message.text or message.caption or "")


async def connect(tg: Telegram, person: FakeUser) -> StoredMessage:
    lang = person.language_code or "de"
    await person.send("/human")
    consent = await person.wait_reply()
    await person.press(say(tg, "handoff.consent_yes", lang), consent)
    connected = await person.wait_reply()
    assert connected.text == say(tg, "handoff.connected", lang)
    return consent


def only_topic(tg: Telegram):
    topics = [t for t in tg.server.chat(STAFF_CHAT_ID).topics.values() if t.created_by_bot]
    assert len(topics) == 1, topics
    return topics[0]


async def test_a_ukrainian_newcomer_talks_with_staff_both_ways(tgx: Telegram) -> None:
    tg = tgx
    speaks_ukrainian(tg)
    staff: FakeGroup = tg.staff_group()
    sabine = tg.person(2901, "Sabine", language_code="de")
    olena = tg.person(2001, "Olena", language_code="uk")

    await olena.send("/start")
    await tg.replies(olena)
    await olena.press(say(tg, "flow.energy.title"))
    await olena.wait_reply()
    await olena.press(say(tg, "flow.energy.btn.reminder"))
    answer = await olena.wait_reply()
    await olena.press(say(tg, "flow.next.handoff"), answer)
    consent = await olena.wait_reply()
    assert "DeepL" in consent.text and "90" in consent.text
    await olena.press(say(tg, "handoff.consent_yes"), consent)
    assert (await olena.wait_reply()).text == say(tg, "handoff.connected")

    topic = only_topic(tg)
    assert topic.name == "UK · Strom und Gas · Olena"
    summary = await staff.wait_message(has("Anfrage #"), thread_id=topic.thread_id)
    assert "Ukrainisch (UK)" in summary.text
    assert "Thema: Strom und Gas" in summary.text
    assert "Vom Bot schon beantwortet: Strom und Gas" in summary.text
    assert "Offene Termine: keine" in summary.text
    assert "maschinell mit DeepL" in summary.text

    await olena.send("Мені прийшло нагадування від DEW21")
    assert (await olena.wait_reply()).text == say(tg, "handoff.sent")
    relayed = await staff.wait_message(has("Мені прийшло"), thread_id=topic.thread_id)
    assert "🤖 maschinelle Übersetzung" in relayed.text
    assert "[uk→de] Мені прийшло нагадування від DEW21" in relayed.text

    await staff.send(sabine, "Bitte schick uns ein Foto der Mahnung.", thread_id=topic.thread_id)
    reply = await olena.wait_reply()
    assert "[de→uk] Bitte schick uns ein Foto der Mahnung." in reply.text
    assert say(tg, "handoff.machine_note") in reply.text and "Sabine" not in reply.text
    await olena.press(say(tg, "handoff.show_original"), reply)
    original = await olena.wait_reply()
    assert "Bitte schick uns ein Foto der Mahnung." in original.text and "[de→uk]" not in original.text

    await olena.send_photo(caption="Ось лист")
    copy = await staff.wait_message(lambda m: m.kind == "photo", thread_id=topic.thread_id)
    assert copy.copied_from is not None and copy.copied_from[0] == olena.id
    await staff.wait_message(has("[uk→de] Ось лист"), thread_id=topic.thread_id)

    await staff.send(sabine, "/close", thread_id=topic.thread_id)
    told = await olena.wait_reply(predicate=has(say(tg, "handoff.closed")))
    assert told.text == say(tg, "handoff.closed")
    await tg.settled()
    assert topic.closed and "Olena" not in topic.name

    await olena.send("Ще одне питання")
    await staff.wait_message(has("Ще одне питання"), thread_id=topic.thread_id)
    await tg.settled()
    assert not topic.closed and topic.name == "UK · Strom und Gas · Olena"


async def test_a_letter_photo_reaches_staff_by_copy(tg: Telegram) -> None:
    staff = tg.staff_group()
    amir = tg.person(2002, "Amir", language_code="de")
    await connect(tg, amir)
    topic = only_topic(tg)
    await amir.send_document("brief_jobcenter.pdf", caption="Was steht in diesem Brief?")
    copy = await staff.wait_message(lambda m: m.kind == "document", thread_id=topic.thread_id)
    assert copy.document["file_name"] == "brief_jobcenter.pdf"
    assert copy.caption == "Was steht in diesem Brief?"
    assert tg.server.calls("copyMessage") and not tg.server.calls("getFile")


async def test_markup_and_long_messages_relay_cleanly(tgx: Telegram) -> None:
    tg = tgx
    speaks_ukrainian(tg)
    staff = tg.staff_group()
    sabine = tg.person(2902, "Sabine", language_code="de")
    olena = tg.person(2003, "Olena", language_code="uk")
    await connect(tg, olena)
    topic = only_topic(tg)

    await olena.send("<script>alert(1)</script> & <b>жирний</b>")
    relayed = await staff.wait_message(has("<script>"), thread_id=topic.thread_id)
    assert "<script>alert(1)</script> & <b>жирний</b>" in relayed.text
    assert "&lt;script&gt;" in relayed.raw_text and "&lt;b&gt;жирний&lt;/b&gt;" in relayed.raw_text

    long_text = ("Дуже довге повідомлення. " * 200)[:4000]
    await olena.send(long_text)
    await tg.settled()
    parts = [m for m in staff.messages_in_thread(topic.thread_id) if "довге" in (m.text or "")]
    assert len(parts) >= 2 and all(len(m.text) <= 4096 for m in parts)

    await staff.send(sabine, "<i>kein HTML</i> & " + "Langer Text. " * 330, thread_id=topic.thread_id)
    first = await olena.wait_reply(predicate=has("kein HTML"))
    assert "<i>kein HTML</i> &" in first.text and "&lt;i&gt;" in first.raw_text
    await tg.settled()
    answers = [m for m in olena.chat.messages if "Langer Text" in (m.text or "")]
    assert len(answers) >= 2 and all(len(m.text) <= 4096 for m in answers)


async def test_a_failing_translation_relays_the_original_with_a_note(tgx: Telegram) -> None:
    tg = tgx
    speaks_ukrainian(tg)
    staff = tg.staff_group()
    olena = tg.person(2004, "Olena", language_code="uk")
    await connect(tg, olena)
    topic = only_topic(tg)
    tg.translator.fail_next()
    await olena.send("Допоможіть, будь ласка")
    relayed = await staff.wait_message(has("Допоможіть"), thread_id=topic.thread_id)
    assert "Übersetzung gerade nicht möglich" in relayed.text and "[uk→de]" not in relayed.text


async def test_without_a_translation_service_nothing_is_sent_to_one(tg: Telegram) -> None:
    speaks_ukrainian(tg)  # TRANSLATOR=none in the harness
    staff = tg.staff_group()
    olena = tg.person(2005, "Olena", language_code="uk")
    consent = await connect(tg, olena)
    assert "übersetzt" not in consent.text
    await olena.send("Привіт")
    relayed = await staff.wait_message(has("Привіт"), thread_id=only_topic(tg).thread_id)
    assert "maschinelle Übersetzung" not in relayed.text
    assert tg.translator.calls == []


async def test_a_plain_group_works_with_reply_threads(tg: Telegram) -> None:
    tg.server.chat(STAFF_CHAT_ID).is_forum = False
    staff = tg.staff_group()
    sabine = tg.person(2903, "Sabine", language_code="de")
    yusuf = tg.person(2006, "Yusuf", language_code="de")
    with tg.server.expect_violation("not a forum", method="createForumTopic"):
        await connect(tg, yusuf)
    summary = await staff.wait_message(has("Anfrage #"))
    number = summary.text.split("Anfrage #", 1)[1].split()[0]
    assert "Antwortet mit „Antworten“" in summary.text
    await yusuf.send("Wann habt ihr offen?")
    relayed = await staff.wait_message(has("Wann habt ihr offen?"))
    assert relayed.text.startswith(f"👤 #{number}")

    await staff.send(sabine, "Morgen ab 9 Uhr.", reply_to=relayed)
    assert "Morgen ab 9 Uhr." in (await yusuf.wait_reply(predicate=has("Morgen"))).text
    before = len(yusuf.chat.messages)
    await staff.send(sabine, "Nur unter uns")  # not a reply: not for anyone
    await tg.settled()
    assert len(yusuf.chat.messages) == before

    await staff.send(sabine, "/close", reply_to=relayed)
    assert "beendet" in (await yusuf.wait_reply()).text


async def test_a_newcomer_cannot_use_staff_commands(tg: Telegram) -> None:
    staff = tg.staff_group()
    olena = tg.person(2007, "Olena", language_code="de")
    await connect(tg, olena)
    topic = only_topic(tg)
    before = len(staff.messages)
    for command in ("/close", "/today", "/note geheim", "/book"):
        await olena.send(command)
        reply = await olena.wait_reply()
        assert "Diesen Befehl kenne ich nicht" in reply.text or "Termin" in reply.text
    await tg.settled()
    assert not topic.closed
    staff_side = staff.messages[before:]
    assert not any("beendet" in (m.text or "") or "Notiz" in (m.text or "") for m in staff_side)


async def test_staff_commands_book_and_note(tg: Telegram) -> None:
    staff = tg.staff_group()
    sabine = tg.person(2904, "Sabine", language_code="de")
    olena = tg.person(2008, "Olena", language_code="de")
    await connect(tg, olena)
    topic = only_topic(tg)
    await staff.send(sabine, "/note Person wirkt unsicher, bitte anrufen", thread_id=topic.thread_id)
    await staff.wait_message(has("Interne Notiz"), thread_id=topic.thread_id)
    await staff.send(sabine, "/book", thread_id=topic.thread_id)
    offer = await olena.wait_reply()
    assert "Termin" in offer.text and "📅 Termin buchen" in buttons(offer)
    assert not any("unsicher" in (m.text or "") for m in olena.chat.messages)


async def test_out_of_hours_the_newcomer_is_told_once_a_day(tg: Telegram) -> None:
    tg.clock.set(datetime(2026, 11, 28, 19, 0, tzinfo=TZ))  # Saturday evening
    staff = tg.staff_group()
    mariam = tg.person(2009, "Mariam", language_code="de")
    await connect(tg, mariam)
    topic = only_topic(tg)
    await mariam.send("Hallo, ist jemand da?")
    notice = await mariam.wait_reply()
    assert "nicht im Büro" in notice.text and "ab " in notice.text
    await staff.wait_message(has("Hallo, ist jemand da?"), thread_id=topic.thread_id)
    await mariam.send("Noch eine Frage")
    await staff.wait_message(has("Noch eine Frage"), thread_id=topic.thread_id)
    await tg.settled()
    notices = [m for m in mariam.chat.messages if "nicht im Büro" in (m.text or "")]
    assert len(notices) == 1


async def test_deleting_my_data_closes_the_topic_and_tells_staff(tg: Telegram) -> None:
    staff = tg.staff_group()
    olena = tg.person(2010, "Olena", language_code="de")
    await connect(tg, olena)
    topic = only_topic(tg)
    await olena.send("Meine Adresse ist Musterweg 5")
    await staff.wait_message(has("Musterweg 5"), thread_id=topic.thread_id)
    await tg.replies(olena)
    await olena.send("/deletemydata")
    await olena.wait_reply()
    await olena.press("Ja, alles löschen")
    assert "gelöscht" in (await olena.wait_reply()).text
    note = await staff.wait_message(has("Person hat ihre Daten gelöscht"), thread_id=topic.thread_id)
    assert "Musterweg" not in note.text and "Olena" not in note.text
    await tg.settled()
    assert topic.closed and "Olena" not in topic.name
