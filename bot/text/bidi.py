"""Keep right-to-left messages readable when they contain left-to-right runs.

An address like "Westerfilder Straße 54, 44357 Dortmund", a time "14:00–17:00", a phone number or a
link inside an Arabic sentence gets reordered by the bidi algorithm (numbers jump, punctuation moves).
Wrapping each such run in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE (U+2068 ... U+2069) keeps it
intact and in place.

What counts as a run: it starts and ends on a strong left-to-right character (Latin, Cyrillic, ...)
or an ASCII digit, and in between may hold spaces and the punctuation of addresses, times, dates,
phone numbers, e-mail addresses and URLs. Arabic-Indic and Persian digits belong to the
right-to-left text and are left alone. Three small extensions keep common cases whole:
- a sign glued to the front ("+49 231", "@lokal_bot", "#tag", "€12") joins the run, or it would
  be shown on the wrong side ("49 231+");
- a sign glued to the end of a number ("50%", "20°", "12€") joins it, since without isolation
  the bidi algorithm would have kept them together (rule W5); so does a "/" glued to the end of
  a run ("https://www.dortmund.de/");
- an unmatched parenthesis inside a run pulls in its partner just outside ("(0231) 50-11148").

A run never crosses a tag or splits an entity, so markup and attributes stay byte for byte as
they were. Text already inside an isolate is left alone, which makes the function idempotent.
`<code>` is not changed inside (tapping it copies its text, which must stay clean); if it holds
left-to-right text the whole element is isolated from outside. `<pre>` blocks are left alone.
"""

from __future__ import annotations

import unicodedata
from enum import Enum
from typing import Final

from bot.text.telegram_html import FSI, ISOLATE_OPENERS, PDI, Token, tokenize

__all__ = ["FSI", "PDI", "isolate", "isolate_ltr_runs"]

_DIGITS: Final = frozenset("0123456789")
_SPACES: Final = frozenset(" \u00a0\u2009\u202f")
# Punctuation that may sit between two parts of one left-to-right run.
_JOINERS: Final = frozenset(".,:;-\u2010\u2011\u2013\u2014/+@()#?=&%_~'\u2019°\u2030€$£")
_LEADING_SIGNS: Final = frozenset("+@#€$£/")  # "/" keeps /commands tappable in RTL text
_NUMBER_SUFFIXES: Final = frozenset("%\u2030°€$£")
_PARAGRAPH_ENDS: Final = frozenset("\n\r\u2029\x1c\x1d\x1e\x85")
_OPAQUE_TAGS: Final = frozenset({"code", "pre", "tg-emoji"})
_WRAPPABLE_TAGS: Final = frozenset({"code"})


def isolate(text: str) -> str:
    return f"{FSI}{text}{PDI}"


class _Kind(Enum):
    ANCHOR = "anchor"  # may start and end a run
    MARK = "mark"  # combining mark: belongs to the character before it
    JOINER = "joiner"  # may sit inside a run
    BREAK = "break"  # ends a run: right-to-left text, tags, line breaks, text in isolates


def _is_anchor(ch: str) -> bool:
    return ch in _DIGITS or unicodedata.bidirectional(ch) == "L"


def _kind(ch: str) -> _Kind:
    if _is_anchor(ch):
        return _Kind.ANCHOR
    if unicodedata.bidirectional(ch) == "NSM":
        return _Kind.MARK
    if ch in _SPACES or ch in _JOINERS:
        return _Kind.JOINER
    return _Kind.BREAK


def _matching_close(tokens: list[Token], start: int) -> int:
    """Index of the tag closing the element opened at `start` (the last token if unclosed)."""
    name = tokens[start].tag
    depth = 0
    for k in range(start, len(tokens)):
        token = tokens[k]
        if token.tag == name:
            depth += -1 if token.closing else 1
            if depth == 0:
                return k
    return len(tokens) - 1


def _track_isolates(depth: int, text: str) -> int:
    """Isolate nesting after `text`; a paragraph end closes every isolate (UAX #9)."""
    for ch in text:
        if ch in ISOLATE_OPENERS:
            depth += 1
        elif ch == PDI and depth:
            depth -= 1
        elif ch in _PARAGRAPH_ENDS:
            depth = 0
    return depth


def _classify(tokens: list[Token]) -> tuple[list[_Kind], set[int], set[int]]:
    """Kind of each token, plus the opaque elements to isolate as a whole (first, last index)."""
    kinds = [_Kind.BREAK] * len(tokens)
    wrap_starts: set[int] = set()
    wrap_ends: set[int] = set()
    depth = 0  # nesting of isolates already in the text
    k = 0
    while k < len(tokens):
        token = tokens[k]
        if token.is_tag:
            if not token.closing and token.tag in _OPAQUE_TAGS:
                end = _matching_close(tokens, k)
                content = "".join(t.text for t in tokens[k + 1 : end])
                has_controls = any(c in _PARAGRAPH_ENDS or c in ISOLATE_OPENERS or c == PDI for c in content)
                if (
                    depth == 0
                    and token.tag in _WRAPPABLE_TAGS
                    and not has_controls
                    and any(_is_anchor(c) for c in content)
                ):
                    wrap_starts.add(k)
                    wrap_ends.add(end)
                depth = _track_isolates(depth, content)  # untouched, but it still counts
                k = end + 1
                continue
            k += 1
            continue
        text = token.text
        if len(text) == 1 and depth == 0 and text not in ISOLATE_OPENERS:
            kinds[k] = _kind(text)
        depth = _track_isolates(depth, text)
        k += 1
    return kinds, wrap_starts, wrap_ends


def _extend(tokens: list[Token], kinds: list[_Kind], start: int, end: int) -> tuple[int, int]:
    """Pull adjacent signs and unmatched parentheses' partners into the run [start, end]."""
    unmatched_open = unmatched_close = 0
    for token in tokens[start : end + 1]:
        if token.text == "(":
            unmatched_open += 1
        elif token.text == ")":
            if unmatched_open:
                unmatched_open -= 1
            else:
                unmatched_close += 1

    def text_at(k: int) -> str:
        return tokens[k].text if 0 <= k < len(tokens) and kinds[k] is _Kind.JOINER else ""

    while unmatched_close and text_at(start - 1) == "(":
        start -= 1
        unmatched_close -= 1
    while unmatched_open and text_at(end + 1) == ")":
        end += 1
        unmatched_open -= 1
    before, after = text_at(start - 1), text_at(end + 1)
    if before and before in _LEADING_SIGNS and tokens[start].text != "(":
        start -= 1
    if after and (
        after in _NUMBER_SUFFIXES and tokens[end].text in _DIGITS or after == "/" and kinds[end] is _Kind.ANCHOR
    ):
        end += 1
    return start, end


def isolate_ltr_runs(html_text: str) -> str:
    """Wrap each left-to-right run of a right-to-left Telegram-HTML text in FSI ... PDI."""
    tokens = tokenize(html_text)
    kinds, wrap_starts, wrap_ends = _classify(tokens)
    k = 0
    while k < len(tokens):
        if kinds[k] is not _Kind.ANCHOR:
            k += 1
            continue
        start = end = k
        k += 1
        while k < len(tokens) and kinds[k] is not _Kind.BREAK:
            if kinds[k] is not _Kind.JOINER:
                end = k  # runs end on an anchor (or a mark belonging to one)
            k += 1
        start, end = _extend(tokens, kinds, start, end)
        wrap_starts.add(start)
        wrap_ends.add(end)

    out: list[str] = []
    for k, token in enumerate(tokens):
        if k in wrap_starts:
            out.append(FSI)
        out.append(token.raw)
        if k in wrap_ends:
            out.append(PDI)
    return "".join(out)
