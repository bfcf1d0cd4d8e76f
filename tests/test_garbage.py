"""Start-up objects frozen out of the garbage collector's way (bot/garbage.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot import __main__ as cli
from bot.garbage import freeze_startup_objects, hold_collection


@pytest.fixture
def collector() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()  # the frozen objects go back to the oldest generation
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_waits_until_start_up_is_frozen_then_runs_again(collector: None) -> None:
    hold_collection()
    assert not gc.isenabled()
    built = [[i] for i in range(1000)]  # what start-up builds and keeps
    frozen = freeze_startup_objects()
    assert gc.isenabled()
    assert frozen == gc.get_freeze_count() >= len(built)
    walked = {id(o) for o in gc.get_objects()}
    assert not any(id(b) in walked for b in built)  # frozen: the collector no longer walks them


def test_a_later_freeze_collects_garbage_first(collector: None) -> None:
    class Node:
        other: object

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle that only the collector can free
    gc.disable()
    del a, b
    before = gc.get_freeze_count()
    freeze_startup_objects(collect_first=True)
    frozen_cycles = [o for o in gc.get_objects() if isinstance(o, Node)]
    assert frozen_cycles == []  # collected, not frozen
    assert gc.get_freeze_count() >= before


def test_run_holds_the_collector_until_the_bot_is_built(monkeypatch: pytest.MonkeyPatch, collector: None) -> None:
    seen: list[bool] = []

    async def fake_run(_settings: object) -> None:
        seen.append(gc.isenabled())  # bot.telegram.app.run builds the bot here, then freezes

    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setattr("bot.telegram.app.run", fake_run)
    assert cli.main(["run"]) == 0
    assert seen == [False]


def test_malloc_arenas_are_limited_unless_the_environment_says_otherwise(monkeypatch) -> None:
    import ctypes.util

    from bot.garbage import limit_malloc_arenas

    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False  # the operator's setting stands
    monkeypatch.delenv("MALLOC_ARENA_MAX")
    is_glibc = ctypes.util.find_library("c") is not None and hasattr(
        ctypes.CDLL(ctypes.util.find_library("c")), "mallopt"
    )
    assert limit_malloc_arenas() is is_glibc
