"""The one YAML reader: a key given twice is an error, an edited file is read afresh, and a
caller changing its document never changes what the next caller gets."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.content.yaml_files import read_yaml


def test_a_key_given_twice_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "steps.yaml"
    path.write_text("steps:\n  ask: one\n  ask: two\n", encoding="utf-8")
    with pytest.raises(yaml.constructor.ConstructorError, match="duplicate key 'ask'"):
        read_yaml(path)


def test_an_edited_file_is_read_afresh(tmp_path: Path) -> None:
    path = tmp_path / "hours.yaml"
    path.write_text("open: '09:00'\n", encoding="utf-8")
    assert read_yaml(path) == {"open": "09:00"}
    path.write_text("open: '10:00'\n", encoding="utf-8")  # same size, same second
    assert read_yaml(path) == {"open": "10:00"}


def test_each_caller_gets_its_own_document(tmp_path: Path) -> None:
    path = tmp_path / "de.yaml"
    path.write_text("menu:\n  title: Menü\n", encoding="utf-8")
    first = read_yaml(path)
    first["menu"]["title"] = "changed"
    assert read_yaml(path) == {"menu": {"title": "Menü"}}
