"""Accuracy and speed of free-text understanding (language + intent), fully offline.

Run: .venv/bin/python bench/understanding_accuracy.py [--cold] [--quiet] [--set PATH]

  --cold   measure a start without the embedding cache (embeds every example; slow by design)
  --quiet  do not list the misses
  --set    another labelled file, e.g. bench/data/understanding_holdout.yaml (held out: written
           after tuning, to check that the main set was not overfitted)
  --loo    the calibration run instead: leave-one-out over the matching examples (each example
           classified with itself removed) plus off-topic messages; this, not the benchmark, is
           what the thresholds in bot/understanding/matcher.py were chosen on
  --safety the safety set instead (bench/data/safety_set.yaml, the tuning part, then
           bench/data/safety_holdout.yaml, held out: reported separately; --set picks one file):
           recall per category and per language, false alarms on near misses, what the lexicon
           alone finds (the model unavailable), and the time detection adds per message
  --no-model  with --safety: the lexicon and the numbers only (no model load; quick)
  --cv     with --safety: cross-validation over the development safety sets (SAFETY_DEV_SETS):
           each set is tested with the safety examples (data/safety/examples/) that occur in it
           left out, so the nearest-neighbour signal is trained on the other sets only (the
           lexicon was written with all of them in view: its share is not cross-validated)

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
SAFETY_SETS = (
    Path(__file__).with_name("data") / "safety_set.yaml",
    Path(__file__).with_name("data") / "safety_holdout.yaml",
)
SAFETY_DEV_SETS = tuple(
    Path(__file__).with_name("data") / f"{name}.yaml"
    for name in ("safety_set", "safety_holdout", "safety_holdout2", "safety_holdout3")
)
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
    "qwertz uiop",
    "I like pizza",
    "Wie spät ist es?",
    "كم الساعة الآن",
    "Messi mı Ronaldo mu",
    "who is the president of France",
    "lol",
    "Tell me about dinosaurs",
    "Je m'appelle Pierre",
    "Mein Hund ist süß",
    "хороший день сегодня",
    "ok danke",
    "hi",
    "Bonjour",
    "salut",
    "kannst du singen",
    "das Wetter in Dortmund",
    "wie alt bist du",
    "1234",
    "what's the meaning of life",
    "кто ты",
    "Ich gehe heute ins Kino",
    "my phone is broken",
    "dün akşam ne yedin",
    "vreau să mănânc pizza",
    "qu'est-ce que tu fais",
    "какой сегодня день",
    "احكيلي عن حالك",
    "ти любиш котів?",
    "обичам да чета книги",
    "کتاب خوب معرفی کن",
]


def leave_one_out() -> int:
    u = Understander.load()
    ex = u.examples
    per_lang: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for i, (text, intent, lang) in enumerate(zip(ex.texts, ex.intents, ex.languages, strict=False)):
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


HEADER = f"{'lang':<6}{'n':>4}  {'intent':>7}  {'conf+ok':>7}  {'conf+wrong':>10}  {'language':>8}"


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
    parser.add_argument("--safety", action="store_true")
    parser.add_argument("--no-model", action="store_true")
    parser.add_argument("--cv", action="store_true")
    args = parser.parse_args()
    if args.loo:
        return leave_one_out()
    if args.safety:
        sets = SAFETY_DEV_SETS if args.cv else (args.set,) if args.set != DATA else SAFETY_SETS
        return safety(sets, use_model=not args.no_model, quiet=args.quiet, cross_validate=args.cv)

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
    print(f"benchmark items equal to an example: 0; near copies (cosine >= {NEAR_COPY}): {near}")
    if misses and not args.quiet:
        print("\nmisses (label -> got, score, confident, detected language):")
        print("\n".join(misses))
    return 0


# --- the safety set ------------------------------------------------------------------------------


def load_safety_set(path: Path) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """(category, language tag, text) of the emergencies; (language tag, text) of the near misses."""
    from bot.safety.detect import PRIORITY

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    emergencies = []
    for category, entries in data["emergencies"].items():
        assert category in PRIORITY, category
        emergencies += [(category, str(lang), str(text)) for lang, text in entries]
    near = [(str(lang), str(text)) for lang, text in data["near_misses"]]
    return emergencies, near


def _ratio(hit: int, n: int) -> str:
    return f"{hit:>3}/{n:<3} {100 * hit / n:5.1f}%" if n else "   -"


def _understand_without(u: Understander, text: str, exclude: object) -> object:
    """u.understand(text) with the safety neighbours computed without the `exclude` examples."""
    import dataclasses

    from bot.understanding.model_process import model_input

    understood = u.understand(text)
    if not understood.safety_similarities or u.safety is None:
        return understood
    query = u.embed([model_input(text)])[0]
    return dataclasses.replace(understood, safety_similarities=u.safety.similarities(query, exclude))


def safety(paths: tuple[Path, ...], *, use_model: bool, quiet: bool, cross_validate: bool = False) -> int:
    from bot.safety import default_lexicon, detect

    default_lexicon()  # read the files once, outside the timings
    u = Understander.load() if use_model else None
    if u is not None:
        u.understand("warm-up")
    total_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    total_language: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    total_near = [0, 0]
    for path in paths:
        emergencies, near = load_safety_set(path)
        texts = [t for _, _, t in emergencies] + [t for _, t in near]
        if u is not None and cross_validate and u.safety is not None:
            import numpy as np

            in_set = {" ".join(fold(t).split()) for t in texts}
            exclude = np.array([" ".join(fold(t).split()) in in_set for t in u.safety.examples.texts])
            print(f"\n{path.name}: {int(exclude.sum())} of {len(exclude)} safety examples left out")
            understood = [_understand_without(u, t, exclude) for t in texts]
        else:
            understood = [u.understand(t) for t in texts] if u is not None else [None] * len(texts)
        times: list[float] = []
        alerts = []
        for text, understanding in zip(texts, understood, strict=False):
            started = time.perf_counter()
            alerts.append(detect(text, understanding))
            times.append((time.perf_counter() - started) * 1000)
        lexicon_only = [detect(text, None) for text in texts]
        per_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        per_language: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        per_variant: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        caught_without_model = 0
        misses, wrong_category, alarms = [], [], []
        for (category, tag, text), alert, plain in zip(emergencies, alerts, lexicon_only, strict=False):
            found = alert is not None
            for table, key in ((per_category, category), (per_language, tag.split("-")[0]), (per_variant, tag)):
                table[key][0] += found
                table[key][1] += 1
            caught_without_model += plain is not None
            if alert is None:
                misses.append(f"  {category:>17} {tag:<8} {text}")
            elif alert.category != category and category != "general":
                wrong_category.append(f"  {category:>17} -> {alert.category:<17} ({alert.source}) {tag:<8} {text}")
        near_alerts = alerts[len(emergencies) :]
        for (tag, text), alert in zip(near, near_alerts, strict=False):
            if alert is not None:
                alarms.append(f"  {tag:<8} -> {alert.category} ({alert.source}: {alert.language}) {text}")
        found_all = sum(v[0] for v in per_category.values())
        for total, table in ((total_category, per_category), (total_language, per_language)):
            for key, (hit, n) in table.items():
                total[key][0] += hit
                total[key][1] += n
        total_near[0] += len(alarms)
        total_near[1] += len(near)
        print(
            f"\nset: {path.name}  ({len(emergencies)} emergencies, {len(near)} near misses; "
            f"model {'on' if u is not None else 'OFF: lexicon and numbers only'})"
        )
        print("recall per category:")
        for category, (hit, n) in sorted(per_category.items()):
            print(f"  {category:<18} {_ratio(hit, n)}")
        print("recall per language:")
        for language, (hit, n) in sorted(per_language.items()):
            variants = ", ".join(
                f"{tag} {h}/{m}"
                for tag, (h, m) in sorted(per_variant.items())
                if tag.split("-")[0] == language and tag != language
            )
            print(f"  {language:<6} {_ratio(hit, n)}" + (f"   ({variants})" if variants else ""))
        print(
            f"recall overall: {_ratio(found_all, len(emergencies))}; "
            f"the lexicon and numbers alone: {_ratio(caught_without_model, len(emergencies))}"
        )
        if u is not None:
            from bot.safety.neighbours import category_of

            alone = [category_of(x.safety_similarities, x.similarities) is not None for x in understood]
            print(
                f"the nearest safety examples alone (bot.safety.neighbours): recall "
                f"{_ratio(sum(alone[: len(emergencies)]), len(emergencies))}, false alarms on near misses "
                f"{_ratio(sum(alone[len(emergencies) :]), len(near))}"
            )
        print(
            f"right category (of the emergencies found, general excluded): "
            f"{found_all - len(wrong_category) - per_category['general'][0]}/"
            f"{found_all - per_category['general'][0]}"
        )
        print(f"false alarms on near misses: {_ratio(len(alarms), len(near))}")
        times.sort()
        p99 = times[min(len(times) - 1, int(round(0.99 * (len(times) - 1))))]
        print(
            f"detection (lexicon + numbers + decision, the model's answer given): "
            f"p50 {statistics.median(times):.3f} ms, p99 {p99:.3f} ms over {len(times)} messages"
        )
        ordinary = [
            (lang, text)
            for other in (DATA, DATA.with_name("understanding_holdout.yaml"))
            for lang, intent, text in load_set(other)[0]
            if intent != "emergency"
        ]
        ordinary_alarms = []
        for lang, text in ordinary:
            alert = detect(text, u.understand(text) if u is not None else None)
            if alert is not None:
                ordinary_alarms.append(f"  {lang:<8} -> {alert.category} ({alert.source}) {text}")
        print(
            f"alarms on the ordinary questions of the understanding sets: {_ratio(len(ordinary_alarms), len(ordinary))}"
        )
        if not quiet:
            for title, lines in (
                ("missed", misses),
                ("other category", wrong_category),
                ("false alarms", alarms),
                ("alarms on ordinary questions", ordinary_alarms),
            ):
                if lines:
                    print(f"{title}:")
                    print("\n".join(lines))
    if len(paths) > 1:
        hit = sum(v[0] for v in total_category.values())
        n = sum(v[1] for v in total_category.values())
        print(
            f"\nall {len(paths)} sets together: recall {_ratio(hit, n)}, false alarms on near misses "
            f"{_ratio(*total_near)}"
        )
        print("  per category: " + ", ".join(f"{k} {_ratio(*v)}" for k, v in sorted(total_category.items())))
        print("  per language: " + ", ".join(f"{k} {_ratio(*v)}" for k, v in sorted(total_language.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
