"""A typed answer to a flow question: which of the step's choices the person meant.

At a step with buttons people often type instead of tapping: "8" or "mein sohn ist 8" at "How old
is the child?", "ja"/"نعم" at "Are you from an EU country?", "integrationskurs" or "2" at a list.
`typed_choice` reads that against the step's choices: first by what the step `asks` (an age, yes
or no), then by the button's number, then by the words of the button labels in the person's
language and in German (people mix German words in). None: the text fits no choice, and the step
is asked again.

Pure: the labels come in as plain texts, already rendered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from difflib import SequenceMatcher

from bot.content.flows import ChoiceSpec, Step
from bot.understanding.said_facts import age_answer, from_eu, normalise, yes_no

MIN_SIMILARITY = 0.8  # a whole label typed with a typo or two
MIN_WORD_LENGTH = 3  # shorter words ("6", "an", "à") say nothing about a label
_NOT_A_WORD = re.compile(r"[^\w\s]+")


def typed_choice(step: Step, text: str, labels: Mapping[int, Sequence[str]]) -> ChoiceSpec | None:
    """The choice of `step` that `text` answers, or None. `labels[i]` holds the label texts of
    choice i (person's language first, then German)."""
    choices = step.choices or ()
    if not choices:
        return None
    if step.asks == "child_age":
        age = age_answer(text)
        if age is not None:
            return next((c for c in choices if c.holds_for(age)), None)
    elif step.asks == "from_eu":
        answer = yes_no(text)
        if answer is None:
            answer = from_eu(text)
        if answer is not None:
            return next((c for c in choices if c.holds_for(answer)), None)
    number = re.fullmatch(r"\s*(\d)\s*[.)]?\s*", normalise(text))
    if number is not None and step.asks != "child_age":
        index = int(number.group(1)) - 1
        return choices[index] if 0 <= index < len(choices) else None
    return _by_label(choices, text, labels)


def _by_label(choices: Sequence[ChoiceSpec], text: str, labels: Mapping[int, Sequence[str]]) -> ChoiceSpec | None:
    typed = _plain(text)
    if not typed:
        return None
    typed_words = {w for w in typed.split() if len(w) >= MIN_WORD_LENGTH}
    scores: list[tuple[float, int]] = []
    for i, _choice in enumerate(choices):
        best = 0.0
        for label in labels.get(i, ()):
            plain = _plain(label)
            if not plain:
                continue
            if typed == plain:
                best = 1.0
                break
            similarity = SequenceMatcher(None, typed, plain).ratio()
            label_words = {w for w in plain.split() if len(w) >= MIN_WORD_LENGTH}
            shared = sum(1 for w in typed_words if any(_same_word(w, lw) for lw in label_words))
            coverage = shared / len(typed_words) if typed_words else 0.0
            # All typed words found in the label ("integrationskurs", "kita"), or the label typed
            # almost whole ("6 bis 9 jahre").
            score = max(
                similarity if similarity >= MIN_SIMILARITY else 0.0,
                0.9 * coverage if coverage >= 0.99 or (shared >= 2 and coverage >= 0.5) else 0.0,
            )
            best = max(best, score)
        scores.append((best, i))
    scores.sort(reverse=True)
    if not scores or scores[0][0] == 0.0:
        return None
    if len(scores) > 1 and scores[1][0] >= scores[0][0] - 0.05:
        return None  # two labels fit as well: ask again rather than guess
    return choices[scores[0][1]]


def _plain(text: str) -> str:
    """Casefolded words only: no emoji, punctuation or HTML."""
    text = re.sub(r"<[^>]+>", " ", normalise(text))
    return " ".join(_NOT_A_WORD.sub(" ", text).split())


def _same_word(typed: str, label_word: str) -> bool:
    """The same word, or one written with a typo or an ending ("kurs"/"kurse", "integrationkurs")."""
    if typed == label_word:
        return True
    if len(typed) >= 4 and (label_word.startswith(typed) or typed.startswith(label_word)):
        return True
    return len(typed) >= 5 and SequenceMatcher(None, typed, label_word).ratio() >= 0.85
