"""pydantic's ValidationError as content problems: `file: key: problem`, in words a content editor
reads without knowing pydantic.

The key is the path inside the file (`steps.ask_age.choices[2].goto`); the problem is a short
sentence. A validator in our models raises ValueError with the whole sentence, which is used as it
is; pydantic's own errors (a missing key, an unknown key, a wrong type) get a plain wording here.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bot.content.problems import Problem

Loc = Sequence[int | str]

# pydantic error type -> what the editor reads (the input is added where it helps).
_PLAIN = {
    "string_type": "must be text",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "dict_type": "must be a mapping",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "decimal_type": "must be a number, e.g. 39.00",
    "decimal_parsing": "must be a number, e.g. 39.00",
    "too_short": "must not be empty",
    "string_too_short": "must not be empty",
}


def key_path(loc: Loc) -> str:
    """("steps", "ask", "choices", 2, "goto") -> "steps.ask.choices[2].goto"; () -> "-"."""
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or "-"


def problems_from(
    error: ValidationError,
    file: str,
    model: type[BaseModel],
    at: Loc = (),
    hints: Mapping[str, str] | None = None,
    nouns: Mapping[str, str] | None = None,
) -> list[Problem]:
    """One Problem per error of validating `model`, with keys under `at`. `hints` say what a
    missing key holds (field name -> "the locale key of the text"); `nouns` name what a field's
    allowed words are ("asks" -> "fact": "unknown fact 'x' (allowed: ...)")."""
    return [
        Problem(file, key_path((*at, *details["loc"])), _message(details, model, hints or {}, nouns or {}))
        for details in error.errors(include_url=False)
    ]


def _message(details: ErrorDetails, model: type[BaseModel], hints: Mapping[str, str], nouns: Mapping[str, str]) -> str:
    kind, loc, given = details["type"], details["loc"], details["input"]
    field = next((part for part in reversed(loc) if isinstance(part, str)), "")
    ctx = details.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", details["msg"]))
    if kind == "missing":
        return f"missing: {hints[field]}" if field in hints else "missing"
    if kind in ("too_short", "string_too_short") and field in hints:
        return f"must not be empty: {hints[field]}"
    if kind == "extra_forbidden":
        return f"unknown key (allowed: {', '.join(_fields(_model_at(model, loc[:-1])))})"
    if kind in ("model_type", "model_attributes_type"):
        return f"must be a mapping with {', '.join(_fields(_model_at(model, loc)))}"
    if kind == "literal_error":
        allowed = str(ctx.get("expected", "")).replace("'", "")
        return f"unknown {nouns.get(field, 'value')} {given!r} (allowed: {allowed.replace(' or ', ', ')})"
    if kind == "string_pattern_mismatch":
        return f"must be lower_snake_case (a-z, 0-9, _): {given!r}"
    if kind.startswith("date"):
        return f"not a date (YYYY-MM-DD): {given!r}"
    return _PLAIN.get(kind, details["msg"])


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel]:
    """The model a location inside `model` points into (list indexes stay in the same model)."""
    current = model
    for part in loc:
        if isinstance(part, str) and part in current.model_fields:
            inner = _inner_model(current.model_fields[part].annotation)
            if inner is not None:
                current = inner
    return current


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _fields(model: type[BaseModel]) -> list[str]:
    return sorted(model.model_fields)
