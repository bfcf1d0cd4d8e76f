"""Escaping, counting and splitting Telegram HTML."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text.bidi import FSI, PDI
from bot.text.telegram_html import (
    MESSAGE_LIMIT,
    escape,
    split_message,
    strip_control_characters,
    visible_length,
    visible_text,
)
from tests.text.support import assert_valid_html, html_texts


def test_escape_only_what_telegram_requires() -> None:
    assert escape("Müller & Söhne <GmbH> \"Dortmund\" 'x'") == ("Müller &amp; Söhne &lt;GmbH&gt; \"Dortmund\" 'x'")
    assert escape("&amp;") == "&amp;amp;"


def test_visible_length_counts_after_parsing_in_utf16_units() -> None:
    assert visible_length("<b>Müller &amp; Söhne</b>") == len("Müller & Söhne")
    assert visible_length('<a href="https://x.de/?a=1&amp;b=2">Link</a>') == 4
    assert visible_length('<a href="x>y">z</a>') == 1
    assert visible_length("😀") == 2  # outside the BMP: a surrogate pair
    assert visible_length("&#x1F600;") == 2
    assert visible_length("&#128512;&lt;") == 3
    assert visible_length("مرحبا\n") == 6
    assert visible_length(f"{FSI}Dortmund{PDI}") == 10


def test_visible_text() -> None:
    assert visible_text("<i>a &lt;b&gt; &amp; c</i>") == "a <b> & c"


def test_strip_control_characters() -> None:
    dangerous = "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u061c"
    assert strip_control_characters(f"/st{dangerous}art\x00\x07") == "/start"
    persian = "می\u200cخواهم"  # ZWNJ is part of Persian spelling
    assert strip_control_characters(persian) == persian
    family = "👨\u200d👩\u200d👧"  # ZWJ holds the emoji together
    assert strip_control_characters(family) == family
    assert strip_control_characters("Zeile 1\nZeile 2\tTab\r\n") == "Zeile 1\nZeile 2\tTab\r\n"


# --- split_message ------------------------------------------------------------------------------

SENTENCES = [
    "Das Bürgeramt Dortmund-Mitte öffnet montags um 8 Uhr.",
    "Bitte bringen Sie Ihren Pass und die Meldebescheinigung mit!",
    "Termine gibt es online oder telefonisch unter 0231 50-11148.",
    "Wohnt Ihr in Eving, ist das Bezirksamt Eving zuständig?",
    "Die Beratung ist kostenlos & vertraulich.",
]


def make_plain_text(length: int) -> str:
    """Paragraphs of German sentences, escaped, of exactly `length` visible characters."""
    paragraphs = []
    total = 0
    k = 0
    while total < length:
        paragraph = " ".join(SENTENCES[(k + j) % len(SENTENCES)] for j in range(3 + k % 7))
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
        k += 1
    return escape("\n\n".join(paragraphs)[:length])


def make_tagged_text(length: int) -> str:
    pieces = []
    total = 0
    k = 0
    while total < length:
        sentence = escape(SENTENCES[k % len(SENTENCES)])
        form = k % 6
        if form == 0:
            piece = f"<b>{sentence}</b>"
        elif form == 1:
            piece = f'<a href="https://www.dortmund.de/termine?x={k}&amp;lang=de">{sentence}</a>'
        elif form == 2:
            piece = f"<blockquote>{sentence}\n<i>{sentence}</i></blockquote>"
        elif form == 3:
            piece = f'<pre><code class="language-text">{sentence}</code></pre>'
        else:
            piece = sentence
        pieces.append(piece + ("\n\n" if k % 4 == 3 else " "))
        total += visible_length(pieces[-1])
        k += 1
    return "".join(pieces)


def assert_good_split(text: str, parts: list[str], limit: int) -> None:
    assert parts
    for part in parts:
        assert_valid_html(part)
        assert 0 < visible_length(part) <= limit
        assert visible_text(part).strip()
    assert "".join(visible_text(p) for p in parts) == visible_text(text)


def test_short_text_is_one_unchanged_part() -> None:
    text = make_tagged_text(3000)
    assert split_message(text) == [text]
    plain = make_plain_text(4000)
    assert visible_length(plain) == 4000
    assert split_message(plain) == [plain]


def test_exactly_the_limit_fits() -> None:
    text = "a" * MESSAGE_LIMIT
    assert split_message(text) == [text]
    assert split_message(text + "b") == ["a" * MESSAGE_LIMIT, "b"]


@pytest.mark.parametrize("length", [4000, 10_000])
def test_split_plain_text(length: int) -> None:
    text = make_plain_text(length)
    parts = split_message(text, limit=1000)
    assert_good_split(text, parts, 1000)
    # Cuts fall on paragraph breaks where there is one in the window, else on sentence ends.
    for part in parts[:-1]:
        assert visible_text(part).endswith(("\n\n", ". ", "! ", "? "))


def test_split_10000_characters_at_the_telegram_limit() -> None:
    text = make_plain_text(10_000)
    parts = split_message(text)
    assert len(parts) == 3
    assert_good_split(text, parts, MESSAGE_LIMIT)


@pytest.mark.parametrize("length", [4000, 10_000])
def test_split_tagged_text(length: int) -> None:
    text = make_tagged_text(length)
    for limit in (MESSAGE_LIMIT, 700, 150):
        parts = split_message(text, limit=limit)
        assert_good_split(text, parts, limit)


def test_open_tags_are_closed_and_reopened_with_their_attributes() -> None:
    link = '<a href="https://www.dortmund.de/?a=1&amp;b=2">'
    text = f"<b>{link}eins zwei drei vier</a></b>"
    assert split_message(text, limit=10) == [
        f"<b>{link}eins zwei </a></b>",
        f"<b>{link}drei vier</a></b>",
    ]


def test_pre_with_code_language_is_reopened() -> None:
    text = '<pre><code class="language-python">print(1)\nprint(2)\n</code></pre>'
    assert split_message(text, limit=10) == [
        '<pre><code class="language-python">print(1)\n</code></pre>',
        '<pre><code class="language-python">print(2)\n</code></pre>',
    ]


def test_closing_tags_stay_with_their_content_and_no_empty_elements() -> None:
    text = "<b>Titel</b>\n<i>Text</i>"
    assert split_message(text, limit=6) == ["<b>Titel</b>\n", "<i>Text</i>"]


def test_preference_order() -> None:
    # paragraph break beats line break beats sentence end beats space
    assert split_message("aaaa\n\nbb\ncc dd", limit=12) == ["aaaa\n\n", "bb\ncc dd"]
    assert split_message("aaaa\nbb. cc dd", limit=12) == ["aaaa\n", "bb. cc dd"]
    assert split_message("aaaa. bb cc dd", limit=12) == ["aaaa. ", "bb cc dd"]
    assert split_message("aaaa bb cc dd", limit=12) == ["aaaa bb cc ", "dd"]
    # ...but not when it would leave a tiny part: a space late beats a paragraph very early.
    assert split_message("a\n\n" + "bbbb " * 10, limit=40)[0] == "a\n\n" + "bbbb " * 7


def test_long_word_is_cut_hard() -> None:
    assert split_message("x" * 25, limit=10) == ["x" * 10, "x" * 10, "x" * 5]


def test_entities_and_surrogate_pairs_are_never_split() -> None:
    parts = split_message("&amp;" * 7, limit=3)
    assert parts == ["&amp;&amp;&amp;", "&amp;&amp;&amp;", "&amp;"]
    parts = split_message("😀" * 5, limit=3)  # each emoji counts 2
    assert parts == ["😀"] * 5
    # A base letter and its combining mark stay together.
    assert split_message("ab\u0301c", limit=2) == ["a", "b\u0301", "c"]


def test_isolates_are_not_cut_when_there_is_another_choice() -> None:
    text = f"قبل {FSI}Westerfilder Straße 54{PDI} بعد"
    parts = split_message(text, limit=30)
    assert parts == [f"قبل {FSI}Westerfilder Straße 54{PDI} ", "بعد"]


def test_custom_emoji_is_kept_whole() -> None:
    emoji = '<tg-emoji emoji-id="5368324170671202286">👍🏽</tg-emoji>'
    parts = split_message(f"ab{emoji}", limit=4)
    assert parts == ["ab", emoji]


def test_whitespace_only_parts_are_dropped() -> None:
    parts = split_message("ab" + " " * 10 + "cd", limit=3)
    assert all(visible_text(p).strip() for p in parts)
    assert "".join(visible_text(p) for p in parts).replace(" ", "") == "abcd"


def test_limit_must_allow_one_character() -> None:
    with pytest.raises(ValueError):
        split_message("abc", limit=1)


# --- properties ---------------------------------------------------------------------------------


def _assert_parts_cover(original: str, parts: list[str]) -> None:
    """Parts are the original's visible text in order; only whitespace between parts may be gone."""
    cursor = 0
    for part in parts:
        shown = visible_text(part)
        while not original.startswith(shown, cursor) and cursor < len(original) and original[cursor].isspace():
            cursor += 1
        assert original.startswith(shown, cursor), (original, parts)
        cursor += len(shown)
    assert not original[cursor:].strip()


@settings(max_examples=400, deadline=None)
@given(html_texts, st.integers(min_value=2, max_value=60))
def test_split_property(text: str, limit: int) -> None:
    parts = split_message(text, limit=limit)
    if visible_length(text) <= limit:
        assert parts == [text]
        return
    for part in parts:
        assert_valid_html(part)
        assert visible_length(part) <= limit
        assert visible_text(part).strip()
    _assert_parts_cover(visible_text(text), parts)
