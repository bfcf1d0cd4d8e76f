"""Reading the staff-edited YAML files in data/ with errors that say where the mistake is.

Staff edit data/offices.yaml, data/districts.yaml and data/calendar.yaml by hand, so a parse error
must name the file and the key ("data/offices.yaml: offices[ba].hours.weekly.mon[0]: ...").
Each file is read into pydantic models (`DataModel`, `validate_document`); every validation error
becomes a `Problem(file, key, problem)`: the content checker (`python -m bot check`) lists them
all, while the loaders raise `PlacesDataError` carrying the whole list.

Also here: `Source` (where a fact comes from and when it was true), shared by every data file, and
`cached_by_mtime`, so an edited file is re-read without restarting the bot, and a broken edit
keeps the last good version serving (the problems are logged once, and the staff chat is told
once per broken version: bot.content.problems.report_broken_edit).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from bot.content.problems import Problem, report_broken_edit
from bot.content.yaml_files import parse_yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Source:
    """Where a block of facts comes from (`name`, free text such as "seed 000 (nordstadtblogger.de)")
    and the date it was known to be true (`as_of`)."""

    name: str
    as_of: date


class PlacesDataError(ValueError):
    """A data file could not be read. `problems` lists every mistake found (file, key, problem)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "unknown problem"
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""))


def display_path(path: Path) -> str:
    """The path as staff know it: relative to the repository when inside it ("data/offices.yaml")."""
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def read_yaml(path: Path) -> Any:
    """The parsed YAML document; a missing file or a syntax error becomes a PlacesDataError."""
    file = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlacesDataError([Problem(file, "(file)", f"cannot be read: {exc.strerror or exc}")]) from exc
    try:
        return parse_yaml(raw)
    except UnicodeDecodeError as exc:
        raise PlacesDataError([Problem(file, "(file)", f"is not UTF-8 text: {exc.reason}")]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        reason = getattr(exc, "problem", None) or str(exc)
        raise PlacesDataError([Problem(file, where, f"is not valid YAML: {reason}")]) from exc


def parsed_file_loader(parse: Callable[[Any, str, list[Problem]], T | None]) -> Callable[[Path], T]:
    """A cached loader for one kind of data file: `parse(document, file, problems)` collects every
    problem; any problem raises PlacesDataError naming file and key."""

    def load(path: Path) -> T:
        problems: list[Problem] = []
        result = parse(read_yaml(path), display_path(path), problems)
        if problems or result is None:
            raise PlacesDataError(problems)
        return result

    return cached_by_mtime(load)


def cached_by_mtime(load: Callable[[Path], T]) -> Callable[[Path], T]:
    """Cache `load(path)` per file, re-reading it when the file changes on disk.

    The data files are small but parsed on every question; staff may edit them while the bot runs.
    A change that does not load (PlacesDataError) keeps the last good version serving; only a
    file that never loaded raises.
    """
    cache: dict[Path, tuple[int, T]] = {}
    broken: dict[Path, int | None] = {}  # the version of each file last found broken

    def cached(path: Path) -> T:
        resolved = path.resolve()
        try:
            stamp: int | None = os.stat(resolved).st_mtime_ns
        except OSError:
            stamp = None
        hit = cache.get(resolved)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        try:
            value = load(resolved)  # a missing file raises a PlacesDataError naming it
        except PlacesDataError as exc:
            if hit is None:
                raise
            if broken.get(resolved, -1) != stamp:
                broken[resolved] = stamp
                report_broken_edit(display_path(resolved), exc.problems)
            return hit[1]
        broken.pop(resolved, None)
        if stamp is not None:
            cache[resolved] = (stamp, value)
        return value

    return cached


class DataModel(BaseModel):
    """A block of a data file: unknown keys are mistakes (`closed_on_public_holiday` would otherwise be
    ignored silently), and values are taken as written (no "yes" for true, no 2.5 for a whole number)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, str_strip_whitespace=True, str_min_length=1)


def _text(value: Any) -> Any:
    # An unquoted number such as a postal code is still meant as text.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _day(value: Any) -> Any:
    if isinstance(value, (str, datetime)):
        return parse_date(value) or value
    return value


Text = Annotated[str, BeforeValidator(_text)]
"""A non-empty text, stripped; a number written without quotes counts as its text."""

Day = Annotated[date, BeforeValidator(_day)]
"""A date written as 2026-11-22 (quoted or not)."""


class SourcedModel(DataModel):
    """A block of facts: every one says where it comes from and when that was true."""

    source: Text
    as_of: Day

    @property
    def fact_source(self) -> Source:
        return Source(name=self.source, as_of=self.as_of)


M = TypeVar("M", bound=BaseModel)


def validate_document(model: type[M], document: object, file: str, problems: list[Problem]) -> M | None:
    """`document` read into `model`; None when it does not fit, with every mistake added to `problems`."""
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        problems.extend(
            Problem(file, error_key(error["loc"], document), error_message(error))
            for error in exc.errors(include_url=False)
        )
        return None


def error_key(loc: tuple[int | str, ...], document: object) -> str:
    """The key as staff see it in the file: `offices[ba].hours.weekly.mon[0]`.

    A list item with an `id` is named by it; parts of the location that are not written in the file
    (which shape of a union was tried) are left out."""
    key = ""
    node: object = document
    for depth, part in enumerate(loc, start=1):
        if isinstance(node, dict):
            if part not in node and depth < len(loc):
                continue  # the name of a union's shape; only the last part may be a missing key
            key = f"{key}.{part}" if key else str(part)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int):
            item = node[part] if 0 <= part < len(node) else None
            label = item.get("id") if isinstance(item, dict) else None
            key += f"[{label if isinstance(label, str) and label else part}]"
            node = item
    return key or "(top level)"


def error_message(error: ErrorDetails) -> str:
    """Pydantic's error in the words of the former hand-written checks: what is expected, what was found."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    found = _kind(error.get("input"))
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a known key here (typo?)"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error["msg"]))
    expected = {
        "model_type": "a mapping",
        "model_attributes_type": "a mapping",
        "dict_type": "a mapping",
        "list_type": "a list",
        "string_type": "a non-empty text",
        "string_too_short": "a non-empty text",
        "bool_type": "true or false",
        "int_type": "a whole number",
        "float_type": "a number",
        "date_type": "a date like 2026-11-22",
    }.get(kind)
    if expected is not None:
        return f"should be {expected}, found {found}"
    if kind == "literal_error":
        return f"should be {ctx.get('expected')}, found {found}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"should be at least {ctx.get('ge', ctx.get('gt'))}, found {found}"
    if kind in ("less_than_equal", "less_than"):
        return f"should be at most {ctx.get('le', ctx.get('lt'))}, found {found}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} entries, found {ctx.get('actual_length')}"
    return f"{error['msg']}, found {found}"


def parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{value!r}".lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value!r}"
    return f"{type(value).__name__} {value!r}"
