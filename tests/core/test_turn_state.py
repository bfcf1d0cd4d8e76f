"""TurnState: a turn reads the conversation state at most once and writes it at most once."""

from __future__ import annotations

from typing import Any

from bot.core.turn_state import TurnState


class CountingStore:
    """A StateStore that counts how often it is read and written."""

    def __init__(self, state: str | None = None, data: dict[str, Any] | None = None) -> None:
        self.state, self.data = state, dict(data or {})
        self.reads = 0
        self.writes = 0

    async def get_state(self) -> str | None:
        self.reads += 1
        return self.state

    async def get_data(self) -> dict[str, Any]:
        self.reads += 1
        return dict(self.data)

    async def set_state(self, state: str | None = None) -> None:
        self.writes += 1
        self.state = state

    async def set_data(self, data: dict[str, Any]) -> None:
        self.writes += 1
        self.data = dict(data)

    async def clear(self) -> None:
        await self.set_state(None)
        await self.set_data({})


class RecordStore(CountingStore):
    """A store that reads and writes step and data together (StateRecordStore)."""

    async def load(self) -> tuple[str | None, dict[str, Any]]:
        self.reads += 1
        return self.state, dict(self.data)

    async def save(self, state: str | None, data: dict[str, Any]) -> None:
        self.writes += 1
        self.state, self.data = state, dict(data)


async def test_many_reads_in_a_turn_read_the_store_once() -> None:
    store = RecordStore("booking:day", {"office": "nord"})
    state = TurnState(store)
    assert await state.get_state() == "booking:day"
    assert await state.get_data() == {"office": "nord"}
    assert await state.get_state() == "booking:day"
    assert store.reads == 1


async def test_changes_reach_the_store_only_on_save_and_in_one_write() -> None:
    store = RecordStore("booking:day", {"office": "nord"})
    state = TurnState(store)
    await state.set_state("booking:time")
    await state.set_data({"office": "nord", "day": "2026-11-24"})
    await state.set_state("booking:interpreter")
    assert (store.state, store.writes) == ("booking:day", 0)
    await state.save()
    assert store.state == "booking:interpreter"
    assert store.data == {"office": "nord", "day": "2026-11-24"}
    assert store.writes == 1


async def test_a_step_and_its_data_set_together_need_no_read() -> None:
    store = RecordStore("old", {"a": 1})
    state = TurnState(store)
    await state.set_state("new")
    await state.set_data({"b": 2})
    await state.save()
    assert (store.reads, store.writes) == (0, 1)
    assert (store.state, store.data) == ("new", {"b": 2})


async def test_setting_only_the_step_keeps_the_stored_data() -> None:
    store = RecordStore("old", {"note": "kita"})
    state = TurnState(store)
    await state.set_state("new")
    await state.save()
    assert (store.state, store.data) == ("new", {"note": "kita"})


async def test_writing_back_what_was_read_writes_nothing() -> None:
    store = RecordStore("flow:kita", {"note": "x"})
    state = TurnState(store)
    step, data = await state.get_state(), await state.get_data()
    await state.clear()  # /start leaves the dialogue ...
    await state.set_state(step)  # ... and the dialogue puts everything back
    await state.set_data(data)
    await state.save()
    assert (store.reads, store.writes) == (1, 0)


async def test_without_a_read_a_write_is_not_skipped() -> None:
    store = RecordStore("flow:kita", {"note": "x"})
    state = TurnState(store)
    await state.set_state("flow:kita")  # equal to what is stored, but nobody read it
    await state.set_data({"note": "x"})
    await state.save()
    assert (store.reads, store.writes) == (0, 1)


async def test_a_turn_that_is_not_saved_leaves_the_store_as_it_was() -> None:
    store = RecordStore("booking:day", {"office": "nord"})
    state = TurnState(store)
    await state.clear()  # the turn fails after this: open_turn rolls back and never saves
    assert (store.state, store.data, store.writes) == ("booking:day", {"office": "nord"}, 0)


async def test_saving_twice_writes_once() -> None:
    store = RecordStore()
    state = TurnState(store)
    await state.set_state("x")
    await state.set_data({})
    await state.save()
    await state.save()
    assert store.writes == 1


async def test_data_handed_out_is_a_copy() -> None:
    store = RecordStore(None, {"a": 1})
    state = TurnState(store)
    data = await state.get_data()
    data["a"] = 2
    assert await state.get_data() == {"a": 1}


async def test_a_plain_store_is_read_and_written_with_its_four_methods() -> None:
    store = CountingStore("s", {"k": "v"})
    state = TurnState(store)
    assert await state.get_data() == {"k": "v"}
    await state.set_state("t")
    await state.save()
    assert (store.state, store.data) == ("t", {"k": "v"})
    assert store.reads == 2 and store.writes == 2
