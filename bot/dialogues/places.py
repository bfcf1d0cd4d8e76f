"""'Which office is mine?' and 'When are you open?'.

The district comes from a shared location, a typed district/Stadtteil name or a postal code; it is
stored on the person (only the district and office, never the location itself). A place is read
however it is written (bot.places.districts.read_place): a message that is only a place ("Eving",
"44147", "в Евінгу") is an answer to "where do you live?" in any state; "my office" ("mein Büro",
"مكتبي") opens the finder and is never a place name; the prompt that asks where one lives takes a
place and lets a question about something else go to the question path. 'When are you open?'
without a known office answers first: all offices' hours in one message, then "which is yours?"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from bot.content.locales import RTL_LANGUAGES
from bot.core import kept_facts
from bot.core.actions import (
    AskPlace,
    FindMyOffice,
    OpenMenu,
    PickDistrict,
    ShowHours,
    ShowOffice,
    StartBooking,
    TalkToStaff,
)
from bot.core.dispatch import Dialogue, Question
from bot.core.replies import Choice, Lines, Msg, Plain, Reply, Venue, rows
from bot.core.turn import Replies, Turn
from bot.dialogues.office_closures import closure_lines
from bot.places import opening_hours
from bot.places.calendar import to_local
from bot.places.districts import (
    District,
    DistrictMatch,
    PlaceReading,
    named_in_sentence,
    read_place,
    says_my_office,
)
from bot.places.finder import OfficeFinding, office_for_location
from bot.places.formatting import (
    format_date,
    format_distance_km,
    format_time,
    format_time_range,
    format_weekly_hours,
    hours_lines,
    weekday_name,
)
from bot.places.offices import Office, Place
from bot.places.timetable import WEEKDAY_KEYS
from bot.places.where_asked import asks_where, without_where_words

dialogue = Dialogue("places")
AWAIT_PLACE = "places:await_place"


# --- entry points ----------------------------------------------------------------------------

# Intents a place named in an unsure question most likely belongs to.
PLACE_INTENTS = ("hours", "office")
# "und wo genau ist das denn": a follow-up is short; a longer "where" question is a question of its own.
FOLLOW_UP_WORDS = 6
# What the model makes of "what's the address" without a topic word ("authorities": which office?).
FOLLOW_UP_INTENTS = (None, *PLACE_INTENTS, "authorities")


def districts_named(turn: Turn, text: str) -> list[District]:
    """The districts clearly named inside a sentence ("Wann ist das Büro in Eving offen?",
    "часы работы в Хёрде", "plz 44147 welches büro"), one each, best first."""
    directory = turn.services.places.districts()
    return _districts(named_in_sentence(read_place(text, directory), directory))


def _districts(matches: list[DistrictMatch] | tuple[DistrictMatch, ...]) -> list[District]:
    return list({m.district.id: m.district for m in matches}.values())


@dialogue.command("office")
async def office_command(turn: Turn, args: str = "") -> Replies:
    """/office, /office Hörde, or a typed question about the office (the whole sentence as args)."""
    if not args.strip():
        return await my_office(turn)
    directory = turn.services.places.districts()
    reading = read_place(args, directory)
    if reading.only_a_place:
        return await place_answer(turn, reading)
    named = named_in_sentence(reading, directory)
    if named:
        return await place_answer(turn, PlaceReading(tuple(named), reading.postal_codes, ()))
    return await my_office(turn)


@dialogue.around_question(50)
async def places_however_asked(turn: Turn, question: Question, answer: Callable[[], Awaitable[Replies]]) -> Replies:
    """A message that is only a place is the answer to "where do you live?", whatever state the
    conversation is in; a postal code in a "where" question finds its office, whatever topic words
    are around it; "wo ist das?" right after an office's card or hours shows that office's card;
    "my office" opens the finder; a place named in a question the model was unsure of
    ("öfnungszeiten hörde") is answered for that office."""
    directory = turn.services.places.districts()
    reading = read_place(question.text, directory)
    if reading.only_a_place and question.intent != "emergency":
        return await place_answer(turn, reading)
    named = named_in_sentence(reading, directory)
    if question.intent != "emergency" and asks_where(question.text):
        if any(m.kind == "postal_code" for m in named):  # "الرمز البريدي تبعي ٤٤٣٣٩ وين لازم روح"
            return await place_answer(turn, PlaceReading(tuple(named), reading.postal_codes, ()))
        shown = turn.services.places.offices().get(kept_facts.office_shown_before(turn) or "")
        if shown is not None and not named and await _follows_up(turn, question, reading):
            return office_card(turn, shown, note=None)  # "wo ist das?" right after its hours
    if question.intent in (None, "office", "authorities") and says_my_office(question.text, directory):
        if named:  # "plz 44339, mein Büro"
            return await place_answer(turn, PlaceReading(tuple(named), reading.postal_codes, ()))
        return await my_office(turn)
    if question.intent is None and named:
        likeliest = question.alternatives[0][0] if question.alternatives else None
        if likeliest in PLACE_INTENTS:
            return await question.answer_as(likeliest)
    return await answer()


async def _follows_up(turn: Turn, question: Question, reading: PlaceReading) -> bool:
    """A short "where is it?" with no topic of its own: about the office just shown. The model
    reads "what's the address" as "authorities" (which office?), as it does "wo ist die
    Ausländerbehörde": what is left without the "where" words tells them apart."""
    if question.intent not in FOLLOW_UP_INTENTS or len(reading.other_words) > FOLLOW_UP_WORDS:
        return False
    if question.intent in (None, *PLACE_INTENTS):
        return True
    rest_text = without_where_words(question.text)
    if not rest_text:
        return True
    rest = await turn.understanding(rest_text)
    return rest is None or not rest.confident or rest.intent in PLACE_INTENTS


@dialogue.intent("office")
async def office_asked(turn: Turn, question: Question) -> Replies:
    """The question itself may name a district."""
    return await office_command(turn, question.text)


@dialogue.action(FindMyOffice)
async def find_pressed(turn: Turn, action: FindMyOffice) -> Replies:
    return await my_office(turn)


@dialogue.action(AskPlace)
async def ask_pressed(turn: Turn, action: AskPlace) -> Replies:
    return await ask_place(turn)


async def my_office(turn: Turn) -> Replies:
    office = turn.services.places.offices().get(turn.person.office or "")
    if office is None:
        return await ask_place(turn)
    return office_card(turn, office, note=None)


async def ask_place(turn: Turn) -> Replies:
    await turn.goto(AWAIT_PLACE)
    return [Reply(Msg("places.ask_place"), ask_location=True)]


@dialogue.on_location
async def location_shared(turn: Turn, latitude: float, longitude: float) -> Replies:
    await turn.leave()
    places = turn.services.places
    finding = office_for_location(latitude, longitude, offices=places.offices(), districts=places.districts())
    if finding is None:
        return outside_dortmund(turn)
    remember_district(turn, finding.district, finding.office)
    return located(turn, finding)


@dialogue.text_in_step(AWAIT_PLACE)
async def place_typed(turn: Turn, text: str) -> Replies:
    """The prompt asked for a district, Stadtteil or postal code: it takes one however written;
    "my office" asks again; a question about something else is answered as a question (a place
    named in it is kept); anything else gets the prompt's hint again."""
    directory = turn.services.places.districts()
    reading = read_place(text, directory)
    if reading.only_a_place:
        return await place_answer(turn, reading)
    if not reading.matches and says_my_office(text, directory):
        return await ask_place(turn)
    understanding = await turn.understanding(text)
    intent = understanding.intent if understanding is not None and understanding.confident else None
    in_sentence = named_in_sentence(reading, directory)
    if in_sentence and intent in (None, *PLACE_INTENTS):  # "Eving bitte", "wann hat eving offen"
        return await place_answer(turn, PlaceReading(tuple(in_sentence), reading.postal_codes, ()))
    if intent is not None and turn.answer_question is not None:
        named = _districts(in_sentence)
        if len(named) == 1:  # "Schule in Hörde": where they live is said, the question is another
            office = turn.services.places.offices().for_district(named[0].id)
            if office is not None:
                remember_district(turn, named[0], office)
        await turn.leave()
        return await turn.answer_question(text)
    return [
        Reply(
            Msg("places.not_found"),
            ask_location=True,
            choices=rows([Choice(Msg("common.talk_to_staff"), TalkToStaff()), Choice(Msg("common.menu"), OpenMenu())]),
        )
    ]


async def place_answer(turn: Turn, reading: PlaceReading) -> Replies:
    """The office for the place read; asks which district when the place or postal code names
    several (the candidates as buttons), and for the place again when the postal code is unknown."""
    names = [m for m in reading.matches if m.kind != "postal_code"]
    by_code = [m for m in reading.matches if m.kind == "postal_code"]
    if not names and not by_code:
        await turn.goto(AWAIT_PLACE)
        return [Reply(Msg("places.unknown_postal_code", code=reading.unknown_postal_codes[0]), ask_location=True)]
    if not names:
        found = _districts(by_code)
        if len(found) > 1:
            await turn.goto(AWAIT_PLACE)
            return [pick_district(turn, found, Msg("places.postal_code_several", code=by_code[0].matched))]
        return await district_chosen(turn, found[0].id)
    best = names[0]
    rivals = [m.district for m in names if m.district.id != best.district.id and m.score >= best.score - 0.05]
    if rivals:  # "Innenstadt" (three districts), or a typo as close to two names
        await turn.goto(AWAIT_PLACE)
        return [pick_district(turn, [best.district, *rivals], Msg("places.which_district"))]
    return await district_chosen(turn, best.district.id)


@dialogue.action(PickDistrict)
async def district_pressed(turn: Turn, action: PickDistrict) -> Replies:
    return await district_chosen(turn, action.district)


async def district_chosen(turn: Turn, district_id: str) -> Replies:
    district = turn.services.places.districts().get(district_id)
    office = turn.services.places.offices().for_district(district_id)
    if district is None or office is None:
        return await ask_place(turn)
    await turn.leave()
    remember_district(turn, district, office)
    return office_card(turn, office, note=Msg("places.your_office_for", district=district.name))


@dialogue.action(ShowOffice)
async def office_pressed(turn: Turn, action: ShowOffice) -> Replies:
    office = turn.services.places.offices().get(action.office)
    if office is None:
        return await my_office(turn)
    return office_card(turn, office, note=None)


@dialogue.command("hours")
async def hours_command(turn: Turn, args: str = "") -> Replies:
    """/hours, /hours Eving, or a typed question about the hours: a named place's office, else the
    person's own, else all offices (answer first)."""
    offices = turn.services.places.offices()
    named = (
        {office.id for d in districts_named(turn, args) if (office := offices.for_district(d.id)) is not None}
        if args.strip()
        else set()
    )
    if len(named) == 1:
        return hours_for(turn, named.pop())
    return hours_for(turn, turn.person.office)


@dialogue.intent("hours")
async def hours_asked(turn: Turn, question: Question) -> Replies:
    return await hours_command(turn, question.text)


@dialogue.action(ShowHours)
async def hours_pressed(turn: Turn, action: ShowHours) -> Replies:
    return hours_for(turn, action.office or turn.person.office)


# --- answers ---------------------------------------------------------------------------------


def remember_district(turn: Turn, district: District, office: Office) -> None:
    turn.person.district = district.id
    turn.person.office = office.id


def pick_district(turn: Turn, districts: list[District], question: Msg) -> Reply:
    buttons = [Choice(Plain(d.name), PickDistrict(d.id)) for d in districts]
    return Reply(question, choices=tuple((b,) for b in buttons))


def outside_dortmund(turn: Turn) -> Replies:
    names = ", ".join(o.name for o in turn.services.places.offices().all)
    buttons = [Choice(Plain(o.name), ShowOffice(o.id)) for o in turn.services.places.offices().all]
    return [
        Reply(Msg("places.outside_dortmund", offices=names), remove_keyboard=True, choices=tuple((b,) for b in buttons))
    ]


def located(turn: Turn, finding: OfficeFinding) -> Replies:
    lang = turn.lang
    lines: list[Msg] = [Msg("places.you_are_in", stadtteil=finding.stadtteil.name, district=finding.district.name)]
    if finding.near_border:
        lines.append(Msg("places.near_border"))
    lines.append(Msg("places.distance", km=format_distance_km(finding.distance_km, lang)))
    if finding.closest_office is not None and finding.closest_distance_km is not None:
        lines.append(
            Msg(
                "places.closer_office",
                office=finding.closest_office.name,
                km=format_distance_km(finding.closest_distance_km, lang),
            )
        )
    note = _join(lines)
    return office_card(turn, finding.office, note=note, remove_keyboard=True)


def office_card(turn: Turn, office: Office, *, note: Msg | Lines | None, remove_keyboard: bool = False) -> Replies:
    lang = turn.lang
    kept_facts.office_shown(turn, office.id)
    parts: list[Msg | Lines] = []
    if note is not None:
        parts.append(note)
    parts.append(Msg("places.office_title", office=office.name, partner=office.partner))
    parts.append(Msg("places.address", address=office.address.one_line()))
    parts.append(today_line(turn, office))
    parts.append(status_line(turn, office))
    parts += closure_lines(turn, office)
    parts += places_status_lines(turn, office)
    if office.contact.phones:
        parts.append(Msg("places.phone", phone=", ".join(office.contact.phones)))
    if office.contact.emails:
        parts.append(Msg("places.email", email=", ".join(office.contact.emails)))
    if office.contact.languages:
        names = ", ".join(
            turn.services.catalog.name_of(code) if turn.services.catalog.supports(code) else code
            for code in office.contact.languages
        )
        parts.append(Msg("places.languages", languages=names))
    if not office.address.postal_code_verified:
        parts.append(Msg("places.as_of", date=format_date(office.address.source.as_of, lang, with_year=True)))
    venue = Venue(
        latitude=office.location.lat,
        longitude=office.location.lon,
        title=office.name,
        address=office.address.one_line(),
    )
    choices = rows(
        [Choice(Msg("places.all_hours"), ShowHours(office.id)), Choice(Msg("menu.book"), StartBooking())],
        [Choice(Msg("places.other_place"), AskPlace()), Choice(Msg("common.menu"), OpenMenu())],
    )
    return [Reply(_join(parts), choices=choices, venue=venue, remove_keyboard=remove_keyboard)]


def hours_for(turn: Turn, office_id: str | None) -> Replies:
    offices = turn.services.places.offices()
    office = offices.get(office_id or "")
    if office is None:
        return all_hours(turn)
    kept_facts.office_shown(turn, office.id)
    lang = turn.lang
    lines = [Msg("places.hours_title", office=office.name)]
    lines += [Msg("places.hours_line", line=line) for line in format_weekly_hours(office, lang)]
    if office.by_appointment:
        lines.append(Msg("places.by_appointment"))
    if office.closed_on_public_holidays:
        lines.append(Msg("places.closed_on_holidays"))
    lines.append(status_line(turn, office))
    lines += closure_lines(turn, office)
    lines += places_status_lines(turn, office)
    for place in office.places:
        name = place_name(turn, place)
        if place.hours is None:
            lines.append(Msg("places.extra_place_no_times", name=name))
        elif place.address is not None:
            lines.append(
                Msg("places.extra_place", name=name, times=place_times(place, lang), address=place.address.one_line())
            )
        else:
            lines.append(Msg("places.extra_place_no_address", name=name, times=place_times(place, lang)))
    lines.append(Msg("places.as_of", date=format_date(office.hours_source.as_of, lang, with_year=True)))
    choices = rows([Choice(Msg("menu.book"), StartBooking()), Choice(Msg("common.menu"), OpenMenu())])
    return [Reply(_join(lines), choices=choices)]


def all_hours(turn: Turn) -> Replies:
    """Every office's hours in one short message (offices with the same week, status and closures
    share one block), then "which one is yours?" with the offices and the office finder."""
    offices = turn.services.places.offices().all
    groups: dict[tuple[tuple[str, ...], bool, bool, Msg, tuple[Msg, ...]], list[Office]] = {}
    for office in offices:
        key = (
            tuple(format_weekly_hours(office, turn.lang)),
            office.by_appointment,
            office.closed_on_public_holidays,
            status_line(turn, office),
            tuple(closure_lines(turn, office)),
        )
        groups.setdefault(key, []).append(office)
    lines: list[Msg] = [Msg("places.hours_all_title")]
    for (weekly, by_appointment, on_holidays, status, closures), members in groups.items():
        if len(groups) == 1:
            lines.append(Msg("places.hours_all_same", count=len(members)))
        else:
            lines.append(Msg("places.hours_group", offices=", ".join(short_name(o) for o in members)))
        lines += [Msg("places.hours_line", line=line) for line in weekly]
        if by_appointment:
            lines.append(Msg("places.by_appointment"))
        if on_holidays:
            lines.append(Msg("places.closed_on_holidays"))
        lines.append(status)
        lines += closures
    lines.append(Msg("places.hours_which_is_yours"))
    buttons = [(Choice(Plain(o.name), ShowHours(o.id)),) for o in offices]
    return [Reply(_join(lines), choices=(*buttons, (Choice(Msg("menu.find_office"), FindMyOffice()),)))]


def short_name(office: Office) -> str:
    """ "Eving/Scharnhorst" for "lokal willkommen Eving/Scharnhorst": the network's name once is enough."""
    return office.name.removeprefix("lokal willkommen").strip() or office.name


def place_times(place: Place, lang: str) -> Lines:
    """Weekly times, monthly ones ("every 1st Wednesday of the month, 08:30–11:00") and the
    school-holiday rule of an extra consultation place."""
    parts: list[Msg | Plain] = []
    for line in hours_lines(place.hours, lang):
        if line.nth_of_month is None:
            parts.append(Plain(f"{line.weekday_name} {line.times}"))
        else:
            rule = Msg(f"places.monthly.{WEEKDAY_KEYS[line.weekday]}", nth=line.nth_of_month)
            parts.append(Msg("places.monthly_line", rule=rule, times=line.times))
    if place.closed_in_school_holidays:
        parts.append(Msg("places.not_in_school_holidays"))
    return Lines(*parts, separator="؛ " if lang in RTL_LANGUAGES else "; ")


def place_name(turn: Turn, place: Place) -> Msg | Plain:
    """The place's description in the person's language (data/offices.yaml has it in German)."""
    key = f"places.place.{place.id.replace('-', '_')}"
    return Msg(key) if turn.services.catalog.has(key) else Plain(place.name)


def places_status_lines(turn: Turn, office: Office) -> list[Msg]:
    """An extra consultation place that is open now, or opens before the office does: which one,
    when, and where (the office's own line says when the office itself opens)."""
    found = opening_hours.soonest([office, *office.places], turn.now)
    if found is None or found.subject is office or not isinstance(found.subject, Place):
        return []
    place = found.subject
    address: Msg | str = place.address.one_line() if place.address is not None else Msg("places.no_address")
    if found.status.open_now and found.status.closes_at is not None:
        return [
            Msg(
                "places.place_open_now",
                place=place_name(turn, place),
                until=format_time(found.status.closes_at, turn.lang),
                address=address,
            )
        ]
    assert found.status.next_opening is not None
    return [
        Msg(
            "places.next_place",
            place=place_name(turn, place),
            next=when_phrase(turn, found.status.next_opening),
            address=address,
        )
    ]


def today_line(turn: Turn, office: Office) -> Msg:
    today = to_local(turn.now).date()
    ranges = opening_hours.hours_on(office, today)
    if not ranges:
        reason = opening_hours.closed_reason(office, today)
        if reason is not None:
            return Msg("places.today_closed_because", reason=reason.name)
        return Msg("places.today_closed")
    return Msg("places.today", times=", ".join(format_time_range(r, turn.lang) for r in ranges))


def status_line(turn: Turn, office: Office) -> Msg:
    status = opening_hours.status(office, turn.now)
    if status.open_now and status.closes_at is not None:
        return Msg("places.open_now", until=format_time(status.closes_at, turn.lang))
    if status.next_opening is None:
        return Msg("places.closed_now_unknown")
    return Msg("places.closed_now", next=when_phrase(turn, status.next_opening))


def when_phrase(turn: Turn, moment: datetime) -> Msg:
    """ "today 14:00", "tomorrow 9:00", or "Thursday, 26 November, 14:00"."""
    lang = turn.lang
    local = to_local(moment)
    today = to_local(turn.now).date()
    time_text = format_time(local, lang)
    if local.date() == today:
        return Msg("places.today_at", time=time_text)
    if local.date() == today + timedelta(days=1):
        return Msg("places.tomorrow_at", time=time_text)
    return Msg(
        "places.day_at", day=weekday_name(local.date(), lang), date=format_date(local.date(), lang), time=time_text
    )


def _join(parts: Sequence[Msg | Lines]) -> Lines:
    return Lines(*parts)
