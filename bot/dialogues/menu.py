"""The main menu: the topics as buttons, plus office, staff and language."""

from __future__ import annotations

from bot.core.actions import FindMyOffice, OpenTopic, SetLanguage, ShowHours, StartBooking, TalkToStaff
from bot.core.replies import Choice, Msg, Plain, Reply, Text
from bot.core.turn import Turn

TOPICS_PER_ROW = 2


def main_menu(turn: Turn, *, greeting: Msg | None = None) -> Reply:
    library = turn.services.flows
    topic_buttons = [Choice(Msg(library.get(t).title), OpenTopic(t)) for t in library.topics()]
    rows = [tuple(topic_buttons[i : i + TOPICS_PER_ROW]) for i in range(0, len(topic_buttons), TOPICS_PER_ROW)]
    rows.insert(0, (Choice(Msg("menu.find_office"), FindMyOffice()), Choice(Msg("menu.hours"), ShowHours())))
    rows.append((Choice(Msg("menu.book"), StartBooking()), Choice(Msg("menu.human"), TalkToStaff())))
    rows.append((Choice(Msg("menu.language"), SetLanguage("?")),))
    text = Msg("menu.with_greeting", greeting=greeting) if greeting else Msg("menu.title")
    return Reply(text=text, choices=tuple(rows))


def language_picker(turn: Turn, *, intro: Text | None = None) -> Reply:
    catalog = turn.services.catalog
    buttons = [Choice(Plain(catalog.name_of(code)), SetLanguage(code)) for code in catalog.languages]
    rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
    return Reply(text=intro or Msg("language.pick"), choices=rows)
