"""How many threads embed a question: all cores while that is faster, one while the cores are
busy (bot/understanding/engine_threads.py), and that the Understander applies the choice."""
from __future__ import annotations

import os
from typing import Any

import numpy as np

from bot.understanding.engine_threads import ThreadChooser
from bot.understanding.language import get_detector
from bot.understanding.matcher import Understander, load_examples


def test_all_cores_are_tried_first_then_one() -> None:
    chooser = ThreadChooser(most=4)
    assert chooser.choose() == 4
    chooser.record(4, 0.010, 40)
    assert chooser.choose() == 1
    chooser.record(1, 0.020, 40)
    assert chooser.choose() == 4  # 0.25 ms per token against 0.5


def test_one_thread_wins_when_all_cores_are_slower() -> None:
    chooser = ThreadChooser(most=2, explore_every=1000)
    chooser.record(2, 0.028, 40)  # the other core busy: the engine's threads wait for each other
    chooser.record(1, 0.015, 40)
    assert {chooser.choose() for _ in range(50)} == {1}


def test_the_slower_setting_is_tried_again_now_and_then_and_can_win_back() -> None:
    chooser = ThreadChooser(most=2, explore_every=4, weight=0.5)
    chooser.record(2, 0.028, 40)
    chooser.record(1, 0.015, 40)
    picks = [chooser.choose() for _ in range(8)]
    assert picks.count(2) == 2 and picks.count(1) == 6
    for _ in range(4):  # the machine is idle again: all cores measure faster
        chooser.record(2, 0.008, 40)
    assert chooser.choose() == 2


def test_times_are_compared_per_token() -> None:
    chooser = ThreadChooser(most=2)
    chooser.record(2, 0.020, 200)  # a long question (tokens)
    chooser.record(1, 0.010, 20)   # a short one: faster, but not per token
    assert chooser.choose() == 2


def test_a_single_core_machine_always_uses_one() -> None:
    chooser = ThreadChooser(most=1)
    assert chooser.choices == (1,)
    chooser.record(1, 0.01, 10)
    assert [chooser.choose() for _ in range(20)] == [1] * 20


class FakeLib:
    def __init__(self) -> None:
        self.threads = 2
        self.calls: list[int] = []

    def omp_set_num_threads(self, n: int) -> None:
        self.threads = n
        self.calls.append(n)

    def omp_get_max_threads(self) -> int:
        return 2


class BusyModel:
    """An engine on a machine whose other core is busy: two threads are slower than one."""

    dim = 384

    def __init__(self, clock: list[float]) -> None:
        self._lib = FakeLib()
        self._clock = clock

    def encode(self, texts: list[str], _is_query: bool) -> Any:
        self._clock[0] += (0.028 if self._lib.threads == 2 else 0.015) * len(texts)
        return np.ones((len(texts), self.dim), dtype=np.float32) / np.sqrt(self.dim)


def test_the_understander_sets_the_engines_threads_per_question(monkeypatch: Any) -> None:
    clock = [0.0]
    monkeypatch.setattr("bot.understanding.matcher.time.perf_counter", lambda: clock[0])
    examples = load_examples()
    model = BusyModel(clock)
    understander = Understander(examples, np.zeros((len(examples.texts), 384), dtype=np.float32),
                                model, get_detector(), threads=ThreadChooser(most=2, explore_every=10))
    for _ in range(20):
        understander.embed(["Wann habt ihr offen?"])
    assert model._lib.calls[:2] == [2, 1]  # each measured once
    assert model._lib.calls[2:].count(1) >= 16  # then one thread, the faster here
    understander.embed(["a", "b", "c"])
    assert model._lib.calls[-1] == 2  # a batch: one text per thread


def test_a_pinned_thread_count_is_left_alone(monkeypatch: Any) -> None:
    model = BusyModel([0.0])
    examples = load_examples()
    understander = Understander(examples, np.zeros((len(examples.texts), 384), dtype=np.float32),
                                model, get_detector(), threads=None)
    understander.embed(["Wann habt ihr offen?"])
    assert model._lib.calls == []


def test_the_thread_count_is_chosen_unless_the_environment_pins_it(monkeypatch: Any) -> None:
    from bot.understanding.matcher import _prepare_engine_env

    for name in ("OMP_NUM_THREADS", "LW_UNDERSTANDING_THREADS", "GOMP_SPINCOUNT"):
        monkeypatch.delenv(name, raising=False)
    assert _prepare_engine_env(None) is False
    monkeypatch.setenv("LW_UNDERSTANDING_THREADS", "1")
    assert _prepare_engine_env(None) is True
    monkeypatch.delenv("LW_UNDERSTANDING_THREADS")
    monkeypatch.setenv("OMP_NUM_THREADS", "2")  # an explicit OpenMP setting
    assert _prepare_engine_env(None) is True
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert _prepare_engine_env(3) is True
    assert os.environ["OMP_NUM_THREADS"] == "3"
