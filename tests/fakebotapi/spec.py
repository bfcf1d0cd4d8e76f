"""Validation of every request against the Bot API spec (shared/telegram-bot-api/api.json).

The spec lists, per method and per type, each field's name, alternative types ("Integer or
String", "Array of MessageEntity", "InlineKeyboardMarkup or ReplyKeyboardMarkup or ...") and
whether it is required; descriptions carry documented ranges ("1-64 bytes", "0-1024 characters
after entities parsing", "Values between 1-100"). From that alone we check: the method exists, no
unknown parameter, required ones present, every value of the right type (nested objects
recursively, unions by their "type"/"status"/"source" discriminator), and the ranges.

Wire format: aiogram posts multipart/form-data (urlencoded without files) where strings are sent
as-is, numbers and booleans as JSON literals, and objects/arrays as JSON-serialized strings; files
are separate parts referenced as ``attach://<name>``. A JSON body (webhook replies, other clients)
carries typed values. Both decode to the same typed params.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import ApiError, bad_request, limit_error, spec_error
from .formatting import (
    EntityParseError,
    FormattedText,
    UnsupportedParseMode,
    parse_formatted,
)
from .rules import FIELD_RANGES, METHOD_RULES, OBJECT_RULES

SPEC_ENV = "FAKEBOTAPI_SPEC"
_PRIMITIVES = frozenset({"Integer", "String", "Boolean", "Float", "InputFile"})
_DISCRIMINATOR_FIELDS = ("type", "status", "source")
_DISCRIMINATOR_RE = re.compile(r'(?:always|must be)\s+["“]?([a-z_]+)["”]?')
_STRING_LIMIT_RE = re.compile(r"(\d+)-(\d+)\s+(characters|bytes)", re.IGNORECASE)
_ANY_RANGE_RE = re.compile(r"\b(\d+)[-–](\d+)\b")
_INT_RE = re.compile(r"[+-]?\d+")
_FLOAT_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def default_spec_path() -> Path:
    """$FAKEBOTAPI_SPEC, else shared/ beside the repository (as on developer machines and CI)."""
    if env := os.environ.get(SPEC_ENV):
        return Path(env)
    repo = Path(__file__).resolve().parents[2]
    for candidate in (
        repo.parent / "shared" / "telegram-bot-api" / "api.json",
        repo / "shared" / "telegram-bot-api" / "api.json",
    ):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"Bot API spec not found; set ${SPEC_ENV} to api.json")


# --------------------------------------------------------------------------------------------
# The spec as data


@dataclass(frozen=True)
class Limit:
    """A documented range: string length/bytes, numeric value or array size."""

    low: float
    high: float
    unit: str  # "characters" | "bytes" | "value" | "items"
    after_entities: bool = False


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool
    description: str
    limit: Limit | None


@dataclass(frozen=True)
class ObjectSpec:
    name: str
    fields: dict[str, FieldSpec]
    subtypes: tuple[str, ...] = ()
    discriminator: tuple[str, str] | None = None  # (field, value) that selects this subtype

    @property
    def is_union(self) -> bool:
        return bool(self.subtypes)


@dataclass(frozen=True)
class MethodSpec:
    name: str
    fields: dict[str, FieldSpec]
    returns: tuple[str, ...]


def _parse_limit(types: tuple[str, ...], description: str) -> Limit | None:
    first = types[0]
    if first == "String":
        match = _STRING_LIMIT_RE.search(description)
        if match:
            low, high = int(match[1]), int(match[2])
            unit = "bytes" if match[3].lower() == "bytes" else "characters"
            return Limit(low, high, unit, "after entit" in description)
        return None
    ranges = [(int(a), int(b)) for a, b in _ANY_RANGE_RE.findall(description)]
    # Only an unambiguous single range is a limit ("1-6 for 🎲, 1-5 for 🏀" is not;
    # "ISO 3166-1" is not a range either, hence low <= high).
    if len(ranges) != 1 or ranges[0][0] > ranges[0][1]:
        return None
    low, high = ranges[0]
    if first in ("Integer", "Float"):
        return Limit(low, high, "value")
    if first.startswith("Array of"):
        return Limit(low, high, "items")
    return None


def _parse_fields(raw_fields: list[dict[str, Any]]) -> dict[str, FieldSpec]:
    fields: dict[str, FieldSpec] = {}
    for raw in raw_fields:
        types = tuple(raw["types"])
        description = raw.get("description", "")
        fields[raw["name"]] = FieldSpec(
            raw["name"],
            types,
            bool(raw.get("required")),
            description,
            _parse_limit(types, description),
        )
    return fields


class ApiSpec:
    """The Bot API spec: methods (looked up case-insensitively, as Telegram does) and types."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.version: str = raw.get("version", "Bot API")
        self.methods: dict[str, MethodSpec] = {
            name: MethodSpec(name, _parse_fields(m.get("fields", [])), tuple(m.get("returns", [])))
            for name, m in raw["methods"].items()
        }
        self._methods_lower = {name.lower(): spec for name, spec in self.methods.items()}
        self.types: dict[str, ObjectSpec] = {}
        for name, t in raw["types"].items():
            fields = _parse_fields(t.get("fields", []))
            self.types[name] = ObjectSpec(name, fields, tuple(t.get("subtypes", [])), _discriminator(fields))

    @classmethod
    def load(cls, path: str | Path | None = None) -> ApiSpec:
        return _load_cached(str(path or default_spec_path()))

    def method(self, name: str) -> MethodSpec | None:
        return self._methods_lower.get(name.lower())

    def type(self, name: str) -> ObjectSpec | None:
        return self.types.get(name)


def _discriminator(fields: dict[str, FieldSpec]) -> tuple[str, str] | None:
    for name in _DISCRIMINATOR_FIELDS:
        spec = fields.get(name)
        if spec and spec.types == ("String",):
            match = _DISCRIMINATOR_RE.search(spec.description)
            if match:
                return name, match[1]
    return None


@lru_cache(maxsize=4)
def _load_cached(path: str) -> ApiSpec:
    # Loaded once per process: 180 methods and 359 types take ~20 ms to index.
    with open(path, encoding="utf-8") as handle:
        return ApiSpec(json.load(handle))


# --------------------------------------------------------------------------------------------
# Decoding and validating a request


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    name: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class DecodedRequest:
    params: dict[str, Any]
    uploads: dict[str, Upload] = field(default_factory=dict)
    # Visible text of every formatted field, by path ("text", "caption", "media[1].caption").
    formatted: dict[str, FormattedText] = field(default_factory=dict)


class _Mismatch(Exception):
    """The value is not of this alternative type; another alternative may still fit."""


@dataclass
class _Context:
    owner: str
    uploads: Mapping[str, Upload]
    tolerated: Mapping[str, frozenset[str]] = field(default_factory=dict)  # type -> extra fields
    referenced: set[str] = field(default_factory=set)
    formatted: dict[str, FormattedText] = field(default_factory=dict)


# Telegram's wording for limits on well-known fields: (owner, field) -> (too short, too long).
_LIMIT_WORDING: dict[tuple[str, str], tuple[str, str]] = {
    ("sendMessage", "text"): ("message text is empty", "message is too long"),
    ("editMessageText", "text"): ("message text is empty", "message is too long"),
    ("InlineKeyboardButton", "callback_data"): ("BUTTON_DATA_INVALID", "BUTTON_DATA_INVALID"),
    ("answerCallbackQuery", "text"): ("MESSAGE_TOO_LONG", "MESSAGE_TOO_LONG"),
    ("BotCommand", "command"): ("BOT_COMMAND_INVALID", "BOT_COMMAND_INVALID"),
    ("BotCommand", "description"): ("BOT_COMMAND_DESCRIPTION_INVALID", "BOT_COMMAND_DESCRIPTION_INVALID"),
    ("createForumTopic", "name"): ("TOPIC_TITLE_EMPTY", "TOPIC_TITLE_TOO_LONG"),
    ("editForumTopic", "name"): ("TOPIC_TITLE_EMPTY", "TOPIC_TITLE_TOO_LONG"),
}
_MISSING_WORDING = {"text": "message text is empty", "chat_id": "chat_id is empty"}


class Validator:
    def __init__(self, spec: ApiSpec, *, strict_html: bool = True) -> None:
        self.spec = spec
        self.strict_html = strict_html

    def decode(
        self,
        method: MethodSpec,
        raw: Mapping[str, Any],
        uploads: Mapping[str, Upload] | None = None,
        *,
        typed: bool = False,
    ) -> DecodedRequest:
        """Typed params of a valid request, or ApiError(400) naming the first problem."""
        uploads = uploads or {}
        ctx = _Context(method.name, uploads)
        params: dict[str, Any] = {}
        for key, value in raw.items():
            spec = method.fields.get(key)
            if spec is None:
                raise spec_error(
                    f'unknown parameter "{key}"',
                    f"{method.name} has no parameter {key!r} in {self.spec.version}",
                )
            params[key] = self._top_level(spec, value, ctx, typed)
        for key, upload in uploads.items():
            spec = method.fields.get(key)
            if spec is not None and key not in params:
                params[key] = self._top_level(spec, upload, ctx, typed)
        unused = [k for k in uploads if k not in method.fields and k not in ctx.referenced]
        if unused:
            raise spec_error(f'unknown parameter "{unused[0]}"', "file part not referenced")
        self._check_fields(params, method.fields, method.name, "", ctx, top_level=True)
        for rule in METHOD_RULES.get(method.name, []):
            rule(params, "")
        return DecodedRequest(params, dict(uploads), ctx.formatted)

    def check_object(
        self, value: Any, type_name: str, path: str = "", *, tolerated: Mapping[str, frozenset[str]] | None = None
    ) -> Any:
        """Validate a JSON value (e.g. an Update we are about to send) against a spec type.

        ``tolerated`` names extra fields allowed per type (see compat.py).
        """
        ctx = _Context(type_name, {}, tolerated or {})
        try:
            return self._json(value, type_name, path or type_name, ctx)
        except _Mismatch as exc:
            raise spec_error(str(exc)) from None

    # -- top level -----------------------------------------------------------------------

    def _top_level(self, spec: FieldSpec, value: Any, ctx: _Context, typed: bool) -> Any:
        if isinstance(value, Upload):
            if "InputFile" in spec.types:
                return value
            raise spec_error(f'field "{spec.name}" can\'t be a file', f"types {spec.types}")
        try:
            if typed and not isinstance(value, str):
                return self._alternatives(value, spec.types, spec.name, ctx)
            if typed:
                try:
                    return self._alternatives(value, spec.types, spec.name, ctx)
                except _Mismatch:
                    pass
            return self._from_form(str(value), spec, ctx)
        except _Mismatch:
            raise spec_error(
                f'field "{spec.name}" must be of type {" or ".join(spec.types)}',
                f"got {str(value)[:80]!r}",
            ) from None

    def _from_form(self, text: str, spec: FieldSpec, ctx: _Context) -> Any:
        # Try the narrowest reading first: "123" for "Integer or String" is the integer, a JSON
        # object for "InlineKeyboardMarkup or ..." is that object, "attach://x" is the upload.
        for type_name in ("Integer", "Float", "Boolean"):
            if type_name in spec.types:
                try:
                    return self._from_string(text, type_name, spec.name, ctx)
                except _Mismatch:
                    continue
        complex_types = tuple(t for t in spec.types if t not in _PRIMITIVES)
        if complex_types:
            try:
                decoded = json.loads(text)
            except ValueError:
                pass
            else:
                try:
                    return self._alternatives(decoded, complex_types, spec.name, ctx)
                except _Mismatch:
                    pass
        if "InputFile" in spec.types and text.startswith("attach://"):
            return self._attachment(text, spec.name, ctx)
        if "String" in spec.types:
            return text
        raise _Mismatch(spec.name)

    def _from_string(self, text: str, type_name: str, path: str, ctx: _Context) -> Any:
        if type_name == "String":
            return text
        if type_name == "Integer":
            if _INT_RE.fullmatch(text):
                return int(text)
            raise _Mismatch(path)
        if type_name == "Float":
            if _FLOAT_RE.fullmatch(text):
                return float(text)
            raise _Mismatch(path)
        if type_name == "Boolean":
            lowered = text.lower()
            if lowered in ("true", "1"):
                return True
            if lowered in ("false", "0"):
                return False
            raise _Mismatch(path)
        raise _Mismatch(path)

    def _attachment(self, text: str, path: str, ctx: _Context) -> Upload:
        if not text.startswith("attach://"):
            raise _Mismatch(path)
        name = text[len("attach://") :]
        if name not in ctx.uploads:
            raise spec_error(f"file {text} not found", f"{path}: no multipart part {name!r}")
        ctx.referenced.add(name)
        return ctx.uploads[name]

    # -- JSON values -----------------------------------------------------------------------

    def _json(self, value: Any, type_name: str, path: str, ctx: _Context) -> Any:
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                raise _Mismatch(path)
            inner = type_name[len("Array of ") :]
            return [self._json(item, inner, f"{path}[{i}]", ctx) for i, item in enumerate(value)]
        if type_name == "Integer":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            raise _Mismatch(path)
        if type_name == "Float":
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return value
            raise _Mismatch(path)
        if type_name == "Boolean":
            if isinstance(value, bool):
                return value
            raise _Mismatch(path)
        if type_name == "String":
            if isinstance(value, str):
                if value.startswith("attach://") and value[9:] in ctx.uploads:
                    ctx.referenced.add(value[9:])  # InputMedia.media is typed String
                return value
            raise _Mismatch(path)
        if type_name == "InputFile":
            if isinstance(value, str):
                return self._attachment(value, path, ctx)
            raise _Mismatch(path)
        spec = self.spec.type(type_name)
        if spec is None:
            raise spec_error(f"{path}: type {type_name} is not in the spec")
        if spec.is_union:
            return self._union(value, spec, path, ctx)
        if not isinstance(value, dict):
            raise _Mismatch(path)
        return self._object(value, spec, path, ctx)

    def _alternatives(self, value: Any, types: tuple[str, ...], path: str, ctx: _Context) -> Any:
        objects = [t for t in types if t not in _PRIMITIVES and not t.startswith("Array of")]
        if isinstance(value, dict) and len(objects) > 1:
            # Several object types (reply_markup): validate against the one the keys point to, so
            # the error names the real problem instead of "not any of four types".
            return self._json(value, self._best_object(value, objects), path, ctx)
        for type_name in types:
            try:
                return self._json(value, type_name, path, ctx)
            except _Mismatch:
                continue
        raise _Mismatch(path)

    def _best_object(self, value: dict[str, Any], candidates: list[str]) -> str:
        def score(name: str) -> tuple[int, int, int]:
            spec = self.spec.types[name]
            if spec.is_union:
                return (0, 0, 0)
            keys = set(value)
            known = keys & set(spec.fields)
            required = {n for n, f in spec.fields.items() if f.required}
            return (int(keys <= set(spec.fields) and required <= keys), len(known & required), len(known))

        return max(candidates, key=score)

    def _union(self, value: Any, spec: ObjectSpec, path: str, ctx: _Context) -> Any:
        subtypes = [self.spec.types[s] for s in spec.subtypes if s in self.spec.types]
        keyed = {s.discriminator: s for s in subtypes if s.discriminator}
        if isinstance(value, dict) and keyed:
            field_name = next(iter(keyed))[0]
            if field_name not in value:
                raise spec_error(f'{path}: field "{field_name}" is required for {spec.name}')
            chosen = keyed.get((field_name, value[field_name]))
            if chosen is None:
                allowed = sorted(v for _, v in keyed)
                raise spec_error(
                    f'{path}: unsupported {field_name} "{value[field_name]}" of {spec.name}',
                    f"one of {allowed}",
                )
            return self._object(value, chosen, path, ctx)
        return self._alternatives(value, spec.subtypes, path, ctx)

    def _object(self, value: dict[str, Any], spec: ObjectSpec, path: str, ctx: _Context) -> Any:
        result: dict[str, Any] = {}
        for key, item in value.items():
            field_spec = spec.fields.get(key)
            if field_spec is None and key in ctx.tolerated.get(spec.name, ()):
                result[key] = item
                continue
            if field_spec is None:
                raise spec_error(f'can\'t parse {spec.name}: unknown field "{key}"', f"at {path}")
            try:
                result[key] = self._alternatives(item, field_spec.types, f"{path}.{key}", ctx)
            except _Mismatch:
                raise spec_error(
                    f'can\'t parse {spec.name}: field "{key}" must be of type {" or ".join(field_spec.types)}',
                    f"at {path}.{key}: {json.dumps(item)[:80]}",
                ) from None
        self._check_fields(result, spec.fields, spec.name, path + ".", ctx)
        for rule in OBJECT_RULES.get(spec.name, []):
            rule(result, path)
        return result

    # -- required fields and documented limits ----------------------------------------------

    def _check_fields(
        self,
        values: dict[str, Any],
        fields: dict[str, FieldSpec],
        owner: str,
        prefix: str,
        ctx: _Context,
        *,
        top_level: bool = False,
    ) -> None:
        for name, spec in fields.items():
            if spec.required and name not in values:
                if top_level:
                    wording = _MISSING_WORDING.get(name, f'parameter "{name}" is required')
                    raise spec_error(wording, f"{owner} requires {name}")
                raise spec_error(f'can\'t parse {owner}: field "{name}" is required', f"at {prefix}{name}")
        for name, value in values.items():
            spec = fields.get(name)
            if spec is None:
                continue  # a tolerated extra field (compat.py)
            path = f"{prefix}{name}"
            if isinstance(value, str) and _formatting_keys(name, fields)[0] is not None:
                self._check_formatted(name, value, values, fields, owner, path, ctx)
                continue
            self._check_limit(spec, value, owner, path)

    def _check_formatted(
        self,
        name: str,
        raw: str,
        values: dict[str, Any],
        fields: dict[str, FieldSpec],
        owner: str,
        path: str,
        ctx: _Context,
    ) -> None:
        mode_key, entities_key = _formatting_keys(name, fields)
        try:
            formatted = parse_formatted(
                raw,
                values.get(mode_key) if mode_key else None,
                values.get(entities_key) if entities_key else None,
                strict_html=self.strict_html,
            )
        except UnsupportedParseMode:
            raise bad_request("unsupported parse_mode", detail=f"{mode_key}") from None
        except EntityParseError as exc:
            raise limit_error(f"can't parse entities: {exc}", f"in {path}") from None
        ctx.formatted[path] = formatted
        spec = fields[name]
        if spec.limit is not None:
            self._check_length(spec, formatted.length, owner, path, after_entities=True)

    def _check_limit(self, spec: FieldSpec, value: Any, owner: str, path: str) -> None:
        if spec.name in FIELD_RANGES and isinstance(value, (int, float)):
            low, high = FIELD_RANGES[spec.name]
            if not low <= value <= high:
                raise limit_error(f"wrong {spec.name}", f"{path}={value} not in [{low}, {high}]")
        limit = spec.limit
        if limit is None:
            return
        if limit.unit in ("characters", "bytes") and isinstance(value, str):
            size = len(value.encode("utf-8")) if limit.unit == "bytes" else len(value)
            self._check_length(spec, size, owner, path, after_entities=False)
        elif limit.unit == "value" and isinstance(value, (int, float)) and not isinstance(value, bool):
            if not limit.low <= value <= limit.high:
                raise limit_error(
                    f"{spec.name} must be between {limit.low:g} and {limit.high:g}",
                    f"{path}={value}",
                )
        elif limit.unit == "items" and isinstance(value, list):
            if not limit.low <= len(value) <= limit.high:
                raise limit_error(
                    f"{spec.name} must have {limit.low:g}-{limit.high:g} items",
                    f"{path} has {len(value)}",
                )

    def _check_length(self, spec: FieldSpec, size: int, owner: str, path: str, *, after_entities: bool) -> None:
        limit = spec.limit
        if limit is None or limit.low <= size <= limit.high:
            return
        too_long = size > limit.high
        wording = _LIMIT_WORDING.get((owner, spec.name))
        if wording is None and spec.name == "caption" and too_long:
            wording = ("", "message caption is too long")
        unit = limit.unit + (" after entities parsing" if after_entities else "")
        detail = f"{path}: {size} {unit}, allowed {limit.low:g}-{limit.high:g}"
        if wording is not None:
            raise limit_error(wording[1] if too_long else wording[0], detail)
        raise limit_error(f"{spec.name} must be {limit.low:g}-{limit.high:g} {unit} long", detail)


def _formatting_keys(name: str, fields: Mapping[str, FieldSpec]) -> tuple[str | None, str | None]:
    """Sibling fields that format ``name``: (parse mode field, entities field), or (None, None)."""
    own_mode, own_entities = f"{name}_parse_mode", f"{name}_entities"
    if own_mode in fields:
        return own_mode, own_entities if own_entities in fields else None
    if name in ("text", "caption", "message_text") and "parse_mode" in fields:
        entities = "caption_entities" if name == "caption" else "entities"
        return "parse_mode", entities if entities in fields else None
    return None, None


__all__ = [
    "ApiError",
    "ApiSpec",
    "DecodedRequest",
    "FieldSpec",
    "Limit",
    "MethodSpec",
    "ObjectSpec",
    "Upload",
    "Validator",
    "default_spec_path",
]
