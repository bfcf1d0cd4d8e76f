"""Staff tools in the staff chat over the (fake) Telegram Bot API: /closed closes an office for
newcomers at once (hours, booking calendar), tells the people booked then and lists them for
staff; /open undoes it; /stats shows anonymous counts. Outside the staff chat they are unknown."""

from __future__ import annotations

import re
from datetime import datetime

from bot.jobs.digest import post_daily_digest
from bot.places.calendar import TZ
from tests.e2e.harness import Telegram, buttons
from tests.e2e.test_booking import book_in_german, clean, staff_says


async def test_closed_tells_the_booked_person_hides_the_day_and_open_undoes_it(tg: Telegram) -> None:
    booked = tg.person(8101, "Olena", language_code="de")
    await book_in_german(tg, booked, time="14:00")
    notice = await staff_says(tg, "Neuer Termin #")
    booking_id = int(re.search(r"Neuer Termin #(\d+)", notice.text).group(1))
    staff = tg.person(8201, "Sabine", language_code="de")
    group = tg.staff_group()

    await group.send(staff, "/closed mengede 26.11.2026 Betriebsausflug des Teams")
    done = await staff_says(tg, "geschlossen: 26.11.2026")
    assert "lokal willkommen Mengede/Huckarde" in done.text and "Grund: Betriebsausflug des Teams" in done.text
    assert "Betroffene Termine (1)" in done.text
    assert f"#{booking_id} · Do 26.11.2026, 14:00 Uhr · 🎒 Schule · Deutsch · benachrichtigt" in done.text
    assert "Olena" not in done.text
    assert "/open mh 26.11.2026" in done.text

    told = await booked.wait_reply(predicate=lambda m: "Betriebsausflug" in (m.text or ""))
    assert "Ihr Termin am Donnerstag, 26. November, 14:00 Uhr" in told.text
    assert "Hinweis des Büros: „Betriebsausflug des Teams“" in told.text
    assert buttons(told)[0] == "📅 Andere Zeit wählen"
    await booked.send("/mybookings")
    assert "keine Termine" in (await booked.wait_reply()).text

    # A newcomer asks for the hours: the closure is there, with the team's note.
    newcomer = tg.person(8102, "Ali", language_code="de")
    await newcomer.send("/hours")
    await newcomer.wait_reply()
    await newcomer.press("lokal willkommen Mengede/Huckarde")
    hours = (await tg.replies(newcomer))[0].text
    assert "Geschlossen am Donnerstag, 26. November. Hinweis des Büros: „Betriebsausflug des Teams“" in hours

    # "Pick another time": the booking calendar has no Thursday 26 November any more.
    await booked.press("📅 Andere Zeit wählen")
    assert "Worum geht es" in (await booked.wait_reply()).text
    await booked.press("🎒 Schule")
    days = await booked.wait_reply()
    assert "An welchem Tag" in days.text and "Do, 26.11." not in buttons(days)
    assert buttons(days)[0] == "Di, 24.11."

    await group.send(staff, "/open mh 26.11.2026")
    reopened = await staff_says(tg, "wieder offen")
    assert "Schließung 26.11.2026 (Betriebsausflug des Teams) gelöscht" in reopened.text
    await newcomer.send("/hours")
    await newcomer.wait_reply()
    await newcomer.press("lokal willkommen Mengede/Huckarde")
    assert "Betriebsausflug" not in (await tg.replies(newcomer))[0].text
    await booked.send("/book")
    await booked.wait_reply()
    await booked.press("lokal willkommen Mengede/Huckarde")
    await booked.wait_reply()
    await booked.press("🎒 Schule")
    assert "Do, 26.11." in buttons(await booked.wait_reply())


async def test_closed_with_mistakes_answers_in_german_with_the_usage(tg: Telegram) -> None:
    staff = tg.person(8202, "Sabine", language_code="de")
    group = tg.staff_group()
    await group.send(staff, "/closed lokal 26.11.2026 Urlaub")
    ambiguous = await staff_says(tg, "passt zu mehreren Büros")
    assert (
        "mh (lokal willkommen Mengede/Huckarde)" in ambiguous.text and "/closed BÜRO VON [BIS] GRUND" in ambiguous.text
    )
    await group.send(staff, "/closed mh 31.11.2026 Urlaub")
    assert "/closed BÜRO" in (await staff_says(tg, "„31.11.2026“ ist kein Datum")).text
    await group.send(staff, "/closed")
    listing = await staff_says(tg, "Eingetragene Schließungen")
    assert "Keine." in listing.text


async def test_staff_tools_outside_the_staff_chat_are_unknown(tg: Telegram) -> None:
    person = tg.person(8103, "Kerem", language_code="de")
    for command in ("/closed mh 26.11.2026 Urlaub", "/open mh 26.11.2026", "/stats week"):
        await person.send(command)
        assert "Diesen Befehl kenne ich nicht" in (await person.wait_reply()).text
    assert not [m for m in tg.staff_group().messages if m.from_bot]
    await person.send("/hours")
    await person.wait_reply()
    await person.press("lokal willkommen Mengede/Huckarde")
    assert "Urlaub" not in (await tg.replies(person))[0].text


async def test_stats_count_questions_bookings_and_cancellations_without_names(tg: Telegram) -> None:
    asker = tg.person(8104, "Oksana", language_code="uk")
    await asker.send("Где мне найти мой офис")
    await tg.replies(asker)
    booked = tg.person(8105, "Mehmet", language_code="de")
    await asker.send("Ich brauche Hilfe mit der Wohnung")
    await tg.replies(asker)
    await book_in_german(tg, booked, time="15:00")
    await booked.send("/mybookings")
    listing = await booked.wait_reply()
    await booked.press(next(b for b in buttons(listing) if "Absagen" in b or "absagen" in b))
    confirm = await booked.wait_reply()
    await booked.press(buttons(confirm)[0])
    await tg.replies(booked)

    staff = tg.person(8203, "Sabine", language_code="de")
    await tg.staff_group().send(staff, "/stats week")
    stats = await staff_says(tg, "Zahlen 17.11.2026 – 23.11.2026")
    text = clean(stats.text)
    assert "Fragen: 2" in text and "Sprachen: " in text
    assert "Termine: 1 gebucht, 1 abgesagt, 0 nicht gekommen" in text
    assert "Gespräche mit dem Team: 0 begonnen, 0 beendet" in text
    for name in ("Oksana", "Mehmet", "Sabine", "Wohnung"):
        assert name not in text

    # The next morning's digest has yesterday's line.
    posted: list[str] = []

    async def post(html: str) -> None:
        posted.append(html)

    services = tg.services
    morning = datetime(2026, 11, 24, 7, 30, tzinfo=TZ)
    assert await post_daily_digest(
        services.sessions, now=morning, post=post, catalog=services.catalog, places=services.places, owner="test"
    )
    (digest,) = posted
    assert "📊 Gestern: 2 Fragen" in digest and "Termine: 1 gebucht, 1 abgesagt" in digest
