"""Driving the conversation core directly: one Turn per event, the state in the database (as in
production, so a "restart" is just a new Chat on the same database), a recording outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiogram.fsm.storage.base import StorageKey

from bot.clock import FakeClock
from bot.config import Settings
from bot.content.flows import FlowLibrary
from bot.content.locales import Catalog, html_to_plain
from bot.core.actions import Action
from bot.core.conversation import Conversation
from bot.core.events import CommandIn, Event, PressIn, TextIn
from bot.core.replies import Choice, Reply
from bot.core.services import Services
from bot.core.turn import open_turn
from bot.dialogues import registry
from bot.storage.conversation_storage import DatabaseConversation, DatabaseStorage
from bot.storage.models import Person
from bot.translation import FakeTranslator
from bot.understanding import Understanding

STAFF_CHAT_ID = -1001000000001


@dataclass
class RecordingOutbox:
    staff: list[str] = field(default_factory=list)
    to_people: list[tuple[int, list[Reply]]] = field(default_factory=list)

    async def to_person(self, person: Person, replies: list[Reply]) -> bool:
        self.to_people.append((person.id, replies))
        return True

    async def to_staff(self, html: str) -> None:
        self.staff.append(html)


class NoIntent:
    """Stands in for the language model: typed text is never an emergency or a topic here."""

    async def aunderstand(self, text: str) -> Understanding:
        return Understanding(language=None, intent=None, score=0.0, confident=False)


_CATALOG: Catalog | None = None
_FLOWS: FlowLibrary | None = None


def make_services(sessions: Any, clock: FakeClock, outbox: RecordingOutbox | None = None) -> Services:
    global _CATALOG, _FLOWS
    _CATALOG = _CATALOG or Catalog.load()
    _FLOWS = _FLOWS or FlowLibrary.load()
    settings = Settings(_env_file=None, STAFF_CHAT_ID=STAFF_CHAT_ID, REMINDER_OFFSETS="24h,2h")
    services = Services(
        settings=settings,
        clock=clock,
        sessions=sessions,
        catalog=_CATALOG,
        flows=_FLOWS,
        translator=FakeTranslator(),
        outbox=outbox or RecordingOutbox(),
    )
    services._understander = NoIntent()
    return services


@dataclass
class Chat:
    services: Services
    chat_id: int
    lang: str = "de"
    office: str | None = None
    last: list[Reply] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.state = DatabaseConversation(
            DatabaseStorage(self.services.sessions), StorageKey(bot_id=0, chat_id=self.chat_id, user_id=self.chat_id)
        )

    async def handle(self, event: Event) -> list[Reply]:
        async with open_turn(self.services, "telegram", str(self.chat_id), self.state) as turn:
            if turn.person.language is None:  # a new person
                turn.person.language = self.lang
                turn.person.office = self.office
            self.last = await Conversation(registry()).handle(turn, event)
            self.person_id = turn.person.id
        return self.last

    async def command(self, name: str, args: str = "") -> list[Reply]:
        return await self.handle(CommandIn(name, args))

    async def type(self, text: str) -> list[Reply]:
        return await self.handle(TextIn(text))

    async def act(self, action: Action) -> list[Reply]:
        return await self.handle(PressIn(action))

    async def press(self, label: str) -> list[Reply]:
        """Press the button (of the last replies) whose label contains `label`."""
        return await self.act(self.button(label).action)

    # -- reading the replies --

    def render(self, text: Any) -> str:
        return html_to_plain(self.services.catalog.render(text, self.lang))

    def texts(self, replies: list[Reply] | None = None) -> list[str]:
        return [self.render(r.text) for r in (self.last if replies is None else replies)]

    @property
    def text(self) -> str:
        return "\n".join(self.texts())

    def choices(self, replies: list[Reply] | None = None) -> list[Choice]:
        return [
            c
            for r in (self.last if replies is None else replies)
            for row in r.choices
            for c in row
            if isinstance(c, Choice)
        ]

    def labels(self) -> list[str]:
        return [self.render(c.label) for c in self.choices()]

    def actions(self, kind: type | None = None) -> list[Action]:
        return [c.action for c in self.choices() if kind is None or isinstance(c.action, kind)]

    def button(self, label: str) -> Choice:
        found = [c for c in self.choices() if label in self.render(c.label)]
        assert found, f"no button {label!r} in {self.labels()}"
        return found[0]

    async def step(self) -> str | None:
        return await self.state.get_state()

    async def data(self) -> dict[str, Any]:
        return await self.state.get_data()
