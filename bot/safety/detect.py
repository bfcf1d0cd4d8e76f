"""Is someone in danger? Checked on every typed text, before anything else.

Three signals, in this order:

1. the safety lexicon (data/safety/, bot.safety.lexicon): phrases per language and category;
   its `except:` phrases mark ordinary questions that only sound alarming;
2. the emergency numbers typed on their own ("112", "١١٠", "110 bitte!");
3. the understanding model, when it ran, from the embedding it computed anyway: the nearest
   safety examples (bot.safety.neighbours, data/safety/examples/; they give the category), else
   its similarity to its own emergency examples, with a lower bar than for acting on any other
   intent (a false alarm costs a person one extra message, a missed emergency may cost far more).
   The latter gives no category: the answer is the general one, with buttons for every category.

An `except:` phrase cancels its category in its own sentence only: "Hallo, ich habe einen Termin
bei der Feuerwehr. Mein Mann schlägt mich" is still an emergency however the first sentence reads.

Pure: no Telegram, no database, no model call (the caller passes what the model said, or None
when the model is unavailable: the lexicon and the numbers still work).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.safety.lexicon import ALL, CATEGORIES, GENERAL, Lexicon, Match, default_lexicon
from bot.safety.neighbours import category_of
from bot.understanding.normalize import fold, tokens

# When one message fits several categories, the answer of the most specific one helps most;
# the others are kept in SafetyAlert.categories (staff see them).
PRIORITY: tuple[str, ...] = (
    "weapon",
    "fire",
    "poisoning",
    "suicide",
    "domestic_violence",
    "missing_child",
    "medical",
    "homeless_tonight",
    GENERAL,
)
assert set(PRIORITY) == {*CATEGORIES, GENERAL}

# What is read of a message: its start, as the model does. A cry for help is short; a long
# paste (a letter, a flood of one character) must not hold the event loop, and folding alone can
# multiply a text (NFKC makes one "ﷺ" eighteen letters). Measured on the 2-core host: 4096
# "ﷺ" took 57 s unbounded, ~6 ms now; 300 ordinary words ~2.5 ms.
MAX_CHARS = 500
MAX_WORDS = 300

EMERGENCY_NUMBERS = frozenset({"110", "112"})
# "112", "110!", "112 hilfe": the number and at most this many other words. An address
# ("Brackeler Hellweg 112") or a bus line in a question has more words around it.
NUMBER_COMPANIONS = 1

# The model's emergency signal: the mean of the best three emergency-example cosines must reach
# MODEL_MIN_SIMILARITY and beat every other label's by MODEL_MARGIN. Tuned on
# bench/data/safety_set.yaml (never on the held-out part): alone it finds ~38% of those
# emergencies, with no near miss and 1 of 246 ordinary questions; lower bars raised false alarms
# faster than recall (figures in bench/README.md). The matcher's own "emergency" intent is not
# used: its keywords make "the police sent me a letter" a confident emergency.
MODEL_MIN_SIMILARITY = 0.88
MODEL_MARGIN = 0.01
EMERGENCY_LABEL = "emergency"

# Where one sentence or clause ends: punctuation, a line break, and the words that join two
# statements ("Hallo, ich brauche einen Termin und mein Mann schlägt mich"), folded.
CLAUSE_BREAK = re.compile(
    r"[.!?;:\n\u061f\u060c\u061b]+|\s(?:and|und|but|aber|also|et|mais|ve|ama|bir de|ayrica|si|dar|"
    r"и|і|но|але|а также|ещё|ще|و|بس|لكن|ولي|اما|همچنين)(?=\s)"
)

Source = Literal["lexicon", "number", "model"]


class ModelSignal(Protocol):
    """What detection reads of the understanding model's answer (bot.understanding.Understanding)."""

    @property
    def language(self) -> str | None: ...
    @property
    def similarities(self) -> Mapping[str, float]: ...
    @property
    def safety_similarities(self) -> Mapping[str, float]: ...


@dataclass(frozen=True)
class SafetyAlert:
    """Someone may be in danger.

    `category` is one of bot.safety.lexicon.CATEGORIES or GENERAL; `language` the language the
    message was written in as far as the signal tells (the first lexicon file that matched, the
    model's language detection; None for a bare number); `categories` every category found."""

    category: str
    language: str | None
    source: Source
    categories: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # every language whose phrases of `category` matched


@dataclass(frozen=True)
class Reading:
    """What the lexicon and the numbers found in a message, before the model is asked."""

    alert: SafetyAlert | None
    ordinary: bool  # an `except:` phrase matched: the model may not raise an alarm either


def read(text: str, lexicon: Lexicon | None = None) -> Reading:
    """The lexicon and the bare numbers: no model needed, so nothing waits for it."""
    folded = fold(unicodedata.normalize("NFKC", text[:MAX_CHARS])[:MAX_CHARS])
    words = tokens(folded)[:MAX_WORDS]
    if not words:
        return Reading(None, True)
    lexicon = lexicon or default_lexicon()
    found = lexicon.find(words)
    alert = _alert(found)
    if alert is None and found.excluded:
        # An exception cancels only in its own clause: look at each clause on its own (only when
        # one matched: without exceptions, a clause finds nothing the whole message does not).
        clauses = [tokens(part) for part in CLAUSE_BREAK.split(folded)]
        if sum(1 for clause in clauses if clause) > 1:
            alert = next((a for a in (_alert(lexicon.find(c)) for c in clauses if c) if a is not None), None)
    if alert is not None:
        return Reading(alert, bool(found.excluded))
    if ALL in found.excluded:
        return Reading(None, True)
    numbers = [word for word in words if word in EMERGENCY_NUMBERS]
    if numbers and len(words) - len(numbers) <= NUMBER_COMPANIONS:
        return Reading(SafetyAlert(GENERAL, None, "number"), bool(found.excluded))
    return Reading(None, bool(found.excluded))


def _alert(found: Match) -> SafetyAlert | None:
    if ALL in found.excluded:
        return None
    rules = [rule for rule in found.rules if rule.category not in found.excluded]
    if not rules:
        return None
    categories = tuple(c for c in PRIORITY if any(rule.category == c for rule in rules))
    best = categories[0]
    languages = tuple(dict.fromkeys(rule.language for rule in rules if rule.category == best))
    return SafetyAlert(best, languages[0], "lexicon", categories, languages)


def with_model(reading: Reading, understanding: ModelSignal | None) -> SafetyAlert | None:
    """The reading's alert, else the model's signals (unless the text is ordinary)."""
    if reading.alert is not None or reading.ordinary or understanding is None:
        return reading.alert
    category = category_of(understanding.safety_similarities, understanding.similarities)
    if category is not None:
        return SafetyAlert(category, understanding.language, "model", (category,))
    if model_says_emergency(understanding):
        return SafetyAlert(GENERAL, understanding.language, "model")
    return None


def detect(text: str, understanding: ModelSignal | None = None, lexicon: Lexicon | None = None) -> SafetyAlert | None:
    return with_model(read(text, lexicon), understanding)


def model_says_emergency(understanding: ModelSignal) -> bool:
    similarities = understanding.similarities
    emergency = similarities.get(EMERGENCY_LABEL)
    if emergency is None:
        return False
    others = max((value for label, value in similarities.items() if label != EMERGENCY_LABEL), default=-1.0)
    return emergency >= MODEL_MIN_SIMILARITY and emergency - others >= MODEL_MARGIN
