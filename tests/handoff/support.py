"""Driving the handoff through the conversation core: one Turn per event, the state in the
database, a desk and an outbox that record what staff and people would get."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from aiogram.fsm.storage.base import StorageKey

from bot.clock import FakeClock
from bot.config import Settings
from bot.content.flows import FlowLibrary
from bot.content.locales import Catalog, html_to_plain
from bot.core.actions import Action
from bot.core.conversation import Conversation
from bot.core.events import CommandIn, Event, MediaIn, PressIn, TextIn
from bot.core.replies import Choice, Reply
from bot.core.services import Services
from bot.core.staff_desk import DeskError, SourceMessage, Thread, ThreadGone
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
    reachable: bool = True

    async def to_person(self, person: Person, replies: list[Reply]) -> bool:
        if not self.reachable:
            return False
        self.to_people.append((person.id, replies))
        return True

    async def to_staff(self, html: str) -> None:
        self.staff.append(html)


@dataclass
class Post:
    thread: Thread
    html: str
    message_id: int
    reply_to: int | None = None
    kind: str = "text"  # or the media kind for copies
    source: SourceMessage | None = None

    @property
    def text(self) -> str:
        return html_to_plain(self.html)


@dataclass
class RecordingDesk:
    """A staff chat in memory: a forum unless `forum=False`."""

    forum: bool = True
    chat_id: int | None = STAFF_CHAT_ID
    posts: list[Post] = field(default_factory=list)
    topics: dict[int, dict[str, Any]] = field(default_factory=dict)
    failing: bool = False
    _ids: Any = field(default_factory=lambda: itertools.count(500))

    @property
    def available(self) -> bool:
        return self.chat_id is not None

    def _check(self, thread: Thread | None = None) -> None:
        if self.failing:
            raise DeskError("told to fail")
        if thread is not None and thread.thread_id is not None:
            topic = self.topics.get(thread.thread_id)
            if topic is None or topic["deleted"]:
                raise ThreadGone("gone")

    async def open_thread(self, title: str) -> Thread:
        self._check()
        assert self.chat_id is not None
        if not self.forum:
            return Thread(self.chat_id, None)
        thread_id = next(self._ids)
        self.topics[thread_id] = {"title": title, "closed": False, "deleted": False, "history": [title]}
        return Thread(self.chat_id, thread_id)

    async def reopen_thread(self, thread: Thread, title: str) -> None:
        self._check(thread)
        if thread.thread_id is not None:
            self.topics[thread.thread_id].update(closed=False, title=title)
            self.topics[thread.thread_id]["history"].append(title)

    async def close_thread(self, thread: Thread, title: str) -> None:
        self._check(thread)
        if thread.thread_id is not None:
            self.topics[thread.thread_id].update(closed=True, title=title)
            self.topics[thread.thread_id]["history"].append(title)

    async def post(self, thread: Thread, html: str, *, reply_to: int | None = None) -> int:
        self._check(thread)
        post = Post(thread, html, next(self._ids), reply_to)
        self.posts.append(post)
        return post.message_id

    async def copy_in(
        self, thread: Thread, source: SourceMessage | None, *, kind: str, reply_to: int | None = None
    ) -> int | None:
        self._check(thread)
        post = Post(thread, "", next(self._ids), reply_to, kind=kind, source=source)
        self.posts.append(post)
        return post.message_id

    def texts(self) -> list[str]:
        return [p.text for p in self.posts if p.kind == "text"]


class ScriptedUnderstander:
    """Stands in for the language model: only texts listed in `emergencies` are emergencies."""

    def __init__(self) -> None:
        self.emergencies: set[str] = set()

    async def aunderstand(self, text: str) -> Understanding:
        if text in self.emergencies:
            return Understanding(language=None, intent="emergency", score=1.0, confident=True)
        return Understanding(language=None, intent=None, score=0.0, confident=False)


_CATALOG: Catalog | None = None
_FLOWS: FlowLibrary | None = None


def make_services(
    sessions: Any,
    clock: FakeClock,
    *,
    translator: str = "deepl",
    outbox: RecordingOutbox | None = None,
    fake: FakeTranslator | None = None,
    **settings: Any,
) -> Services:
    global _CATALOG, _FLOWS
    _CATALOG = _CATALOG or Catalog.load()
    _FLOWS = _FLOWS or FlowLibrary.load()
    config = Settings(
        _env_file=None,
        STAFF_CHAT_ID=STAFF_CHAT_ID,
        TRANSLATOR=translator,
        **settings,
    )
    services = Services(
        settings=config,
        clock=clock,
        sessions=sessions,
        catalog=_CATALOG,
        flows=_FLOWS,
        translator=fake or FakeTranslator(),
        outbox=outbox or RecordingOutbox(),
    )
    services._understander = ScriptedUnderstander()
    return services


@dataclass
class Chat:
    services: Services
    desk: RecordingDesk
    chat_id: int = 3001
    lang: str = "uk"
    office: str | None = None
    display_name: str | None = "Olena"
    last: list[Reply] = field(default_factory=list)
    person_id: int | None = None
    _message_ids: Any = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.services.staff_desks["telegram"] = self.desk
        self.state = DatabaseConversation(
            DatabaseStorage(self.services.sessions), StorageKey(bot_id=0, chat_id=self.chat_id, user_id=self.chat_id)
        )

    async def handle(self, event: Event) -> list[Reply]:
        async with open_turn(
            self.services, "telegram", str(self.chat_id), self.state, display_name=self.display_name
        ) as turn:
            if turn.person.language is None:  # a new person
                turn.person.language = self.lang
                turn.person.office = self.office
            turn.source = SourceMessage(self.chat_id, next(self._message_ids))
            self.last = await Conversation(registry()).handle(turn, event)
            self.person_id = turn.person.id
        return self.last

    async def command(self, name: str, args: str = "") -> list[Reply]:
        return await self.handle(CommandIn(name, args))

    async def type(self, text: str) -> list[Reply]:
        return await self.handle(TextIn(text))

    async def send(self, kind: str, caption: str | None = None) -> list[Reply]:
        return await self.handle(MediaIn(kind, caption))

    async def act(self, action: Action) -> list[Reply]:
        return await self.handle(PressIn(action))

    async def press(self, label: str) -> list[Reply]:
        return await self.act(self.button(label).action)

    def render(self, text: Any, lang: str = "de") -> str:
        return html_to_plain(self.services.catalog.render(text, lang))

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

    def labels(self, replies: list[Reply] | None = None) -> list[str]:
        return [self.render(c.label) for c in self.choices(replies)]

    def button(self, label: str, replies: list[Reply] | None = None) -> Choice:
        found = [c for c in self.choices(replies) if label in self.render(c.label)]
        assert found, f"no button {label!r} in {self.labels(replies)}"
        return found[0]

    async def step(self) -> str | None:
        return await self.state.get_state()

    async def person(self) -> Person:
        async with self.services.sessions() as session:
            person = await session.get(Person, self.person_id)
            assert person is not None
            return person
