"""Which dialogue answers which event: a tiny router, in the spirit of aiogram's.

Dialogue modules declare their handlers with decorators on a `Dialogue`; the conversation asks
each registered dialogue in order. Handlers are `async (turn, ...) -> list[Reply]`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, TypeVar

from bot.core.actions import Action
from bot.core.replies import Reply

Handler = Callable[..., Awaitable[list[Reply]]]
H = TypeVar("H", bound=Handler)
A = TypeVar("A", bound=Action)


@dataclass
class Dialogue:
    name: str
    commands: dict[str, Handler] = field(default_factory=dict)
    actions: dict[type[Action], Handler] = field(default_factory=dict)
    step_texts: dict[str, Handler] = field(default_factory=dict)
    step_prefix_texts: dict[str, Handler] = field(default_factory=dict)
    step_media: dict[str, Handler] = field(default_factory=dict)
    location: Handler | None = None

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

    def all_commands(self) -> list[str]:
        return [name for d in self.dialogues for name in d.commands]

    def all_actions(self) -> list[type[Action]]:
        return [kind for d in self.dialogues for kind in d.actions]


def describe(handler: Any) -> str:
    return getattr(handler, "__qualname__", repr(handler))
