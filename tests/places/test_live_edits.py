"""Staff edit data/ while the bot runs: a broken edit keeps the last good version serving."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from bot.content import problems as content_problems
from bot.content.problems import Problem
from bot.places.datafile import PlacesDataError
from bot.places.offices import OFFICES_FILE, load_offices


@pytest.fixture
def offices_copy(tmp_path: Path) -> Path:
    path = tmp_path / "offices.yaml"
    shutil.copy(OFFICES_FILE, path)
    return path


def edit(path: Path, text: str) -> None:
    """Write the file as staff would, with a modification time that surely differs."""
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_a_typo_keeps_the_last_good_offices_and_is_reported_once(
    offices_copy: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[tuple[str, list[Problem]]] = []
    monkeypatch.setattr(
        content_problems, "broken_edit_listeners", [lambda file, problems: told.append((file, problems))]
    )
    good = load_offices(offices_copy)
    original = offices_copy.read_text(encoding="utf-8")
    edit(offices_copy, original.replace("offices:", "offices: [", 1))
    with caplog.at_level(logging.ERROR, logger="bot.content.problems"):
        assert load_offices(offices_copy) is good
        assert load_offices(offices_copy) is good
    assert len(told) == 1 and told[0][0].endswith("offices.yaml")
    assert len([r for r in caplog.records if "broken edit" in r.getMessage()]) == 1
    # Fixed again: the new version is read, and a later break is reported again.
    edit(offices_copy, original.replace("Hörde/Hombruch", "Hörde / Hombruch", 1))
    fixed = load_offices(offices_copy)
    assert fixed is not good
    edit(offices_copy, "offices: 42\n")
    assert load_offices(offices_copy) is fixed
    assert len(told) == 2


def test_a_file_that_never_loaded_still_raises(tmp_path: Path) -> None:
    broken = tmp_path / "offices.yaml"
    broken.write_text("offices: [\n", encoding="utf-8")
    with pytest.raises(PlacesDataError) as error:
        load_offices(broken)
    assert "offices.yaml" in str(error.value)


def test_a_deleted_file_keeps_the_last_good_version(offices_copy: Path) -> None:
    good = load_offices(offices_copy)
    offices_copy.unlink()
    assert load_offices(offices_copy) is good
