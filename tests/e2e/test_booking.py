"""Booking over the (fake) Telegram Bot API: book, see, cancel, rebook in German and Arabic; the
staff chat sees the bookings (/today) and can cancel one; forged slot buttons get a clear answer."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from bot.booking.slots import to_minutes
from bot.content.locales import Locale, LocaleMeta
from bot.places.calendar import TZ
from tests.e2e.harness import Telegram, buttons

THU_14 = datetime(2026, 11, 26, 14, 0, tzinfo=TZ)
BIDI = re.compile("[\u2066-\u2069\u200e\u200f\u061c]")


def clean(text: str | None) -> str:
    """Visible text without the bidi isolates that right-to-left messages carry."""
    return BIDI.sub("", text or "")


def ensure_arabic(tg: Telegram) -> None:
    """Arabic is a curated language; until locales/ar.yaml is translated, an empty Arabic locale
    stands in: texts fall back to German, while dates, weekday names, the right-to-left handling
    and the chat language of the booking are Arabic, which is what these tests look at."""
    catalog = tg.services.catalog
    if not catalog.supports("ar"):
        catalog.locales["ar"] = Locale(
            meta=LocaleMeta("ar", "العربية", "rtl", "test stand-in"), strings={}, path=Path("ar.yaml")
        )


async def staff_says(tg: Telegram, contains: str, *, timeout: float = 10.0):
    group = tg.staff_group()
    return await group.wait_message(lambda m: contains in clean(m.text), timeout=timeout)


def ics_of(tg: Telegram, replies) -> str:
    document = next(m for m in replies if m.kind == "document").document
    assert document["file_name"].endswith(".ics")
    return tg.server.world.files[document["file_id"]].data.decode("utf-8")


async def book_in_german(tg: Telegram, person, *, time: str = "14:00") -> list:
    await person.send("/book")
    ask_office = await person.wait_reply()
    assert "In welchem Büro möchten Sie einen Termin?" in ask_office.text
    assert len(buttons(ask_office)) == 8  # 7 offices + "find my office"
    await person.press("lokal willkommen Mengede/Huckarde")
    assert "Worum geht es" in (await person.wait_reply()).text
    await person.press("🎒 Schule")
    days = await person.wait_reply()
    assert "An welchem Tag" in days.text and buttons(days)[0] == "Di, 24.11."
    await person.press("Do, 26.11.")
    times = await person.wait_reply()
    assert "Donnerstag, 26. November: Welche Uhrzeit passt Ihnen?" in times.text
    await person.press(time)
    assert "Dolmetscher" in (await person.wait_reply()).text
    await person.press("Nein, nicht nötig")
    assert "kurze Notiz" in (await person.wait_reply()).text
    await person.send("Es geht um die <Anmeldung> für die Schule & den Bus")
    summary = await person.wait_reply()
    assert "Es geht um die <Anmeldung> für die Schule & den Bus" in summary.text  # shown as typed
    assert "&lt;Anmeldung&gt;" in summary.raw_text  # sent escaped
    await person.press("✅ Verbindlich buchen")
    return await tg.replies(person)


async def test_book_see_cancel_and_rebook_in_german(tg: Telegram) -> None:
    person = tg.person(3001, "Jana", language_code="de")
    replies = await book_in_german(tg, person)
    confirmation = replies[0]
    assert "Ihr Termin ist gebucht." in confirmation.text
    for part in ("Donnerstag, 26. November, 14:00 Uhr", "lokal willkommen Mengede/Huckarde", "Thema: 🎒 Schule"):
        assert part in confirmation.text
    ics = ics_of(tg, replies)
    assert "DTSTART:20261126T130000Z" in ics and "\r\n" in ics and "BEGIN:VEVENT" in ics
    notice = await staff_says(tg, "Neuer Termin #")
    assert "Mengede/Huckarde" in notice.text and "Do 26.11.2026, 14:00 Uhr" in notice.text
    assert "Anmeldung" not in notice.text  # the note is not posted

    await person.send("/mybookings")
    mine = await person.wait_reply()
    assert "Ihre Termine:" in mine.text and "Donnerstag, 26. November, 14:00 Uhr" in mine.text
    await person.press("✖ Absagen: Do, 26.11. 14:00")
    assert "wirklich absagen" in (await person.wait_reply()).text
    await person.press("Ja, absagen")
    cancelled = await person.wait_reply()
    assert "ist abgesagt" in cancelled.text and "keine Termine" in cancelled.text
    await staff_says(tg, "abgesagt (von der Person)")

    replies = await book_in_german(tg, person)  # the freed place can be booked again
    assert "Ihr Termin ist gebucht." in replies[0].text
    await person.send("/mybookings")
    assert "Donnerstag, 26. November, 14:00 Uhr" in (await person.wait_reply()).text


async def test_book_see_cancel_and_rebook_in_arabic(tg: Telegram) -> None:
    ensure_arabic(tg)
    person = tg.person(3002, "Amal", language_code="ar")
    minutes = to_minutes(THU_14)

    async def book() -> list:
        await person.send("/book")
        await person.wait_reply()
        await person.press("bko:io")
        await person.wait_reply()
        await person.press("bkt:letters")
        days = await person.wait_reply()
        assert "bkd:2026-11-26" in days.callback_data
        await person.press("bkd:2026-11-26")
        times = await person.wait_reply()
        assert "الخميس" in clean(times.text) and "\u2068" in times.text  # Arabic date, isolated times
        await person.press(f"bks:io:{minutes}")
        interpreter = await person.wait_reply()
        assert clean(buttons(interpreter)[0]) == "العربية"  # the chat language first
        await person.press("bki:ar")
        await person.wait_reply()
        await person.press("bkn")
        summary = await person.wait_reply()
        assert "العربية" in clean(summary.text)
        await person.press("bkc:1")
        return await tg.replies(person)

    replies = await book()
    text = clean(replies[0].text)
    assert "الخميس" in text and "14:00" in text and "lokal willkommen Innenstadt-West/-Ost" in text
    assert "DTSTART:20261126T130000Z" in ics_of(tg, replies)
    notice = await staff_says(tg, "Innenstadt-West/-Ost")
    assert "Sprache im Chat: Arabisch" in notice.text and "Dolmetschen: Arabisch" in notice.text

    await person.send("/mybookings")
    mine = await person.wait_reply()
    assert "الخميس" in clean(mine.text)
    cancel = next(d for d in mine.callback_data if d.startswith("bkx:"))
    await person.press(cancel)
    await person.wait_reply()
    await person.press(cancel[:-1] + "1")  # "bkx:<id>:1": yes, cancel
    assert "الخميس" in clean((await person.wait_reply()).text)
    await staff_says(tg, "(von der Person)")

    replies = await book()
    assert "الخميس" in clean(replies[0].text)
    assert any(m.kind == "document" for m in replies)


async def test_staff_today_lists_the_booking_and_staff_can_cancel_it(tg: Telegram) -> None:
    person = tg.person(3003, "Olga", language_code="de")
    await book_in_german(tg, person, time="15:30")
    notice = await staff_says(tg, "Neuer Termin #")
    booking_id = int(re.search(r"Neuer Termin #(\d+)", notice.text).group(1))
    staff = tg.person(4001, "Sabine", language_code="de")
    group = tg.staff_group()

    tg.clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=TZ))  # the morning of the appointment
    await group.send(staff, "/today")
    today = await staff_says(tg, "Termine heute")
    assert "Do 26.11.2026" in today.text and "lokal willkommen Mengede/Huckarde (1)" in today.text
    assert f"15:30 #{booking_id} · 🎒 Schule · Deutsch" in today.text
    assert "📝 Es geht um die <Anmeldung>" in today.text  # the note, on the day it is needed

    await group.send(staff, "/week")
    assert f"Do 26.11. 15:30 #{booking_id}" in (await staff_says(tg, "Termine 26.11.")).text

    await group.send(staff, f"/cancel {booking_id}")
    done = await staff_says(tg, f"Termin #{booking_id} abgesagt")
    assert "(vom Büro)" in done.text and "in ihrer Sprache benachrichtigt" in done.text
    told = await person.wait_reply(predicate=lambda m: "vom Büro abgesagt" in (m.text or ""))
    assert "Donnerstag, 26. November, 15:30 Uhr" in told.text and "📅 Neuen Termin buchen" in buttons(told)

    await group.send(staff, f"/cancel {booking_id}")
    assert "nicht mehr aktiv" in (await staff_says(tg, "nicht mehr aktiv")).text
    await person.send("/mybookings")
    assert "keine Termine" in (await person.wait_reply()).text


async def test_staff_commands_in_a_private_chat_are_unknown(tg: Telegram) -> None:
    person = tg.person(3004, "Kerem", language_code="de")
    for command in ("/today", "/week", "/cancel 1"):
        await person.send(command)
        reply = await person.wait_reply()
        assert "Diesen Befehl kenne ich nicht" in reply.text
        assert "Termine heute" not in reply.text
    assert not [m for m in tg.staff_group().messages if m.from_bot]


@pytest.mark.parametrize(
    "start",
    [
        datetime(2026, 11, 20, 9, 0, tzinfo=TZ),  # in the past
        datetime(2027, 3, 1, 9, 0, tzinfo=TZ),  # beyond the horizon
        datetime(2026, 11, 26, 14, 5, tzinfo=TZ),  # not a slot
    ],
)
async def test_a_forged_slot_button_gets_a_clear_answer(tg: Telegram, start: datetime) -> None:
    person = tg.person(3005, "Mehmet", language_code="de")
    await person.send("/book")
    menu = await person.wait_reply()
    await tg.press_data(person, f"bks:mh:{to_minutes(start)}", menu)
    reply = await person.wait_reply()
    assert "Diese Uhrzeit kann man nicht (mehr) buchen. Bitte wählen Sie neu." in reply.text
    assert buttons(reply)  # fresh choices
    await person.send("/mybookings")
    assert "keine Termine" in (await person.wait_reply()).text


# --- typed text about bookings and at the booking's button steps (issue 17 items 5 and 7) ---------


async def book_by_buttons(
    tg: Telegram, person, *, office: str = "mh", day: str = "2026-11-26", start: datetime = THU_14
) -> list:
    """A booking in any language, pressing the buttons by their data."""
    await person.send("/book")
    await person.wait_reply()
    await person.press(f"bko:{office}")
    await person.wait_reply()
    await person.press("bkt:school")
    await person.wait_reply()
    await person.press(f"bkd:{day}")
    await person.wait_reply()
    await person.press(f"bks:{office}:{to_minutes(start)}")
    await person.wait_reply()
    await person.press("bki:no")
    await person.wait_reply()
    await person.press("bkn")
    await person.wait_reply()
    await person.press("bkc:1")
    return await tg.replies(person)


async def test_turkish_cancel_typed_with_one_booking(tg: Telegram) -> None:
    person = tg.person(3101, "Ayşe", language_code="tr")
    await book_by_buttons(tg, person)
    await staff_says(tg, "Neuer Termin #")
    await person.send("randevumu iptal et lütfen")
    question = await person.wait_reply()
    assert "gerçekten iptal etmek istiyor musunuz" in question.text and "Perşembe" in question.text
    assert any(d.startswith("bkx:") and d.endswith(":1") for d in question.callback_data)
    await person.send("evet")
    done = await person.wait_reply()
    assert "iptal" in done.text.lower() and "Randevunuz yok" not in done.text
    await staff_says(tg, "abgesagt (von der Person)")
    await person.send("/mybookings")
    mine = await person.wait_reply()
    assert "Perşembe" not in mine.text


async def test_english_cant_come_on_friday_offers_move_and_cancel(tg: Telegram) -> None:
    person = tg.person(3102, "Sam", language_code="en")
    await book_by_buttons(tg, person, day="2026-11-27", start=datetime(2026, 11, 27, 9, 0, tzinfo=TZ))
    await person.send("I can't come on Friday")
    reply = await person.wait_reply()
    assert "Do you want to move your appointment or cancel it?" in reply.text
    assert "Friday, November 27, 09:00" in reply.text
    data = reply.callback_data
    assert any(d.startswith("bkr:") for d in data) and any(d.startswith("bkx:") for d in data)
    await person.press(next(d for d in data if d.startswith("bkr:")))
    days = await person.wait_reply()
    assert "bkd:2026-11-24" in days.callback_data  # a new day for the same appointment


async def test_ukrainian_late_gets_the_office_phone(tg: Telegram) -> None:
    person = tg.person(3103, "Oksana", language_code="uk")
    await book_by_buttons(tg, person)
    await person.send("запізнюся на 10 хвилин")
    reply = await person.wait_reply()
    phone = tg.services.places.offices().get("mh").contact.phones[0]
    assert "Нічого страшного" in reply.text and phone and phone in reply.text
    assert "26 листопада" in reply.text


async def test_a_second_book_shows_the_open_one(tg: Telegram) -> None:
    person = tg.person(3104, "Jana", language_code="de")
    await book_in_german(tg, person)
    await person.send("/book")
    reply = await person.wait_reply()
    assert "Sie haben schon einen Termin" in reply.text and "Donnerstag, 26. November, 14:00 Uhr" in reply.text
    assert "weiteren Termin buchen oder diesen verschieben" in reply.text
    assert buttons(reply)[:2] == ["➕ Weiteren Termin buchen", "🔁 Verschieben: Do, 26.11. 14:00"]
    await person.press("➕ Weiteren Termin buchen")
    assert "In welchem Büro" in (await person.wait_reply()).text


async def test_a_weekday_typed_at_the_day_step(tg: Telegram) -> None:
    person = tg.person(3105, "Kerem", language_code="de")
    await person.send("/book")
    await person.wait_reply()
    await person.press("lokal willkommen Mengede/Huckarde")
    await person.wait_reply()
    await person.press("🎒 Schule")
    await person.wait_reply()
    await person.send("Freitag")
    times = await person.wait_reply()
    assert "Freitag, 27. November: Welche Uhrzeit passt Ihnen?" in times.text
    assert "09:00" in buttons(times)


async def test_banana_at_the_day_step_asks_again_with_a_hint(tg: Telegram) -> None:
    person = tg.person(3106, "Lena", language_code="de")
    await person.send("/book")
    await person.wait_reply()
    await person.press("lokal willkommen Mengede/Huckarde")
    await person.wait_reply()
    await person.press("🎒 Schule")
    await person.wait_reply()
    await person.send("banana")
    again = await person.wait_reply()
    assert "Bitte tippen Sie auf einen Tag oder schreiben Sie ihn" in again.text
    assert "An welchem Tag möchten Sie kommen?" in again.text and "Di, 24.11." in buttons(again)
    assert "nicht sicher" not in again.text and "Hauptmenü" not in again.text.split("\n")[0]
