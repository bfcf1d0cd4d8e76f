"""Which dialogue answers which event: a tiny router, in the spirit of aiogram's.

Feature modules (bot/dialogues) declare what they handle with decorators on a `Dialogue`; the
conversation core (bot.core.conversation) only orders them and knows no feature. What a dialogue
can register, in the order the core asks:

- `around(order)`: wraps the whole turn, `(turn, event, handle) -> replies` (lower order: outer);
- `first(priority)`: sees every event before anything else, `(turn, event) -> replies | None`
  (None: not mine), lowest priority first;
- `text_in_step`, `media_in_step`: typed text or media while the conversation is in a step;
- `command`, `action`, `on_location`: a command, a button press, a shared location;
- for typed text outside any step, a `Question`: `around_question(order)` wraps its answer,
  `intent(name)` answers one intent, `intents_where(predicate)` every intent it accepts,
  `unsure` what nobody answers;
- `unhandled`: an event no other handler took (an unknown command, an outdated button, ...).

Handlers are `async (turn, ...) -> list[Reply]`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from bot.core.actions import Action
from bot.core.events import Event
from bot.core.replies import Reply

if TYPE_CHECKING:
    from bot.core.turn import Turn
    from bot.understanding import Understanding

Replies = list[Reply]
Handler = Callable[..., Awaitable[Replies]]
H = TypeVar("H", bound=Handler)
FirstHandler = Callable[["Turn", Event], Awaitable[Replies | None]]
Around = Callable[["Turn", Event, Callable[[], Awaitable[Replies]]], Awaitable[Replies]]
QuestionAround = Callable[["Turn", "Question", Callable[[], Awaitable[Replies]]], Awaitable[Replies]]
IntentHandler = Callable[["Turn", "Question"], Awaitable[Replies]]
IntentPredicate = Callable[["Turn", str], bool]
F = TypeVar("F", bound=FirstHandler)
R = TypeVar("R", bound=Around)
Q = TypeVar("Q", bound=QuestionAround)
IH = TypeVar("IH", bound=IntentHandler)


@dataclass(frozen=True)
class Question:
    """A typed text outside any dialogue step, as understood (None: the model is unavailable).

    `intent` is the intent being answered: the model's, unless a handler asked for another with
    `answer_as` (e.g. the matcher's "emergency" label, when no danger was found, is answered as the
    closest other topic)."""

    text: str
    understanding: Understanding | None
    intent: str | None
    answer_as: Callable[[str | None], Awaitable[Replies]]

    @property
    def alternatives(self) -> tuple[tuple[str, float], ...]:
        return self.understanding.alternatives if self.understanding is not None else ()


@dataclass
class Dialogue:
    name: str
    commands: dict[str, Handler] = field(default_factory=dict)
    actions: dict[type[Action], Handler] = field(default_factory=dict)
    step_texts: dict[str, Handler] = field(default_factory=dict)
    step_prefix_texts: dict[str, Handler] = field(default_factory=dict)
    step_media: dict[str, Handler] = field(default_factory=dict)
    location: Handler | None = None
    firsts: list[tuple[int, FirstHandler]] = field(default_factory=list)
    arounds: list[tuple[int, Around]] = field(default_factory=list)
    question_arounds: list[tuple[int, QuestionAround]] = field(default_factory=list)
    intents: dict[str, IntentHandler] = field(default_factory=dict)
    intent_predicates: list[tuple[IntentPredicate, IntentHandler]] = field(default_factory=list)
    unsure_handler: IntentHandler | None = None
    unhandled_handler: Callable[[Turn, Event], Awaitable[Replies]] | None = None

    def command(self, *names: str) -> Callable[[H], H]:
        """`handler(turn, args: str)` for /name."""

        def register(handler: H) -> H:
            for name in names:
                self.commands[name] = handler
            return handler

        return register

    def action(self, action_type: type[Action]) -> Callable[[H], H]:
        """`handler(turn, action)` for a press of a button carrying that action."""

        def register(handler: H) -> H:
            self.actions[action_type] = handler
            return handler

        return register

    def text_in_step(self, step: str, *, prefix: bool = False) -> Callable[[H], H]:
        """`handler(turn, text)` for typed text while the conversation is in `step`
        (or any step starting with it, with prefix=True)."""

        def register(handler: H) -> H:
            (self.step_prefix_texts if prefix else self.step_texts)[step] = handler
            return handler

        return register

    def media_in_step(self, step: str) -> Callable[[H], H]:
        """`handler(turn, media: MediaIn)` for a photo/document/... while in `step`."""

        def register(handler: H) -> H:
            self.step_media[step] = handler
            return handler

        return register

    def on_location(self, handler: H) -> H:
        """`handler(turn, latitude, longitude)`."""
        self.location = handler
        return handler

    def first(self, priority: int) -> Callable[[F], F]:
        """`handler(turn, event) -> replies | None`, asked before any step, command or press.
        A typed text arrives cleaned (`events.typed_text`)."""

        def register(handler: F) -> F:
            self.firsts.append((priority, handler))
            return handler

        return register

    def around(self, order: int) -> Callable[[R], R]:
        """`handler(turn, event, handle)`: runs `await handle()` (the rest of the turn) and may
        look at the turn before and the replies after."""

        def register(handler: R) -> R:
            self.arounds.append((order, handler))
            return handler

        return register

    def around_question(self, order: int) -> Callable[[Q], Q]:
        """`handler(turn, question, answer)`, around the answer to a typed question."""

        def register(handler: Q) -> Q:
            self.question_arounds.append((order, handler))
            return handler

        return register

    def intent(self, *names: str) -> Callable[[IH], IH]:
        """`handler(turn, question)` for a confident understanding with one of these intents."""

        def register(handler: IH) -> IH:
            for name in names:
                self.intents[name] = handler
            return handler

        return register

    def intents_where(self, accepts: IntentPredicate) -> Callable[[IH], IH]:
        """`handler(turn, question)` for every intent `accepts(turn, intent)` that no dialogue
        registered by name."""

        def register(handler: IH) -> IH:
            self.intent_predicates.append((accepts, handler))
            return handler

        return register

    def unsure(self, handler: IH) -> IH:
        """`handler(turn, question)` when the question was not understood confidently, or its
        intent has no handler."""
        self.unsure_handler = handler
        return handler

    def unhandled(
        self, handler: Callable[[Turn, Event], Awaitable[Replies]]
    ) -> Callable[[Turn, Event], Awaitable[Replies]]:
        """`handler(turn, event)` for a command, press, location or media nobody handles."""
        self.unhandled_handler = handler
        return handler


@dataclass
class Registry:
    dialogues: list[Dialogue] = field(default_factory=list)

    def include(self, *dialogues: Dialogue) -> None:
        self.dialogues.extend(dialogues)

    def command(self, name: str) -> Handler | None:
        return next((d.commands[name] for d in self.dialogues if name in d.commands), None)

    def action(self, action: Action) -> Handler | None:
        kind = type(action)
        return next((d.actions[kind] for d in self.dialogues if kind in d.actions), None)

    def step_text(self, step: str | None) -> Handler | None:
        if step is None:
            return None
        for d in self.dialogues:
            if step in d.step_texts:
                return d.step_texts[step]
        for d in self.dialogues:
            for prefix, handler in d.step_prefix_texts.items():
                if step.startswith(prefix):
                    return handler
        return None

    def step_media(self, step: str | None) -> Handler | None:
        if step is None:
            return None
        return next((d.step_media[step] for d in self.dialogues if step in d.step_media), None)

    def location(self) -> Handler | None:
        return next((d.location for d in self.dialogues if d.location is not None), None)

    def firsts(self) -> list[FirstHandler]:
        return [
            handler
            for _, handler in sorted((entry for d in self.dialogues for entry in d.firsts), key=lambda entry: entry[0])
        ]

    def arounds(self) -> list[Around]:
        """Outermost first."""
        return [
            handler
            for _, handler in sorted((entry for d in self.dialogues for entry in d.arounds), key=lambda entry: entry[0])
        ]

    def question_arounds(self) -> list[QuestionAround]:
        """Outermost first."""
        return [
            handler
            for _, handler in sorted(
                (entry for d in self.dialogues for entry in d.question_arounds), key=lambda entry: entry[0]
            )
        ]

    def intent(self, turn: Turn, name: str) -> IntentHandler | None:
        named = next((d.intents[name] for d in self.dialogues if name in d.intents), None)
        if named is not None:
            return named
        return next(
            (handler for d in self.dialogues for accepts, handler in d.intent_predicates if accepts(turn, name)), None
        )

    def unsure(self) -> IntentHandler | None:
        return next((d.unsure_handler for d in self.dialogues if d.unsure_handler is not None), None)

    def unhandled(self) -> Callable[[Turn, Event], Awaitable[Replies]] | None:
        return next((d.unhandled_handler for d in self.dialogues if d.unhandled_handler is not None), None)

    def all_commands(self) -> list[str]:
        return [name for d in self.dialogues for name in d.commands]

    def all_actions(self) -> list[type[Action]]:
        return [kind for d in self.dialogues for kind in d.actions]

    def all_intents(self) -> list[str]:
        return [name for d in self.dialogues for name in d.intents]
