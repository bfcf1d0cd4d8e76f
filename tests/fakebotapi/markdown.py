"""parse_mode=MarkdownV2 and legacy Markdown, validated the way Telegram does, but loosely.

The bot under test uses HTML; these parsers exist so that a stray MarkdownV2 message is not waved
through. They enforce the rules that break real bots (reserved characters must be escaped,
every entity must be closed) and produce approximate entities; they do not reproduce every
corner of tdlib's disambiguation (e.g. ``___`` sequences).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .html_entities import EntityParseError, ParsedText, utf16_len

RESERVED_V2 = frozenset("_*[]()~`>#+-=|{}.!")

# tdlib's names of entity types, used in its error messages.
_TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


@dataclass
class _Open:
    type: str
    byte_offset: int
    utf16_offset: int
    argument: str = ""


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def parse_markdown_v2(source: str) -> ParsedText:
    out: list[str] = []
    offset = 0  # UTF-16 offset in the visible text
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    n = len(source)
    i = 0
    quote_start: int | None = None  # UTF-16 offset where the current '>' block quote began

    def emit(chunk: str) -> None:
        nonlocal offset
        out.append(chunk)
        offset += utf16_len(chunk)

    while i < n:
        c = source[i]
        at_line_start = i == 0 or source[i - 1] == "\n"
        if c == "\\" and i + 1 < n and 0 < ord(source[i + 1]) <= 126:
            emit(source[i + 1])
            i += 2
            continue
        if stack and stack[-1].type in ("code", "pre"):
            top = stack[-1]
            if top.type == "code" and c == "`":
                _close(stack, entities, offset)
                i += 1
            elif top.type == "pre" and source.startswith("```", i):
                _close(stack, entities, offset)
                i += 3
            else:
                emit(c)
                i += 1
            continue

        if c == "\n" and quote_start is not None and not source.startswith(">", i + 1):
            if offset > quote_start:
                entities.append({"type": "blockquote", "offset": quote_start, "length": offset - quote_start})
            quote_start = None
        if c == ">" and at_line_start:
            if quote_start is None:
                quote_start = offset
            i += 1
            continue
        if c not in RESERVED_V2:
            emit(c)
            i += 1
            continue

        begin = i
        if c == "_" and source.startswith("__", i):
            kind, width = "underline", 2
        elif c == "_":
            kind, width = "italic", 1
        elif c == "*":
            kind, width = "bold", 1
        elif c == "~":
            kind, width = "strikethrough", 1
        elif c == "|" and source.startswith("||", i):
            kind, width = "spoiler", 2
        elif c == "`" and source.startswith("```", i):
            kind, width = "pre", 3
        elif c == "`":
            kind, width = "code", 1
        elif c == "[" or (c == "!" and source.startswith("![", i)):
            kind = "text_link" if c == "[" else "custom_emoji"
            stack.append(_Open(kind, _byte_offset(source, begin), offset))
            i += 1 if c == "[" else 2
            continue
        elif c == "]" and stack and stack[-1].type in ("text_link", "custom_emoji"):
            i = _close_link(source, i, stack, entities, offset)
            continue
        else:
            raise EntityParseError(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")

        if stack and stack[-1].type == kind:
            _close(stack, entities, offset)
            i += width
            continue
        for open_entity in stack:
            if open_entity.type == kind:
                raise EntityParseError(
                    f"Can't find end of {_TYPE_NAMES[kind]} entity at byte offset {open_entity.byte_offset}"
                )
        i += width
        argument = ""
        if kind == "pre":
            newline = source.find("\n", i)
            if newline != -1 and " " not in source[i:newline]:
                argument = source[i:newline]
                i = newline + 1
        stack.append(_Open(kind, _byte_offset(source, begin), offset, argument))

    if stack:
        top = stack[-1]
        raise EntityParseError(f"Can't find end of {_TYPE_NAMES[top.type]} entity at byte offset {top.byte_offset}")
    if quote_start is not None and offset > quote_start:
        entities.append({"type": "blockquote", "offset": quote_start, "length": offset - quote_start})
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), entities)


def _close(stack: list[_Open], entities: list[dict[str, Any]], offset: int) -> None:
    entity = stack.pop()
    length = offset - entity.utf16_offset
    if length <= 0:
        return
    item: dict[str, Any] = {"type": entity.type, "offset": entity.utf16_offset, "length": length}
    if entity.type == "pre" and entity.argument:
        item["language"] = entity.argument
    entities.append(item)


def _close_link(source: str, i: int, stack: list[_Open], entities: list[dict[str, Any]], offset: int) -> int:
    """``](url)`` after ``[text`` (or ``![emoji``): read the URL, honouring ``\\`` escapes."""
    opened = stack[-1]
    i += 1
    if not source.startswith("(", i):
        raise EntityParseError(
            f"Can't find end of {_TYPE_NAMES[opened.type]} entity at byte offset {opened.byte_offset}"
        )
    i += 1
    url: list[str] = []
    while i < len(source) and source[i] != ")":
        if source[i] == "\\" and i + 1 < len(source):
            i += 1
        url.append(source[i])
        i += 1
    if i >= len(source):
        raise EntityParseError(f"Can't find end of a URL at byte offset {_byte_offset(source, i)}")
    stack.pop()
    length = offset - opened.utf16_offset
    if length > 0:
        target = "".join(url)
        if opened.type == "custom_emoji":
            entities.append(
                {
                    "type": "custom_emoji",
                    "offset": opened.utf16_offset,
                    "length": length,
                    "custom_emoji_id": target.rsplit("id=", 1)[-1],
                }
            )
        else:
            entities.append({"type": "text_link", "offset": opened.utf16_offset, "length": length, "url": target})
    return i + 1


def parse_markdown_legacy(source: str) -> ParsedText:
    """Legacy ``Markdown``: ``*bold*``, ``_italic_``, `` `code` ``, ```` ```pre``` ````, links."""
    out: list[str] = []
    offset = 0
    entities: list[dict[str, Any]] = []
    n = len(source)
    i = 0

    def emit(chunk: str) -> None:
        nonlocal offset
        out.append(chunk)
        offset += utf16_len(chunk)

    while i < n:
        c = source[i]
        if c == "\\" and i + 1 < n and source[i + 1] in "_*`[":
            emit(source[i + 1])
            i += 2
            continue
        if c not in "_*`[":
            emit(c)
            i += 1
            continue
        begin = i
        if c == "[":
            close = source.find("](", i)
            end = source.find(")", close + 2) if close != -1 else -1
            if close == -1 or end == -1:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(source, begin)}"
                )
            start = offset
            emit(source[i + 1 : close])
            if offset > start:
                entities.append(
                    {"type": "text_link", "offset": start, "length": offset - start, "url": source[close + 2 : end]}
                )
            i = end + 1
            continue
        marker = "```" if source.startswith("```", i) else c
        end = source.find(marker, i + len(marker))
        if end == -1:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(source, begin)}"
            )
        start = offset
        emit(source[i + len(marker) : end])
        kind = {"*": "bold", "_": "italic", "`": "code", "```": "pre"}[marker]
        if offset > start:
            entities.append({"type": kind, "offset": start, "length": offset - start})
        i = end + len(marker)
    return ParsedText("".join(out), entities)
