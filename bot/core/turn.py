"""One turn of a conversation: who, in which language, with which state and database session."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.replies import Reply
from bot.core.services import Services
from bot.core.staff_desk import SourceMessage, StaffDesk
from bot.core.turn_state import TurnState
from bot.log_format import PERSON_ID
from bot.metrics import timed_understanding
from bot.storage.models import Person

if TYPE_CHECKING:
    from bot.understanding import Understanding


log = logging.getLogger(__name__)


class StateStore(Protocol):
    """What a dialogue needs of the conversation state; aiogram's FSMContext is one."""

    async def get_state(self) -> str | None: ...
    async def set_state(self, state: str | None = None) -> None: ...
    async def get_data(self) -> dict[str, Any]: ...
    async def set_data(self, data: dict[str, Any]) -> None: ...
    async def clear(self) -> None: ...


@dataclass
class Turn:
    services: Services
    session: AsyncSession
    person: Person
    state: StateStore
    now: datetime
    # Language of this turn's answer: the person's, or the one they just wrote in.
    lang: str = "de"
    # First name from the channel, used only for the staff topic title of a handoff.
    display_name: str | None = None
    # The message being handled as its channel names it (to copy a photo to staff; set by the
    # Telegram adapter), None where a channel has no such ids.
    source: SourceMessage | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Called once, after the next commit (the Telegram adapter gives back its turn slot there).
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    # The typed text of this turn, understood before its transaction began (see open_turn).
    understood: dict[str, Understanding] = field(default_factory=dict)
    not_understood: set[str] = field(default_factory=set)
    # The language of the person's app, if the channel tells it (set by the conversation).
    language_hint: str | None = None
    # Answers a typed text as a question, the way the conversation answers one typed outside any
    # step (set by the conversation): for a question kept until the person picked a language.
    answer_question: Callable[[str], Awaitable[list[Reply]]] | None = None
    # The person's id as a plain value: still readable once a rollback has expired `person`
    # (the error middleware logs it after a failed turn).
    person_id: int = field(init=False)

    def __post_init__(self) -> None:
        self.person_id = self.person.id

    @property
    def staff_desk(self) -> StaffDesk:
        """The staff chat this person's channel hands over to (`Services.staff_desks`)."""
        return self.services.staff_desk(self.person.channel)

    async def understanding(self, text: str) -> Understanding | None:
        """What `text` is about, or None while the model is unavailable (callers answer without).
        The turn's typed text was usually understood before the turn began."""
        known = self.understood.get(text)
        if known is not None or text in self.not_understood:
            return known
        try:
            understander = await self.services.understander()
            with timed_understanding():
                understood = await understander.aunderstand(text)
        except Exception as exc:  # noqa: BLE001 - a model outage must not silence the turn
            log.warning("person %s: understanding unavailable (%s)", self.person_id, exc.__class__.__name__)
            self.not_understood.add(text)  # asked once per turn: an outage costs one wait
            return None
        self.understood[text] = understood
        return understood

    async def step(self) -> str | None:
        return await self.state.get_state()

    async def goto(self, step: str | None, **data: Any) -> None:
        """Enter a dialogue step (None leaves any dialogue), replacing the step's data."""
        await self.state.set_state(step)
        await self.state.set_data(data)

    async def data(self) -> dict[str, Any]:
        return await self.state.get_data()

    async def remember(self, **data: Any) -> None:
        current = await self.state.get_data()
        current.update(data)
        await self.state.set_data(current)

    async def leave(self) -> None:
        await self.state.clear()

    async def commit(self) -> None:
        """Store the conversation state and commit the turn's transaction; the turn goes on in a
        new transaction, committed when it ends."""
        if isinstance(self.state, TurnState):
            await self.state.save()
        await self.session.commit()
        callbacks, self.after_commit = self.after_commit, []
        for callback in callbacks:
            callback()


Replies = list[Reply]


@asynccontextmanager
async def open_turn(
    services: Services,
    channel: str,
    external_id: str,
    state: StateStore,
    *,
    display_name: str | None = None,
    typed: str | None = None,
    understood: dict[str, Understanding] | None = None,
) -> AsyncIterator[Turn]:
    """One turn's unit of work, the same for every adapter: the person (created on first contact),
    a database session whose transaction the conversation state joins, committed when the turn
    ends, rolled back when it fails. The state is read and written through a TurnState: once each
    way at most (bot.core.turn_state).

    `typed`, the text of a typed message, is understood first, before the transaction begins:
    on SQLite a transaction holds the one write lock (bot.storage.database), and nobody should
    wait while the model reads somebody else's message. An adapter that waits for a turn slot
    understands it before that wait instead (`understand_first`) and passes `understood`."""
    from bot.core import people
    from bot.storage.database import turn_session

    if understood is None:
        understood = await understand_first(services, typed)
    async with services.sessions() as session:
        person, _ = await people.get_or_create(session, channel, external_id)
        turn = Turn(
            services=services,
            session=session,
            person=person,
            state=TurnState(state),
            now=services.clock.now(),
            display_name=display_name,
            understood=understood,
        )
        token = turn_session.set(session)
        person_token = PERSON_ID.set(person.id)  # LOG_FORMAT=json names the person of each record
        try:
            yield turn
        except BaseException:
            await session.rollback()
            raise
        else:
            await turn.commit()
        finally:
            PERSON_ID.reset(person_token)
            turn_session.reset(token)


async def understand_first(services: Services, typed: str | None) -> dict[str, Understanding]:
    """A typed message understood before its turn, unless it is answered without the model
    (`Services.answered_without_model`: the safety lexicon knows an emergency, and that answer
    never waits for the model) or the model is unavailable (the turn then answers without it)."""
    from bot.core.events import typed_text

    text = typed_text(typed) if typed is not None else ""
    if not text or services.answered_without_model(text):
        return {}
    try:
        understander = await services.understander()
        with timed_understanding():
            return {text: await understander.aunderstand(text)}
    except Exception as exc:  # noqa: BLE001 - a model outage must not stop the turn
        log.warning("understanding unavailable before the turn (%s)", exc.__class__.__name__)
        return {}
