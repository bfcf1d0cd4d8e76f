"""Faults Telegram really produces, and people who flood or block the bot."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.storage.models import Booking, Person
from tests.e2e.harness import STAFF_CHAT_ID, Telegram


async def test_a_flood_gets_one_polite_slow_down_and_no_more_answers(tg: Telegram) -> None:
    person = tg.person(5001, "Flo", language_code="de")
    for _ in range(25):
        await person.send("/help")
    await tg.settled()
    texts = [m.text or "" for m in person.replies]
    assert sum(t.startswith("So funktioniert es") for t in texts) == 20
    assert sum(t.startswith("Sie schreiben sehr schnell") for t in texts) == 1


async def test_blocking_the_bot_marks_the_person_inactive_and_tells_staff_about_bookings(tg: Telegram) -> None:
    person = tg.person(5002, "Bashir", language_code="de")
    await person.send("/start")
    await tg.settled()
    async with tg.services.sessions() as session:
        row = (await session.scalars(select(Person).where(Person.external_id == "5002"))).one()
        starts = tg.clock.now() + timedelta(days=2)
        session.add(
            Booking(
                person_id=row.id,
                office="es",
                starts_at=starts,
                ends_at=starts + timedelta(minutes=30),
                seat=0,
                topic="school",
                language="de",
            )
        )
        await session.commit()
    person.block()
    await tg.settled()
    async with tg.services.sessions() as session:
        row = (await session.scalars(select(Person).where(Person.external_id == "5002"))).one()
        assert row.active is False
    note = await tg.server.wait_for_message(lambda m: "blockiert" in (m.text or ""), chat_id=STAFF_CHAT_ID)
    assert "es " in note.text and "Bashir" not in note.text
    person.unblock()
    await tg.settled()
    async with tg.services.sessions() as session:
        assert (await session.scalars(select(Person).where(Person.external_id == "5002"))).one().active is True


async def test_blocked_between_question_and_answer_is_not_a_crash(tg: Telegram) -> None:
    person = tg.person(5003, "Dana", language_code="de")
    await person.send("/start")
    await tg.settled()
    tg.server.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
    await person.send("/help")
    await tg.settled()
    async with tg.services.sessions() as session:
        assert (await session.scalars(select(Person).where(Person.external_id == "5003"))).one().active is False
    await person.send("/menu")  # writing again means they unblocked
    assert "Wobei kann ich helfen?" in (await person.wait_reply()).text


async def test_a_server_error_or_a_dropped_connection_does_not_lose_the_reply(tg: Telegram) -> None:
    person = tg.person(5004, "Eli", language_code="de")
    tg.server.fail_next("sendMessage", status=502, description="Bad Gateway")
    await person.send("/help")
    assert (await person.wait_reply(timeout=20)).text.startswith("So funktioniert es")
    tg.server.drop_connection_next("sendMessage")
    await person.send("/menu")
    assert "Wobei kann ich helfen?" in (await person.wait_reply(timeout=20)).text


async def test_too_many_requests_is_waited_out_for_that_chat(tg: Telegram) -> None:
    person = tg.person(5005, "Fatma", language_code="de")
    tg.server.fail_next("sendMessage", status=429, description="Too Many Requests: retry after 1", retry_after=1)
    await person.send("/help")
    assert (await person.wait_reply(timeout=20)).text.startswith("So funktioniert es")


async def test_a_press_too_old_for_its_answer_is_still_handled(tg: Telegram) -> None:
    person = tg.person(5010, "Lina", language_code="de")
    await person.send("/start")
    menu = await person.wait_reply()
    tg.server.fail_next(
        "answerCallbackQuery",
        status=400,
        description="Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    record = await person.press("🎒 Schule", menu)
    question = await person.wait_reply()
    assert "alt" in question.text  # the school flow's first question: the press was handled
    record.answered = True  # Telegram expired the query: no answer to it is possible any more
