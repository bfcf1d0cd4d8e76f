"""`python -m bot check`: everything a content editor can break, with file, key and problem."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bot.content.problems import Problem

if TYPE_CHECKING:  # imported where used at run time: the checker loads content modules lazily
    from bot.content.locales import Catalog

# `python -m bot check` warns about facts whose source is older than this (--max-age-days).
DEFAULT_MAX_FACT_AGE_DAYS = 365


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
    except Exception as exc:  # noqa: BLE001 - a broken file must be reported, not crash the checker
        return problems + [Problem("flows/", "-", f"cannot load: {exc}")]
    problems += validate_flows(library, Catalog.load())
    problems += _used_keys_exist(Catalog.load())
    problems += _safety_lexicon()
    from bot.content.locale_check import address_problems, punctuation_problems

    problems += address_problems()
    problems += punctuation_problems()
    return problems


def run_warnings(today: dt.date, max_age_days: int = DEFAULT_MAX_FACT_AGE_DAYS) -> list[Problem]:
    """What does not stop the bot but needs a person soon: facts with old or undated sources."""
    from bot.content.flows import FlowLibrary, fact_age_warnings
    from bot.content.locale_check import address_problems

    library = FlowLibrary.load()
    return fact_age_warnings(library.facts, library.facts_file, today, max_age_days) + address_problems(pending=True)


def _safety_lexicon() -> list[Problem]:
    """data/safety/: readable, known categories, no empty, duplicate or too short phrases, and
    every category in every curated language."""
    from bot.content.locales import CURATED_LANGUAGES
    from bot.safety.lexicon import check_lexicon

    return check_lexicon(required=CURATED_LANGUAGES)


def _used_keys_exist(catalog: Catalog) -> list[Problem]:
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
