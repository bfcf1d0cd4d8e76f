"""The booking dialogue, driven through the conversation core (bot.core.conversation)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.booking import service, slots
from bot.core.actions import (
    BookConfirm,
    BookDay,
    BookInterpreter,
    BookOffice,
    BookSkipNote,
    BookSlot,
    BookTopic,
    CancelBooking,
    RescheduleBooking,
    StartBooking,
)
from bot.places.calendar import TZ
from bot.places.data import Places
from bot.places.offices import Closure, OfficeDirectory, load_offices
from bot.storage.models import Booking, Person, Reminder
from tests.booking.chat import Chat, RecordingOutbox, make_services

THU_14 = datetime(2026, 11, 26, 14, 0, tzinfo=TZ)
THU_1430 = datetime(2026, 11, 26, 14, 30, tzinfo=TZ)


@pytest.fixture
def outbox():
    return RecordingOutbox()


@pytest.fixture
def services(sessions, clock, outbox):
    return make_services(sessions, clock, outbox)


def chat(services, chat_id=2001, **kwargs) -> Chat:
    return Chat(services, chat_id, **kwargs)


async def other_people_book(services, start, n=2, office="mh"):
    async with services.sessions() as session:
        for i in range(n):
            person = Person(channel="telegram", external_id=f"9{i}{start.day}{start.hour}{start.minute}", language="de")
            session.add(person)
            await session.flush()
            result = await service.book(
                session,
                person_id=person.id,
                office=services.places.offices().get(office),
                start=start,
                now=services.clock.now(),
            )
            assert isinstance(result, service.Booked)
        await session.commit()


async def bookings_of(services, person_id):
    async with services.sessions() as session:
        return list(
            (await session.scalars(select(Booking).where(Booking.person_id == person_id).order_by(Booking.id))).all()
        )


async def book_through_dialogue(c: Chat, day_label="Do, 26.11.", time="14:00", interpreter="Nein", note=None):
    await c.command("book")
    if "Sie haben schon einen Termin" in c.text:  # one is open: add another
        await c.press("Weiteren Termin buchen")
    if "Worum geht es" in c.text:
        await c.press("Schule")
    await c.press(day_label)
    await c.press(time)
    await c.press(interpreter)
    if note is None:
        await c.press("Ohne Notiz")
    else:
        await c.type(note)
    return await c.press("Verbindlich buchen")


async def test_book_from_start_to_confirmation(services, outbox):
    c = chat(services, office="mh")
    await c.command("book")
    assert "Worum geht es" in c.text
    assert "🎒 Schule" in c.labels() and "Etwas anderes" in c.labels()
    assert not any("Notfall" in label for label in c.labels())

    await c.press("Schule")
    assert "Termin bei lokal willkommen Mengede/Huckarde. An welchem Tag" in c.text
    days = [a.day for a in c.actions(BookDay)]
    assert days[:4] == ["2026-11-24", "2026-11-26", "2026-11-27", "2026-11-30"]  # no Wednesday, not today
    assert len(days) == 8 and "Di, 24.11." in c.labels() and "Spätere Tage ▶" in c.labels()

    await c.press("Do, 26.11.")
    assert "Donnerstag, 26. November: Welche Uhrzeit" in c.text
    assert [label for label in c.labels() if ":" in label] == ["14:00", "14:30", "15:00", "15:30", "16:00", "16:30"]

    await c.press("14:30")
    assert "Dolmetscher" in c.text
    assert c.labels()[0] == "Nein, nicht nötig" and "English" in c.labels() and "Deutsch" not in c.labels()

    await c.press("Nein")
    assert await c.step() == "booking:note"
    await c.type("Bitte <b>Brief</b> & Mietvertrag mitbringen")
    html = services.catalog.render(c.last[0].text, "de")
    assert "&lt;b&gt;Brief&lt;/b&gt; &amp; Mietvertrag" in html  # the note is escaped, never markup
    summary = c.text
    for part in (
        "Bitte prüfen Sie Ihren Termin",
        "Donnerstag, 26. November, 14:30 Uhr",
        "lokal willkommen Mengede/Huckarde",
        "Thema: 🎒 Schule",
        "Kein Dolmetschen",
        "Notiz: Bitte <b>Brief</b> & Mietvertrag mitbringen",
    ):
        assert part in summary
    address = load_offices().get("mh").address.one_line()
    assert address in summary

    await c.press("Verbindlich buchen")
    assert "Ihr Termin ist gebucht" in c.text and "Donnerstag, 26. November, 14:30 Uhr" in c.text
    assert address in c.text
    document = c.last[0].document
    assert document is not None and document.filename.endswith(".ics") and document.mime_type == "text/calendar"
    assert b"DTSTART:20261126T133000Z" in document.content and b"Mengede/Huckarde" in document.content
    assert await c.step() is None

    (booking,) = await bookings_of(services, c.person_id)
    assert (booking.office, booking.starts_at, booking.topic, booking.language, booking.interpreter) == (
        "mh",
        THU_1430,
        "school",
        "de",
        None,
    )
    assert booking.note == "Bitte <b>Brief</b> & Mietvertrag mitbringen"
    (note,) = outbox.staff
    assert f"#{booking.id}" in note and "Mengede/Huckarde" in note and "Do 26.11.2026, 14:30 Uhr" in note
    assert "Schule" in note and "Deutsch" in note and "Mit Notiz" in note and f"/cancel {booking.id}" in note
    assert "Mietvertrag" not in note  # the note text stays out of the staff chat's notices
    async with services.sessions() as session:
        reminders = (await session.scalars(select(Reminder).where(Reminder.booking_id == booking.id))).all()
    assert sorted(r.offset_minutes for r in reminders) == [120, 1440]


async def test_without_an_office_the_offices_are_offered(services):
    c = chat(services)
    await c.command("book")
    assert "In welchem Büro" in c.text
    assert len(c.actions(BookOffice)) == 7 and "📍 Mein Büro finden" in c.labels()
    await c.press("Nordstadt")
    assert "Worum geht es" in c.text
    await c.press("Arbeit")
    assert "Termin bei lokal willkommen Nordstadt" in c.text
    await c.press("Anderes Büro")
    assert "In welchem Büro" in c.text
    await c.press("Hörde/Hombruch")
    assert "Termin bei lokal willkommen Hörde/Hombruch" in c.text  # the topic was kept
    assert (await c.data())["topic"] == "work"


async def test_a_topic_from_a_flow_skips_the_topic_question(services):
    c = chat(services, office="es")
    await c.act(StartBooking(topic="kita"))
    assert "An welchem Tag" in c.text and (await c.data())["topic"] == "kita"
    await c.act(StartBooking(topic="booking"))  # the booking flow's own button: no real topic
    assert "Worum geht es" in c.text


async def test_the_booking_in_progress_survives_a_restart(services, sessions, clock, outbox):
    c = chat(services, office="mh")
    await c.command("book")
    await c.press("Schule")
    await c.press("Do, 26.11.")
    await c.press("14:00")
    await c.press("Nein")
    assert await c.step() == "booking:note"
    # a new process: new services, new conversation, same database
    again = Chat(make_services(sessions, clock, outbox), 2001)
    await again.type("Ich komme mit meiner Tochter.")
    assert "Donnerstag, 26. November, 14:00 Uhr" in again.text
    await again.press("Verbindlich buchen")
    assert "Ihr Termin ist gebucht" in again.text


async def test_a_slot_taken_meanwhile_gets_fresh_times(services):
    c = chat(services, office="mh")
    await c.command("book")
    await c.press("Schule")
    await c.press("Do, 26.11.")
    await other_people_book(services, THU_14)
    await c.press("14:00")
    assert "gerade jemand anderes" in c.text
    assert "14:00" not in c.labels() and "14:30" in c.labels()
    assert await c.step() == "booking:time"


async def test_a_slot_taken_before_confirming_offers_the_next_free_times(services):
    c = chat(services, office="mh")
    await c.command("book")
    await c.press("Schule")
    await c.press("Do, 26.11.")
    await c.press("14:00")
    await c.press("Nein")
    await c.press("Ohne Notiz")
    await other_people_book(services, THU_14)
    await c.press("Verbindlich buchen")
    assert "gerade jemand anderes" in c.text
    assert c.labels()[:3] == ["Do, 26.11. 14:30", "Do, 26.11. 15:00", "Do, 26.11. 15:30"]
    await c.press("Do, 26.11. 14:30")
    assert "Bitte prüfen Sie Ihren Termin" in c.text  # interpreter and note were kept
    await c.press("Verbindlich buchen")
    assert "Ihr Termin ist gebucht" in c.text
    (booking,) = await bookings_of(services, c.person_id)
    assert booking.starts_at == THU_1430


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (BookDay("2026-11-20"), "An diesem Tag ist kein Termin (mehr) frei"),  # past
        (BookDay("2027-03-01"), "An diesem Tag ist kein Termin (mehr) frei"),  # beyond the horizon
        (BookDay("kaputt"), "An diesem Tag ist kein Termin (mehr) frei"),
        (BookDay("2026-11-25"), "An diesem Tag ist kein Termin (mehr) frei"),  # a Wednesday: no slots
        (BookSlot("mh", slots.to_minutes(datetime(2026, 11, 20, 9, 0, tzinfo=TZ))), "kann man nicht (mehr) buchen"),
        (BookSlot("mh", slots.to_minutes(datetime(2027, 2, 1, 9, 0, tzinfo=TZ))), "kann man nicht (mehr) buchen"),
        (BookSlot("mh", slots.to_minutes(datetime(2026, 11, 26, 14, 7, tzinfo=TZ))), "kann man nicht (mehr) buchen"),
        (BookSlot("mh", slots.to_minutes(datetime(2026, 11, 23, 11, 0, tzinfo=TZ))), "kann man nicht (mehr) buchen"),
        (BookSlot("zz", 1), "kann man nicht (mehr) buchen"),
        (BookSlot("mh", 10**15), "kann man nicht (mehr) buchen"),
        (BookOffice("zz"), "Dieses Büro kenne ich nicht"),
        (BookTopic("zz"), "Dieses Thema gibt es nicht"),
        (BookTopic("emergency"), "Dieses Thema gibt es nicht"),
    ],
)
async def test_forged_or_stale_buttons_get_a_clear_answer_and_fresh_choices(services, action, expected):
    c = chat(services, office="mh")
    await c.command("book")
    await c.press("Schule")
    await c.act(action)
    assert expected in c.text
    assert c.choices()  # a way on
    assert (await c.step()).startswith("booking:")
    assert await bookings_of(services, c.person_id) == []


async def test_a_forged_interpreter_language_is_asked_again(services):
    c = chat(services, office="mh")
    await c.command("book")
    await c.press("Schule")
    await c.press("Do, 26.11.")
    await c.press("14:00")
    await c.act(BookInterpreter("xx"))
    assert "Diese Sprache kann ich nicht auswählen" in c.text and "Nein, nicht nötig" in c.labels()
    await c.act(BookInterpreter("de"))
    assert "Diese Sprache kann ich nicht auswählen" in c.text
    await c.act(BookInterpreter("uk"))
    assert await c.step() == "booking:note" and (await c.data())["interpreter"] == "uk"


async def test_buttons_pressed_outside_a_booking(services):
    c = chat(services, office="mh")
    await c.command("menu")
    await c.act(BookConfirm(True))
    assert "nichts mehr zu bestätigen" in c.text
    await c.act(BookDay("2026-11-26"))
    assert "nicht mehr aktiv" in c.text and "Worum geht es" in c.text
    await c.command("menu")
    await c.act(BookSlot("mh", slots.to_minutes(datetime(2026, 11, 20, 9, 0, tzinfo=TZ))))
    assert "kann man nicht (mehr) buchen" in c.text and c.choices()
    # a valid slot button from an old message starts a booking with that time
    await c.command("menu")
    await c.act(BookSlot("mh", slots.to_minutes(THU_14)))
    assert "Worum geht es" in c.text
    await c.press("Schule")
    assert "Dolmetscher" in c.text


async def test_my_bookings_cancel_with_a_confirm_step(services, outbox):
    c = chat(services, office="mh")
    await book_through_dialogue(c)
    outbox.staff.clear()
    await c.command("mybookings")
    assert "Ihre Termine" in c.text
    assert "Donnerstag, 26. November, 14:00 Uhr – lokal willkommen Mengede/Huckarde" in c.text
    assert "✖ Absagen: Do, 26.11. 14:00" in c.labels() and "🔁 Verschieben: Do, 26.11. 14:00" in c.labels()
    assert "📅 Neuen Termin buchen" in c.labels()
    await c.press("Absagen")
    assert "wirklich absagen" in c.text
    confirm = c.button("Ja, absagen").action
    await c.press("Nein, behalten")
    assert "Ihre Termine" in c.text
    (booking,) = await bookings_of(services, c.person_id)
    assert booking.status == "booked"
    await c.act(confirm)
    assert "ist abgesagt" in c.text and "keine Termine" in c.text
    (booking,) = await bookings_of(services, c.person_id)
    assert booking.status == "cancelled" and booking.cancelled_by == "person"
    assert len(outbox.staff) == 1 and f"Termin #{booking.id} abgesagt" in outbox.staff[0]
    await c.act(confirm)  # pressed again: the booking is no longer live
    assert "finde ich nicht (mehr)" in c.text
    assert len(outbox.staff) == 1


async def test_someone_elses_booking_cannot_be_touched(services):
    owner = chat(services, 2001, office="mh")
    await book_through_dialogue(owner)
    (booking,) = await bookings_of(services, owner.person_id)
    intruder = chat(services, 2002, office="mh")
    await intruder.act(CancelBooking(booking.id, confirmed=True))
    assert "finde ich nicht (mehr)" in intruder.text
    await intruder.act(RescheduleBooking(booking.id))
    assert "finde ich nicht (mehr)" in intruder.text
    await intruder.act(CancelBooking(booking.id + 1000))
    assert "finde ich nicht (mehr)" in intruder.text
    (still,) = await bookings_of(services, owner.person_id)
    assert still.status == "booked"


async def test_reschedule_keeps_the_details_and_cancels_the_old_time(services, outbox):
    c = chat(services, office="mh")
    await book_through_dialogue(c, interpreter="English", note="Brief vom Jobcenter")
    (old,) = await bookings_of(services, c.person_id)
    outbox.staff.clear()
    await c.command("mybookings")
    await c.press("Verschieben")
    assert "An welchem Tag" in c.text
    await c.press("Fr, 27.11.")
    await c.press("09:00")
    assert "Bitte prüfen Sie den neuen Termin" in c.text
    assert "Freitag, 27. November, 09:00 Uhr" in c.text and "Statt: Donnerstag, 26. November, 14:00 Uhr" in c.text
    assert "Dolmetschen: English" in c.text and "Brief vom Jobcenter" in c.text
    await c.press("Termin verschieben")
    assert "Ihr Termin ist verschoben" in c.text and c.last[0].document is not None
    old_now, new = await bookings_of(services, c.person_id)
    assert old_now.id == old.id and old_now.status == "cancelled"
    assert new.status == "booked" and new.starts_at == datetime(2026, 11, 27, 9, 0, tzinfo=TZ)
    assert (new.topic, new.interpreter, new.note) == ("school", "en", "Brief vom Jobcenter")
    (note,) = outbox.staff
    assert f"#{old.id} → #{new.id}" in note and "Vorher: Do 26.11.2026, 14:00 Uhr" in note
    assert "Dolmetschen: Englisch" in note


async def test_two_upcoming_bookings_is_the_limit(services):
    c = chat(services, office="mh")
    await book_through_dialogue(c)
    await book_through_dialogue(c, day_label="Fr, 27.11.", time="09:00")
    await c.command("book")
    assert "Sie haben schon 2 Termine" in c.text
    assert "Donnerstag, 26. November, 14:00 Uhr" in c.text and "Freitag, 27. November, 09:00 Uhr" in c.text
    assert len(c.actions(CancelBooking)) == 2 and len(c.actions(RescheduleBooking)) == 2
    assert "📅 Neuen Termin buchen" not in c.labels()
    await c.act(StartBooking(topic="school"))
    assert "Sie haben schon 2 Termine" in c.text
    await c.act(BookSlot("mh", slots.to_minutes(datetime(2026, 11, 30, 9, 0, tzinfo=TZ))))
    assert "Sie haben schon 2 Termine" in c.text
    assert len(await bookings_of(services, c.person_id)) == 2


async def test_the_limit_is_checked_again_when_confirming(services):
    c = chat(services, office="mh")
    await book_through_dialogue(c)
    await c.command("book")
    await c.press("Weiteren Termin buchen")
    await c.press("Schule")
    await c.press("Fr, 27.11.")
    await c.press("09:00")
    await c.press("Nein")
    await c.press("Ohne Notiz")
    async with services.sessions() as session:  # meanwhile, booked in another way
        await service.book(
            session,
            person_id=c.person_id,
            office=services.places.offices().get("ns"),
            start=datetime(2026, 11, 30, 9, 0, tzinfo=TZ),
            now=services.clock.now(),
        )
        await session.commit()
    await c.press("Verbindlich buchen")
    assert "Sie haben schon 2 Termine" in c.text
    assert len([b for b in await bookings_of(services, c.person_id) if b.status == "booked"]) == 2


async def test_a_note_that_is_too_long(services):
    c = chat(services, office="mh")
    await c.command("book")
    await c.press("Schule")
    await c.press("Do, 26.11.")
    await c.press("14:00")
    await c.press("Nein")
    await c.type("x" * 301)
    assert "zu lang (301 Zeichen)" in c.text and "300" in c.text
    assert await c.step() == "booking:note"
    await c.act(BookSkipNote())
    assert "Bitte prüfen Sie Ihren Termin" in c.text and "Notiz" not in c.text


async def test_abandoning_books_nothing(services):
    c = chat(services, office="mh")
    await c.command("book")
    await c.press("Schule")
    await c.press("Do, 26.11.")
    await c.press("14:00")
    await c.press("Nein")
    await c.press("Ohne Notiz")
    await c.press("Abbrechen")
    assert "nichts gebucht" in c.text and await c.step() is None
    assert await bookings_of(services, c.person_id) == []


async def test_later_days(services):
    c = chat(services, office="mh")
    await c.act(StartBooking(topic="school"))
    first_page = [a.day for a in c.actions(BookDay)]
    await c.press("Spätere Tage")
    second_page = [a.day for a in c.actions(BookDay)]
    assert "Weitere Tage" in c.text and second_page[0] > first_page[-1]
    assert "◀ Frühere Tage" in c.labels()
    assert second_page[-1] <= "2026-12-21"  # the horizon: 28 days from Monday 23 November


async def test_the_interpreter_is_offered_in_the_chat_language_first(services):
    c = chat(services, lang="en", office="mh")
    await c.command("book")
    await c.act(BookTopic("school"))
    await c.act(BookDay("2026-11-26"))
    await c.act(BookSlot("mh", slots.to_minutes(THU_14)))
    assert c.labels()[0] == "English" and c.actions()[0] == BookInterpreter("en")
    await c.press("English")
    assert (await c.data())["interpreter"] == "en"


async def test_an_office_without_free_days(services, monkeypatch):
    now = services.clock.now()
    closed = tuple(
        replace(o, closures=(Closure(now.date(), now.date() + timedelta(days=60), "Umbau"),))
        for o in load_offices().all
    )
    directory = OfficeDirectory(closed)

    class ClosedOffices(Places):
        def offices(self) -> OfficeDirectory:
            return directory

    monkeypatch.setattr(services, "places", ClosedOffices())
    c = chat(services, office="mh")
    await c.act(StartBooking(topic="school"))
    assert "in den nächsten 28 Tagen leider kein Termin mehr frei" in c.text
    assert "🏢 Anderes Büro" in c.labels() and "💬 Mit Mitarbeitenden sprechen" in c.labels()


async def test_staff_commands_are_unknown_in_a_private_chat(services):
    c = chat(services, office="mh")
    for name in ("today", "week", "cancel"):
        await c.command(name, "1")
        assert "Diesen Befehl kenne ich nicht" in c.text
