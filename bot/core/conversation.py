"""The conversation core: one event in, the replies out, whatever the channel.

Order of concerns for every event:
1. the answer language (the person's choice, else their app's language if we have it);
2. emergencies first, from any state;
3. a dialogue step that waits for typed text (e.g. the office finder asking for a district);
4. commands, button presses, locations by the dialogues registered for them;
5. free text: understood, routed to a topic or feature, or "not sure" with choices.
"""
from __future__ import annotations

import logging

from bot.content.machine_locale import localize
from bot.core.actions import Action
from bot.core.dispatch import Registry
from bot.core.events import CommandIn, Event, LocationIn, MediaIn, PressIn, TextIn
from bot.core.replies import Msg, Reply
from bot.core.turn import Replies, Turn
from bot.dialogues import basics, free_text, topics
from bot.dialogues.menu import language_picker
from bot.handoff import notes
from bot.handoff.service import OPEN_STEP as HANDOFF_STEP
from bot.text.telegram_html import strip_control_characters

log = logging.getLogger(__name__)

# Intents answered by a feature command instead of a topic flow.
INTENT_COMMANDS = {"office": "office", "hours": "hours", "booking": "book", "human": "human",
                   "language": "language"}
# Those commands read the question itself (e.g. a district named in it).
COMMANDS_READING_THE_TEXT = frozenset({"office", "hours"})
MAX_TEXT = 4096


class Conversation:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    async def handle(self, turn: Turn, event: Event, *, language_hint: str | None = None) -> Replies:
        # A small note survives step changes: the last topic answered (for a handoff to staff).
        kept = await notes.read(turn)
        replies = await self._handle(turn, event, language_hint=language_hint)
        await notes.keep(turn, kept, event)
        services = turn.services
        # Beyond the curated languages: machine-translated, or the closest curated language.
        replies, turn.lang = await localize(replies, turn.lang, services.catalog, services.translator,
                                            service_configured=services.machine_translation)
        return replies

    async def _handle(self, turn: Turn, event: Event, *, language_hint: str | None = None) -> Replies:
        self._choose_language(turn, language_hint)
        if turn.person.language is None and not self._picks_language(event):
            # We don't speak their app's language: let them pick one first.
            return [language_picker(turn, intro=Msg("start.pick_language"))]
        if isinstance(event, CommandIn):
            return await self._command(turn, event)
        if isinstance(event, PressIn):
            return await self._press(turn, event.action)
        if isinstance(event, LocationIn):
            handler = self.registry.location()
            if handler is None:
                return basics.unsupported_media(turn, "location")
            return await handler(turn, event.latitude, event.longitude)
        if isinstance(event, MediaIn):
            handler = self.registry.step_media(await turn.step())
            if handler is not None:
                return await handler(turn, event)
            return basics.unsupported_media(turn, event.kind)
        return await self._text(turn, event)

    def _choose_language(self, turn: Turn, hint: str | None) -> None:
        catalog = turn.services.catalog
        person = turn.person
        if person.language is None and hint:
            code = hint.split("-")[0].lower()
            if catalog.supports(code) or turn.services.machine_translation:
                person.language = code
        turn.lang = person.language or "de"

    @staticmethod
    def _picks_language(event: Event) -> bool:
        from bot.core.actions import SetLanguage

        return isinstance(event, PressIn) and isinstance(event.action, SetLanguage) or (
            isinstance(event, CommandIn) and event.name in ("start", "language", "privacy", "deletemydata")
        )

    async def _command(self, turn: Turn, event: CommandIn) -> Replies:
        handler = self.registry.command(event.name)
        if handler is None:
            return basics.unknown_command(turn)
        return await handler(turn, event.args)

    async def _press(self, turn: Turn, action: Action) -> Replies:
        handler = self.registry.action(action)
        if handler is None:
            return basics.outdated_button(turn)
        return await handler(turn, action)

    async def _text(self, turn: Turn, event: TextIn) -> Replies:
        text = strip_control_characters(event.text).strip()[:MAX_TEXT]
        if not text:
            return [Reply(Msg("errors.empty_text"))]
        step = await turn.step()
        step_handler = self.registry.step_text(step)
        understanding = await free_text.understand(turn, text)
        if understanding.intent == "emergency" and understanding.confident:
            switch = free_text.adopt_written_language(turn, understanding.language)
            turn.extra[notes.OPENED] = "emergency"
            replies = await topics.open_topic(turn, "emergency") + ([switch] if switch else [])
            if step_handler is not None and step == HANDOFF_STEP:
                # Talking to staff: the emergency answer first, then staff get the message too.
                await turn.goto(step)
                replies += await step_handler(turn, text)
            return replies
        if step_handler is not None:
            return await step_handler(turn, text)
        switch = free_text.adopt_written_language(turn, understanding.language)
        replies = await self._route_intent(turn, understanding, text)
        return replies + ([switch] if switch else [])

    async def _route_intent(self, turn: Turn, understanding, text: str) -> Replies:  # type: ignore[no-untyped-def]
        intent = understanding.intent
        if intent is None or not understanding.confident:
            return free_text.not_sure(turn, understanding.alternatives)
        command = INTENT_COMMANDS.get(intent)
        if command is not None:
            handler = self.registry.command(command)
            if handler is not None:
                return await handler(turn, text if command in COMMANDS_READING_THE_TEXT else "")
        if intent in turn.services.flows:
            turn.extra[notes.OPENED] = intent
            return await topics.open_topic(turn, intent)
        return free_text.not_sure(turn, understanding.alternatives)
