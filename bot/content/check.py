"""`python -m bot check`: everything a content editor can break, with file, key and problem."""
from __future__ import annotations

from bot.content.problems import Problem


def run_checks() -> list[Problem]:
    from bot.content.flow_check import validate_flows
    from bot.content.flows import FlowLibrary
    from bot.content.locale_check import validate_locales
    from bot.content.locales import Catalog
    from bot.places.validation import validate_places_data

    problems = validate_locales()
    problems += validate_places_data()
    try:
        library = FlowLibrary.load()
    except Exception as exc:  # a broken file must be reported, not crash the checker
        return problems + [Problem("flows/", "-", f"cannot load: {exc}")]
    problems += validate_flows(library, Catalog.load())
    problems += _used_keys_exist(Catalog.load())
    problems += _safety_lexicon()
    return problems


def _safety_lexicon() -> list[Problem]:
    """data/safety/: readable, known categories, no empty, duplicate or too short phrases, and
    every category in every curated language."""
    from bot.content.locales import CURATED_LANGUAGES
    from bot.safety.lexicon import check_lexicon

    return check_lexicon(required=CURATED_LANGUAGES)


def _used_keys_exist(catalog) -> list[Problem]:  # type: ignore[no-untyped-def]
    """Every Msg key written in the Python code exists in German."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    pattern = re.compile(r"""Msg\(\s*["']([a-z0-9_.]+)["']""")
    problems = []
    for path in sorted(root.rglob("*.py")):
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            if not catalog.has(key):
                problems.append(Problem("locales/de.yaml", key, f"used in {path.relative_to(root.parent)} but missing"))
    return problems
