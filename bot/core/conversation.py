"""The conversation core: one event in, the replies out, whatever the channel.

Order of concerns for every event:
1. the answer language (the person's choice, else their app's language if we have it);
2. emergencies first: every typed text goes through the safety layer (bot.safety) here, in every
   state, before the language picker and before any dialogue step sees it, so no step can forget
   it; the answer is in the language the text was written in (bot.dialogues.emergency);
3. a dialogue step that waits for typed text (e.g. the office finder asking for a district);
4. commands, button presses, locations by the dialogues registered for them;
5. free text: understood, routed to a topic or feature, or "not sure" with choices.
"""
from __future__ import annotations

import asyncio
import logging

from bot.content.machine_locale import localize
from bot.core.actions import Action
from bot.core.dispatch import Registry
from bot.core.events import CommandIn, Event, LocationIn, MediaIn, PressIn, TextIn, typed_text
from bot.core.replies import Msg, Reply
from bot.core.turn import Replies, Turn
from bot.dialogues import basics, emergency, free_text, topics
from bot.dialogues.menu import language_picker
from bot.handoff import notes
from bot import safety
from bot.safety import SafetyAlert
from bot.understanding import Understanding, detect_language

log = logging.getLogger(__name__)

# Intents answered by a feature command instead of a topic flow.
INTENT_COMMANDS = {"office": "office", "hours": "hours", "booking": "book", "human": "human",
                   "language": "language"}
# Those commands read the question itself (e.g. a district named in it).
COMMANDS_READING_THE_TEXT = frozenset({"office", "hours"})
# The matcher's label for emergencies. Its keywords ("Polizei", "Feuerwehr") also make ordinary
# questions a confident "emergency"; only the safety layer decides what is one.
EMERGENCY_INTENT = "emergency"


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
        if isinstance(event, TextIn):
            return await self._text(turn, event, language_hint)
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
        raise TypeError(f"unknown event {type(event).__name__}")

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

    async def _text(self, turn: Turn, event: TextIn, language_hint: str | None) -> Replies:
        text = typed_text(event.text)
        # The lexicon and the numbers first: an emergency never waits for the model to load.
        reading = safety.read(text)
        understanding = await self._understand(turn, text) if text and reading.alert is None else None
        alert = safety.with_model(reading, understanding)
        if alert is not None:
            language = await self._written_in(turn, alert, understanding, text, language_hint)
            return await emergency.answer(turn, alert, text, language=language)
        if turn.person.language is None:
            # We don't speak their app's language: let them pick one first.
            return [language_picker(turn, intro=Msg("start.pick_language"))]
        if not text:
            return [Reply(Msg("errors.empty_text"))]
        step_handler = self.registry.step_text(await turn.step())
        if step_handler is not None:
            return await step_handler(turn, text)
        if understanding is None:
            return free_text.not_sure(turn, ())
        switch = free_text.adopt_written_language(turn, understanding.language)
        replies = await self._route_intent(turn, understanding, text)
        return replies + ([switch] if switch else [])

    @staticmethod
    async def _understand(turn: Turn, text: str) -> Understanding | None:
        """The model's reading, or None while it is unavailable: the safety lexicon works without."""
        try:
            return await free_text.understand(turn, text)
        except Exception as exc:  # noqa: BLE001 - any failure of the model must not silence the safety layer
            log.warning("person %s: understanding unavailable (%s)", turn.person.id, exc.__class__.__name__)
            return None

    @staticmethod
    async def _written_in(turn: Turn, alert: SafetyAlert, understanding: Understanding | None, text: str,
                          hint: str | None) -> str | None:
        """The curated language to answer an emergency in; None: German and English.

        What the text says first: a lexicon phrase that matched is the strongest sign (it knows
        dialects and transliterations the detector does not); where phrases of several languages
        matched ("пожар" is Russian and Bulgarian), the detector decides among them. Without a
        phrase, a person whose app speaks a language beyond the ten gets German and English."""
        catalog = turn.services.catalog
        if understanding is not None:
            detected = understanding.language
        else:
            try:
                detected = (await asyncio.to_thread(detect_language, text)).code
            except Exception:  # noqa: BLE001 - the lexicon's language or the person's own will do
                detected = None
        matched = [code for code in alert.languages if catalog.supports(code)]
        if detected in matched:
            return detected
        if matched:
            return matched[0]
        own = turn.person.language or (hint.split("-")[0].lower() if hint else None)
        if own is not None and not catalog.supports(own):
            return None
        if detected is not None and catalog.supports(detected):
            return detected
        return own

    async def _route_intent(self, turn: Turn, understanding: Understanding, text: str) -> Replies:
        intent = understanding.intent
        if intent is None or not understanding.confident:
            return free_text.not_sure(turn, understanding.alternatives)
        if intent == EMERGENCY_INTENT:
            # No danger found (bot.safety): answer the topic the question is closest to.
            others = tuple((label, score) for label, score in understanding.alternatives if label != EMERGENCY_INTENT)
            similarities = understanding.similarities
            if not others or similarities.get(others[0][0], 0.0) < similarities.get("none", 0.0):
                return free_text.not_sure(turn, others)
            intent = others[0][0]
        command = INTENT_COMMANDS.get(intent)
        if command is not None:
            handler = self.registry.command(command)
            if handler is not None:
                return await handler(turn, text if command in COMMANDS_READING_THE_TEXT else "")
        if intent in turn.services.flows:
            turn.extra[notes.OPENED] = intent
            return await topics.open_topic(turn, intent)
        return free_text.not_sure(turn, understanding.alternatives)
