"""Start, menu, language, help, and the answers for what the bot cannot use."""
from __future__ import annotations

from bot.core.actions import OpenMenu, SetLanguage, TalkToStaff
from bot.core.dispatch import Dialogue
from bot.core.replies import Choice, Msg, Reply, rows
from bot.core.turn import Replies, Turn
from bot.dialogues.menu import language_picker, main_menu

dialogue = Dialogue("basics")


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
