"""The conversation state as one turn sees it: read once, when a dialogue first asks for it, and
written once, when the turn commits, and only if it changed.

Dialogues read and write the step and its data several times a turn (`turn.step()`, `goto`,
`remember`, `leave`); against the store each of those was a statement (up to 13 a turn, measured
in bench/README.md). Here they are answered from memory. A turn that fails writes nothing, so the
state stays what it was, like the rest of the turn's changes."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from bot.core.turn import StateStore


@runtime_checkable
class StateRecordStore(Protocol):
    """A store that reads and writes the step and its data together (one statement each way);
    bot.storage.conversation_storage.DatabaseConversation is one."""

    async def load(self) -> tuple[str | None, dict[str, Any]]: ...
    async def save(self, state: str | None, data: dict[str, Any]) -> None: ...


class _Unknown:
    def __repr__(self) -> str:
        return "<not read>"


UNKNOWN: Any = _Unknown()


class TurnState:
    """A StateStore in front of the real one for the length of a turn; `save()` writes it back."""

    def __init__(self, store: StateStore) -> None:
        self._store = store
        self._state: Any = UNKNOWN
        self._data: Any = UNKNOWN
        self._stored: Any = UNKNOWN  # (state, data) as read from the store, to skip equal writes
        self._dirty = False

    async def get_state(self) -> str | None:
        if self._state is UNKNOWN:
            await self._load()
        state: str | None = self._state
        return state

    async def get_data(self) -> dict[str, Any]:
        if self._data is UNKNOWN:
            await self._load()
        return dict(self._data)

    async def set_state(self, state: str | None = None) -> None:
        self._state = state
        self._dirty = True

    async def set_data(self, data: dict[str, Any]) -> None:
        self._data = dict(data)
        self._dirty = True

    async def clear(self) -> None:
        await self.set_state(None)
        await self.set_data({})

    async def save(self) -> None:
        """Write what changed since the store was read (nothing, if nothing did)."""
        if not self._dirty:
            return
        if self._state is UNKNOWN or self._data is UNKNOWN:
            await self._load()  # only one part was set: the other is kept as stored
        current = (self._state, self._data)
        if current != self._stored:
            if isinstance(self._store, StateRecordStore):
                await self._store.save(self._state, dict(self._data))
            else:
                await self._store.set_state(self._state)
                await self._store.set_data(dict(self._data))
            self._stored = (self._state, copy.deepcopy(self._data))
        self._dirty = False

    async def _load(self) -> None:
        if isinstance(self._store, StateRecordStore):
            state, data = await self._store.load()
        else:
            state, data = await self._store.get_state(), await self._store.get_data()
        self._stored = (state, copy.deepcopy(data))
        if self._state is UNKNOWN:
            self._state = state
        if self._data is UNKNOWN:
            self._data = dict(data)
