"""Conversation goals: the share of scripted conversations that reach their goal without a dead end.

    .venv/bin/python bench/conversation_goals.py                    # the held-out set
    .venv/bin/python bench/conversation_goals.py --set tests/conversations/scripts
    .venv/bin/python bench/conversation_goals.py --only h-de-frist-morgen --transcript

Default set: bench/data/conversations_heldout.yaml, written before the conversation layer was tuned
(issue 17) and never tuned on. Each script is played through the real bot and the fake Telegram Bot
API (tests/conversations/runner.py), a bot and SQLite database of its own per script, the clock on
Monday 23 November 2026, 10:00. A dead end is the "not sure" answer, the language picker again, an
error or no answer; the goal is reached when no turn is a dead end and every expectation holds.
Prints the share overall, per language (of the person's words; "beyond" for languages the bot does
not speak) and per case, then each failure with its first unmet expectation. Target: >= 95%.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conversations.runner import HELDOUT, Outcome, fresh_bot, play
from tests.conversations.script_format import LANGUAGES, Script, load

TARGET = 0.95


def language_of(script: Script) -> str:
    """The language the person writes in, from the id (`h-<lang>-...`, `t-<lang>-...`)."""
    parts = script.id.split("-")
    lang = parts[1] if len(parts) > 1 else ""
    return lang if lang in LANGUAGES else "beyond"


async def run(scripts: list[Script]) -> list[Outcome]:
    outcomes = []
    for number, script in enumerate(scripts):
        with tempfile.TemporaryDirectory() as directory:
            try:
                async with fresh_bot(Path(directory)) as tg:
                    outcome = await play(tg, script, user_id=5000 + number)
            except AssertionError as violation:  # a request Telegram would reject, an unanswered press
                outcome = Outcome(script, False, len(script.turns), f"fake Bot API: {violation}")
        outcomes.append(outcome)
        print("." if outcome.passed else "F", end="", flush=True)
    print()
    return outcomes


def share(outcomes: list[Outcome]) -> str:
    passed = sum(o.passed for o in outcomes)
    return f"{passed}/{len(outcomes)} {100 * passed / len(outcomes):.1f}%"


def report(outcomes: list[Outcome], *, transcript: bool) -> None:
    print(f"\nreached their goal: {share(outcomes)} (target >= {TARGET:.0%})")
    for title, key in (("language", lambda o: language_of(o.script)), ("case", lambda o: o.script.case)):
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in outcomes:
            groups[key(outcome)].append(outcome)
        print(f"\nper {title}:")
        for name in sorted(groups):
            print(f"  {name:<18} {share(groups[name])}")
    failures = [o for o in outcomes if not o.passed]
    if failures:
        print(f"\nfailures ({len(failures)}):")
        for outcome in failures:
            print(f"- {outcome.explain()}")
            if transcript:
                print("    " + "\n    ".join(outcome.transcript))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", type=Path, default=HELDOUT, help="a scripts file or a directory of them")
    parser.add_argument("--only", nargs="*", help="script ids to run")
    parser.add_argument("--transcript", action="store_true", help="print the conversation of each failure")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    scripts = load(args.set)
    if args.only:
        scripts = [s for s in scripts if s.id in set(args.only)]
    print(f"{len(scripts)} scripts from {args.set}")
    started = time.monotonic()
    outcomes = asyncio.run(run(scripts))
    report(outcomes, transcript=args.transcript)
    print(f"\n({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
