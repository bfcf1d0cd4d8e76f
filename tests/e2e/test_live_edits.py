"""A broken edit of data/offices.yaml under the running bot: /office still answers, staff are told once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.places import offices
from tests.e2e.harness import STAFF_CHAT_ID, Telegram
from tests.places.test_live_edits import edit


async def test_office_answers_after_a_broken_edit_and_staff_hear_of_it_once(
    tg: Telegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "offices.yaml"
    shutil.copy(offices.OFFICES_FILE, copy)
    monkeypatch.setattr(offices, "OFFICES_FILE", copy)
    staff = tg.staff_group()
    mariam = tg.person(2301, "Mariam", language_code="de")
    await mariam.send("/office Hörde")
    assert "Hörde/Hombruch" in (await tg.replies(mariam))[0].text

    edit(copy, copy.read_text(encoding="utf-8").replace("offices:", "offices: [", 1))
    for _ in range(2):
        await mariam.send("/office Hörde")
        assert "Hörde/Hombruch" in (await tg.replies(mariam))[0].text
    note = await tg.server.wait_for_message(lambda m: "offices.yaml" in (m.text or ""), chat_id=STAFF_CHAT_ID)
    assert "letzte gute Fassung" in (note.text or "")
    await tg.server.wait_idle()
    assert len([m for m in staff.messages if "offices.yaml" in (m.text or "")]) == 1
