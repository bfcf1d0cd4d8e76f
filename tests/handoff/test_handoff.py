"""The handoff to staff, driven through the conversation core with a recording staff desk."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.core.actions import HandoffConsent, OpenTopic, ShowOriginal, StartBooking, TalkToStaff
from bot.core.staff_desk import Thread
from bot.dialogues import handoff as service
from bot.handoff import staff_texts, store
from bot.places.calendar import TZ
from bot.storage.database import unit_of_work
from bot.storage.models import Booking, Handoff, HandoffMessage, Person
from bot.text.telegram_html import MESSAGE_LIMIT, visible_length, visible_text
from bot.translation import FakeTranslator
from tests.handoff.support import STAFF_CHAT_ID, Chat, RecordingDesk, RecordingOutbox, make_services


@pytest.fixture
def fake() -> FakeTranslator:
    return FakeTranslator()


@pytest.fixture
def outbox() -> RecordingOutbox:
    return RecordingOutbox()


@pytest.fixture
def services(sessions, clock, outbox, fake):
    return make_services(sessions, clock, outbox=outbox, fake=fake)


@pytest.fixture
def desk() -> RecordingDesk:
    return RecordingDesk()


async def connected(chat: Chat, topic: str | None = "energy") -> Handoff:
    await chat.act(TalkToStaff(topic))
    await chat.act(HandoffConsent(True))
    return await only_handoff(chat)


async def only_handoff(chat: Chat) -> Handoff:
    async with chat.services.sessions() as session:
        return (await session.scalars(select(Handoff).where(Handoff.person_id == chat.person_id))).one()


async def transcript(chat: Chat) -> list[HandoffMessage]:
    async with chat.services.sessions() as session:
        return list((await session.scalars(select(HandoffMessage).order_by(HandoffMessage.id))).all())


async def staff_writes(services, handoff: Handoff, text: str, *, name: str | None = "Sabine", state=None):
    async with unit_of_work(services.sessions) as session:  # as the staff router does
        fresh = await session.get(Handoff, handoff.id)
        return await service.staff_wrote(
            services, session, fresh, text, staff_name=name, staff_message_id=900, person_state=state
        )


# --- consent -------------------------------------------------------------------------------------


async def test_consent_names_the_translation_service_and_what_staff_see(services, desk):
    chat = Chat(services, desk)
    await chat.command("human")
    assert "Das Team sieht" in chat.text and "DeepL" in chat.text and "90 Tagen" in chat.text
    assert await chat.step() == service.CONSENT_STEP
    assert desk.posts == []


async def test_without_a_translation_service_consent_does_not_mention_one(sessions, clock, desk, fake):
    services = make_services(sessions, clock, translator="none", fake=fake)
    chat = Chat(services, desk)
    await chat.command("human")
    assert "übersetzt" not in chat.text
    await chat.act(HandoffConsent(True))
    await chat.type("Привіт, мені потрібна допомога")
    assert fake.calls == []  # nothing ever goes to a translation service
    assert "maschinelle Übersetzung" not in desk.texts()[-1]
    assert "Привіт" in desk.texts()[-1]
    assert (await chat.person()).translation_consent is False


async def test_declining_returns_to_the_menu_and_shares_nothing(services, desk, fake):
    chat = Chat(services, desk)
    await chat.act(TalkToStaff("energy"))
    await chat.press("Nein")
    assert "nichts weitergegeben" in chat.text
    assert "📍 Mein Büro" in chat.labels()
    assert desk.posts == [] and desk.topics == {}
    assert await chat.step() is None
    assert (await chat.person()).translation_consent is False
    await chat.type("hallo")
    assert desk.posts == [] and fake.calls == []


async def test_typing_before_consent_is_not_relayed(services, desk):
    chat = Chat(services, desk)
    await chat.command("human")
    await chat.type("Ich habe einen Brief bekommen")
    assert "noch nicht weitergegeben" in chat.text
    assert desk.posts == []
    assert await chat.step() == service.CONSENT_STEP


async def test_no_staff_chat_means_no_handoff(services):
    chat = Chat(services, RecordingDesk(chat_id=None))
    await chat.command("human")
    assert "nicht mit dem Team verbinden" in chat.text
    assert await chat.step() is None


# --- opening ----------------------------------------------------------------------------------


async def test_agreeing_opens_a_named_topic_with_a_summary(services, desk, clock):
    chat = Chat(services, desk, office="hh")
    await chat.act(OpenTopic("energy"))  # the bot answered this first
    await chat.command("menu")
    async with services.sessions.begin() as session:
        person = (await session.scalars(select(Person))).one()
        person.district = "hoerde"
        session.add(
            Booking(
                person_id=person.id,
                office="hh",
                starts_at=clock.now() + timedelta(days=3),
                ends_at=clock.now() + timedelta(days=3, minutes=30),
            )
        )
        session.add(
            Booking(
                person_id=person.id,
                office="hh",
                starts_at=clock.now() - timedelta(days=3),
                ends_at=clock.now() - timedelta(days=3) + timedelta(minutes=30),
            )
        )
    handoff = await connected(chat, topic="energy")
    assert "Sie sind mit dem Team verbunden" in chat.text
    assert await chat.step() == service.OPEN_STEP
    assert (await chat.person()).translation_consent is True
    [topic] = desk.topics.values()
    assert topic["title"] == "UK · Strom und Gas · Olena"
    assert handoff.thread_id in desk.topics and handoff.display_name == "Olena" and handoff.topic == "energy"
    summary = desk.texts()[0]
    assert f"Anfrage #{handoff.id}" in summary
    assert "Ukrainisch (UK)" in summary
    assert "Bezirk Hörde" in summary and "Hörde/Hombruch" in summary
    assert "Thema: Strom und Gas" in summary
    assert "Vom Bot schon beantwortet: Strom und Gas" in summary
    assert "Offene Termine: 1 – Donnerstag, 26. November 10:00" in summary
    assert "DeepL" in summary
    assert "/close" in summary


async def test_the_last_answered_topic_survives_other_steps(services, desk):
    chat = Chat(services, desk)
    await chat.act(OpenTopic("school"))
    await chat.command("office")  # a dialogue step replaces the state's data
    await chat.type("Hörde")
    await chat.command("menu")
    await connected(chat, topic=None)
    assert "Vom Bot schon beantwortet: Schule" in desk.texts()[0]
    assert "kein Thema gewählt" in desk.texts()[0]
    [topic] = desk.topics.values()
    assert topic["title"] == "UK · Allgemein · Olena"


async def test_talk_to_staff_again_while_open_does_not_ask_again(services, desk):
    chat = Chat(services, desk)
    await connected(chat)
    await chat.command("menu")
    await chat.command("human")
    assert "schon" in chat.text or "verbunden" in chat.text
    assert await chat.step() == service.OPEN_STEP
    assert len(desk.topics) == 1


# --- newcomer -> staff ------------------------------------------------------------------------


async def test_a_message_reaches_staff_with_a_marked_translation(services, desk, fake, clock):
    chat = Chat(services, desk)
    handoff = await connected(chat)
    await chat.type("Мені прийшов лист про відключення газу")
    assert chat.text == "✅ Ihre Nachricht ist beim Team angekommen."
    post = desk.posts[-1]
    assert post.thread == Thread(STAFF_CHAT_ID, handoff.thread_id)
    assert "Мені прийшов лист" in post.text
    assert "🤖 maschinelle Übersetzung (DeepL):" in post.text
    assert "[uk→de] Мені прийшов лист про відключення газу" in post.text
    assert fake.calls[-1].source == "uk" and fake.calls[-1].target == "de"
    [message] = await transcript(chat)
    assert message.direction == "in" and message.staff_message_id == post.message_id
    assert message.person_message_id is not None
    assert message.created_at == clock.now()
    await chat.type("Дякую")
    assert chat.last == []  # no "arrived" for every message


async def test_user_html_is_escaped_and_long_texts_are_split(services, desk):
    chat = Chat(services, desk)
    await connected(chat)
    await chat.type("<script>alert(1)</script> & <b>fett</b>")
    html = desk.posts[-1].html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;fett&lt;/b&gt;" in html
    assert "<script>" not in html and "<b>fett</b>" not in html
    before = len(desk.posts)
    long_text = ("Слово " * 700)[:4000]
    await chat.type(long_text)
    parts = desk.posts[before:]
    assert len(parts) >= 2
    assert all(visible_length(p.html) <= MESSAGE_LIMIT for p in parts)
    joined = "".join(visible_text(p.html) for p in parts)
    assert joined.count("Слово") >= 2 * long_text.count("Слово")  # original and translation, nothing lost


async def test_a_failing_translation_relays_the_original_with_a_note(services, desk, fake):
    chat = Chat(services, desk)
    await connected(chat)
    fake.fail_next()
    await chat.type("Допоможіть, будь ласка")
    post = desk.posts[-1].text
    assert "Допоможіть, будь ласка" in post
    assert "Übersetzung gerade nicht möglich" in post
    assert "[uk→de]" not in post
    assert "angekommen" in chat.text


async def test_a_slow_translation_does_not_hold_the_message(services, desk, fake, monkeypatch):
    from bot.handoff import translate

    monkeypatch.setattr(translate, "TIMEOUT_SECONDS", 0.05)
    chat = Chat(services, desk)
    await connected(chat)
    fake.delay = 1.0
    await chat.type("Повільно")
    assert "Повільно" in desk.posts[-1].text and "Übersetzung gerade nicht möglich" in desk.posts[-1].text


async def test_a_photo_of_a_letter_is_copied_with_its_caption_translated(services, desk):
    chat = Chat(services, desk)
    await connected(chat)
    await chat.send("photo", caption="Лист із Jobcenter")
    copy = next(p for p in desk.posts if p.kind == "photo")
    assert copy.source is not None and copy.source.chat_id == chat.chat_id
    caption = desk.posts[-1]
    assert caption.reply_to == copy.message_id
    assert "[uk→de] Лист із Jobcenter" in caption.text
    messages = await transcript(chat)
    assert messages[-1].staff_message_id == copy.message_id and messages[-1].original == "Лист із Jobcenter"


async def test_staff_deleting_the_topic_opens_a_new_one(services, desk):
    chat = Chat(services, desk)
    handoff = await connected(chat)
    desk.topics[handoff.thread_id]["deleted"] = True
    await chat.type("Ви тут?")
    fresh = await only_handoff(chat)
    assert fresh.thread_id != handoff.thread_id and fresh.thread_id in desk.topics
    assert "Ви тут?" in desk.posts[-1].text and desk.posts[-1].thread.thread_id == fresh.thread_id
    assert f"Anfrage #{handoff.id}" in desk.posts[-2].text  # a new summary first


async def test_an_unreachable_staff_chat_is_told_to_the_person(services, desk):
    chat = Chat(services, desk)
    await connected(chat)
    desk.failing = True
    await chat.type("Алло")
    assert "nicht weitergeben" in chat.text


async def test_an_emergency_is_answered_first_and_still_reaches_staff(services, desk):
    chat = Chat(services, desk)
    await connected(chat)
    await chat.type("Пожежа! Допоможіть")  # the safety lexicon knows "пожежа" (fire)
    assert "112" in chat.texts()[0]
    assert "Пожежа! Допоможіть" in desk.posts[-2].text
    assert "möglicher Notfall (Feuer)" in desk.posts[-1].text  # staff are told at once
    assert await chat.step() == service.OPEN_STEP


# --- out of office hours -----------------------------------------------------------------------


async def test_out_of_hours_the_person_is_told_once_a_day(services, desk, clock):
    clock.set(datetime(2026, 11, 28, 19, 0, tzinfo=TZ))  # Saturday evening
    chat = Chat(services, desk, office="hh")
    handoff = await connected(chat)
    await chat.type("Перше повідомлення")
    assert "nicht im Büro" in chat.text and "ab" in chat.text
    assert "Перше повідомлення" in desk.texts()[-2]
    assert f"#{handoff.id}: außerhalb der Sprechzeit" in desk.texts()[-1]
    await chat.type("Друге повідомлення")
    assert chat.last == []
    assert "Друге повідомлення" in desk.texts()[-1]
    assert (await only_handoff(chat)).last_out_of_hours_notice == "2026-11-28"
    clock.set(datetime(2026, 11, 29, 12, 0, tzinfo=TZ))  # Sunday
    await chat.type("Третє")
    assert "nicht im Büro" in chat.text
    assert handoff.id == (await only_handoff(chat)).id


async def test_during_office_hours_there_is_no_notice(services, desk):
    chat = Chat(services, desk, office="hh")  # Monday 10:00, Hörde is open
    await connected(chat)
    await chat.type("Добрий день")
    assert "nicht im Büro" not in chat.text


# --- staff -> newcomer -----------------------------------------------------------------------


async def test_staff_answers_arrive_translated_with_the_original_one_tap_away(services, desk, outbox):
    chat = Chat(services, desk)
    handoff = await connected(chat)
    await chat.command("menu")
    delivery = await staff_writes(services, handoff, "Bitte bring den Brief am Donnerstag mit.", state=chat.state)
    assert delivery.delivered
    person_id, replies = outbox.to_people[-1]
    assert person_id == chat.person_id
    text = chat.texts(replies)[0]
    assert "[de→uk] Bitte bring den Brief am Donnerstag mit." in text
    assert "Maschinell übersetzt" in text and "Sabine" not in text
    original_button = chat.button("Original", replies)
    assert isinstance(original_button.action, ShowOriginal)
    await chat.act(original_button.action)
    assert "Bitte bring den Brief am Donnerstag mit." in chat.text and "Original auf Deutsch" in chat.text
    assert await chat.step() == service.OPEN_STEP  # their answer goes to staff again
    messages = await transcript(chat)
    assert messages[-1].direction == "out" and messages[-1].translated.startswith("[de→uk]")


async def test_staff_names_only_when_configured(sessions, clock, desk, outbox):
    services = make_services(sessions, clock, outbox=outbox, SHOW_STAFF_NAMES="true")
    chat = Chat(services, desk)
    handoff = await connected(chat)
    await staff_writes(services, handoff, "Hallo!", name="Sabine")
    assert "Antwort von Sabine" in chat.texts(outbox.to_people[-1][1])[0]


async def test_nobody_else_can_see_an_original(services, desk, outbox):
    olena = Chat(services, desk)
    handoff = await connected(olena)
    await staff_writes(services, handoff, "Geheim")
    action = olena.button("Original", outbox.to_people[-1][1]).action
    other = Chat(services, desk, chat_id=3002)
    await other.command("start")
    await other.act(action)
    assert "Geheim" not in other.text and "nicht mehr gespeichert" in other.text


async def test_a_failing_translation_to_the_person_sends_the_german_text(services, desk, outbox, fake):
    chat = Chat(services, desk)
    handoff = await connected(chat)
    fake.fail_next()
    delivery = await staff_writes(services, handoff, "Termin ist morgen")
    assert delivery.delivered and delivery.translation_failed
    text = chat.texts(outbox.to_people[-1][1])[0]
    assert "Termin ist morgen" in text and "nicht geklappt" in text
    assert "Original" not in chat.labels(outbox.to_people[-1][1])


async def test_close_tells_the_person_and_writing_again_reopens(services, desk, outbox):
    chat = Chat(services, desk)
    handoff = await connected(chat)
    async with unit_of_work(services.sessions) as session:
        fresh = await session.get(Handoff, handoff.id)
        delivery = await service.close(services, session, fresh)
    assert delivery.delivered
    assert "beendet" in chat.texts(outbox.to_people[-1][1])[0]
    closed = await only_handoff(chat)
    assert closed.status == "closed" and closed.display_name is None and closed.closed_at is not None
    topic = desk.topics[handoff.thread_id]
    assert topic["closed"] and "Olena" not in topic["title"] and f"#{handoff.id}" in topic["title"]
    await chat.type("Ще одне питання")
    reopened = await only_handoff(chat)
    assert reopened.status == "open" and reopened.display_name == "Olena"
    assert not topic["closed"] and topic["title"] == "UK · Strom und Gas · Olena"
    assert "wieder geöffnet" in desk.texts()[-2] and "Ще одне питання" in desk.texts()[-1]


async def test_book_offers_the_booking_start_in_the_persons_language(services, desk, outbox):
    chat = Chat(services, desk)
    handoff = await connected(chat)
    async with unit_of_work(services.sessions) as session:
        await service.offer_booking(services, session, await session.get(Handoff, handoff.id))
    replies = outbox.to_people[-1][1]
    assert "Termin" in chat.texts(replies)[0]
    assert StartBooking("energy") in [c.action for c in chat.choices(replies)]


# --- plain group: reply threads ---------------------------------------------------------------


async def test_without_forum_every_part_carries_the_handoff_number(services):
    desk = RecordingDesk(forum=False)
    chat = Chat(services, desk)
    handoff = await connected(chat)
    assert handoff.thread_id is None and handoff.staff_chat_id == STAFF_CHAT_ID
    assert "Antwortet mit „Antworten“" in desk.texts()[0]
    await chat.type(("Речення. " * 600)[:4000])
    parts = [p for p in desk.posts[1:]]
    assert len(parts) >= 2
    assert all(p.text.startswith(f"👤 #{handoff.id}") for p in parts)
    async with services.sessions() as session:
        by_record = await store.handoff_for_reply(session, STAFF_CHAT_ID, parts[0].message_id, parts[0].text)
        by_header = await store.handoff_for_reply(session, STAFF_CHAT_ID, parts[1].message_id, parts[1].text)
        unknown = await store.handoff_for_reply(session, STAFF_CHAT_ID, 99999, "no number here")
    assert by_record.id == handoff.id and by_header.id == handoff.id and unknown is None


async def test_without_forum_a_photo_comes_after_a_header(services):
    desk = RecordingDesk(forum=False)
    chat = Chat(services, desk)
    handoff = await connected(chat)
    await chat.send("document")
    header, copy = desk.posts[-2:]
    assert f"#{handoff.id}" in header.text and "Dokument" in header.text
    assert copy.kind == "document" and copy.reply_to == header.message_id


# --- privacy ----------------------------------------------------------------------------------


async def test_deleting_my_data_closes_the_topic_and_tells_staff_without_content(services, desk):
    chat = Chat(services, desk)
    handoff = await connected(chat)
    await chat.type("Моя адреса: Musterstraße 1")
    await chat.command("deletemydata")
    await chat.press("Ja, alles löschen")
    assert "gelöscht" in chat.text
    note = desk.texts()[-1]
    assert "Person hat ihre Daten gelöscht" in note and "Musterstraße" not in note and "Olena" not in note
    topic = desk.topics[handoff.thread_id]
    assert topic["closed"] and "Olena" not in topic["title"]
    async with services.sessions() as session:
        assert (await session.scalars(select(Handoff))).all() == []
        assert (await session.scalars(select(HandoffMessage))).all() == []
    assert await chat.step() is None


# --- texts ------------------------------------------------------------------------------------


def test_topic_titles_fit_and_hold_no_markup(services):
    handoff = Handoff(id=7, topic="letters", display_name="<b>" + "A" * 200)
    person = Person(language="fa")
    title = staff_texts.thread_title(services, handoff, person)
    assert len(title) <= 128 and title.startswith("FA · Brief vom Amt · <b>A")
    assert staff_texts.thread_title(services, handoff, person, state="closed") == "✅ FA · Brief vom Amt · #7"
