"""Booking a consultation: /book, /mybookings, cancel and reschedule.

The booking in progress is a `Draft`, kept in the conversation state (so it survives a restart):
step "booking:<what we wait for>", data `Draft.to_state()`. Every handler changes the draft and
calls `advance`, which asks for the first thing still missing (one `ask_*` function per step):

    office -> topic -> day -> time -> interpreter -> note -> confirm

Buttons may be stale or forged (a slot taken meanwhile, a past day, someone else's booking id):
each one is checked again and answered with a clear message and fresh choices, never an error.
The database side (no double booking, at most two upcoming bookings) is bot.booking.service.

Typed text at a step is read as the answer (bot.booking.typed_answers: "Freitag", "um 10", "evet");
what fits no answer asks the step again with a one-line hint. What a person writes about a
booking they have ("randevumu iptal et", "I can't come on Friday", "запізнюся") leads to their
bookings with the fitting action (bot.booking.requests), and a new booking while one is open
shows it first.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

from babel import Locale, UnknownLocaleError
from babel.dates import get_day_names

from bot.booking import service, slots, typed_answers
from bot.booking.ics import booking_ics
from bot.booking.requests import BookingRequest, RequestKind, read_request
from bot.booking.slots import Slot, SlotProblem
from bot.content.locales import CURATED_LANGUAGES, html_to_plain
from bot.core.actions import (
    Action,
    BookAnother,
    BookConfirm,
    BookDay,
    BookDays,
    BookInterpreter,
    BookOffice,
    BookPickOffice,
    BookSkipNote,
    BookSlot,
    BookTopic,
    CancelBooking,
    FindMyOffice,
    MyBookings,
    OpenMenu,
    RescheduleBooking,
    ResumeBooking,
    StartBooking,
    TalkToStaff,
)
from bot.core.dispatch import Dialogue, Question
from bot.core.replies import (
    Choice,
    Document,
    Lines,
    Link,
    Msg,
    Plain,
    Reply,
    Text,
    column,
    grid,
    rows,
)
from bot.core.services import Services
from bot.core.turn import Replies, Turn
from bot.dialogues import staff_notes
from bot.places.calendar import to_local
from bot.places.districts import DistrictDirectory, named_in_sentence, read_place
from bot.places.formatting import format_date, format_time
from bot.places.offices import Office, OfficeDirectory
from bot.storage.models import Booking

log = logging.getLogger(__name__)
dialogue = Dialogue("booking")

A = TypeVar("A", bound=Action)
DraftHandler = Callable[["Turn", A, "Draft"], Awaitable["Replies"]]
BookingResult = service.BookResult | service.Moved | service.Refused

PREFIX = "booking:"
STEP_OFFICE = "booking:office"
STEP_TOPIC = "booking:topic"
STEP_DAY = "booking:day"
STEP_TIME = "booking:time"
STEP_INTERPRETER = "booking:interpreter"
STEP_NOTE = "booking:note"
STEP_CONFIRM = "booking:confirm"
# Not a step of the form (no draft, no "continue booking" after an emergency answer): the question
# "really cancel this one?", waiting for a typed yes or no.
STEP_CANCEL = "mybooking:cancel"
REQUEST_ORDER = 5  # around_question: inside free_text's (0, the answer's language), before the topics' (10)

TOPIC_OTHER = "other"
NOT_BOOKABLE_TOPICS = frozenset({"emergency"})  # an emergency needs 112/110 now, not an appointment
NO_INTERPRETER = "no"
DAYS_SHOWN = 8
DAYS_PER_ROW = 2
TIMES_PER_ROW = 4
LANGUAGES_PER_ROW = 3
TOPICS_PER_ROW = 2
NOTE_MAX = service.NOTE_MAX
# Interpreters are offered for the bot's curated languages (German needs none).
INTERPRETER_LANGUAGES = tuple(code for code in CURATED_LANGUAGES if code != "de")


# --- the draft ----------------------------------------------------------------------------------


@dataclass
class Draft:
    """The booking in progress. Kept in the conversation state as a plain dict (`to_state`), so it
    survives a restart; `interpreter` and `note` may be chosen as "none", hence their flags."""

    office: str | None = None
    topic: str | None = None
    day: date | None = None
    start: int | None = None  # the slot, as BookSlot carries it (slots.from_minutes)
    interpreter: str | None = None
    interpreter_chosen: bool = False
    note: str | None = None
    note_given: bool = False
    reschedule: int | None = None  # the booking being moved

    @classmethod
    def from_state(cls, data: Mapping[str, Any]) -> Draft:
        start, reschedule = data.get("start"), data.get("reschedule")
        return cls(
            office=data.get("office") or None,
            topic=data.get("topic") or None,
            day=_parse_day(data.get("day")),
            start=int(start) if start is not None else None,
            interpreter=data.get("interpreter"),
            interpreter_chosen="interpreter" in data,
            note=data.get("note"),
            note_given="note" in data,
            reschedule=int(reschedule) if reschedule else None,
        )

    def to_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {
            "office": self.office,
            "topic": self.topic,
            "day": self.day.isoformat() if self.day else None,
            "start": self.start,
            "reschedule": self.reschedule,
        }
        state = {key: value for key, value in state.items() if value is not None}
        if self.interpreter_chosen:
            state["interpreter"] = self.interpreter
        if self.note_given:
            state["note"] = self.note
        return state

    def at(self, office: str) -> Draft:
        """At another office: its own days and times."""
        if office == self.office:
            return self
        return replace(self, office=office, day=None, start=None)

    def without_time(self) -> Draft:
        return replace(self, start=None)

    def without_day(self) -> Draft:
        return replace(self, day=None, start=None)


async def draft_of(turn: Turn) -> Draft | None:
    """The booking in progress, or None when the conversation is not in the booking dialogue."""
    step = await turn.step()
    if step is None or not step.startswith(PREFIX):
        return None
    data = await turn.data()
    return Draft.from_state(data) if data else None


def on_a_draft(*, new: bool) -> Callable[[DraftHandler[A]], Callable[[Turn, A], Awaitable[Replies]]]:
    """A button of the booking dialogue, handled with the draft. Outside a booking (an old
    message): `new` starts a draft (after the limit check), else the booking has expired."""

    def wrap(handler: DraftHandler[A]) -> Callable[[Turn, A], Awaitable[Replies]]:
        @wraps(handler)
        async def pressed(turn: Turn, action: A) -> Replies:
            draft = await draft_of(turn)
            if draft is None:
                if not new:
                    return await start(turn, topic=None, notice=Msg("booking.expired"))
                upcoming = await service.upcoming_for(turn.session, turn.person.id, turn.now)
                if len(upcoming) >= service.MAX_UPCOMING:
                    await turn.leave()
                    return limit_reached(turn, upcoming)
                draft = Draft()
            return await handler(turn, action, draft)

        return pressed

    return wrap


# --- entry points ------------------------------------------------------------------------------


@dialogue.command("book")
async def book_command(turn: Turn, args: str = "") -> Replies:
    return await start(turn, topic=None)


@dialogue.intent("booking")
async def booking_asked(turn: Turn, question: Question) -> Replies:
    return await start(turn, topic=None)


@dialogue.action(StartBooking)
async def start_pressed(turn: Turn, action: StartBooking) -> Replies:
    return await start(turn, topic=action.topic)


@dialogue.action(BookAnother)
async def another_pressed(turn: Turn, action: BookAnother) -> Replies:
    return await start(turn, topic=action.topic, another=True)


async def start(turn: Turn, topic: str | None, *, notice: Msg | None = None, another: bool = False) -> Replies:
    """A fresh booking: the person's own office if we know it, the topic if the button said.
    With an appointment already open it is shown first, unless they chose to add `another`."""
    upcoming = await service.upcoming_for(turn.session, turn.person.id, turn.now)
    if len(upcoming) >= service.MAX_UPCOMING:
        await turn.leave()
        return limit_reached(turn, upcoming)
    if upcoming and not another:
        await turn.leave()
        return [_with_notice(notice, open_bookings(turn, upcoming, topic))]
    draft = Draft(topic=topic if topic is not None and _valid_topic(turn, topic) else None)
    if turn.services.places.offices().get(turn.person.office or "") is not None:
        draft.office = turn.person.office
    return await advance(turn, draft, notice=notice)


# --- the form: ask for the first thing still missing -------------------------------------------


async def advance(turn: Turn, draft: Draft, *, notice: Msg | None = None) -> Replies:
    """Ask for the first missing part of the draft (and save it in the conversation state)."""
    office = turn.services.places.offices().get(draft.office or "")
    if office is None:
        return await ask_office(turn, replace(draft, office=None), notice)
    if not draft.topic:
        return await ask_topic(turn, draft, notice)
    if draft.start is None:
        if draft.day is not None:
            return await ask_time(turn, office, draft, draft.day, notice=notice)
        return await ask_day(turn, office, draft, notice=notice)
    if not draft.interpreter_chosen:
        return await ask_interpreter(turn, draft, notice)
    if not draft.note_given:
        return await ask_note(turn, draft, notice)
    return await ask_confirmation(turn, office, draft, notice)


async def ask_office(turn: Turn, draft: Draft, notice: Msg | None = None) -> Replies:
    await _goto(turn, STEP_OFFICE, draft)
    buttons = [Choice(Plain(o.name), BookOffice(o.id)) for o in turn.services.places.offices().all]
    buttons.append(Choice(Msg("booking.find_my_office"), FindMyOffice()))
    return [_with_notice(notice, Reply(Msg("booking.which_office"), choices=column(buttons)))]


async def ask_topic(turn: Turn, draft: Draft, notice: Msg | None = None) -> Replies:
    await _goto(turn, STEP_TOPIC, draft)
    library = turn.services.flows
    buttons = [Choice(Msg(library.get(t).title), BookTopic(t)) for t in _topics(turn)]
    buttons.append(Choice(Msg("booking.topic_other"), BookTopic(TOPIC_OTHER)))
    return [_with_notice(notice, Reply(Msg("booking.which_topic"), choices=grid(buttons, TOPICS_PER_ROW)))]


async def ask_day(
    turn: Turn, office: Office, draft: Draft, *, after: date | None = None, notice: Msg | None = None
) -> Replies:
    await _goto(turn, STEP_DAY, draft.without_day())
    taken = await service.taken_in_horizon(turn.session, office, turn.now)
    days = slots.days_with_free_slots(office, now=turn.now, taken=taken, after=after, limit=DAYS_SHOWN + 1)
    footer = [Choice(Msg("booking.other_office"), BookPickOffice()), Choice(Msg("common.menu"), OpenMenu())]
    if not days and after is None:
        return [
            _with_notice(
                notice,
                Reply(
                    Msg("booking.no_days", office=office.name, days=office.appointments.horizon_days),
                    choices=rows(
                        [Choice(Msg("booking.other_office"), BookPickOffice())],
                        [Choice(Msg("common.talk_to_staff"), TalkToStaff()), Choice(Msg("common.menu"), OpenMenu())],
                    ),
                ),
            )
        ]
    shown = days[:DAYS_SHOWN]
    buttons = [Choice(Plain(day_label(d, turn.lang)), BookDay(d.isoformat())) for d in shown]
    paging = []
    if after is not None:
        paging.append(Choice(Msg("booking.earlier_days"), BookDays(None)))
    if len(days) > DAYS_SHOWN:
        paging.append(Choice(Msg("booking.later_days"), BookDays(shown[-1].isoformat())))
    question = Msg("booking.which_day_later" if after is not None else "booking.which_day", office=office.name)
    return [_with_notice(notice, Reply(question, choices=rows(*grid(buttons, DAYS_PER_ROW), paging, footer)))]


async def ask_time(turn: Turn, office: Office, draft: Draft, day: date, *, notice: Msg | None = None) -> Replies:
    taken = await service.taken_in_horizon(turn.session, office, turn.now)
    free = slots.free_slots_on(office, day, now=turn.now, taken=taken)
    if not free:
        return await ask_day(turn, office, draft, notice=notice or Msg("booking.day_unavailable"))
    await _goto(turn, STEP_TIME, replace(draft, day=day, start=None))
    buttons = [Choice(Plain(format_time(s.start, turn.lang)), BookSlot(office.id, s.minutes)) for s in free]
    question = Msg("booking.which_time", date=format_date(day, turn.lang, capitalize=True))
    footer = [Choice(Msg("booking.other_day"), BookDays(None)), Choice(Msg("common.menu"), OpenMenu())]
    return [_with_notice(notice, Reply(question, choices=rows(*grid(buttons, TIMES_PER_ROW), footer)))]


async def ask_interpreter(turn: Turn, draft: Draft, notice: Msg | None = None) -> Replies:
    await _goto(turn, STEP_INTERPRETER, draft)
    first: list[Choice | Link] = []
    if turn.lang in INTERPRETER_LANGUAGES:
        first.append(Choice(Plain(language_name(turn, turn.lang)), BookInterpreter(turn.lang)))
    first.append(Choice(Msg("booking.interpreter_no"), BookInterpreter(NO_INTERPRETER)))
    others = [
        Choice(Plain(language_name(turn, code)), BookInterpreter(code))
        for code in INTERPRETER_LANGUAGES
        if code != turn.lang
    ]
    return [
        _with_notice(
            notice, Reply(Msg("booking.interpreter_question"), choices=rows(first, *grid(others, LANGUAGES_PER_ROW)))
        )
    ]


async def ask_note(turn: Turn, draft: Draft, notice: Msg | None = None) -> Replies:
    await _goto(turn, STEP_NOTE, draft)
    return [
        _with_notice(
            notice,
            Reply(
                Msg("booking.note_question", max=NOTE_MAX),
                choices=rows([Choice(Msg("booking.skip_note"), BookSkipNote())]),
            ),
        )
    ]


async def ask_confirmation(turn: Turn, office: Office, draft: Draft, notice: Msg | None) -> Replies:
    await _goto(turn, STEP_CONFIRM, draft)
    assert draft.start is not None
    start_at = slots.from_minutes(draft.start)
    lines: list[Text] = [Msg("booking.check_move_title" if draft.reschedule else "booking.check_title")]
    lines += appointment_lines(
        turn, office, start_at, topic=draft.topic, interpreter=draft.interpreter, note=draft.note
    )
    confirm_label = "booking.confirm_yes"
    if draft.reschedule:
        confirm_label = "booking.confirm_move"
        old = await service.own_upcoming(turn.session, turn.person.id, draft.reschedule, turn.now)
        if isinstance(old, Booking):
            lines.append(Msg("booking.line_instead_of", when=when(turn, old.starts_at)))
    choices = rows(
        [Choice(Msg(confirm_label), BookConfirm(True))], [Choice(Msg("booking.confirm_no"), BookConfirm(False))]
    )
    return [_with_notice(notice, Reply(Lines(*lines), choices=choices))]


# --- button presses and typed text during the booking --------------------------------------------


@dialogue.action(BookPickOffice)
@on_a_draft(new=True)
async def pick_office_pressed(turn: Turn, action: BookPickOffice, draft: Draft) -> Replies:
    return await advance(turn, replace(draft, office=None))


@dialogue.action(BookOffice)
@on_a_draft(new=True)
async def office_pressed(turn: Turn, action: BookOffice, draft: Draft) -> Replies:
    if turn.services.places.offices().get(action.office) is None:
        return await advance(turn, replace(draft, office=None), notice=Msg("booking.office_unknown"))
    return await advance(turn, draft.at(action.office))


@dialogue.action(BookTopic)
@on_a_draft(new=True)
async def topic_pressed(turn: Turn, action: BookTopic, draft: Draft) -> Replies:
    if not _valid_topic(turn, action.topic):
        return await advance(turn, replace(draft, topic=None), notice=Msg("booking.topic_unknown"))
    return await advance(turn, replace(draft, topic=action.topic))


@dialogue.action(BookDays)
@on_a_draft(new=False)
async def days_pressed(turn: Turn, action: BookDays, draft: Draft) -> Replies:
    office = turn.services.places.offices().get(draft.office or "")
    if office is None:
        return await start(turn, topic=None, notice=Msg("booking.expired"))
    after = _parse_day(action.after)
    if after is not None and slots.check_day(office, after, now=turn.now) is not None:
        after = None
    return await ask_day(turn, office, draft, after=after)


@dialogue.action(BookDay)
@on_a_draft(new=False)
async def day_pressed(turn: Turn, action: BookDay, draft: Draft) -> Replies:
    office = turn.services.places.offices().get(draft.office or "")
    if office is None:
        return await start(turn, topic=None, notice=Msg("booking.expired"))
    day = _parse_day(action.day)
    if day is None or slots.check_day(office, day, now=turn.now) is not None:
        return await ask_day(turn, office, draft, notice=Msg("booking.day_unavailable"))
    return await advance(turn, replace(draft, day=day, start=None))


@dialogue.action(BookSlot)
@on_a_draft(new=True)
async def slot_pressed(turn: Turn, action: BookSlot, draft: Draft) -> Replies:
    office = turn.services.places.offices().get(action.office)
    if office is None:
        return await advance(turn, draft.without_time(), notice=Msg("booking.slot_unavailable"))
    draft = draft.at(office.id)
    try:
        start_at = slots.from_minutes(action.start)
    except (OverflowError, OSError, ValueError):
        return await advance(turn, draft.without_time(), notice=Msg("booking.slot_unavailable"))
    taken = await service.taken_in_horizon(turn.session, office, turn.now)
    problem = slots.check_slot(office, start_at, now=turn.now, taken=taken)
    if problem is not None:
        log.info("person %s pressed an unavailable slot (%s)", turn.person.id, problem.value)
        # Other times that day, if any, for a full or too early slot; other days otherwise.
        same_day = problem in (SlotProblem.FULL, SlotProblem.TOO_SOON)
        key = "booking.slot_taken" if problem is SlotProblem.FULL else "booking.slot_unavailable"
        return await advance(
            turn, replace(draft, start=None, day=to_local(start_at).date() if same_day else None), notice=Msg(key)
        )
    return await advance(turn, replace(draft, start=action.start, day=to_local(start_at).date()))


@dialogue.action(BookInterpreter)
@on_a_draft(new=False)
async def interpreter_pressed(turn: Turn, action: BookInterpreter, draft: Draft) -> Replies:
    language = action.language
    if language != NO_INTERPRETER and language not in INTERPRETER_LANGUAGES:
        return await advance(
            turn, replace(draft, interpreter=None, interpreter_chosen=False), notice=Msg("booking.interpreter_unknown")
        )
    return await advance(
        turn, replace(draft, interpreter=None if language == NO_INTERPRETER else language, interpreter_chosen=True)
    )


@dialogue.text_in_step(STEP_NOTE)
async def note_typed(turn: Turn, text: str) -> Replies:
    if len(text) > NOTE_MAX:
        return [
            Reply(
                Msg("booking.note_too_long", length=len(text), max=NOTE_MAX),
                choices=rows([Choice(Msg("booking.skip_note"), BookSkipNote())]),
            )
        ]
    draft = await draft_of(turn) or Draft()
    return await advance(turn, replace(draft, note=text, note_given=True))


@dialogue.action(BookSkipNote)
@on_a_draft(new=False)
async def skip_note_pressed(turn: Turn, action: BookSkipNote, draft: Draft) -> Replies:
    return await advance(turn, replace(draft, note=None, note_given=True))


@dialogue.action(ResumeBooking)
@on_a_draft(new=False)
async def resume_pressed(turn: Turn, action: ResumeBooking, draft: Draft) -> Replies:
    """After an emergency answer: the booking asks again for what it was waiting for."""
    return await advance(turn, draft)


@dialogue.action(BookConfirm)
async def confirm_pressed(turn: Turn, action: BookConfirm) -> Replies:
    if not action.confirm:
        await turn.leave()
        return [Reply(Msg("booking.abandoned"), choices=rows([Choice(Msg("common.menu"), OpenMenu())]))]
    draft = await draft_of(turn)
    if draft is None:  # e.g. a second tap after the booking went through: show what they have
        return await my_bookings(turn, notice=Msg("booking.nothing_to_confirm"))
    office = turn.services.places.offices().get(draft.office or "")
    if office is None or draft.start is None or not draft.topic or not draft.interpreter_chosen or not draft.note_given:
        return await advance(turn, draft)
    start_at = slots.from_minutes(draft.start)
    result: BookingResult
    if draft.reschedule:
        result = await service.reschedule(
            turn.session,
            person_id=turn.person.id,
            booking_id=draft.reschedule,
            start=start_at,
            now=turn.now,
            office=office,
        )
    else:
        result = await service.book(
            turn.session,
            person_id=turn.person.id,
            office=office,
            start=start_at,
            now=turn.now,
            topic=draft.topic,
            language=turn.lang,
            interpreter=draft.interpreter,
            note=draft.note,
        )
    return await _after_booking(turn, office, draft, result)


async def _after_booking(turn: Turn, office: Office, draft: Draft, result: BookingResult) -> Replies:
    outbox = turn.services.outbox
    if isinstance(result, service.Moved):
        await service.on_booking_changed(turn, result.old)
        await service.on_booking_changed(turn, result.new)
        await turn.leave()
        await outbox.to_staff(staff_notes.booking_moved(turn.services, result.old, result.new))
        return [confirmation(turn, result.new, title=Msg("booking.moved"))]
    if isinstance(result, service.Booked):
        if not result.already:
            await service.on_booking_changed(turn, result.booking)
        await turn.leave()
        if result.already:
            return [confirmation(turn, result.booking, title=Msg("booking.already_yours"))]
        await outbox.to_staff(staff_notes.booking_created(turn.services, result.booking))
        return [confirmation(turn, result.booking, title=Msg("booking.booked"))]
    if isinstance(result, service.SlotTaken):
        draft = draft.without_time()
        if not result.next_free:
            return await ask_day(turn, office, draft, notice=Msg("booking.slot_unavailable"))
        await _goto(turn, STEP_TIME, draft)
        return [alternatives(turn, office, result.next_free)]
    if isinstance(result, service.LimitReached):
        await turn.leave()
        return limit_reached(turn, list(result.upcoming))
    if isinstance(result, service.NotBookable):
        return await advance(turn, draft.without_day(), notice=Msg("booking.slot_unavailable"))
    # Refused: the booking being moved is gone (cancelled meanwhile, by staff perhaps)
    await turn.leave()
    return await my_bookings(turn, notice=Msg("booking.not_found"))


def alternatives(turn: Turn, office: Office, free: tuple[Slot, ...]) -> Reply:
    buttons = [
        Choice(
            Plain(f"{day_label(s.local_day, turn.lang)} {format_time(s.start, turn.lang)}"),
            BookSlot(office.id, s.minutes),
        )
        for s in free
    ]
    footer = [Choice(Msg("booking.other_day"), BookDays(None)), Choice(Msg("common.menu"), OpenMenu())]
    return Reply(Msg("booking.slot_taken"), choices=rows(*((b,) for b in buttons), footer))


def confirmation(turn: Turn, booking: Booking, *, title: Msg) -> Reply:
    office = turn.services.places.offices().get(booking.office)
    lines: list[Text] = [title]
    if office is not None:
        lines += appointment_lines(
            turn, office, booking.starts_at, topic=booking.topic, interpreter=booking.interpreter, note=booking.note
        )
    lines.append(Msg("booking.ics_hint"))
    document = calendar_file(turn, booking, office) if office is not None else None
    return Reply(
        Lines(*lines),
        document=document,
        choices=rows([Choice(Msg("booking.my_bookings"), MyBookings()), Choice(Msg("common.menu"), OpenMenu())]),
    )


ICS_ALARM_BEFORE = timedelta(hours=2)  # the calendar's own reminder, for those who close the chat


def calendar_file(turn: Turn, booking: Booking, office: Office) -> Document:
    catalog = turn.services.catalog

    def plain(text: Text) -> str:
        return html_to_plain(catalog.render(text, turn.lang))

    content = booking_ics(
        uid=f"booking-{booking.id}@lokal-willkommen.dortmund",
        start=booking.starts_at,
        end=booking.ends_at,
        stamp=turn.now,
        summary=plain(Msg("booking.ics_summary", office=office.name)),
        location=f"{office.name}, {office.address.one_line()}",
        description=plain(Msg("booking.ics_description", topic=topic_label(turn, booking.topic), id=booking.id)),
        alarm_before=ICS_ALARM_BEFORE,
    )
    return Document(filename=f"termin-{booking.id}.ics", content=content, mime_type="text/calendar")


# --- my bookings, cancel, reschedule ---------------------------------------------------------------


@dialogue.command("mybookings")
async def mybookings_command(turn: Turn, args: str = "") -> Replies:
    return await my_bookings(turn)


@dialogue.action(MyBookings)
async def mybookings_pressed(turn: Turn, action: MyBookings) -> Replies:
    return await my_bookings(turn)


async def my_bookings(turn: Turn, *, notice: Msg | None = None) -> Replies:
    upcoming = await service.upcoming_for(turn.session, turn.person.id, turn.now)
    if not upcoming:
        return [
            _with_notice(
                notice,
                Reply(
                    Msg("booking.my_none"),
                    choices=rows(
                        [Choice(Msg("booking.book_new"), StartBooking())], [Choice(Msg("common.menu"), OpenMenu())]
                    ),
                ),
            )
        ]
    return [_with_notice(notice, bookings_list(turn, upcoming, title=Msg("booking.my_title")))]


def open_bookings(turn: Turn, upcoming: list[Booking], topic: str | None) -> Reply:
    """ "You already have an appointment": it, and the choice to add another or move it."""
    lines: list[Text] = [Msg("booking.open_title")]
    lines += [booking_line(turn, booking) for booking in upcoming]
    lines.append(Msg("booking.open_question"))
    buttons: list[tuple[Choice, ...]] = [(Choice(Msg("booking.book_another"), BookAnother(topic)),)]
    buttons += [
        (Choice(Msg("booking.reschedule_button", date=short_when(turn, b.starts_at)), RescheduleBooking(b.id)),)
        for b in upcoming
    ]
    buttons.append((Choice(Msg("common.menu"), OpenMenu()),))
    return Reply(Lines(*lines), choices=tuple(buttons))


def booking_line(turn: Turn, booking: Booking) -> Msg:
    office = turn.services.places.offices().get(booking.office)
    return Msg(
        "booking.my_line",
        when=when(turn, booking.starts_at),
        office=office.name if office else booking.office,
        address=office.address.one_line() if office else "",
    )


def limit_reached(turn: Turn, upcoming: list[Booking]) -> Replies:
    return [bookings_list(turn, upcoming, title=Msg("booking.limit_reached", limit=service.MAX_UPCOMING))]


def bookings_list(
    turn: Turn, upcoming: list[Booking], *, title: Msg, cancel: bool = True, move: bool = True, book_new: bool = True
) -> Reply:
    """The bookings with a cancel and/or move button each."""
    lines: list[Text] = [title]
    buttons: list[tuple[Choice, ...]] = []
    for booking in upcoming:
        lines.append(booking_line(turn, booking))
        short = short_when(turn, booking.starts_at)
        row: list[Choice] = []
        if cancel:
            row.append(Choice(Msg("booking.cancel_button", date=short), CancelBooking(booking.id)))
        if move:
            row.append(Choice(Msg("booking.reschedule_button", date=short), RescheduleBooking(booking.id)))
        buttons.append(tuple(row))
    if book_new and len(upcoming) < service.MAX_UPCOMING:
        buttons.append((Choice(Msg("booking.book_new"), StartBooking()),))
    buttons.append((Choice(Msg("common.menu"), OpenMenu()),))
    return Reply(Lines(*lines), choices=tuple(buttons))


@dialogue.action(CancelBooking)
async def cancel_pressed(turn: Turn, action: CancelBooking) -> Replies:
    booking = await service.own_upcoming(turn.session, turn.person.id, action.booking, turn.now)
    if isinstance(booking, service.Refused):
        return await my_bookings(turn, notice=Msg("booking.not_found"))
    if not action.confirmed:
        return await ask_cancel(turn, booking)
    cancelled = await service.cancel(turn.session, booking.id, by="person", now=turn.now, person_id=turn.person.id)
    if isinstance(cancelled, service.Refused):
        return await my_bookings(turn, notice=Msg("booking.not_found"))
    await service.on_booking_changed(turn, cancelled)
    draft = await draft_of(turn)
    if (draft is not None and draft.reschedule == booking.id) or await turn.step() == STEP_CANCEL:
        await turn.leave()
    await turn.services.outbox.to_staff(staff_notes.booking_cancelled_by_person(turn.services, cancelled))
    return await my_bookings(turn, notice=Msg("booking.cancelled", when=when(turn, cancelled.starts_at)))


async def ask_cancel(turn: Turn, booking: Booking, notice: Msg | None = None) -> Replies:
    """ "Really cancel this one?", answered by a button or a typed yes or no (a booking being made
    meanwhile is kept: then only the buttons answer)."""
    if await draft_of(turn) is None:
        await turn.goto(STEP_CANCEL, booking=booking.id)
    office = turn.services.places.offices().get(booking.office)
    return [
        _with_notice(
            notice,
            Reply(
                Msg(
                    "booking.cancel_question",
                    when=when(turn, booking.starts_at),
                    office=office.name if office else booking.office,
                ),
                choices=rows(
                    [
                        Choice(Msg("booking.cancel_yes"), CancelBooking(booking.id, confirmed=True)),
                        Choice(Msg("booking.cancel_no"), MyBookings()),
                    ],
                    [
                        Choice(
                            Msg("booking.reschedule_button", date=short_when(turn, booking.starts_at)),
                            RescheduleBooking(booking.id),
                        )
                    ],
                ),
            ),
        )
    ]


@dialogue.action(RescheduleBooking)
async def reschedule_pressed(turn: Turn, action: RescheduleBooking) -> Replies:
    booking = await service.own_upcoming(turn.session, turn.person.id, action.booking, turn.now)
    if isinstance(booking, service.Refused):
        return await my_bookings(turn, notice=Msg("booking.not_found"))
    return await move(turn, booking)


async def move(turn: Turn, booking: Booking, notice: Msg | None = None) -> Replies:
    """Pick a new time for the booking; the old one stays until the new one is confirmed."""
    return await advance(
        turn,
        Draft(
            office=booking.office,
            topic=booking.topic or TOPIC_OTHER,
            interpreter=booking.interpreter,
            interpreter_chosen=True,
            note=booking.note,
            note_given=True,
            reschedule=booking.id,
        ),
        notice=notice,
    )


def cancelled_by_staff(services: Services, booking: Booking, lang: str) -> list[Reply]:
    """What the person is told when staff cancelled their booking (sent via the outbox)."""
    office = services.places.offices().get(booking.office)
    text = Msg(
        "booking.cancelled_by_staff",
        when=_when_in(lang, booking.starts_at),
        office=office.name if office else booking.office,
    )
    return [
        Reply(
            text,
            choices=rows(
                [Choice(Msg("booking.book_new"), StartBooking())], [Choice(Msg("booking.my_bookings"), MyBookings())]
            ),
        )
    ]


# --- what people write about their bookings -----------------------------------------------------


@dialogue.around_question(REQUEST_ORDER)
async def about_own_booking(turn: Turn, question: Question, answer: Callable[[], Awaitable[Replies]]) -> Replies:
    """ "Cancel my appointment", "I can't come on Friday", "I'm late": sure when an appointment
    word is there, otherwise only for someone who has a booking. Read by rules before the model's
    intent is used, which would take "Termin absagen" for a wish to book."""
    request = read_request(question.text, turn.lang)
    if request is None or question.intent == "emergency":
        return await answer()
    upcoming = await service.upcoming_for(turn.session, turn.person.id, turn.now)
    if not upcoming and not request.about_appointment:
        return await answer()
    return await answer_request(turn, request, upcoming)


async def answer_request(turn: Turn, request: BookingRequest, upcoming: list[Booking]) -> Replies:
    await turn.leave()
    if not upcoming:
        return [
            Reply(
                Msg("booking.request_none"),
                choices=rows(
                    [Choice(Msg("booking.book_new"), StartBooking())], [Choice(Msg("common.menu"), OpenMenu())]
                ),
            )
        ]
    if request.weekday is not None:  # "on Friday": the Friday one, if there is one
        that_day = [b for b in upcoming if to_local(b.starts_at).weekday() == request.weekday]
        upcoming = that_day or upcoming
    if request.kind is RequestKind.LATE:
        return [late_answer(turn, upcoming[0])]
    if request.kind is RequestKind.CANCEL:
        if len(upcoming) == 1:
            return await ask_cancel(turn, upcoming[0])
        return [bookings_list(turn, upcoming, title=Msg("booking.which_to_cancel"), move=False, book_new=False)]
    if request.kind is RequestKind.MOVE:
        if len(upcoming) == 1:
            return await move(
                turn, upcoming[0], notice=Msg("booking.move_intro", when=when(turn, upcoming[0].starts_at))
            )
        return [bookings_list(turn, upcoming, title=Msg("booking.which_to_move"), cancel=False, book_new=False)]
    return [bookings_list(turn, upcoming, title=Msg("booking.cant_come"), book_new=False)]


def late_answer(turn: Turn, booking: Booking) -> Reply:
    """Calm: call the office, and the appointment it is about."""
    office = turn.services.places.offices().get(booking.office)
    phones = office.contact.phones if office is not None else ()
    lines: list[Text] = [Msg("booking.late_call", phone=phones[0]) if phones else Msg("booking.late_no_phone")]
    lines.append(booking_line(turn, booking))
    short = short_when(turn, booking.starts_at)
    return Reply(
        Lines(*lines),
        choices=rows(
            [
                Choice(Msg("booking.reschedule_button", date=short), RescheduleBooking(booking.id)),
                Choice(Msg("booking.cancel_button", date=short), CancelBooking(booking.id)),
            ],
            [Choice(Msg("common.menu"), OpenMenu())],
        ),
    )


# --- typed answers at the steps -------------------------------------------------------------------

StepReader = Callable[[Turn, "Draft", str], Awaitable[Replies | None]]


@dialogue.text_in_step(PREFIX, prefix=True)
async def typed_at_step(turn: Turn, text: str) -> Replies:
    """Typed text where a button was asked for: the answer if it reads as one, a booking request
    with an appointment word ("Termin absagen"), else the step again with a one-line hint."""
    request = read_request(text, turn.lang)
    if request is not None and request.about_appointment:
        return await answer_request(turn, request, await service.upcoming_for(turn.session, turn.person.id, turn.now))
    step = await turn.step() or ""
    draft = await draft_of(turn) or Draft()
    reader = STEP_READERS.get(step)
    if reader is not None:
        replies = await reader(turn, draft, text)
        if replies is not None:
            return replies
    return await advance(turn, draft, notice=Msg(STEP_HINTS.get(step, "booking.typed_hint_day")))


async def _office_typed(turn: Turn, draft: Draft, text: str) -> Replies | None:
    offices = list(turn.services.places.offices().all)
    number = typed_answers.number_in(text)
    if number is not None and 1 <= number <= len(offices):
        return await advance(turn, draft.at(offices[number - 1].id))
    typed = [form for forms in typed_answers.words_of(text) for form in forms if len(form) >= 4]
    for office in offices:
        # "lokal willkommen Mengede/Huckarde": the place names in it are what people type
        names = [
            forms[0]
            for forms in typed_answers.words_of(office.name)
            if len(forms[0]) >= 4 and forms[0] not in _OFFICE_NAME_WORDS
        ]
        if any(form.startswith(name[:5]) or name.startswith(form) for form in typed for name in names):
            return await advance(turn, draft.at(office.id))
    serving = office_for_place(text, turn.services.places.districts(), turn.services.places.offices())
    return await advance(turn, draft.at(serving.id)) if serving is not None else None


def office_for_place(text: str, directory: DistrictDirectory, offices: OfficeDirectory) -> Office | None:
    """The one office serving the district, Stadtteil or postal code in `text` ("евінг", "в Хёрде",
    "eving'de", "44339"); None when none is named or they are served by several offices."""
    reading = read_place(text, directory)
    matches = reading.matches if reading.only_a_place else tuple(named_in_sentence(reading, directory))
    serving = {office.id: office for m in matches if (office := offices.for_district(m.district.id)) is not None}
    return next(iter(serving.values())) if len(serving) == 1 else None


_OFFICE_NAME_WORDS = frozenset({"lokal", "willkommen"})


async def _topic_typed(turn: Turn, draft: Draft, text: str) -> Replies | None:
    topics = [*_topics(turn), TOPIC_OTHER]
    number = typed_answers.number_in(text)
    if number is not None and 1 <= number <= len(topics):
        return await advance(turn, replace(draft, topic=topics[number - 1]))
    understanding = await turn.understanding(text)
    if understanding is not None and understanding.confident and understanding.intent in topics:
        return await advance(turn, replace(draft, topic=understanding.intent))
    return None


async def _day_typed(turn: Turn, draft: Draft, text: str) -> Replies | None:
    office = turn.services.places.offices().get(draft.office or "")
    wish = typed_answers.day_wish(text, turn.lang)
    if office is None or wish is None:
        return None
    taken = await service.taken_in_horizon(turn.session, office, turn.now)
    days = slots.days_with_free_slots(office, now=turn.now, taken=taken)
    day = typed_answers.choose_day(wish, days, today=slots.today(turn.now))
    if day is None:
        return await ask_day(turn, office, draft, notice=Msg("booking.typed_day_none"))
    return await ask_time(turn, office, replace(draft, day=day, start=None), day)


async def _time_typed(turn: Turn, draft: Draft, text: str) -> Replies | None:
    office = turn.services.places.offices().get(draft.office or "")
    if office is None or draft.day is None:
        return None
    wish = typed_answers.time_wish(text)
    if wish is None:  # another day instead ("lieber Freitag")
        return await _day_typed(turn, draft.without_day(), text)
    taken = await service.taken_in_horizon(turn.session, office, turn.now)
    free = slots.free_slots_on(office, draft.day, now=turn.now, taken=taken)
    starts = {to_local(s.start).time().replace(tzinfo=None): s for s in free}
    chosen = typed_answers.choose_time(wish, list(starts))
    if chosen is None:
        return await ask_time(turn, office, draft, draft.day, notice=Msg("booking.typed_time_none"))
    return await advance(turn, replace(draft, start=starts[chosen].minutes))


async def _interpreter_typed(turn: Turn, draft: Draft, text: str) -> Replies | None:
    answer = typed_answers.yes_no(text, turn.lang)
    if answer is False:
        return await advance(turn, replace(draft, interpreter=None, interpreter_chosen=True))
    if answer is True and turn.lang in INTERPRETER_LANGUAGES:
        return await advance(turn, replace(draft, interpreter=turn.lang, interpreter_chosen=True))
    typed = [form for forms in typed_answers.words_of(text) for form in forms if len(form) >= 4]
    for code in INTERPRETER_LANGUAGES:
        names = [
            forms[0]
            for name in _language_names(turn, code)
            for forms in typed_answers.words_of(name)[:1]
            if len(forms[0]) >= 4
        ]
        if any(form.startswith(name[:5]) for form in typed for name in names):
            return await advance(turn, replace(draft, interpreter=code, interpreter_chosen=True))
    return None


def _language_names(turn: Turn, code: str) -> list[str]:
    """A language's name in itself, German, English and the person's language ("Arabisch", "Arapça")."""
    names = [language_name(turn, code)]
    for lang in dict.fromkeys(("de", "en", turn.lang)):
        try:
            names.append(Locale.parse(code).get_display_name(lang) or "")
        except (UnknownLocaleError, ValueError):
            continue
    return [name for name in names if name]


async def _confirm_typed(turn: Turn, draft: Draft, text: str) -> Replies | None:
    answer = typed_answers.yes_no(text, turn.lang)
    if answer is None:
        return None
    return await confirm_pressed(turn, BookConfirm(answer))


STEP_READERS: dict[str, StepReader] = {
    STEP_OFFICE: _office_typed,
    STEP_TOPIC: _topic_typed,
    STEP_DAY: _day_typed,
    STEP_TIME: _time_typed,
    STEP_INTERPRETER: _interpreter_typed,
    STEP_CONFIRM: _confirm_typed,
}
STEP_HINTS = {
    STEP_OFFICE: "booking.typed_hint_office",
    STEP_TOPIC: "booking.typed_hint_topic",
    STEP_DAY: "booking.typed_hint_day",
    STEP_TIME: "booking.typed_hint_time",
    STEP_INTERPRETER: "booking.typed_hint_interpreter",
    STEP_CONFIRM: "booking.typed_hint_confirm",
}


@dialogue.text_in_step(STEP_CANCEL)
async def cancel_typed(turn: Turn, text: str) -> Replies:
    """A typed answer to "really cancel?"."""
    data = await turn.data()
    booking = await service.own_upcoming(turn.session, turn.person.id, int(data.get("booking") or 0), turn.now)
    if isinstance(booking, service.Refused):
        await turn.leave()
        return await my_bookings(turn, notice=Msg("booking.not_found"))
    request = read_request(text, turn.lang)
    if request is not None and request.kind is RequestKind.MOVE:
        await turn.leave()
        return await move(turn, booking)
    answer = typed_answers.yes_no(text, turn.lang)
    if answer is None and request is not None and request.kind is RequestKind.CANCEL:
        answer = True  # "ja absagen", "iptal et"
    if answer is None:
        return await ask_cancel(turn, booking, notice=Msg("booking.typed_hint_confirm"))
    await turn.leave()
    if not answer:
        return await my_bookings(turn)
    return await cancel_pressed(turn, CancelBooking(booking.id, confirmed=True))


# --- texts -------------------------------------------------------------------------------------


def appointment_lines(
    turn: Turn, office: Office, start: datetime, *, topic: str | None, interpreter: str | None, note: str | None
) -> list[Text]:
    lines: list[Text] = [
        Msg("booking.line_when", when=when(turn, start)),
        Msg("booking.line_office", office=office.name),
        Msg("booking.line_address", address=office.address.one_line()),
        Msg("booking.line_topic", topic=topic_label(turn, topic)),
    ]
    if interpreter:
        lines.append(Msg("booking.line_interpreter", language=language_name(turn, interpreter)))
    else:
        lines.append(Msg("booking.line_no_interpreter"))
    if note:
        lines.append(Msg("booking.line_note", note=note))  # escaped by Catalog.render
    return lines


def language_name(turn: Turn, code: str) -> str:
    """A language's own name ("العربية", "Українська"), as the language picker shows it."""
    catalog = turn.services.catalog
    if catalog.supports(code):
        return catalog.name_of(code)
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:]


def topic_label(turn: Turn, topic: str | None) -> Msg:
    library = turn.services.flows
    if topic and topic in library:
        return Msg(library.get(topic).title)
    return Msg("booking.topic_other")


def when(turn: Turn, moment: datetime) -> Msg:
    """ "Donnerstag, 26. November, 09:00 Uhr" in the person's language."""
    return _when_in(turn.lang, moment)


def _when_in(lang: str, moment: datetime) -> Msg:
    return Msg("booking.when", date=format_date(moment, lang, capitalize=True), time=format_time(moment, lang))


def short_when(turn: Turn, moment: datetime) -> str:
    """ "Do, 26.11. 09:00" for a button."""
    return f"{day_label(to_local(moment).date(), turn.lang)} {format_time(moment, turn.lang)}"


def day_label(day: date, lang: str) -> str:
    """ "Do, 26.11." (abbreviated weekday in the person's language, day and month as digits)."""
    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("de")
    name = str(get_day_names("abbreviated", context="format", locale=locale)[day.weekday()]).rstrip(".")
    name = name[:1].upper() + name[1:]
    return f"{name}, {day.day:02d}.{day.month:02d}."


# --- helpers -----------------------------------------------------------------------------------


def _topics(turn: Turn) -> list[str]:
    return [t for t in turn.services.flows.topics() if t not in NOT_BOOKABLE_TOPICS]


def _valid_topic(turn: Turn, topic: str) -> bool:
    return topic == TOPIC_OTHER or topic in _topics(turn)


def _parse_day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


async def _goto(turn: Turn, step: str, draft: Draft) -> None:
    await turn.goto(step, **draft.to_state())


def _with_notice(notice: Msg | None, reply: Reply) -> Reply:
    """Put a notice ("this time is taken") in front of a question, in one message."""
    if notice is None:
        return reply
    return Reply(
        Lines(notice, reply.text),
        choices=reply.choices,
        ask_location=reply.ask_location,
        remove_keyboard=reply.remove_keyboard,
        venue=reply.venue,
        document=reply.document,
    )
