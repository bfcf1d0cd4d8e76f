"""The safety examples (data/safety/examples/): what `python -m bot check` reports, and the
nearest-neighbour similarities per label."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.content.locales import CURATED_LANGUAGES
from bot.safety.lexicon import CATEGORIES
from bot.safety.neighbours import ORDINARY, NeighbourIndex, SafetyExamples, check_examples, load_examples


def test_the_shipped_examples_are_clean_and_cover_every_curated_language() -> None:
    assert check_examples(required=CURATED_LANGUAGES) == []
    examples = load_examples()
    for language in CURATED_LANGUAGES:
        labels = {label for label, lang in zip(examples.labels, examples.languages, strict=False) if lang == language}
        assert ORDINARY in labels and labels & set(CATEGORIES), language


def test_check_reports_what_an_editor_can_break(tmp_path: Path) -> None:
    (tmp_path / "de.yaml").write_text(
        "language: de\n"
        "emergencies:\n"
        '  suicid:\n    - "ich will nicht mehr"\n'
        '  fire:\n    - "es brennt"\n    - ""\n    - "Diese Bürokratie bringt mich um"\n'
        'ordinary:\n  - "diese bürokratie  bringt mich um"\n'
        "note: x\n",
        encoding="utf-8",
    )
    (tmp_path / "en.yaml").write_text('language: fr\nordinary: ["hello"]\n', encoding="utf-8")
    (tmp_path / "ro.yaml").write_text('language: ro\nordinary: ["buna"]\n', encoding="utf-8")
    (tmp_path / "bg.yaml").write_text("language: [bg\n", encoding="utf-8")
    problems = {
        (p.file.split("/")[-1], p.key, p.problem.split(" (")[0].split(":")[0])
        for p in check_examples(tmp_path, required=("de", "en", "ro", "tr"))
    }
    assert ("de.yaml", "emergencies.suicid", "unknown category") in problems
    assert ("de.yaml", "emergencies.fire[1]", "empty message") in problems
    assert ("de.yaml", "ordinary[0]", "also listed as fire") in problems  # folded, spaces ignored
    assert ("de.yaml", "note", "unknown key") in problems
    assert ("en.yaml", "language", "must be the file name 'en'") in problems
    assert ("ro.yaml", "emergencies", "no emergency examples") in problems
    assert ("tr.yaml", "-", "missing") in problems
    assert any(file == "bg.yaml" and message == "not readable YAML" for file, _, message in problems)


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_similarities_are_the_mean_of_the_best_three_per_label_and_can_leave_examples_out() -> None:
    examples = SafetyExamples(("a", "b", "c", "d", "e"), ("fire", "fire", "fire", "fire", ORDINARY), ("de",) * 5)
    embeddings = np.stack([unit(1, 0), unit(1, 0), unit(0, 1), unit(1, 1), unit(0, 1)])
    index = NeighbourIndex(examples, embeddings)
    query = unit(1, 0)
    similarities = index.similarities(query)
    assert similarities["fire"] == round((1 + 1 + 2**-0.5) / 3, 4)
    assert similarities[ORDINARY] == 0.0
    without_the_first_two = index.similarities(query, exclude=np.array([True, True, False, False, False]))
    assert without_the_first_two["fire"] == round((0 + 2**-0.5) / 2, 4)
    assert set(index.similarities(query, exclude=np.array([False] * 4 + [True]))) == {"fire"}
