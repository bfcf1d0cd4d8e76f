"""The model in its own process: what it may see, and what happens when it dies or hangs."""

from __future__ import annotations

import os
import signal
import time
import unicodedata

import numpy as np
import pytest

from bot.understanding.model_process import MAX_MODEL_CHARS, ModelProcess, ModelUnavailable, model_input


def test_model_input_is_nfkc_so_the_engine_has_nothing_left_to_expand() -> None:
    text = model_input("\ufdfa" * 20)
    assert "\ufdfa" not in text
    assert text == unicodedata.normalize("NFKC", text)
    assert text.startswith("صلى الله عليه وسلم")


def test_model_input_is_bounded_after_normalisation() -> None:
    assert len(model_input("\ufdfa" * 4096)) <= MAX_MODEL_CHARS
    assert len(model_input("a" * 4096)) == MAX_MODEL_CHARS


def test_model_input_drops_what_utf8_or_c_cannot_carry() -> None:
    text = model_input("Ter\x00min\ud800 \x07heute\nbitte")
    assert text == "Termin heute\nbitte"
    text.encode("utf-8")  # would raise on a lone surrogate


def test_model_input_keeps_ordinary_spelling() -> None:
    assert model_input("  Wann hat das Büro in Hörde geöffnet?  ") == "Wann hat das Büro in Hörde geöffnet?"
    assert model_input("مرحبا، أين المكتب؟") == "مرحبا، أين المكتب؟"


@pytest.fixture
def model() -> ModelProcess:
    process = ModelProcess(threads=1, request_timeout=2.0)
    process.start()
    yield process
    process.close()


def wait_until_ready(model: ModelProcess, texts: list[str], seconds: float = 60.0) -> np.ndarray:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return model.embed(texts)
        except ModelUnavailable:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_embeddings_are_normalised_rows_and_a_hostile_text_needs_no_restart(model: ModelProcess) -> None:
    rows = model.embed(["Wann habt ihr offen?", "\ufdfa" * 20, "a" * 4096])
    assert rows.shape == (3, 384)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-3)
    assert model.restarts == 0


def test_a_question_is_embedded_the_same_alone_and_in_a_batch(model: ModelProcess) -> None:
    alone = model.embed(["Kita Platz"])[0]
    batch = model.embed(["Wo ist das Büro?", "Kita Platz"])[1]
    assert float(alone @ batch) > 0.999


def test_a_dead_model_process_costs_one_question_and_is_replaced(model: ModelProcess) -> None:
    before = model.embed(["Schule anmelden"])[0]
    old_pid = model.pid
    assert old_pid is not None
    os.kill(old_pid, signal.SIGKILL)
    with pytest.raises(ModelUnavailable):
        model.embed(["Schule anmelden"])
    assert model.restarts == 1
    assert model.pid != old_pid
    after = wait_until_ready(model, ["Schule anmelden"])[0]
    assert float(before @ after) > 0.999


def test_a_hung_model_process_times_out_and_is_replaced(model: ModelProcess) -> None:
    old_pid = model.pid
    assert old_pid is not None
    os.kill(old_pid, signal.SIGSTOP)
    started = time.monotonic()
    with pytest.raises(ModelUnavailable):
        model.embed(["Wohnung suchen"])
    assert time.monotonic() - started < 10  # the request timeout (2 s + 1 s for the frame), not forever
    assert model.pid != old_pid
    assert wait_until_ready(model, ["Wohnung suchen"]).shape == (1, 384)


def test_understanding_answers_not_sure_while_the_model_restarts() -> None:
    from bot.core.services import _shared_understander

    understander = _shared_understander()
    assert understander.understand("Wann hat das Büro offen?").intent == "hours"
    pid = understander.model.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    unsure = understander.understand("Wann hat das Büro offen?")
    assert unsure.intent is None and not unsure.confident and not unsure.similarities
    assert unsure.language == "de"  # language detection does not need the model
    deadline = time.monotonic() + 60
    while understander.understand("Wann hat das Büro offen?").intent != "hours":
        assert time.monotonic() < deadline
        time.sleep(0.05)
