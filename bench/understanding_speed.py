"""Time per question of free-text understanding (language + intent), as the bot calls it.

    .venv/bin/python bench/understanding_speed.py [--count 200]

Loads bot.understanding.Understander once (timed: that is part of the bot's start-up), then asks
~200 questions (bench/data/understanding_set.yaml when present: every language, mixed; otherwise a
built-in list), each once, in a fixed shuffled order, after 5 warm-up questions. Prints p50/p99/max
wall time per question and the CPU time per question of this process (all threads: the model's
OpenMP threads count), so a fast median bought with both cores shows as such.
Baseline, measured in the same run on the same questions: the embedding alone, as the bot gets it
from its model process (`understander.model.embed`, which every question needs), so the ratio
shows what language detection, keywords and scoring add on top of the model. CPU time counts this
process only; the model's own CPU is in its child process.
Accuracy is measured elsewhere (bench/understanding_accuracy.py).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fmt, percentile  # noqa: E402
from bench.load import FALLBACK_QUESTIONS, load_questions  # noqa: E402


def questions(count: int) -> list[str]:
    by_language = load_questions()
    texts = [text for texts in by_language.values() for text in texts]
    if len(texts) < count:
        texts += [text for texts in FALLBACK_QUESTIONS.values() for text in texts]
    random.Random(7).shuffle(texts)
    return texts[:count]


def measure(count: int = 200) -> dict[str, Any]:
    started = time.perf_counter()
    from bot.understanding import Understander

    understander = Understander.load()
    load_seconds = time.perf_counter() - started
    texts = questions(count)
    for text in texts[:5]:
        understander.understand(text)
    walls: list[float] = []
    cpu0 = time.process_time()
    for text in texts:
        t0 = time.perf_counter()
        understander.understand(text)
        walls.append(time.perf_counter() - t0)
    cpu = time.process_time() - cpu0
    model_walls: list[float] = []
    for text in texts:
        t0 = time.perf_counter()
        understander.model.embed([text])  # the baseline: the embedding of the question, nothing else
        model_walls.append(time.perf_counter() - t0)
    understander.close()
    return {
        "questions": len(texts),
        "load_s": load_seconds,
        "embedding_cache_hit": understander.cache_hit,
        "p50_ms": percentile(walls, 50) * 1000,
        "p99_ms": percentile(walls, 99) * 1000,
        "max_ms": max(walls) * 1000,
        "cpu_ms_per_question": cpu / len(texts) * 1000,
        "model_p50_ms": percentile(model_walls, 50) * 1000,
        "model_p99_ms": percentile(model_walls, 99) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = measure(args.count)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"understanding: {result['questions']} questions, load {result['load_s']:.2f} s "
        f"(embedding cache {'hit' if result['embedding_cache_hit'] else 'miss'})"
    )
    print(
        f"  p50 {fmt(result['p50_ms'])} ms  p99 {fmt(result['p99_ms'])} ms  max {fmt(result['max_ms'])} ms  "
        f"CPU {fmt(result['cpu_ms_per_question'])} ms/question in the bot's process"
    )
    print(
        f"  the embedding alone: p50 {fmt(result['model_p50_ms'])} ms  p99 {fmt(result['model_p99_ms'])} ms"
        f"  (understanding / embedding at p50: {result['p50_ms'] / result['model_p50_ms']:.2f}x)"
    )


if __name__ == "__main__":
    main()
