"""Every topic flow walked through the running bot, in German and in Arabic (right-to-left)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.content.flows import FlowLibrary
from bot.core.actions import FlowGo, OpenTopic, pack
from bot.storage.database import migrate
from tests.e2e.harness import Telegram, buttons, running_bot

LIBRARY = FlowLibrary.load()
NEXT_STEP_LABELS = {
    "de": ("📅", "💬", "📍", "☰", "🕘"),
    "ar": ("📅", "💬", "📍", "☰", "🕘"),
}


@pytest.mark.parametrize("language", ["de", "ar"])
async def test_every_flow_and_step_answers_with_a_way_on(tmp_path: Path, clock: FakeClock, language: str) -> None:
    # Content, not storage, is tested here: SQLite only. Tapping through every step is faster than
    # the inbound flood limit allows a person.
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'flows.sqlite3'}"
    await migrate(db_url)
    async with running_bot(db_url, clock, FLOOD_LIMIT_PER_MINUTE=10_000) as tg:
        await walk_every_flow(tg, language)


async def walk_every_flow(tg: Telegram, language: str) -> None:
    person = tg.person(8000 + (language == "ar"), "Test", language_code=language)
    await person.send("/start")
    menu = (await tg.replies(person))[-1]
    for flow_id, flow in LIBRARY.flows.items():
        await tg.press_data(person, pack(OpenTopic(flow_id)), menu)
        first = (await tg.replies(person))[0]
        assert first.text, flow_id
        for step_id, step in flow.steps.items():
            await tg.press_data(person, pack(FlowGo(flow_id, step_id)), first)
            reply = (await tg.replies(person))[0]
            where = f"{flow_id}.{step_id} ({language})"
            assert reply.text and reply.text.strip(), where
            if language == "ar":
                assert any("\u0600" <= ch <= "\u06ff" for ch in reply.text), where
            labels = buttons(reply)
            assert labels, f"{where}: no buttons, a dead end"
            if step.is_answer:
                assert any(label.startswith(NEXT_STEP_LABELS[language]) for label in labels), (where, labels)


async def test_emergency_is_answered_first_from_any_state(tg: Telegram) -> None:
    person = tg.person(8010, "Test", language_code="de")
    await person.send("/office")  # the bot now waits for a place
    await tg.replies(person)
    await person.send("Hilfe, mein Mann atmet nicht mehr!")
    reply = (await tg.replies(person))[0]
    assert "112" in reply.text and "116117" in reply.text  # the medical answer: 112 first
    assert reply.text.index("112") < reply.text.index("116117")


# --- what a person says is kept; typed answers at flow questions; urgent deadlines -------------


async def say(tg: Telegram, user_id: int, text: str, language_code: str = "de") -> str:
    """What the bot answers to one typed message (all its messages, joined)."""
    person = tg.person(user_id, "Test", language_code=language_code)
    await person.send(text)
    return "\n".join(m.text or "" for m in await tg.replies(person))


async def test_a_childs_age_said_in_passing_is_not_asked_again(tg: Telegram) -> None:
    answer = await say(tg, 8101, "mein sohn ist 8 und braucht schule")
    assert "Grundschule" in answer and "DLZB" in answer
    assert "Wie alt" not in answer
    # Later, the menu's school topic still knows the age.
    person = tg.person(8101)
    await person.send("/start")
    menu = (await tg.replies(person))[-1]
    await tg.press_data(person, pack(OpenTopic("school")), menu)
    again = (await tg.replies(person))[0].text or ""
    assert "Grundschule" in again and "Wie alt" not in again


async def test_an_arabic_mother_with_arabic_digits_gets_the_secondary_school_in_arabic(tg: Telegram) -> None:
    answer = await say(tg, 8102, "ابني عمره ١٢ سنة بدو مدرسة", language_code="ar")
    assert "مدرسة ثانوية" in answer  # the secondary-school answer
    assert "كم عمر" not in answer


async def test_a_letter_with_a_deadline_tomorrow_gets_the_urgent_advice(tg: Telegram) -> None:
    answer = await say(tg, 8103, "Brief vom Jobcenter, Frist morgen!!")
    assert "Handeln Sie heute" in answer
    assert "Welches Amt" not in answer


async def test_where_someone_lives_picks_their_office(tg: Telegram) -> None:
    from bot.places.offices import load_offices

    eving = load_offices().for_district("eving")
    assert eving is not None
    answer = await say(tg, 8104, "ich wohne in eving, wo ist mein amt")
    assert eving.name in answer and "Eving" in answer
    # The office is kept: "my office" later needs no place.
    later = await say(tg, 8104, "/office")
    assert eving.name in later


async def test_a_romanian_from_an_eu_country_gets_the_eu_path_without_being_asked(tg: Telegram) -> None:
    answer = await say(tg, 8105, "sunt din România, caut de lucru", language_code="ro")
    assert "Willkommen Europa" in answer and "Team EU" in answer
    assert "ce vi se potrivește" not in answer.casefold()
    # German course: the Integrationskurs path does not ask "EU?" again.
    person = tg.person(8105)
    await person.send("/start")
    menu = (await tg.replies(person))[-1]
    await tg.press_data(person, pack(OpenTopic("german_course")), menu)
    course = (await tg.replies(person))[0]
    await tg.press_data(person, pack(FlowGo("german_course", "ask_eu")), course)
    eu_course = (await tg.replies(person))[0].text or ""
    assert "BAMF" in eu_course and "Veniți dintr-o țară UE" not in eu_course


async def test_typed_answers_at_the_school_age_question(tg: Telegram) -> None:
    person = tg.person(8106, "Test", language_code="de")
    await person.send("/start")
    menu = (await tg.replies(person))[-1]
    await tg.press_data(person, pack(OpenTopic("school")), menu)
    asked = (await tg.replies(person))[0]
    assert "Wie alt" in (asked.text or "") and "DLZB" in (asked.text or "")  # the step for everyone first

    await person.send("banana")
    again = await tg.replies(person)
    assert len(again) == 1
    assert "Alter als Zahl" in (again[0].text or "") and "Wie alt" in (again[0].text or "")
    assert "6 bis 9 Jahre" in buttons(again[0])  # the same question, its buttons again
    assert "nicht sicher" not in (again[0].text or "")

    await person.send("8")
    answer = (await tg.replies(person))[0].text or ""
    assert "Grundschule" in answer


async def test_typed_yes_at_the_eu_question_and_typed_label_at_a_list(tg: Telegram) -> None:
    person = tg.person(8107, "Test", language_code="de")
    await person.send("/start")
    menu = (await tg.replies(person))[-1]
    await tg.press_data(person, pack(OpenTopic("german_course")), menu)
    await tg.replies(person)
    await person.send("integrationskurs")  # the button's label, typed
    asked = (await tg.replies(person))[0].text or ""
    assert "Kommen Sie aus einem EU-Land" in asked
    await person.send("ja")
    answer = (await tg.replies(person))[0].text or ""
    assert "Aus einem EU-Land" in answer and "BAMF" in answer


async def test_erasing_my_data_forgets_what_i_said(tg: Telegram) -> None:
    person = tg.person(8108, "Test", language_code="de")
    await person.send("meine tochter ist 7, sie braucht eine schule")
    assert "Grundschule" in "\n".join(m.text or "" for m in await tg.replies(person))
    await person.send("/deletemydata")
    confirm = (await tg.replies(person))[0]
    await person.press(buttons(confirm)[0], confirm)
    await tg.replies(person)
    await person.send("/start")
    menu = (await tg.replies(person))[-1]
    await tg.press_data(person, pack(OpenTopic("school")), menu)
    assert "Wie alt" in ((await tg.replies(person))[0].text or "")


@pytest.mark.parametrize(
    ("typed", "language_code", "urgent_words"),
    [
        ("письмо из джобцентра, срок до завтра", "ru", "Действуйте сегодня"),
        ("yarın son gün, jobcenter mektubu", "tr", "🚨"),
        ("غدا آخر موعد لرسالة الجوب سنتر", "ar", "تصرّفوا اليوم"),
        ("letter from the jobcenter deadline tomorrow", "en", "🚨"),
    ],
)
async def test_a_deadline_tomorrow_in_other_languages_gets_the_urgent_advice(
    tg: Telegram, typed: str, language_code: str, urgent_words: str
) -> None:
    answer = await say(tg, 8120, typed, language_code=language_code)
    urgent = LIBRARY.step("letters", "urgent")
    assert urgent_words in answer, answer
    assert "112" not in answer  # no emergency numbers for a letter
    assert urgent.next[0] == "handoff"


async def test_a_place_said_earlier_is_the_office_later(tg: Telegram) -> None:
    from bot.places.offices import load_offices

    mengede = load_offices().for_district("mengede")
    assert mengede is not None
    first = await say(tg, 8121, "ich wohne in mengede und meine tochter ist 9, braucht schule")
    assert "Grundschule" in first  # the question was about school: answered for a 9-year-old
    assert mengede.name in await say(tg, 8121, "wo ist mein büro")
