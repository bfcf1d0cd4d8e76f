"""The conversation core: one event in, the replies out, whatever the channel.

It knows no feature: the dialogues (bot/dialogues) register what they handle on their `Dialogue`
(bot.core.dispatch), and this module only orders them:

1. hooks around the whole turn (`around`), outermost first;
2. the answer language: the person's choice, else their app's language if we support it;
3. handlers that see every event first (`first`), by priority: the safety check of every typed
   text in every state, then the first message of a person with no language yet, then an open conversation with staff;
4. a dialogue step that waits for typed text or media;
5. commands, button presses, locations by the dialogues registered for them;
6. other typed text is a question: understood, answered by the dialogue registered for its
   intent, or "not sure" (`unsure`);
7. whatever nobody handled (`unhandled`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.dispatch import Around, Question, QuestionAround, Registry
from bot.core.events import CommandIn, Event, LocationIn, MediaIn, PressIn, TextIn, typed_text
from bot.core.turn import Replies, Turn


class Conversation:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    async def handle(self, turn: Turn, event: Event, *, language_hint: str | None = None) -> Replies:
        turn.language_hint = language_hint
        turn.answer_question = lambda text: self.answer(turn, text)
        if isinstance(event, TextIn):
            event = TextIn(typed_text(event.text))

        async def innermost() -> Replies:
            return await self._handle(turn, event)

        handle: Callable[[], Awaitable[Replies]] = innermost
        for around in reversed(self.registry.arounds()):
            handle = _wrapped(around, turn, event, handle)
        return await handle()

    async def _handle(self, turn: Turn, event: Event) -> Replies:
        self._choose_language(turn)
        for first in self.registry.firsts():
            replies = await first(turn, event)
            if replies is not None:
                return replies
        if isinstance(event, TextIn):
            handler = self.registry.step_text(await turn.step())
            if handler is not None:
                return await handler(turn, event.text)
            return await self.answer(turn, event.text)
        if isinstance(event, CommandIn):
            handler = self.registry.command(event.name)
            if handler is not None:
                return await handler(turn, event.args)
        elif isinstance(event, PressIn):
            handler = self.registry.action(event.action)
            if handler is not None:
                return await handler(turn, event.action)
        elif isinstance(event, LocationIn):
            handler = self.registry.location()
            if handler is not None:
                return await handler(turn, event.latitude, event.longitude)
        elif isinstance(event, MediaIn):
            handler = self.registry.step_media(await turn.step())
            if handler is not None:
                return await handler(turn, event)
        else:
            raise TypeError(f"unknown event {type(event).__name__}")
        unhandled = self.registry.unhandled()
        if unhandled is None:
            raise LookupError(f"no dialogue handles {type(event).__name__}")
        return await unhandled(turn, event)

    def _choose_language(self, turn: Turn) -> None:
        person, hint = turn.person, turn.language_hint
        if person.language is None and hint:
            code = hint.split("-")[0].lower()
            if turn.services.catalog.supports(code) or turn.services.machine_translation:
                person.language = code
        turn.lang = person.language or "de"

    async def answer(self, turn: Turn, text: str) -> Replies:
        """A typed question outside any step: by its intent, wrapped by the question hooks."""
        understanding = await turn.understanding(text)
        intent = understanding.intent if understanding is not None and understanding.confident else None

        async def answer_as(intent: str | None) -> Replies:
            question = Question(text, understanding, intent, answer_as)
            handler = self.registry.intent(turn, intent) if intent is not None else None
            handler = handler or self.registry.unsure()
            if handler is None:
                raise LookupError("no dialogue answers questions")
            return await handler(turn, question)

        question = Question(text, understanding, intent, answer_as)

        async def innermost() -> Replies:
            return await answer_as(intent)

        answer: Callable[[], Awaitable[Replies]] = innermost
        for around in reversed(self.registry.question_arounds()):
            answer = _question_wrapped(around, turn, question, answer)
        return await answer()


def _wrapped(
    around: Around, turn: Turn, event: Event, inner: Callable[[], Awaitable[Replies]]
) -> Callable[[], Awaitable[Replies]]:
    async def call() -> Replies:
        return await around(turn, event, inner)

    return call


def _question_wrapped(
    around: QuestionAround, turn: Turn, question: Question, inner: Callable[[], Awaitable[Replies]]
) -> Callable[[], Awaitable[Replies]]:
    async def call() -> Replies:
        return await around(turn, question, inner)

    return call
