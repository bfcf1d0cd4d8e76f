"""Accuracy and speed of free-text understanding (language + intent), fully offline.

Run: /work/main/.venv/bin/python bench/understanding_accuracy.py [--cold] [--quiet] [--set PATH]

  --cold   measure a start without the embedding cache (embeds every example; slow by design)
  --quiet  do not list the misses
  --set    another labelled file, e.g. bench/data/understanding_holdout.yaml (held out: written
           after tuning, to check that the main set was not overfitted)
  --loo    the calibration run instead: leave-one-out over the matching examples (each example
           classified with itself removed) plus off-topic messages; this, not the benchmark, is
           what the thresholds in bot/understanding/matcher.py were chosen on

Prints, per language: intent accuracy (top intent == label), confident-and-correct, confident-but-
wrong (the bot would act on a wrong guess), language accuracy; then overall figures, off-topic
messages that came out confident, time per question (p50/p99) and the load time.
A one-word message counts as correctly "detected" when the detector says None: that is the
documented behaviour for input too short to tell.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.understanding import Understander  # noqa: E402
from bot.understanding.language import SUPPORTED  # noqa: E402
from bot.understanding.matcher import INTENTS  # noqa: E402
from bot.understanding.normalize import fold, tokens  # noqa: E402

DATA = Path(__file__).with_name("data") / "understanding_set.yaml"
NEAR_COPY = 0.97  # cosine above which a benchmark item is reported as a near copy of an example


def load_set(path: Path) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items: list[tuple[str, str, str]] = []
    for lang, entries in data["questions"].items():
        assert lang in SUPPORTED, lang
        for entry in entries:
            ((intent, text),) = entry.items()
            assert intent in INTENTS, intent
            items.append((lang, intent, str(text)))
    off = [(lang, str(t)) for lang, texts in (data.get("off_topic") or {}).items() for t in texts]
    return items, off


def check_not_copied(u: Understander, texts: list[str]) -> list[str]:
    example_folded = {fold(t) for t in u.examples.texts}
    return [t for t in texts if fold(t) in example_folded]


# Off-topic messages for calibration only (the benchmark has its own off_topic list).
CALIBRATION_OFF_TOPIC = [
    "qwertz uiop", "I like pizza", "Wie spät ist es?", "كم الساعة الآن", "Messi mı Ronaldo mu",
    "who is the president of France", "lol", "Tell me about dinosaurs", "Je m'appelle Pierre",
    "Mein Hund ist süß", "хороший день сегодня", "ok danke", "hi", "Bonjour", "salut",
    "kannst du singen", "das Wetter in Dortmund", "wie alt bist du", "1234",
    "what's the meaning of life", "кто ты", "Ich gehe heute ins Kino", "my phone is broken",
    "dün akşam ne yedin", "vreau să mănânc pizza", "qu'est-ce que tu fais", "какой сегодня день",
    "احكيلي عن حالك", "ти любиш котів?", "обичам да чета книги", "کتاب خوب معرفی کن",
]


def leave_one_out() -> int:
    u = Understander.load()
    ex = u.examples
    per_lang: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for i, (text, intent, lang) in enumerate(zip(ex.texts, ex.intents, ex.languages)):
        if intent == "none":
            continue
        detected = u.understand_language(text)
        r = u.decide(detected, text, u.example_embeddings[i].copy(), exclude=i)
        row = per_lang[lang]
        row["n"] += 1
        row["intent"] += r.intent == intent
        row["conf_ok"] += r.confident and r.intent == intent
        row["conf_wrong"] += r.confident and r.intent != intent
        row["lang"] += detected == lang
    print("leave-one-out over the matching examples (calibration set, not the benchmark)")
    print(HEADER)
    total: dict[str, int] = defaultdict(int)
    for lang in SUPPORTED:
        row = per_lang[lang]
        for key, value in row.items():
            total[key] += value
        _print_row(lang, row)
    _print_row("all", total)
    confident = [t for t in CALIBRATION_OFF_TOPIC if u.understand(t).confident]
    print(f"off-topic taken as a confident intent: {len(confident)}/{len(CALIBRATION_OFF_TOPIC)}")
    for text in confident:
        print("  ", text)
    return 0


HEADER = (
    f"{'lang':<6}{'n':>4}  {'intent':>7}  {'conf+ok':>7}  {'conf+wrong':>10}  {'language':>8}"
)


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "   - "


def _print_row(label: str, row: dict[str, int]) -> None:
    n = row["n"]
    print(
        f"{label:<6}{n:>4}  {_pct(row['intent'], n):>7}  {_pct(row['conf_ok'], n):>7}  "
        f"{_pct(row['conf_wrong'], n):>10}  {_pct(row['lang'], n):>8}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--set", type=Path, default=DATA)
    parser.add_argument("--loo", action="store_true")
    args = parser.parse_args()
    if args.loo:
        return leave_one_out()

    items, off_topic = load_set(args.set)
    print(f"set: {args.set.name}")

    if args.cold:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            u = Understander.load(cache_dir=tmp)
            load_s = time.perf_counter() - started
        load_note = "cold: no cache, every example embedded"
    else:
        started = time.perf_counter()
        u = Understander.load()
        load_s = time.perf_counter() - started
        load_note = "embedding cache hit" if u.cache_hit else "cache miss: examples embedded"

    copied = check_not_copied(u, [t for _, _, t in items] + [t for _, t in off_topic])
    if copied:
        print("ERROR: benchmark texts equal to matching examples:", *copied, sep="\n  ")
        return 1

    # Near copies are reported, not hidden: a benchmark is only fair if it is not the training set.
    bench_vecs = u.embed([t for _, _, t in items])
    near = int(((bench_vecs @ u.example_embeddings.T).max(axis=1) >= NEAR_COPY).sum())

    per_lang: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    times: list[float] = []
    misses: list[str] = []
    u.understand("warm-up")  # first call pays one-off allocations in the C engine
    cpu_times: list[float] = []
    for lang, intent, text in items:
        started, cpu_started = time.perf_counter(), time.process_time()
        r = u.understand(text)
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu_started) * 1000)
        row = per_lang[lang]
        row["n"] += 1
        row["intent"] += r.intent == intent
        row["conf_ok"] += r.confident and r.intent == intent
        row["conf_wrong"] += r.confident and r.intent != intent
        one_word = len(tokens(fold(text))) <= 1
        lang_ok = r.language == lang or (one_word and r.language is None)
        row["lang"] += lang_ok
        if r.intent != intent or not lang_ok:
            misses.append(
                f"  {lang} {intent:>13} -> {str(r.intent):>13} {r.score:.2f}"
                f"{' conf' if r.confident else '     '} lang={r.language}  {text}"
            )

    off_confident = []
    for lang, text in off_topic:
        r = u.understand(text)
        if r.confident:
            off_confident.append(f"  {lang} -> {r.intent} {r.score:.2f}  {text}")

    header = HEADER
    print(header)
    print("-" * len(header))
    total: dict[str, int] = defaultdict(int)
    for lang in SUPPORTED:
        row = per_lang.get(lang)
        if not row:
            continue
        for key, value in row.items():
            total[key] += value
        _print_row(lang, row)
    print("-" * len(header))
    _print_row("all", total)
    print()
    print(f"off-topic messages taken as a confident intent: {len(off_confident)}/{len(off_topic)}")
    for line in off_confident:
        print(line)
    times.sort()
    p99 = times[min(len(times) - 1, int(round(0.99 * (len(times) - 1))))]
    print(
        f"time per question: p50 {statistics.median(times):.1f} ms, p99 {p99:.1f} ms "
        f"(language + embedding + matching, {len(times)} questions)"
    )
    # Wall time suffers when other processes share the cores; CPU time (all threads) does not.
    print(
        f"CPU time per question: p50 {statistics.median(cpu_times):.1f} ms; "
        f"host load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"load time: {load_s:.2f} s ({load_note}; {len(u.examples.texts)} examples)")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (RSS): {rss_mb:.0f} MB")
    print(
        f"benchmark items equal to an example: 0; near copies (cosine >= {NEAR_COPY}): {near}"
    )
    if misses and not args.quiet:
        print("\nmisses (label -> got, score, confident, detected language):")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
