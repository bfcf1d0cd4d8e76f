"""The first typed message counts: a person whose app language we do not speak (or do not know)
types a question before picking a language, and gets an answer, not only the picker."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.content.locales import html_to_plain
from bot.core.actions import TalkToStaff
from bot.core.replies import Msg
from bot.storage.models import ConversationState, Person
from tests.e2e.harness import Telegram, buttons, callback_data, running_bot
from tests.fakebotapi import FakeUser, StoredMessage

BIDI = re.compile("[\u2066-\u2069]")
ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
TEN = (
    "Deutsch",
    "English",
    "العربية",
    "Українська",
    "Русский",
    "Türkçe",
    "فارسی (دری)",
    "Română",
    "Български",
    "Français",
)


def clean(text: str | None) -> str:
    return BIDI.sub("", text or "")


def say(tg: Telegram, key: str, lang: str, **args: object) -> str:
    return clean(html_to_plain(tg.services.catalog.render(Msg(key, **args), lang)))


def seen(messages: list[StoredMessage]) -> list[tuple[str, list[str]]]:
    """What a person sees of the replies: texts and button labels."""
    return [(clean(m.text), [clean(b) for b in buttons(m)]) for m in messages]


async def asked_by_someone_with(tg: Telegram, user_id: int, language: str, text: str) -> list[StoredMessage]:
    """The same question from a person whose app speaks `language`: the answer to compare with."""
    reference = tg.person(user_id, "Ref", language_code=language)
    await reference.send(text)
    return await tg.replies(reference)


async def kept_question(tg: Telegram, person: FakeUser) -> object:
    async with tg.services.sessions() as session:
        states = (await session.scalars(select(ConversationState))).all()
        return next((s.data.get("language.kept_question") for s in states if f":{person.id}:" in s.key), None)


async def language_of(tg: Telegram, person: FakeUser) -> str | None:
    async with tg.services.sessions() as session:
        return await session.scalar(select(Person.language).where(Person.external_id == str(person.id)))


@pytest.mark.parametrize(
    ("language", "question", "name"),
    [
        ("ar", "متى تفتحون؟", "العربية"),
        ("uk", "коли ви працюєте", "Українська"),
        ("de", "Wann habt ihr offen?", "Deutsch"),
    ],
)
async def test_a_first_question_in_one_of_ours_is_answered_in_it_with_an_offer_to_keep_it(
    tg: Telegram, language: str, question: str, name: str
) -> None:
    person = tg.person(9301, "Nour", language_code=None)
    await person.send(question)
    *answer, offer = await tg.replies(person)
    # The same answer as for someone whose language is already set, then the offer.
    assert seen(answer) == seen(await asked_by_someone_with(tg, 9302, language, question))
    assert answer and not any(clean(m.text).startswith(say(tg, "start.pick_language", "de")[:10]) for m in answer)
    assert clean(offer.text) == say(tg, "language.first_message.keep", language, name=name)
    assert callback_data(offer) == [f"lang:{language}", "lang:?"]
    assert await language_of(tg, person) == language
    await person.press(f"lang:{language}")
    done, menu = await tg.replies(person)
    assert clean(done.text) == say(tg, "language.set", language, name=name)
    assert "lang:?" in callback_data(menu)


async def test_another_language_can_be_picked_after_the_first_answer(tg: Telegram) -> None:
    person = tg.person(9303, "Oksana", language_code=None)
    await person.send("де знаходиться мій офіс")
    offer = (await tg.replies(person))[-1]
    await person.press(say(tg, "language.first_message.other", "uk"))
    picker = (await tg.replies(person))[0]
    assert set(TEN) <= set(buttons(picker))
    await person.press("Русский")
    assert clean((await tg.replies(person))[0].text) == say(tg, "language.set", "ru", name="Русский")
    assert offer.text and await language_of(tg, person) == "ru"


@pytest.mark.parametrize(
    "question",
    [
        "Saacadaha shaqada xafiiska waa maxay",  # Somali: the office's opening hours
        "ستاسو دفتر کله پرانیستل کیږي",  # Pashto: when does your office open
    ],
)
async def test_a_first_question_in_a_language_beyond_the_ten_is_kept_and_answered_after_the_pick(
    tg: Telegram, question: str
) -> None:
    person = tg.person(9304, "Hodan", language_code=None)
    await person.send(question)
    (notice,) = await tg.replies(person)
    text = clean(notice.text)
    # German and English: our ten languages, staff; no machine translation is configured here.
    assert say(tg, "language.first_message.not_ours", "de", languages=", ".join(TEN)) in text
    assert say(tg, "language.first_message.not_ours", "en", languages=", ".join(TEN)) in text
    assert say(tg, "language.first_message.staff", "en") in text
    assert say(tg, "language.first_message.machine", "en") not in text
    labels = buttons(notice)
    assert set(TEN) <= set(labels)
    assert f"{say(tg, 'common.talk_to_staff', 'de')} · {say(tg, 'common.talk_to_staff', 'en')}" in labels
    assert await language_of(tg, person) is None
    assert await kept_question(tg, person) == question

    await person.press("العربية")
    done, *answer = await tg.replies(person)
    assert clean(done.text) == say(tg, "language.set", "ar", name="العربية")
    # The kept question answered in Arabic: as for someone who asked it with Arabic set.
    assert answer and all(ARABIC_LETTER.search(m.text or "") for m in answer)
    assert seen(answer) == seen(await asked_by_someone_with(tg, 9305, "ar", question))
    assert await kept_question(tg, person) is None  # answered, so forgotten
    assert await language_of(tg, person) == "ar"


async def test_the_kept_question_is_erased_with_the_persons_data(tg: Telegram) -> None:
    person = tg.person(9306, "Hodan", language_code=None)
    await person.send("Xafiisku goorma ayuu furan yahay")
    await tg.replies(person)
    assert await kept_question(tg, person) == "Xafiisku goorma ayuu furan yahay"
    await person.send("/deletemydata")
    (confirm,) = await tg.replies(person)
    await person.press(say(tg, "privacy.delete_yes", "de"), confirm)
    (done,) = await tg.replies(person)
    assert clean(done.text) == say(tg, "privacy.deleted", "de")
    async with tg.services.sessions() as session:
        states = (await session.scalars(select(ConversationState))).all()
        assert not any(f":{person.id}:" in s.key for s in states)
        assert await session.scalar(select(Person).where(Person.external_id == str(person.id))) is None


async def test_talking_to_staff_works_before_a_language_is_picked(tg: Telegram) -> None:
    person = tg.person(9307, "Hodan", language_code=None)
    await person.send("Waxaan rabaa inaan la hadlo qof xafiiska ka shaqeeya")
    (notice,) = await tg.replies(person)
    assert TalkToStaff.prefix in "".join(callback_data(notice))
    await person.press(f"{say(tg, 'common.talk_to_staff', 'de')} · {say(tg, 'common.talk_to_staff', 'en')}")
    replies = await tg.replies(person)
    assert replies and not any(set(TEN) <= set(buttons(m)) for m in replies)  # not the picker again


@pytest.mark.parametrize("typed", ["<b>hi</b> & <script>", "44147", "Eving", "ok", "Hörde", "ok danke"])
async def test_markup_numbers_names_and_short_words_do_not_switch_an_english_speaker(tg: Telegram, typed: str) -> None:
    person = tg.person(9308, "Sam", language_code="en")
    await person.send(typed)
    replies = await tg.replies(person)
    assert replies
    switches = [d for m in replies for d in callback_data(m) if d.startswith("lang:") and d != "lang:?"]
    assert switches == []
    assert not any(clean(m.text).startswith(say(tg, "language.offer_switch", "en", name="")[:8]) for m in replies)
    await person.send("/help")
    assert clean((await tg.replies(person))[0].text).startswith(say(tg, "help.text", "en")[:30])


async def test_a_sentence_in_another_of_ours_is_answered_in_it_with_the_offer(tg: Telegram) -> None:
    person = tg.person(9309, "Sam", language_code="en")
    await person.send("Wann ist das Büro morgen offen?")
    replies = await tg.replies(person)
    assert clean(replies[-1].text) == say(tg, "language.offer_switch", "de", name="Deutsch")
    assert "lang:de" in callback_data(replies[-1])


async def test_with_machine_translation_the_notice_says_so_and_offers_it(db_url: str, clock: FakeClock) -> None:
    async with running_bot(db_url, clock, TRANSLATOR="deepl") as tg:
        person = tg.person(9310, "Hodan", language_code=None)
        await person.send("Saacadaha shaqada xafiiska waa maxay")
        (notice,) = await tg.replies(person)
        assert say(tg, "language.first_message.machine", "de") in clean(notice.text)
        assert say(tg, "language.first_message.machine", "en") in clean(notice.text)
        assert "lang:so" in callback_data(notice)
        await person.press("lang:so")
        replies = await tg.replies(person)
        assert replies and all("machine translation" in (m.text or "") for m in replies)
        assert await language_of(tg, person) == "so"
        assert await kept_question(tg, person) is None
