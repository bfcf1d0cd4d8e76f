"""Checks of the locale files against German, the source language."""
from __future__ import annotations

from pathlib import Path

import yaml

from bot.content.locales import CURATED_LANGUAGES, LOCALES_DIR, SOURCE_LANGUAGE, flatten, placeholders
from bot.content.problems import Problem

ALLOWED_STATUS_HINT = "e.g. 'drafted, needs native review' or 'reviewed by <who> on <date>'"


def validate_locales(directory: Path = LOCALES_DIR) -> list[Problem]:
    problems: list[Problem] = []
    trees: dict[str, tuple[Path, dict]] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            tree = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            problems.append(Problem(path.name, "-", f"not valid YAML: {exc}"))
            continue
        if not isinstance(tree, dict):
            problems.append(Problem(path.name, "-", "must be a mapping of keys to texts"))
            continue
        trees[path.stem] = (path, tree)
    for code in CURATED_LANGUAGES:
        if code not in trees:
            problems.append(Problem(f"{code}.yaml", "-", "curated language has no locale file"))
    if SOURCE_LANGUAGE not in trees:
        return problems
    source = flatten({k: v for k, v in trees[SOURCE_LANGUAGE][1].items() if k != "_meta"})
    for code, (path, tree) in trees.items():
        meta = tree.get("_meta") or {}
        for field in ("language", "name", "direction", "status"):
            if not meta.get(field):
                problems.append(Problem(path.name, f"_meta.{field}", "missing"))
        if meta.get("language") and meta["language"] != code:
            problems.append(Problem(path.name, "_meta.language", f"says {meta['language']!r}, file is {code!r}"))
        if meta.get("direction") not in (None, "ltr", "rtl"):
            problems.append(Problem(path.name, "_meta.direction", "must be ltr or rtl"))
        strings = flatten({k: v for k, v in tree.items() if k != "_meta"})
        for key, text in strings.items():
            if not text.strip():
                problems.append(Problem(path.name, key, "empty text"))
        if code == SOURCE_LANGUAGE:
            continue
        for key in sorted(source.keys() - strings.keys()):
            problems.append(Problem(path.name, key, "missing key (present in de.yaml)"))
        for key in sorted(strings.keys() - source.keys()):
            problems.append(Problem(path.name, key, "extra key (not in de.yaml)"))
        for key in sorted(source.keys() & strings.keys()):
            want, got = placeholders(source[key]), placeholders(strings[key])
            if want != got:
                problems.append(Problem(path.name, key,
                                        f"placeholders {sorted(got)} differ from German {sorted(want)}"))
    return problems
