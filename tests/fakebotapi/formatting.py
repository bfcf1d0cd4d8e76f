"""Formatted text as Telegram stores it: parse_mode or explicit entities -> visible text + entities.

Telegram counts text limits ("1-4096 characters after entities parsing") on the *visible* text:
tags are gone, entities decoded, leading and trailing whitespace trimmed. We count characters as
Unicode code points (tdlib's ``utf8_length``); entity offsets are UTF-16 code units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .html_entities import EntityParseError, ParsedText, parse_html, utf16_len
from .markdown import parse_markdown_legacy, parse_markdown_v2

PARSE_MODES = {"html": "HTML", "markdownv2": "MarkdownV2", "markdown": "Markdown"}


class UnsupportedParseMode(ValueError):
    pass


@dataclass(frozen=True)
class FormattedText:
    """What the recipient sees; ``raw`` is what the bot sent."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)
    raw: str = ""
    parse_mode: str | None = None

    @property
    def length(self) -> int:
        return len(self.text)


def parse_formatted(
    raw: str,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None,
    *,
    strict_html: bool = True,
) -> FormattedText:
    """Raise EntityParseError / UnsupportedParseMode like Telegram would."""
    if entities:
        # Explicit entities win over parse_mode (Telegram ignores parse_mode then).
        _check_entities(raw, entities)
        parsed = ParsedText(raw, [dict(e) for e in entities])
        mode = None
    elif parse_mode:
        mode = PARSE_MODES.get(parse_mode.lower())
        if mode is None:
            raise UnsupportedParseMode(parse_mode)
        if mode == "HTML":
            parsed = parse_html(raw, strict=strict_html)
        elif mode == "MarkdownV2":
            parsed = parse_markdown_v2(raw)
        else:
            parsed = parse_markdown_legacy(raw)
    else:
        parsed = ParsedText(raw, [])
        mode = None
    text, trimmed_entities = _trim(parsed.text, parsed.entities)
    return FormattedText(text, trimmed_entities, raw, mode)


def _check_entities(text: str, entities: list[dict[str, Any]]) -> None:
    total = utf16_len(text)
    for entity in entities:
        offset, length = entity.get("offset", 0), entity.get("length", 0)
        if offset < 0 or length < 0 or offset + length > total:
            raise EntityParseError(
                f"entity {entity.get('type')!r} at offset {offset} with length {length} "
                f"is outside of the text ({total} UTF-16 code units)"
            )
        if entity.get("type") == "text_link" and not entity.get("url"):
            raise EntityParseError("text_link entity must have a url")


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip surrounding whitespace and clip entities to what remains, like Telegram."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    end = lead + utf16_len(stripped)
    result: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"], lead)
        stop = min(entity["offset"] + entity["length"], end)
        if stop > start:
            result.append({**entity, "offset": start - lead, "length": stop - start})
    return stripped, result


def normalized_entities(entities: list[dict[str, Any]] | None) -> list[tuple[Any, ...]]:
    """Comparable form of an entity list (for "message is not modified")."""
    return sorted(tuple(sorted((k, str(v)) for k, v in e.items())) for e in entities or [])


__all__ = [
    "EntityParseError",
    "FormattedText",
    "PARSE_MODES",
    "UnsupportedParseMode",
    "normalized_entities",
    "parse_formatted",
]
