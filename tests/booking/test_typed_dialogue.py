"""Typed text in the booking dialogue, through the conversation core: answers at the button steps,
requests about one's bookings, a second booking while one is open."""

from __future__ import annotations

import pytest

from bot.core.actions import BookAnother, CancelBooking, RescheduleBooking
from tests.booking.chat import Chat, RecordingOutbox, make_services
from tests.booking.test_dialogue import book_through_dialogue, bookings_of


@pytest.fixture
def services(sessions, clock):
    return make_services(sessions, clock, RecordingOutbox())


async def at_day_step(c: Chat) -> None:
    await c.command("book")
    await c.press("Schule")
    assert await c.step() == "booking:day"


async def test_a_weekday_typed_at_the_day_step(services):
    c = Chat(services, 2101, office="mh")
    await at_day_step(c)
    await c.type("freitag")
    assert "Freitag, 27. November: Welche Uhrzeit" in c.text
    await c.type("um 9")
    assert "Dolmetscher" in c.text
    await c.type("nein")
    await c.press("Ohne Notiz")
    await c.type("ja passt")
    assert "Ihr Termin ist gebucht" in c.text and "Freitag, 27. November, 09:00 Uhr" in c.text


async def test_tomorrow_and_a_date_typed(services):
    c = Chat(services, 2102, office="mh")
    await at_day_step(c)
    await c.type("morgen")
    assert "Dienstag, 24. November: Welche Uhrzeit" in c.text
    await c.type("lieber am 26.11.")  # another day at the time step
    assert "Donnerstag, 26. November: Welche Uhrzeit" in c.text


async def test_something_else_typed_asks_the_step_again_with_a_hint(services):
    c = Chat(services, 2103, office="mh")
    await at_day_step(c)
    await c.type("banana")
    assert await c.step() == "booking:day"
    assert "z. B. „Freitag“" in c.text and "An welchem Tag" in c.text
    assert "nicht sicher" not in c.text
    await c.type("Mittwoch")  # closed on Wednesdays
    assert "kein Termin frei" in c.text and await c.step() == "booking:day"
    await c.type("Do")
    await c.type("23:00")
    assert "nicht frei" in c.text and await c.step() == "booking:time"


async def test_typed_no_at_the_confirmation_books_nothing(services):
    c = Chat(services, 2104, office="mh")
    await at_day_step(c)
    await c.type("Do")
    await c.type("14:30")
    await c.type("English")
    assert await c.step() == "booking:note"
    await c.press("Ohne Notiz")
    assert "Dolmetschen: English" in c.text
    await c.type("vielleicht")
    assert "„ja“ oder „nein“" in c.text and await c.step() == "booking:confirm"
    await c.type("nein")
    assert "nichts gebucht" in c.text
    assert await bookings_of(services, c.person_id) == []


async def test_a_second_booking_shows_the_open_one(services):
    c = Chat(services, 2105, office="mh")
    await book_through_dialogue(c)
    await c.command("book")
    assert "Sie haben schon einen Termin" in c.text and "Donnerstag, 26. November, 14:00 Uhr" in c.text
    assert any(isinstance(a, BookAnother) for a in c.actions()) and c.actions(RescheduleBooking)
    await c.press("Weiteren Termin buchen")
    assert "Worum geht es" in c.text


async def test_cancel_typed_with_one_booking(services):
    c = Chat(services, 2106, office="mh")
    await book_through_dialogue(c)
    await c.type("Termin absagen bitte")
    assert "wirklich absagen" in c.text
    await c.type("ja")
    assert "ist abgesagt" in c.text
    assert [b.status for b in await bookings_of(services, c.person_id)] == ["cancelled"]


async def test_cancel_typed_without_a_booking(services):
    c = Chat(services, 2107, office="mh")
    await c.type("ich möchte meinen termin absagen")
    assert "keinen offenen Termin" in c.text and "Neuen Termin buchen" in " ".join(c.labels())


async def test_cant_come_picks_the_booking_of_that_day(services):
    c = Chat(services, 2108, office="mh")
    await book_through_dialogue(c)
    await book_through_dialogue(c, day_label="Fr, 27.11.", time="09:00")
    await c.type("ich kann am freitag nicht kommen")
    assert "verschieben oder absagen" in c.text
    assert "Freitag, 27. November" in c.text and "Donnerstag, 26. November" not in c.text
    assert c.actions(CancelBooking) and c.actions(RescheduleBooking)


async def test_move_typed_starts_the_new_time(services):
    c = Chat(services, 2109, office="mh")
    await book_through_dialogue(c)
    await c.type("kann ich meinen termin verschieben")
    assert "Wir suchen eine neue Zeit" in c.text and await c.step() == "booking:day"


async def test_late_gives_the_phone(services):
    c = Chat(services, 2110, office="mh")
    await book_through_dialogue(c)
    phone = services.places.offices().get("mh").contact.phones[0]
    await c.type("ich verspäte mich 10 min")
    assert "Kein Problem" in c.text and phone in c.text and "Donnerstag, 26. November, 14:00 Uhr" in c.text
