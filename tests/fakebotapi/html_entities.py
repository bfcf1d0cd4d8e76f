"""Telegram's parse_mode=HTML rules: turn marked-up text into visible text + MessageEntity list.

Follows tdlib's ``parse_html`` (the code behind the Bot API): same supported tags, same nesting
rules and the same error wording ("Unsupported start tag "x" at byte offset N", ...). One
deliberate difference: tdlib silently keeps a stray ``>`` or an ``&`` that starts no entity, but the
Bot API documentation says every ``<``, ``>`` and ``&`` that is not part of a tag or an entity must
be escaped. With ``strict=True`` (the default) we enforce the documented rule, because a bot that
relies on tdlib's leniency is one un-escaped user name away from a real "can't parse entities".

Offsets and lengths of entities are in UTF-16 code units, like Telegram's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


class EntityParseError(ValueError):
    """The text cannot be parsed; ``str(error)`` is Telegram's message after "can't parse entities: "."""


# Tags Telegram knows (https://core.telegram.org/bots/api#html-style), and the entity each makes.
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
}
SUPPORTED_TAGS = frozenset({*_SIMPLE_TAGS, "a", "tg-emoji", "blockquote"})

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(?P<dec>[0-9]{1,7})|#[xX](?P<hex>[0-9a-fA-F]{1,6})|(?P<name>[a-zA-Z]+));")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (characters outside the BMP count twice), as Telegram counts."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def decode_entity_at(text: str, index: int) -> tuple[str, int] | None:
    """Decode ``&...;`` starting at ``index``; returns (character, end index) or None."""
    match = _ENTITY_RE.match(text, index)
    if match is None:
        return None
    if match["name"] is not None:
        char = _NAMED_ENTITIES.get(match["name"])
        if char is None:
            return None
        return char, match.end()
    code = int(match["dec"]) if match["dec"] is not None else int(match["hex"], 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


@dataclass
class _OpenTag:
    name: str
    argument: str
    byte_offset: int
    utf16_offset: int
    expandable: bool = False


@dataclass
class ParsedText:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def parse_html(source: str, *, strict: bool = True) -> ParsedText:
    """Parse Telegram HTML. Raises EntityParseError with Telegram's wording."""
    out: list[str] = []
    utf16_offset = 0
    stack: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []
    n = len(source)
    i = 0

    def emit(chunk: str) -> None:
        nonlocal utf16_offset
        out.append(chunk)
        utf16_offset += utf16_len(chunk)

    while i < n:
        c = source[i]
        if c == "&":
            decoded = decode_entity_at(source, i)
            if decoded is not None:
                emit(decoded[0])
                i = decoded[1]
                continue
            if strict:
                raise EntityParseError(
                    f'Character "&" at byte offset {_byte_offset(source, i)} must be escaped as "&amp;"'
                )
            emit(c)
            i += 1
            continue
        if c == ">":
            if strict:
                raise EntityParseError(
                    f'Character ">" at byte offset {_byte_offset(source, i)} must be escaped as "&gt;"'
                )
            emit(c)
            i += 1
            continue
        if c != "<":
            emit(c)
            i += 1
            continue

        begin = i
        i += 1
        if i < n and source[i] == "/":
            i = _close_tag(source, begin, stack, entities, utf16_offset)
            continue
        tag, i = _open_tag(source, begin, utf16_offset)
        stack.append(tag)

    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), _merge_pre_code(entities))


def _open_tag(source: str, begin: int, utf16_offset: int) -> tuple[_OpenTag, int]:
    n = len(source)
    i = begin + 1
    byte_offset = _byte_offset(source, begin)
    name_start = i
    while i < n and not source[i].isspace() and source[i] != ">":
        i += 1
    if i >= n:
        raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset}")
    name = source[name_start:i].lower()
    if name not in SUPPORTED_TAGS:
        raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {byte_offset}')

    argument = ""
    expandable = False
    while True:
        while i < n and source[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset}")
        if source[i] == ">":
            i += 1
            break
        attr_start = i
        while i < n and not source[i].isspace() and source[i] not in "=>":
            i += 1
        attr_name = source[attr_start:i].lower()
        if not attr_name:
            raise EntityParseError(f'Empty attribute name in the tag "{name}" at byte offset {byte_offset}')
        while i < n and source[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset}")
        if source[i] != "=":
            if name == "blockquote" and attr_name == "expandable":
                expandable = True
                continue
            raise EntityParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{name}" at byte offset {byte_offset}'
            )
        i += 1
        while i < n and source[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset}")
        value, i = _attribute_value(source, i)
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset}")
        if name == "a" and attr_name == "href":
            argument = value
        elif name == "code" and attr_name == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif name == "span" and attr_name == "class" and value.startswith("tg-"):
            argument = value[len("tg-") :]
        elif name == "tg-emoji" and attr_name == "emoji-id":
            argument = value
        elif name == "blockquote" and attr_name == "expandable":
            expandable = True
        # Other attributes are ignored, as Telegram does.

    if name == "span" and argument != "spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset}')
    if name == "tg-emoji" and not argument:
        raise EntityParseError(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {byte_offset}')
    return _OpenTag(name, argument, byte_offset, utf16_offset, expandable), i


def _attribute_value(source: str, i: int) -> tuple[str, int]:
    n = len(source)
    if source[i] not in "'\"":
        # A name token: letters, digits, periods and hyphens; case-insensitive.
        start = i
        while i < n and (source[i].isalnum() or source[i] in ".-"):
            i += 1
        if i < n and not source[i].isspace() and source[i] != ">":
            raise EntityParseError(f"Unexpected end of name token at byte offset {_byte_offset(source, start)}")
        return source[start:i].lower(), i
    quote = source[i]
    i += 1
    value: list[str] = []
    while i < n and source[i] != quote:
        if source[i] == "&":
            decoded = decode_entity_at(source, i)
            if decoded is not None:
                value.append(decoded[0])
                i = decoded[1]
                continue
        value.append(source[i])
        i += 1
    if i < n:
        i += 1  # closing quote
    return "".join(value), i


def _close_tag(
    source: str,
    begin: int,
    stack: list[_OpenTag],
    entities: list[dict[str, Any]],
    utf16_offset: int,
) -> int:
    n = len(source)
    byte_offset = _byte_offset(source, begin)
    if not stack:
        raise EntityParseError(f"Unexpected end tag at byte offset {byte_offset}")
    i = begin + 2
    name_start = i
    while i < n and not source[i].isspace() and source[i] != ">":
        i += 1
    end_name = source[name_start:i].lower()
    while i < n and source[i].isspace():
        i += 1
    if i >= n or source[i] != ">":
        raise EntityParseError(f"Unclosed end tag at byte offset {byte_offset}")
    i += 1
    tag = stack.pop()
    if end_name and end_name != tag.name:
        raise EntityParseError(
            f'Unmatched end tag at byte offset {byte_offset}, expected "</{tag.name}>", found "</{end_name}>"'
        )
    length = utf16_offset - tag.utf16_offset
    if length > 0:
        entities.append(_entity_for(tag, length))
    return i


def _entity_for(tag: _OpenTag, length: int) -> dict[str, Any]:
    entity: dict[str, Any] = {"offset": tag.utf16_offset, "length": length}
    if tag.name == "a":
        user_id = tag.argument.removeprefix("tg://user?id=")
        if tag.argument.startswith("tg://user?id=") and user_id.isdigit():
            entity["type"] = "text_mention"
            entity["user"] = {"id": int(user_id), "is_bot": False, "first_name": "User"}
        else:
            entity["type"] = "text_link"
            entity["url"] = tag.argument
    elif tag.name == "tg-emoji":
        entity["type"] = "custom_emoji"
        entity["custom_emoji_id"] = tag.argument
    elif tag.name == "blockquote":
        entity["type"] = "expandable_blockquote" if tag.expandable else "blockquote"
    else:
        entity["type"] = _SIMPLE_TAGS[tag.name]
        if tag.name == "code" and tag.argument:
            entity["language"] = tag.argument  # kept only if merged into an enclosing <pre>
    return entity


def _merge_pre_code(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``<pre><code class="language-x">`` is one pre entity with a language, as in Telegram."""
    pres = {(e["offset"], e["length"]): e for e in entities if e["type"] == "pre"}
    merged: list[dict[str, Any]] = []
    for entity in entities:
        if entity["type"] == "code":
            language = entity.pop("language", None)
            outer = pres.get((entity["offset"], entity["length"]))
            if outer is not None:
                if language:
                    outer["language"] = language
                continue
        merged.append(entity)
    return merged


def escape_html(text: str) -> str:
    """Escape text for parse_mode=HTML exactly as Telegram asks (what tests need to build input)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
