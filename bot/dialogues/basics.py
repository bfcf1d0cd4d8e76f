"""Start, menu, language, help, and the answers for what the bot cannot use.

Also what every turn needs before and after the features: the first message of a person whose
language we do not know yet, and the replies machine-translated for a language beyond the ten
(bot.content.machine_locale).

The first message counts: written in one of the ten, it becomes the person's language and is
answered at once, with an offer to keep that language or pick another. Otherwise (a language
beyond the ten, or too little to tell) the answer is German and English: which ten languages the
bot speaks, that staff can help, machine translation where the city configured it, and the
picker; the question is kept in the conversation state and answered once a language is picked."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.content.locales import html_to_plain
from bot.content.machine_locale import localize, machine_locale_name
from bot.core.actions import OpenMenu, SetLanguage, TalkToStaff
from bot.core.dispatch import Dialogue, Question
from bot.core.events import CommandIn, Event, LocationIn, MediaIn, PressIn, TextIn
from bot.core.replies import Choice, Lines, Msg, Plain, Raw, Reply, rows
from bot.core.turn import Replies, Turn
from bot.dialogues.menu import language_picker, main_menu
from bot.understanding import DetectedLanguage, detect_language
from bot.understanding.language_choice import first_message_language
from bot.understanding.model_process import model_input

dialogue = Dialogue("basics")

LANGUAGE_GATE_PRIORITY = 10  # after the safety check (0)
EMPTY_TEXT_PRIORITY = 20
LOCALIZE_ORDER = 0  # outermost: it sees the final replies
# Commands that work before a language is chosen (they pick one, or erase everything).
WITHOUT_LANGUAGE = frozenset({"start", "language", "privacy", "deletemydata"})
# Before a language is known, the answer is in both (as the emergency answer is).
BILINGUAL = ("de", "en")
# The question typed before a language was picked, in the conversation state until answered.
KEPT_QUESTION = "language.kept_question"


@dialogue.around(LOCALIZE_ORDER)
async def in_the_persons_language(turn: Turn, event: Event, handle: Callable[[], Awaitable[Replies]]) -> Replies:
    """Beyond the curated languages: machine-translated, or the closest curated language."""
    replies = await handle()
    services = turn.services
    replies, turn.lang = await localize(
        replies, turn.lang, services.catalog, services.translator, service_configured=services.machine_translation
    )
    return replies


@dialogue.first(LANGUAGE_GATE_PRIORITY)
async def language_first(turn: Turn, event: Event) -> Replies | None:
    """We don't know a language the person reads yet: their first typed message decides it,
    other commands bring the picker. Presses go on: they answer a button we showed, and typed
    text in a dialogue step (e.g. to staff) belongs to that step."""
    if turn.person.language is not None or isinstance(event, PressIn):
        return None
    if isinstance(event, CommandIn):
        return None if event.name in WITHOUT_LANGUAGE else [language_picker(turn, intro=Msg("start.pick_language"))]
    if isinstance(event, TextIn) and event.text:
        return None if await turn.step() is not None else await first_message(turn, event.text)
    return [language_picker(turn, intro=Msg("start.pick_language"))]


async def first_message(turn: Turn, text: str) -> Replies:
    """The first typed message of a person with no language: answered, in its own language when
    that is one of ours (offering to keep it), else kept until a language is picked."""
    detected = await written_language(text)
    catalog = turn.services.catalog
    language = first_message_language(detected, catalog.languages)
    if language is None:
        await turn.remember(**{KEPT_QUESTION: text})
        return [not_our_language(turn, detected)]
    turn.person.language = language
    turn.lang = language
    await _forget_kept_question(turn)
    replies = await _answer(turn, text)
    turn.lang = language  # the answer may have been rendered in the language it was written in
    return replies + [
        Reply(
            Msg("language.first_message.keep", name=catalog.name_of(language)),
            choices=rows(
                [
                    Choice(Msg("language.switch_yes"), SetLanguage(language)),
                    Choice(Msg("language.first_message.other"), SetLanguage("?")),
                ]
            ),
        )
    ]


async def written_language(text: str) -> DetectedLanguage:
    """The language of a typed text, off the event loop (lingua is native code)."""
    return await asyncio.to_thread(detect_language, model_input(text))


def not_our_language(turn: Turn, detected: DetectedLanguage) -> Reply:
    """German and English: the ten languages we speak, staff, machine translation where the city
    configured it, and the picker (with a button for staff)."""
    catalog = turn.services.catalog
    services = turn.services
    names = ", ".join(catalog.name_of(code) for code in catalog.languages)
    lines: list[Msg] = [
        Msg("language.first_message.not_ours", languages=Plain(names)),
        Msg("language.first_message.staff"),
    ]
    machine = machine_locale_name(detected.beyond) if services.machine_translation else None
    if services.machine_translation:
        lines.append(Msg("language.first_message.machine"))
    text = "\n\n".join(catalog.render(Lines(*lines), lang) for lang in BILINGUAL)
    picker = language_picker(turn, intro=Raw(text))
    extra = [(Choice(_bilingual(turn, Msg("common.talk_to_staff")), TalkToStaff()),)]
    if machine is not None and detected.beyond is not None:
        extra.insert(
            0,
            (
                Choice(
                    _bilingual(turn, Msg("language.first_message.machine_button", name=machine)),
                    SetLanguage(detected.beyond),
                ),
            ),
        )
    return Reply(picker.text, choices=picker.choices + tuple(extra))


def _bilingual(turn: Turn, label: Msg) -> Plain:
    catalog = turn.services.catalog
    return Plain(" · ".join(dict.fromkeys(html_to_plain(catalog.render(label, lang)) for lang in BILINGUAL)))


async def _answer(turn: Turn, text: str) -> Replies:
    if turn.answer_question is None:  # a turn not handled by a Conversation (some unit tests)
        raise RuntimeError("the turn has no conversation to answer questions")
    return await turn.answer_question(text)


async def _forget_kept_question(turn: Turn) -> str | None:
    data = dict(await turn.data())
    kept = data.pop(KEPT_QUESTION, None)
    if kept is not None:
        await turn.state.set_data(data)
    return kept if isinstance(kept, str) else None


@dialogue.first(EMPTY_TEXT_PRIORITY)
async def empty_text(turn: Turn, event: Event) -> Replies | None:
    """Nothing left of a typed message once control characters are gone."""
    if isinstance(event, TextIn) and not event.text:
        return [Reply(Msg("errors.empty_text"))]
    return None


@dialogue.unhandled
async def not_handled(turn: Turn, event: Event) -> Replies:
    if isinstance(event, CommandIn):
        return unknown_command(turn)
    if isinstance(event, PressIn):
        return outdated_button(turn)
    if isinstance(event, LocationIn):
        return unsupported_media(turn, "location")
    if isinstance(event, MediaIn):
        return unsupported_media(turn, event.kind)
    raise TypeError(f"unhandled {type(event).__name__}")


@dialogue.command("start")
async def start(turn: Turn, args: str = "") -> Replies:
    await turn.leave()
    if turn.person.language is None:
        return [language_picker(turn, intro=Msg("start.pick_language"))]
    return [main_menu(turn, greeting=Msg("start.greeting"))]


@dialogue.command("menu")
async def menu(turn: Turn, args: str = "") -> Replies:
    await turn.leave()
    return [main_menu(turn)]


@dialogue.command("language")
async def ask_language(turn: Turn, args: str = "") -> Replies:
    return [language_picker(turn)]


@dialogue.intent("language")
async def language_asked(turn: Turn, question: Question) -> Replies:
    return await ask_language(turn)


@dialogue.action(OpenMenu)
async def menu_pressed(turn: Turn, action: OpenMenu) -> Replies:
    return await menu(turn)


@dialogue.action(SetLanguage)
async def language_pressed(turn: Turn, action: SetLanguage) -> Replies:
    return await set_language(turn, action.language)


async def set_language(turn: Turn, language: str) -> Replies:
    """A language picked: from now on the person's. A question kept from before is answered now."""
    catalog = turn.services.catalog
    machine = machine_locale_name(language) if turn.services.machine_translation else None
    if language == "?" or not (catalog.supports(language) or machine is not None):
        return [language_picker(turn)]
    turn.person.language = language
    turn.person.language_chosen = True
    turn.lang = language
    done = Reply(Msg("language.set", name=Plain(machine) if machine else catalog.name_of(language)))
    kept = await _forget_kept_question(turn)
    if kept is None:
        return [done, main_menu(turn)]
    replies = await _answer(turn, kept)
    turn.lang = language
    return [done, *replies]


def offer_switch(turn: Turn, written_in: str) -> Reply:
    """Someone wrote in another supported language than their current one."""
    return Reply(
        Msg("language.offer_switch", name=turn.services.catalog.name_of(written_in)),
        choices=rows([Choice(Msg("language.switch_yes"), SetLanguage(written_in))]),
    )


@dialogue.command("help")
async def help_text(turn: Turn, args: str = "") -> Replies:
    return [Reply(Msg("help.text"), choices=rows([Choice(Msg("common.menu"), OpenMenu())]))]


def unknown_command(turn: Turn) -> Replies:
    return [Reply(Msg("errors.unknown_command"), choices=rows([Choice(Msg("common.menu"), OpenMenu())]))]


def unsupported_media(turn: Turn, kind: str) -> Replies:
    key = {"voice": "errors.voice", "video_note": "errors.voice", "sticker": "errors.sticker"}.get(kind, "errors.media")
    return [
        Reply(
            Msg(key),
            choices=rows([Choice(Msg("common.talk_to_staff"), TalkToStaff()), Choice(Msg("common.menu"), OpenMenu())]),
        )
    ]


def outdated_button(turn: Turn) -> Replies:
    return [Reply(Msg("errors.outdated_button")), main_menu(turn)]


def apology() -> Reply:
    """For a handler that failed: short, in the person's language, with a way on."""
    return Reply(Msg("errors.apology"), choices=rows([Choice(Msg("common.menu"), OpenMenu())]))
