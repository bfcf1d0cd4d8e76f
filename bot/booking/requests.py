"""What a person writes about a booking they have: cancel it, move it, "I can't come", "I'm late".

Pure, and read with the words of typed_words.yaml (the person's language, German and English):

    read_request("randevumu iptal et lütfen", "tr")   # BookingRequest(CANCEL, about_appointment=True)
    read_request("I can't come on Friday", "en")       # BookingRequest(CANT_COME, weekday=4)

`about_appointment` says an appointment word was there ("Termin", "randevu", "запис"): then the
message is surely about a booking. Without one ("ich muss absagen", "I'm late") it is only taken
as such by someone who has a booking (bot.dialogues.booking decides). Verbs as wide as "change"
or "ändern" count as a move only next to an appointment word ("change the language" is not).
When several kinds are there, the more explicit one wins: a move ("I can't come, can we move it")
before a cancellation, before "I'm late", before "I can't come".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.booking.typed_answers import (
    LanguageWords,
    Phrase,
    find,
    weekday_in,
    words_for,
    words_of,
)


class RequestKind(enum.Enum):
    MOVE = "move"
    CANCEL = "cancel"
    LATE = "late"
    CANT_COME = "cant_come"


@dataclass(frozen=True)
class BookingRequest:
    kind: RequestKind
    about_appointment: bool
    weekday: int | None = None  # the day named ("on Friday"): which booking is meant


def read_request(text: str, lang: str | None) -> BookingRequest | None:
    words = words_of(text)
    if not words:
        return None
    lists = words_for(lang)
    about_appointment = any(find(language.appointment, words) for language in lists)

    def said(kind: RequestKind) -> bool:
        for language in lists:
            if kind is RequestKind.MOVE:
                if find(language.move, words) or (about_appointment and find(language.change_needs_appointment, words)):
                    return True
            elif find(_phrases(language, kind), words):
                return True
        return False

    for kind in RequestKind:  # in order of precedence
        if said(kind):
            return BookingRequest(kind, about_appointment, weekday_in(text, lang))
    return None


def _phrases(language: LanguageWords, kind: RequestKind) -> tuple[Phrase, ...]:
    return {
        RequestKind.CANCEL: language.cancel,
        RequestKind.LATE: language.late,
        RequestKind.CANT_COME: language.cant_come,
    }[kind]
