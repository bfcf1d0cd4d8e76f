"""Telegram's HTML parse mode: escaping, counting and splitting messages.

How Telegram counts: the Bot API gives limits as "1-4096 characters after entities parsing" and
measures entity offsets and lengths in UTF-16 code units. We count UTF-16 code units as well: an
emoji outside the Basic Multilingual Plane counts 2, everything else 1. This is never less than
the number of code points, so a part we consider short enough is short enough under either
reading. "After entities parsing" means tags do not count and `&amp;` counts as the one `&`.

Telegram's HTML has no void elements and accepts only `&lt; &gt; &amp; &quot;` and numeric entities;
text produced by `escape` and `Catalog.render` stays within that.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Final

MESSAGE_LIMIT: Final = 4096
CAPTION_LIMIT: Final = 1024

FSI: Final = "\u2068"
LRI: Final = "\u2066"
RLI: Final = "\u2067"
PDI: Final = "\u2069"
ISOLATE_OPENERS: Final = frozenset({LRI, RLI, FSI})

# A tag with optional attributes whose quoted values may contain ">"; an entity; or one character.
_TAG_PATTERN: Final = r"""(?P<tag><(?P<close>/)?(?P<name>[A-Za-z][A-Za-z0-9-]*)
    (?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*
    \s*/?>)"""
_ENTITY_PATTERN: Final = r"(?P<entity>&(?:\#[0-9]{1,7}|\#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)"
_TOKEN = re.compile(f"{_TAG_PATTERN}|{_ENTITY_PATTERN}|(?P<char>.)", re.VERBOSE | re.DOTALL)
_MARKUP = re.compile(f"{_TAG_PATTERN}|{_ENTITY_PATTERN}", re.VERBOSE | re.DOTALL)


def utf16_length(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


@dataclass(frozen=True, slots=True)
class Token:
    """A tag, or one visible unit: a character or an entity (never split, counted as its text)."""

    raw: str
    text: str = ""  # what the unit shows; "" for tags
    tag: str = ""  # lower-case tag name; "" for units
    closing: bool = False

    @property
    def is_tag(self) -> bool:
        return bool(self.tag)

    @property
    def width(self) -> int:
        return utf16_length(self.text)


def tokenize(html_text: str) -> list[Token]:
    tokens: list[Token] = []
    for match in _TOKEN.finditer(html_text):
        raw = match.group()
        if match.group("tag"):
            tokens.append(Token(raw, tag=match.group("name").lower(), closing=bool(match.group("close"))))
        elif match.group("entity"):
            tokens.append(Token(raw, text=html.unescape(raw)))
        else:
            tokens.append(Token(raw, text=raw))
    return tokens


def escape(text: str) -> str:
    """Escape plain text for HTML parse mode: only &, < and > need it (quotes are fine in text)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _shown(match: re.Match[str]) -> str:
    if match.group("tag"):
        return ""
    if match.group("entity"):
        return html.unescape(match.group())
    return match.group()


def visible_text(html_text: str) -> str:
    """The text Telegram shows: tags removed, entities decoded."""
    return _MARKUP.sub(_shown, html_text)


def visible_length(html_text: str) -> int:
    """Length as Telegram counts it against its limits (UTF-16 code units, see module doc)."""
    return utf16_length(visible_text(html_text))


# Zero-width and bidi controls someone could use to disguise text (e.g. to reverse a link or hide
# a word from keyword matching). ZWNJ/ZWJ (U+200C/U+200D) are kept: Persian spelling needs ZWNJ,
# and emoji sequences need ZWJ. U+061C (ARABIC LETTER MARK) is a bidi control like U+200F.
_ABUSABLE = "\u061c\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
# ...as well as C0/C1 control characters other than tab and line breaks.
_CONTROL_TABLE: Final = {
    ord(ch): None
    for ch in _ABUSABLE + "".join(chr(c) for c in (*range(0x20), *range(0x7F, 0xA0)))
    if ch not in "\t\n\r"
}


def strip_control_characters(text: str) -> str:
    """Clean text a person typed before matching, storing or relaying it."""
    return text.translate(_CONTROL_TABLE)


# --- splitting ----------------------------------------------------------------------------------


class _Cut(IntEnum):
    """How good a place between two visible units is for ending a message (higher is better)."""

    NEVER = -1  # inside a grapheme cluster or a custom emoji
    HARD = 0  # in the middle of a word
    SPACE = 1
    SENTENCE = 2
    LINE = 3
    PARAGRAPH = 4


_SENTENCE_END: Final = frozenset(".!?…。؟۔")
_ATOMIC_TAGS: Final = frozenset({"tg-emoji"})  # its content must stay exactly one emoji


def _joins(before: str, after: str) -> bool:
    """True if cutting between these characters would tear a grapheme cluster apart."""
    if before == "\r" and after == "\n":
        return True
    if before == "\u200d" or after == "\u200d":  # zero width joiner
        return True
    if unicodedata.category(after) in ("Mn", "Mc", "Me"):  # combining marks, harakat
        return True
    code = ord(after)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:  # variation selectors
        return True
    if 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F:  # skin tones, tag sequences
        return True
    return 0x1F1E6 <= ord(before) <= 0x1F1FF and 0x1F1E6 <= code <= 0x1F1FF  # flags


def _same_atomic_element(before: tuple[Token, ...], after: tuple[Token, ...]) -> bool:
    """True if both positions lie inside one and the same tg-emoji element."""
    return any(t.tag in _ATOMIC_TAGS and any(t is u for u in after) for t in before)


def _cut_rank(chars: list[str], i: int, inside_isolate: bool, atomic: bool) -> _Cut:
    """Rank of a cut between visible unit `i` and unit `i + 1` (whitespace stays before the cut)."""
    if atomic:
        return _Cut.NEVER
    before, after = chars[i][-1:], chars[i + 1][:1]
    if not before or not after:  # an entity that decodes to nothing; harmless to cut at
        return _Cut.HARD
    if _joins(before, after):
        return _Cut.NEVER
    if inside_isolate:
        # A cut inside FSI…PDI would leave the isolate open in one part and unopened in the next.
        return _Cut.HARD
    previous = chars[i - 1][-1:] if i > 0 else ""
    if before == "\n" and after != "\n":
        return _Cut.PARAGRAPH if previous == "\n" else _Cut.LINE
    if before.isspace() and not after.isspace():
        return _Cut.SENTENCE if previous in _SENTENCE_END else _Cut.SPACE
    return _Cut.HARD


def _open_elements(tokens: list[Token]) -> list[tuple[Token, ...]]:
    """For each position 0..len(tokens): the opening tags of the elements open before it."""
    stacks: list[tuple[Token, ...]] = []
    stack: list[Token] = []
    for token in tokens:
        stacks.append(tuple(stack))
        if not token.is_tag:
            continue
        if token.closing:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth].tag == token.tag:
                    del stack[depth:]
                    break
        elif not token.raw.endswith("/>"):
            stack.append(token)
    stacks.append(tuple(stack))
    return stacks


def _isolate_depths(chars: Iterable[str]) -> list[int]:
    """Isolate nesting depth after each visible unit; a line break ends all isolates (UAX #9)."""
    depths: list[int] = []
    depth = 0
    for text in chars:
        for ch in text:
            if ch in ISOLATE_OPENERS:
                depth += 1
            elif ch == PDI and depth:
                depth -= 1
            elif ch in "\n\r\u2029\x1c\x1d\x1e\x85":
                depth = 0
        depths.append(depth)
    return depths


def split_message(html_text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split Telegram HTML into parts of at most `limit` visible characters, each valid on its own.

    Cuts prefer, in order: paragraph breaks, line breaks, sentence ends, spaces, taking the latest
    place of the best kind that fits; a word is cut only when there is no such place, and never
    inside an entity, a surrogate pair, a letter with its combining marks or a custom emoji. Places
    in the first quarter of a part count only when the rest offers none, so a paragraph break near
    the start does not produce a tiny message. Tags are never cut: elements open at a cut (b, i, u,
    s, code, pre, blockquote, a, ...) are closed at the end of one part and reopened, with their
    attributes, at the start of the next.

    Whitespace at a cut stays at the end of the earlier part (Telegram trims it when showing the
    message), so the parts' visible texts joined give back the original visible text. The only
    exception: a part that would hold nothing but whitespace is dropped, because Telegram refuses
    empty messages.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2 (one character may take two UTF-16 units)")
    # Markup only ever shrinks when parsed, so a text whose raw length fits needs no parsing.
    if utf16_length(html_text) <= limit or visible_length(html_text) <= limit:
        return [html_text]
    tokens = tokenize(html_text)
    units = [k for k, token in enumerate(tokens) if not token.is_tag]
    widths = [tokens[k].width for k in units]
    has_atomic = any(token.tag in _ATOMIC_TAGS for token in tokens)

    chars = [tokens[k].text for k in units]
    stacks = _open_elements(tokens)
    depths = _isolate_depths(chars)
    min_fill = limit // 4

    parts: list[str] = []
    start_token = 0
    first_unit = 0
    while first_unit < len(units):
        # Widest window of whole units that fits, and the best place to cut inside it.
        fill = 0
        best: tuple[bool, bool, int, int] | None = None
        last = first_unit
        while last < len(units) and fill + widths[last] <= limit:
            fill += widths[last]
            if last + 1 < len(units):
                atomic = has_atomic and _same_atomic_element(stacks[units[last]], stacks[units[last + 1]])
                rank = _cut_rank(chars, last, depths[last] > 0, atomic)
                if rank is not _Cut.NEVER:
                    candidate = (rank >= _Cut.SPACE, fill >= min_fill, int(rank), last)
                    best = candidate if best is None or candidate > best else best
            last += 1
        if last == first_unit:
            # One unit wider than the limit: only an unknown named entity, counted as written, can be.
            last += 1
        if last >= len(units):
            cut_unit, end_token = len(units) - 1, len(tokens)
        else:
            cut_unit = best[3] if best is not None else last - 1
            end_token = units[cut_unit] + 1
            # Closing tags right after the cut belong to the part they close.
            while end_token < len(tokens) and tokens[end_token].is_tag and tokens[end_token].closing:
                end_token += 1

        if "".join(chars[first_unit : cut_unit + 1]).strip():
            reopen = "".join(t.raw for t in stacks[start_token])
            body = "".join(t.raw for t in tokens[start_token:end_token])
            close = "".join(f"</{t.tag}>" for t in reversed(stacks[end_token]))
            parts.append(reopen + body + close)
        start_token = end_token
        first_unit = cut_unit + 1
    return parts
