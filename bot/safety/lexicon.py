"""The safety lexicon: phrases that mean someone may be in danger, per language, in data/safety/.

A file per language (`data/safety/<lang>.yaml`; dialects, typos and Latin-script transliterations
live in the file of their language) lists phrases per category, and `except:` phrases that mark
an ordinary question which only sounds alarming ("Praktikum bei der Feuerwehr"):

    language: de
    phrases:
      domestic_violence:
        - "schlägt mich"
        - "mann + =schlagt"
    except:
      fire:
        - "praktikum + feuerwehr"

Phrase syntax (phrases and messages are compared folded, see bot.understanding.normalize.fold,
so "schlägt", "schlaegt" and "schlagt" are one word), in the spirit of the intent keywords:

* ``word``     a token that starts with ``word`` ("schlag" matches "schlagen")
* ``=word``    exactly that token
* ``*word``    ``word`` anywhere inside a token (Arabic and Persian particles attach to words:
               "*ضربني" matches "بيضربني" and "يضربني")
* ``a b``      consecutive tokens, each matched as above
* ``a + b``    all parts anywhere in the message, in any order
* ``a|b``      either (within a part: "mann|freund + =schlagt")

Every language's phrases are tried on every message: a person in danger may write in any language
or mix two, and recall matters more here than anywhere else. `python -m bot check` validates the
files (bot.safety.lexicon.check_lexicon).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

from bot.content.problems import Problem
from bot.content.yaml_files import read_yaml
from bot.understanding.normalize import fold, tokens

LEXICON_DIR = Path(__file__).resolve().parents[2] / "data" / "safety"

CATEGORIES: tuple[str, ...] = (
    "domestic_violence",  # violence or threats at home
    "homeless_tonight",  # no place to sleep tonight, put out on the street
    "medical",  # not breathing, unconscious, bleeding, chest pain, seizure, a very sick child
    "poisoning",
    "suicide",  # suicidal thoughts
    "fire",
    "weapon",  # someone threatening with a weapon
    "missing_child",
)
GENERAL = "general"  # "Notruf", "SOS": an emergency of no particular kind (the general answer)
ALL = "all"  # in `except:`: an ordinary question, whatever it sounds like (vetoes the model too)
# A one-word phrase shorter than this would match half the dictionary; an Arabic-script root is
# three letters ("کتک" beating, "حرق" burn) and particles attach around it.
SHORTEST_STEM = 4
SHORTEST_ARABIC_SCRIPT_STEM = 3

Mode = Literal["prefix", "exact", "substring"]


@dataclass(frozen=True)
class Pattern:
    """Consecutive tokens, each with its own way of matching."""

    parts: tuple[tuple[str, Mode], ...]

    def matches_at(self, words: list[str], start: int) -> bool:
        if start + len(self.parts) > len(words):
            return False
        for (part, mode), word in zip(self.parts, words[start:], strict=False):
            if mode == "prefix":
                ok = word.startswith(part)
            elif mode == "exact":
                ok = word == part
            else:
                ok = part in word
            if not ok:
                return False
        return True


@dataclass(frozen=True)
class Rule:
    """One phrase of a file: all of its patterns must be in the message."""

    category: str
    language: str
    parts: tuple[tuple[int, ...], ...]  # per part: its alternatives, indexes into Lexicon.patterns
    source: str
    exclusion: bool = False


@dataclass(frozen=True)
class Match:
    """What the lexicon found in one message."""

    rules: tuple[Rule, ...]  # phrases that matched, in file order
    excluded: frozenset[str]  # categories (or ALL) that an `except:` phrase cancelled


def parse_phrase(raw: str) -> tuple[tuple[Pattern, ...], ...]:
    """Per part of the phrase, its alternative patterns (empty when a part has nothing left
    after folding)."""
    parts = []
    for component in str(raw).split(" + "):
        alternatives = []
        for alternative in component.split("|"):
            words: list[tuple[str, Mode]] = []
            for word in alternative.split():
                mode: Mode = "prefix"
                if word.startswith("="):
                    mode, word = "exact", word[1:]
                elif word.startswith("*"):
                    mode, word = "substring", word[1:]
                words += [(piece, mode) for piece in tokens(fold(word))]
            if not words:
                return ()
            alternatives.append(Pattern(tuple(words)))
        parts.append(tuple(alternatives))
    return tuple(parts)


@dataclass
class Lexicon:
    patterns: list[Pattern] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    languages: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self._index()

    def _index(self) -> None:
        # Patterns whose first part is a prefix or a whole word are looked up by the first two
        # letters of each message token (~2 lookups a token); those that start with a substring
        # part are found by one regular expression over the token (all their first parts as
        # alternatives, overlapping), not by trying each of them in turn.
        self._by_head: dict[str, list[int]] = {}
        self._inside: dict[str, list[int]] = {}
        for pid, pattern in enumerate(self.patterns):
            first, mode = pattern.parts[0]
            if mode == "substring":
                self._inside.setdefault(first, []).append(pid)
            else:
                self._by_head.setdefault(first[:2], []).append(pid)
        longest_first = sorted(self._inside, key=len, reverse=True)
        alternatives = "|".join(re.escape(part) for part in longest_first)
        self._inside_pattern = re.compile(f"(?=({alternatives}))") if alternatives else None
        # At each position the expression reports the longest part only; the shorter parts found
        # there are its prefixes.
        self._inside_prefixes = {part: [p for p in longest_first if part.startswith(p)] for part in longest_first}
        self._rules_of: dict[int, list[Rule]] = {}
        for rule in self.rules:
            for pid in {pid for alternatives in rule.parts for pid in alternatives}:
                self._rules_of.setdefault(pid, []).append(rule)

    def add(self, category: str, language: str, raw: str, *, exclusion: bool = False) -> Rule | None:
        parts = parse_phrase(raw)
        if not parts:
            return None
        ids = []
        for alternatives in parts:
            ids.append(tuple(range(len(self.patterns), len(self.patterns) + len(alternatives))))
            self.patterns.extend(alternatives)
        rule = Rule(category, language, tuple(ids), str(raw), exclusion)
        self.rules.append(rule)
        return rule

    def find(self, words: list[str]) -> Match:
        """The phrases in a message, given its folded tokens."""
        hit: set[int] = set()
        inside: dict[str, set[str]] = {}  # a long paste repeats its words: each is searched once
        for i, word in enumerate(words):
            for head in {word[:2], word[:1]}:
                for pid in self._by_head.get(head, ()):
                    if self.patterns[pid].matches_at(words, i):
                        hit.add(pid)
            if self._inside_pattern is None:
                continue
            parts = inside.get(word)
            if parts is None:
                parts = inside[word] = {
                    prefix for m in self._inside_pattern.finditer(word) for prefix in self._inside_prefixes[m.group(1)]
                }
            for part in parts:
                for pid in self._inside[part]:
                    if self.patterns[pid].matches_at(words, i):
                        hit.add(pid)
        if not hit:
            return Match((), frozenset())
        fired: dict[int, Rule] = {}
        for pid in hit:
            for rule in self._rules_of.get(pid, ()):
                if all(any(p in hit for p in alternatives) for alternatives in rule.parts):
                    fired[id(rule)] = rule
        order = {id(rule): n for n, rule in enumerate(self.rules)}
        rules = sorted(fired.values(), key=lambda rule: order[id(rule)])
        return Match(
            tuple(rule for rule in rules if not rule.exclusion),
            frozenset(rule.category for rule in rules if rule.exclusion),
        )


def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    """Every `<lang>.yaml` in the directory; what is wrong goes to `problems`, never raises."""
    lexicon = Lexicon()
    languages = []
    for path in sorted(directory.glob("*.yaml")):
        file = f"data/safety/{path.name}"
        try:
            data: Any = read_yaml(path)
        except (OSError, yaml.YAMLError) as exc:
            lexicon.problems.append(Problem(file, "-", f"not readable YAML: {exc}"))
            continue
        if not isinstance(data, dict):
            lexicon.problems.append(Problem(file, "-", "must be a mapping with language, phrases, except"))
            continue
        language = str(data.get("language") or "")
        if language != path.stem:
            lexicon.problems.append(Problem(file, "language", f"must be the file name {path.stem!r}"))
        languages.append(path.stem)
        for key in data.keys() - {"language", "phrases", "except"}:
            lexicon.problems.append(Problem(file, str(key), "unknown key (language, phrases, except)"))
        _read_section(lexicon, file, path.stem, data.get("phrases"), exclusion=False)
        _read_section(lexicon, file, path.stem, data.get("except"), exclusion=True)
    lexicon.languages = tuple(languages)
    lexicon._index()
    return lexicon


def _read_section(lexicon: Lexicon, file: str, language: str, section: Any, *, exclusion: bool) -> None:
    name = "except" if exclusion else "phrases"
    if section is None:
        return
    if not isinstance(section, dict):
        lexicon.problems.append(Problem(file, name, "must map a category to a list of phrases"))
        return
    allowed = set(CATEGORIES) | {GENERAL} | ({ALL} if exclusion else set())
    seen: dict[Any, str] = {}
    for category, phrases in section.items():
        where = f"{name}.{category}"
        if category not in allowed:
            lexicon.problems.append(Problem(file, where, f"unknown category (one of {', '.join(sorted(allowed))})"))
            continue
        if not isinstance(phrases, list):
            lexicon.problems.append(Problem(file, where, "must be a list of phrases"))
            continue
        for n, raw in enumerate(phrases):
            spot = f"{where}[{n}]"
            if not isinstance(raw, str) or not raw.strip():
                lexicon.problems.append(Problem(file, spot, "empty phrase"))
                continue
            parts = parse_phrase(raw)
            if not parts:
                lexicon.problems.append(Problem(file, spot, f"a part with no letters or digits after folding: {raw!r}"))
                continue
            key = tuple(sorted(tuple(sorted(p.parts for p in alternatives)) for alternatives in parts))
            if key in seen:
                lexicon.problems.append(Problem(file, spot, f"duplicate of {seen[key]!r}: {raw!r}"))
                continue
            seen[key] = f"{where}: {raw}"
            # A phrase of one part fires on each of its alternatives alone: none may be a stem
            # so short that it is the start of common words ("uns" in "unser").
            short = [
                word
                for pattern in parts[0]
                if len(pattern.parts) == 1
                for word, mode in pattern.parts
                if mode != "exact" and len(word) < _shortest(word)
            ]
            if len(parts) == 1 and short:
                lexicon.problems.append(
                    Problem(
                        file, spot, f"stem {short[0]!r} is too short to stand alone (use =word or add a second word)"
                    )
                )
                continue
            lexicon.add(str(category), language, raw, exclusion=exclusion)


def _shortest(word: str) -> int:
    return SHORTEST_ARABIC_SCRIPT_STEM if "\u0600" <= word[:1] <= "\u06ff" else SHORTEST_STEM


def check_lexicon(directory: Path = LEXICON_DIR, required: Iterable[str] = ()) -> list[Problem]:
    """Problems of the lexicon files and of the examples beside them (`examples/`,
    bot.safety.neighbours), plus a missing file or empty category for each language in
    `required` (the curated languages: every one needs every category)."""
    from bot.safety.neighbours import check_examples

    required = tuple(required)
    lexicon = load_lexicon(directory)
    problems = list(lexicon.problems) + check_examples(directory / "examples", required)
    for language in required:
        file = f"data/safety/{language}.yaml"
        if language not in lexicon.languages:
            problems.append(Problem(file, "-", "missing: every curated language needs a safety lexicon"))
            continue
        covered = {r.category for r in lexicon.rules if r.language == language and not r.exclusion}
        for category in CATEGORIES:
            if category not in covered:
                problems.append(Problem(file, f"phrases.{category}", "no phrases for this category"))
    return problems


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon of data/safety/, read once per process."""
    return load_lexicon()
