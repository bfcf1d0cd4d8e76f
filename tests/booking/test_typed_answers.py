"""Reading typed answers and booking requests (bot.booking.typed_answers, bot.booking.requests):
as people type them, in the ten languages, with typos, no punctuation and German mixed in."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.booking.requests import RequestKind, read_request
from bot.booking.typed_answers import (
    DayWish,
    TimeWish,
    all_words,
    choose_day,
    choose_time,
    day_wish,
    number_in,
    time_wish,
    weekday_in,
    yes_no,
)
from bot.understanding.language import SUPPORTED

MONDAY = date(2026, 11, 23)
OFFERED = [date(2026, 11, 24), date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 30), date(2026, 12, 4)]


def test_every_language_has_its_words() -> None:
    words = all_words()
    assert set(SUPPORTED) <= set(words)
    for lang in SUPPORTED:
        entry = words[lang]
        assert len(entry.weekdays) == 7 and len(entry.days) == 3, lang
        for name in ("yes", "no", "appointment", "cancel", "move", "late", "cant_come"):
            assert getattr(entry, name), (lang, name)


@pytest.mark.parametrize(
    ("text", "lang", "weekday"),
    [
        ("Freitag", "de", 4),
        ("freitags", "de", 4),
        ("frietag", "de", 4),
        ("Fr", "de", 4),
        ("Do bitte", "de", 3),
        ("friday", "en", 4),
        ("wensday pls", "en", 2),
        ("الجمعة", "ar", 4),
        ("يوم الخميس", "ar", 3),
        ("بالجمعه", "ar", 4),
        ("п'ятниця", "uk", 4),
        ("в четвер", "uk", 3),
        ("пятницу", "ru", 4),
        ("cuma", "tr", 4),
        ("cumartesi", "tr", 5),
        ("Perşembe günü", "tr", 3),
        ("persembe", "tr", 3),
        ("vineri", "ro", 4),
        ("joi", "ro", 3),
        ("петък", "bg", 4),
        ("четвъртък", "bg", 3),
        ("vendredi", "fr", 4),
        ("جمعه", "fa", 4),
        ("پنج شنبه", "fa", 3),
        ("پنج‌شنبه", "fa", 3),
        ("سه شنبه", "fa", 1),
        ("شنبه", "fa", 5),
        ("cuma Freitag", "tr", 4),  # German mixed in
    ],
)
def test_weekdays(text: str, lang: str, weekday: int) -> None:
    assert weekday_in(text, lang, whole_answer=True) == weekday
    assert day_wish(text, lang) == DayWish(weekday=weekday)


def test_abbreviations_only_as_the_whole_answer() -> None:
    assert weekday_in("Fr", "de", whole_answer=True) == 4
    assert weekday_in("what do you do on weekends", "en", whole_answer=True) is None
    assert weekday_in("ich gehe so oft wie möglich", "de") is None


@pytest.mark.parametrize(
    ("text", "lang", "offset"),
    [
        ("morgen", "de", 1),
        ("heute", "de", 0),
        ("übermorgen", "de", 2),
        ("tomorrow", "en", 1),
        ("tmrw", "en", 1),
        ("day after tomorrow", "en", 2),
        ("بكرا", "ar", 1),
        ("بعد بكرة", "ar", 2),
        ("فردا", "fa", 1),
        ("پس فردا", "fa", 2),
        ("завтра", "uk", 1),
        ("післязавтра", "uk", 2),
        ("послезавтра", "ru", 2),
        ("yarın", "tr", 1),
        ("yarin", "tr", 1),
        ("mâine", "ro", 1),
        ("maine", "ro", 1),
        ("утре", "bg", 1),
        ("demain", "fr", 1),
        ("après-demain", "fr", 2),
    ],
)
def test_relative_days(text: str, lang: str, offset: int) -> None:
    assert day_wish(text, lang) == DayWish(offset=offset)


def test_dates_and_days_of_the_month() -> None:
    assert day_wish("26.11.", "de") == DayWish(day=26, month=11)
    assert day_wish("am 27.11", "de") == DayWish(day=27, month=11)
    assert day_wish("30/11", "en") == DayWish(day=30, month=11)
    assert day_wish("am 27.", "de") == DayWish(day=27)
    assert day_wish("banana", "de") is None
    assert day_wish("ich weiß nicht", "de") is None


def test_choose_day_among_the_offered() -> None:
    assert choose_day(DayWish(weekday=4), OFFERED, today=MONDAY) == date(2026, 11, 27)  # the first Friday
    assert choose_day(DayWish(offset=1), OFFERED, today=MONDAY) == date(2026, 11, 24)
    assert choose_day(DayWish(offset=2), OFFERED, today=MONDAY) is None  # Wednesday: nothing free
    assert choose_day(DayWish(day=30), OFFERED, today=MONDAY) == date(2026, 11, 30)
    assert choose_day(DayWish(day=4, month=12), OFFERED, today=MONDAY) == date(2026, 12, 4)
    assert choose_day(DayWish(weekday=6), OFFERED, today=MONDAY) is None


@pytest.mark.parametrize(
    ("text", "wish"),
    [
        ("10", TimeWish(10)),
        ("10:30", TimeWish(10, 30)),
        ("um 10", TimeWish(10)),
        ("14.30 Uhr", TimeWish(14, 30)),
        ("halb 11", TimeWish(10, 30)),
        ("2 pm", TimeWish(14)),
        ("um 3", TimeWish(15)),
        ("saat 14:00", TimeWish(14, 0)),
        ("١٠:٣٠", TimeWish(10, 30)),
        ("10h30", TimeWish(10, 30)),
    ],
)
def test_times(text: str, wish: TimeWish) -> None:
    assert time_wish(text) == wish


def test_no_time() -> None:
    assert time_wish("banana") is None
    assert time_wish("25:00") is None


def test_choose_time() -> None:
    offered = [time(9, 0), time(9, 30), time(10, 0), time(10, 30)]
    assert choose_time(TimeWish(10), offered) == time(10, 0)
    assert choose_time(TimeWish(10, 30), offered) == time(10, 30)
    assert choose_time(TimeWish(11), offered) is None


@pytest.mark.parametrize(
    ("text", "lang", "answer"),
    [
        ("ja", "de", True),
        ("Ja bitte", "de", True),
        ("jaa passt", "de", True),
        ("nein danke", "de", False),
        ("nee", "de", False),
        ("yes", "en", True),
        ("yep", "en", True),
        ("no", "en", False),
        ("نعم", "ar", True),
        ("ايوه", "ar", True),
        ("لا", "ar", False),
        ("آره", "fa", True),
        ("بله", "fa", True),
        ("نه", "fa", False),
        ("так", "uk", True),
        ("ні", "uk", False),
        ("да", "ru", True),
        ("нет", "ru", False),
        ("evet", "tr", True),
        ("hayır", "tr", False),
        ("hayir", "tr", False),
        ("da", "ro", True),
        ("nu", "ro", False),
        ("да", "bg", True),
        ("не", "bg", False),
        ("oui", "fr", True),
        ("non merci", "fr", False),
        ("evet ja", "tr", True),
    ],
)
def test_yes_and_no(text: str, lang: str, answer: bool) -> None:
    assert yes_no(text, lang) is answer


def test_neither_yes_nor_no() -> None:
    assert yes_no("ja aber nicht am freitag", "de") is None
    assert yes_no("banana", "de") is None
    assert yes_no("yes I would like to know where the office is and when it opens", "en") is None


def test_numbers() -> None:
    assert number_in("2") == 2
    assert number_in("Nr. 3") == 3
    assert number_in("2.") == 2
    assert number_in("2 Kinder") is None


@pytest.mark.parametrize(
    ("text", "lang", "kind", "about_appointment"),
    [
        ("randevumu iptal et lütfen", "tr", RequestKind.CANCEL, True),
        ("termin absagen bitte", "tr", RequestKind.CANCEL, True),
        ("randevu termin absagen bitte", "ar", RequestKind.CANCEL, True),
        ("بدي الغي موعدي", "ar", RequestKind.CANCEL, True),
        ("نوبتم را لغو کنید", "fa", RequestKind.CANCEL, True),
        ("хочу скасувати запис", "uk", RequestKind.CANCEL, True),
        ("отмените мою запись пожалуйста", "ru", RequestKind.CANCEL, True),
        ("vreau sa anulez programarea", "ro", RequestKind.CANCEL, True),
        ("искам да откажа часа", "bg", RequestKind.CANCEL, True),
        ("je veux annuler mon rdv", "fr", RequestKind.CANCEL, True),
        ("cancle my apointment pls", "en", RequestKind.CANCEL, True),
        ("ich muss absagen", "de", RequestKind.CANCEL, False),
        ("kann ich meinen termin verschieben", "de", RequestKind.MOVE, True),
        ("can i change my appointment", "en", RequestKind.MOVE, True),
        ("randevumu ertelemek istiyorum", "tr", RequestKind.MOVE, True),
        ("хочу перенести запись", "ru", RequestKind.MOVE, True),
        ("بدي اجل موعدي", "ar", RequestKind.MOVE, True),
        ("gelemiyorum iptal edebilir miyiz", "tr", RequestKind.CANCEL, False),
        ("I can't come on Friday", "en", RequestKind.CANT_COME, False),
        ("ich kann am freitag nicht kommen", "de", RequestKind.CANT_COME, False),
        ("schaffe es heute nicht", "de", RequestKind.CANT_COME, False),
        ("ما بقدر اجي بكرا", "ar", RequestKind.CANT_COME, False),
        ("نمیتونم بیام", "fa", RequestKind.CANT_COME, False),
        ("yarın gelemiyorum", "tr", RequestKind.CANT_COME, False),
        ("nu pot sa vin vineri", "ro", RequestKind.CANT_COME, False),
        ("не мога да дойда в петък", "bg", RequestKind.CANT_COME, False),
        ("je ne pourrai pas venir jeudi", "fr", RequestKind.CANT_COME, False),
        ("не зможу прийти", "uk", RequestKind.CANT_COME, False),
        ("запізнюся на 10 хвилин", "uk", RequestKind.LATE, False),
        ("опоздаю на 15 минут", "ru", RequestKind.LATE, False),
        ("Ich verspäte mich", "de", RequestKind.LATE, False),
        ("im running late", "en", RequestKind.LATE, False),
        ("10 dakika gecikeceğim", "tr", RequestKind.LATE, False),
        ("رح اتأخر شوي", "ar", RequestKind.LATE, False),
        ("دیر میرسم", "fa", RequestKind.LATE, False),
        ("întârzii 10 minute", "ro", RequestKind.LATE, False),
        ("ще закъснея", "bg", RequestKind.LATE, False),
        ("je serai en retard", "fr", RequestKind.LATE, False),
    ],
)
def test_booking_requests(text: str, lang: str, kind: RequestKind, about_appointment: bool) -> None:
    request = read_request(text, lang)
    assert request is not None, text
    assert (request.kind, request.about_appointment) == (kind, about_appointment)


def test_the_day_named_in_a_request() -> None:
    request = read_request("I can't come on Friday", "en")
    assert request is not None and request.weekday == 4
    request = read_request("بدي الغي موعدي يوم الخميس", "ar")
    assert request is not None and request.weekday == 3


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("change the language please", "en"),
        ("I want to move to Dortmund", "en"),
        ("ich möchte einen termin", "de"),
        ("wo ist das büro", "de"),
        ("randevu almak istiyorum", "tr"),
        ("хочу записатися на консультацію", "uk"),
        ("هل اقدر اجي بدون موعد", "ar"),
        ("can I come without an appointment", "en"),
    ],
)
def test_not_a_request(text: str, lang: str) -> None:
    assert read_request(text, lang) is None
