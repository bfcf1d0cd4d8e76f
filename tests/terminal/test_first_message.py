"""`python -m bot chat` without --lang: the first typed question is answered, not only the picker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.bot_process import bot_env

ROOT = Path(__file__).resolve().parents[2]


def chat(tmp_path: Path, typed: str, *args: str) -> list[str]:
    """What the terminal showed: the start, then one part per typed line."""
    env = bot_env(tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / f'chat{len(args)}.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", *args],
        cwd=ROOT,
        env=env,
        input=typed,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.split("> ")


def test_a_german_question_typed_first_is_answered_in_german(tmp_path: Path) -> None:
    start, answer, *_ = chat(tmp_path, "Wann habt ihr offen?\n:quit\n")
    assert "Please choose your language" in start  # /start shows the picker, as before
    assert "Please choose your language" not in answer
    offer = "\nIch antworte Ihnen auf Deutsch. Soll ich dabei bleiben?\n"
    assert offer in answer
    # The answer itself: what someone with German set gets for the same question.
    _, with_german, *_ = chat(tmp_path, "Wann habt ihr offen?\n:quit\n", "--lang", "de")
    assert answer.split(offer)[0].strip() == with_german.strip()


def test_a_question_in_a_language_beyond_the_ten_is_answered_after_the_pick(tmp_path: Path) -> None:
    _, notice, picked, *_ = chat(tmp_path, "Saacadaha shaqada xafiiska waa maxay\n2\n:quit\n")  # Somali; [2] English
    assert "Sorry, I cannot read this language reliably." in notice
    assert "Diese Sprache kann ich leider nicht sicher lesen." in notice
    done = "\nFrom now on I will write to you in English.\n"
    assert picked.startswith(done)
    _, with_english, *_ = chat(tmp_path, "Saacadaha shaqada xafiiska waa maxay\n:quit\n", "--lang", "en")
    assert picked[len(done) :].strip() == with_english.strip()
