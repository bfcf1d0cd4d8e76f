"""Start, menu, language, help, and the answers for what the bot cannot use.

Also what every turn needs before and after the features: "pick a language first" while we do
not know one the person reads, and the replies machine-translated for a language beyond the ten
(bot.content.machine_locale)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.content.machine_locale import localize
from bot.core.actions import OpenMenu, SetLanguage, TalkToStaff
from bot.core.dispatch import Dialogue, Question
from bot.core.events import CommandIn, Event, LocationIn, MediaIn, PressIn, TextIn
from bot.core.replies import Choice, Msg, Reply, rows
from bot.core.turn import Replies, Turn
from bot.dialogues.menu import language_picker, main_menu

dialogue = Dialogue("basics")

LANGUAGE_GATE_PRIORITY = 10  # after the safety check (0)
EMPTY_TEXT_PRIORITY = 20
LOCALIZE_ORDER = 0  # outermost: it sees the final replies
# Commands that work before a language is chosen (they pick one, or erase everything).
WITHOUT_LANGUAGE = frozenset({"start", "language", "privacy", "deletemydata"})


@dialogue.around(LOCALIZE_ORDER)
async def in_the_persons_language(turn: Turn, event: Event, handle: Callable[[], Awaitable[Replies]]) -> Replies:
    """Beyond the curated languages: machine-translated, or the closest curated language."""
    replies = await handle()
    services = turn.services
    replies, turn.lang = await localize(replies, turn.lang, services.catalog, services.translator,
                                        service_configured=services.machine_translation)
    return replies


@dialogue.first(LANGUAGE_GATE_PRIORITY)
async def language_first(turn: Turn, event: Event) -> Replies | None:
    """We don't speak their app's language: let them pick one first."""
    if turn.person.language is not None or _picks_language(event):
        return None
    return [language_picker(turn, intro=Msg("start.pick_language"))]


def _picks_language(event: Event) -> bool:
    return (isinstance(event, PressIn) and isinstance(event.action, SetLanguage)
            or isinstance(event, CommandIn) and event.name in WITHOUT_LANGUAGE)


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
    if language == "?" or not turn.services.catalog.supports(language):
        return [language_picker(turn)]
    turn.person.language = language
    turn.person.language_chosen = True
    turn.lang = language
    return [Reply(Msg("language.set", name=turn.services.catalog.name_of(language))), main_menu(turn)]


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
    key = {"voice": "errors.voice", "video_note": "errors.voice", "sticker": "errors.sticker"}.get(
        kind, "errors.media"
    )
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
