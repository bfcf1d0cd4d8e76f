"""The nearest safety examples: what the lexicon's phrases cannot list.

`data/safety/examples/<lang>.yaml` holds messages that are emergencies (per category) and
ordinary questions that only sound alarming ("diese Bürokratie bringt mich um", "internship at
the fire brigade"):

    language: de
    emergencies:
      suicide:
        - "ich sehe keinen sinn mehr weiterzuleben"
    ordinary:
      - "diese bürokratie bringt mich um"

The understanding model embeds them once, beside its intent examples (cached on disk), and for
every message it embeds anyway reports per label the mean of the best `NEIGHBOURS` cosines
(`Understanding.safety_similarities`; no second model call). `category_of` decides: the best
emergency category, when it is close enough and closer than both the ordinary examples and
every ordinary intent of the understanding model (whose examples are hundreds of everyday
questions). Thresholds chosen by cross-validation over the safety sets (bench/README.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bot.content.problems import Problem
from bot.content.yaml_files import read_yaml
from bot.safety.lexicon import CATEGORIES, GENERAL, LEXICON_DIR
from bot.understanding.normalize import fold

EXAMPLES_DIR = LEXICON_DIR / "examples"
ORDINARY = "ordinary"
LABELS: tuple[str, ...] = (*CATEGORIES, GENERAL, ORDINARY)

NEIGHBOURS = 3  # per label: the mean of its best three cosines (one example alone is noise)
MIN_SIMILARITY = 0.90
MARGIN = 0.025  # above the ordinary examples and every ordinary intent
# Labels of the understanding model that are not ordinary questions: its emergency examples
# (read by bot.safety.detect on their own) and "none", the off-topic anchors (greetings,
# weather), which a greeting before an emergency must not outweigh.
NOT_ORDINARY_INTENTS = frozenset({"emergency", "none"})


@dataclass(frozen=True)
class SafetyExamples:
    texts: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()  # a category, GENERAL or ORDINARY
    languages: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


def load_examples(directory: Path = EXAMPLES_DIR) -> SafetyExamples:
    """Every `<lang>.yaml` in the directory; what is wrong goes to `problems`, never raises."""
    texts: list[str] = []
    labels: list[str] = []
    languages: list[str] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        file = f"data/safety/examples/{path.name}"
        try:
            data: Any = read_yaml(path)
        except (OSError, yaml.YAMLError) as exc:
            problems.append(Problem(file, "-", f"not readable YAML: {exc}"))
            continue
        if not isinstance(data, dict):
            problems.append(Problem(file, "-", "must be a mapping with language, emergencies, ordinary"))
            continue
        if str(data.get("language") or "") != path.stem:
            problems.append(Problem(file, "language", f"must be the file name {path.stem!r}"))
        for key in data.keys() - {"language", "emergencies", "ordinary"}:
            problems.append(Problem(file, str(key), "unknown key (language, emergencies, ordinary)"))
        emergencies = data.get("emergencies") or {}
        if not isinstance(emergencies, dict):
            problems.append(Problem(file, "emergencies", "must map a category to a list of messages"))
            emergencies = {}
        sections: list[tuple[str, str, Any]] = [(f"emergencies.{c}", str(c), v) for c, v in emergencies.items()]
        sections.append(("ordinary", ORDINARY, data.get("ordinary") or []))
        for where, label, entries in sections:
            if label not in LABELS:
                problems.append(Problem(file, where, f"unknown category (one of {', '.join(LABELS[:-1])})"))
                continue
            if not isinstance(entries, list):
                problems.append(Problem(file, where, "must be a list of messages"))
                continue
            for n, text in enumerate(entries):
                spot = f"{where}[{n}]"
                if not isinstance(text, str) or not fold(text).strip():
                    problems.append(Problem(file, spot, "empty message"))
                    continue
                key = " ".join(fold(text).split())
                if key in seen:
                    # The same message twice is harmless; as an emergency and as ordinary, one is wrong.
                    if seen[key] != label:
                        problems.append(Problem(file, spot, f"also listed as {seen[key]}: {text!r}"))
                    continue
                seen[key] = label
                texts.append(text)
                labels.append(label)
                languages.append(path.stem)
    return SafetyExamples(tuple(texts), tuple(labels), tuple(languages), tuple(problems))


def check_examples(directory: Path = EXAMPLES_DIR, required: Iterable[str] = ()) -> list[Problem]:
    """Problems of the example files, plus a curated language without emergencies or ordinary
    examples (the neighbours would then favour other languages' examples)."""
    examples = load_examples(directory)
    problems = list(examples.problems)
    for language in required:
        file = f"data/safety/examples/{language}.yaml"
        labels = {label for label, lang in zip(examples.labels, examples.languages, strict=False) if lang == language}
        if not labels:
            problems.append(Problem(file, "-", "missing: every curated language needs safety examples"))
        elif ORDINARY not in labels:
            problems.append(Problem(file, "ordinary", "no ordinary examples"))
        elif labels == {ORDINARY}:
            problems.append(Problem(file, "emergencies", "no emergency examples"))
    return problems


class NeighbourIndex:
    """The examples' embeddings, grouped by label (L2-normalised rows, as the model gives them)."""

    def __init__(self, examples: SafetyExamples, embeddings: np.ndarray) -> None:
        assert embeddings.shape[0] == len(examples.texts)
        self.examples = examples
        self.embeddings = embeddings
        labels = np.array(examples.labels)
        self._rows = {label: np.flatnonzero(labels == label) for label in LABELS if (labels == label).any()}

    def similarities(self, query: np.ndarray, exclude: np.ndarray | None = None) -> dict[str, float]:
        """Per label, the mean of its best NEIGHBOURS cosines. `exclude`: a boolean mask of
        examples to leave out (the bench's cross-validation leaves out the set it tests on)."""
        sims = self.embeddings @ query
        out: dict[str, float] = {}
        for label, rows in self._rows.items():
            values = sims[rows] if exclude is None else sims[rows[~exclude[rows]]]
            if not len(values):
                continue
            k = min(NEIGHBOURS, len(values))
            out[label] = round(float(np.partition(values, len(values) - k)[-k:].mean()), 4)
        return out


def category_of(safety_similarities: Mapping[str, float], intent_similarities: Mapping[str, float]) -> str | None:
    """The emergency category the nearest examples point to, or None."""
    emergencies = {label: value for label, value in safety_similarities.items() if label != ORDINARY}
    if not emergencies:
        return None
    category, best = max(emergencies.items(), key=lambda item: item[1])
    ordinary = max(
        [
            safety_similarities.get(ORDINARY, -1.0),
            *(value for label, value in intent_similarities.items() if label not in NOT_ORDINARY_INTENTS),
        ]
    )
    if best >= MIN_SIMILARITY and best - ordinary >= MARGIN:
        return category
    return None
