"""Test helpers: a tiny checker for Telegram HTML (balanced tags, no stray < > &) and a
hypothesis strategy for random text with random, properly nested tags."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import strategies as st

from bot.text.bidi import FSI, PDI

TELEGRAM_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
}
_BAD_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot|#[0-9]+|#x[0-9a-fA-F]+);)")
TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'))?)*\s*>""")


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.errors.append(f"unknown tag <{tag}>")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> does not close {self.stack[-1:] or 'anything'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.errors.append(f"stray angle bracket in {data!r}")


def html_problems(text: str) -> list[str]:
    checker = _Checker()
    checker.feed(text)
    checker.close()
    problems = list(checker.errors)
    if checker.stack:
        problems.append(f"unclosed {checker.stack}")
    if checker.rawdata:
        problems.append(f"unparsed rest {checker.rawdata!r}")
    if _BAD_AMPERSAND.search(text):
        problems.append("& that does not start an entity")
    return problems


def assert_valid_html(text: str) -> None:
    problems = html_problems(text)
    assert not problems, f"{problems} in {text!r}"


# --- random Telegram HTML -----------------------------------------------------------------------

PIECES = [
    "a",
    "Z",
    "ß",
    "é",
    "e\u0301",
    "7",
    "0",
    "ع",
    "ب",
    "ی",
    "\u200c",
    "٣",
    "۴",
    " ",
    " ",
    ".",
    ",",
    ":",
    "-",
    "–",
    "/",
    "+",
    "@",
    "(",
    ")",
    "#",
    "%",
    "،",
    "!",
    "\n",
    FSI,
    PDI,
    "\u2066",
    "&amp;",
    "&lt;",
    "&gt;",
    "&#48;",
    "😀",
    '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
]
OPENING = {
    "b": "<b>",
    "i": "<i>",
    "a": '<a href="https://example.org/x?a=1&amp;b=2">',
    "code": "<code>",
    "pre": "<pre>",
    "span": '<span class="tg-spoiler">',
    "u": "<u>",
    "blockquote": "<blockquote expandable>",
}

text_piece = st.lists(st.sampled_from(PIECES), max_size=25).map("".join)


def _element(child: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(sorted(OPENING)), child).map(lambda t: f"{OPENING[t[0]]}{t[1]}</{t[0]}>")


html_texts = st.recursive(
    text_piece,
    lambda children: st.one_of(_element(children), st.lists(children, max_size=4).map("".join)),
    max_leaves=12,
)
