"""Locale files are read into models (LocaleMetaFile for _meta, TextTree for the texts)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.content.locale_check import validate_locales
from bot.content.locales import LOCALES_DIR, load_locale


def test_every_shipped_locale_reads_into_the_models() -> None:
    for path in sorted(LOCALES_DIR.glob("*.yaml")):
        locale = load_locale(path)
        assert locale.meta.code == path.stem and locale.meta.direction in ("ltr", "rtl")
        assert locale.strings and all(isinstance(text, str) for text in locale.strings.values())


def test_a_locale_file_that_does_not_fit_its_model_is_named_by_key(tmp_path: Path) -> None:
    """pydantic reads _meta and the texts; the check names the key and says what is wrong."""
    for source in LOCALES_DIR.glob("*.yaml"):
        shutil.copy(source, tmp_path / source.name)
    french = tmp_path / "fr.yaml"
    text = french.read_text(encoding="utf-8").replace("_meta:\n", "_meta:\n  colour: blue\n", 1)
    french.write_text(text + "\nbroken_list:\n  - a\nnested:\n  deeper:\n    - x\n", encoding="utf-8")
    romanian = tmp_path / "ro.yaml"
    romanian.write_text(
        romanian.read_text(encoding="utf-8").replace("direction: ltr", "direction: sideways"), encoding="utf-8"
    )
    found = {(p.file, p.key, p.problem) for p in validate_locales(tmp_path)}
    assert ("fr.yaml", "_meta.colour", "unknown key (allowed: direction, language, name, status)") in found
    assert ("fr.yaml", "broken_list", "must be a text, or keys with texts under them") in found
    assert ("fr.yaml", "nested.deeper", "must be a text, or keys with texts under them") in found
    assert not any(key == "nested" for _, key, _ in found)
    assert ("ro.yaml", "_meta.direction", "unknown value 'sideways' (allowed: ltr, rtl)") in found
