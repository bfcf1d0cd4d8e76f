"""Every conversation script in tests/conversations/scripts/ played through the real bot and the fake
Bot API: each one reaches its goal (no dead end, every expectation met). A bot of its own per script."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conversations.runner import SCRIPTS_DIR, fresh_bot, play
from tests.conversations.script_format import Script, load

SCRIPTS = load(SCRIPTS_DIR)


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.id for s in SCRIPTS])
async def test_script_reaches_its_goal(script: Script, tmp_path: Path) -> None:
    async with fresh_bot(tmp_path) as tg:
        outcome = await play(tg, script, user_id=5000)
    assert outcome.passed, outcome.explain() + "\n" + "\n".join(outcome.transcript)
