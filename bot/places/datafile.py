"""Reading the staff-edited YAML files in data/ with errors that say where the mistake is.

Staff edit data/offices.yaml, data/districts.yaml and data/calendar.yaml by hand, so a parse error
must name the file and the key ("data/offices.yaml: offices[ba].hours.weekly.mon[0]: ...").
`Fields` wraps one YAML mapping together with its location and *collects* problems instead of
stopping at the first one: the content checker (`python -m bot check`) lists them all, while the
loaders raise `PlacesDataError` carrying the whole list.

Also here: `Source` (where a fact comes from and when it was true), shared by every data file, and
`cached_by_mtime`, so an edited file is re-read without restarting the bot, and a broken edit
keeps the last good version serving (the problems are logged once, and the staff chat is told
once per broken version: bot.content.problems.report_broken_edit).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import yaml

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


def parsed_file_loader(parse: Callable[[Any, str, list[Problem]], T]) -> Callable[[Path], T]:
    """A cached loader for one kind of data file: `parse(document, file, problems)` collects every
    problem; any problem raises PlacesDataError naming file and key."""

    def load(path: Path) -> T:
        problems: list[Problem] = []
        result = parse(read_yaml(path), display_path(path), problems)
        if problems:
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


_MISSING = object()


class Fields:
    """One YAML mapping, where it is (file and dotted key), and the problems found while reading it.

    Getters return a usable default after recording a problem, so parsing carries on and every
    mistake in a file is reported in one run. Call `finish()` to report keys nobody read (typos such
    as `closed_on_public_holiday` would otherwise be ignored silently).
    """

    def __init__(self, value: Any, file: str, key: str, problems: list[Problem]) -> None:
        self.file = file
        self.key = key
        self.problems = problems
        self._read: set[str] = set()
        if isinstance(value, dict):
            self.data: dict[str, Any] = value
            self.ok = True
        else:
            self.data = {}
            self.ok = False
            self.problems.append(Problem(file, key or "(top level)", f"should be a mapping, found {_kind(value)}"))

    # --- locations -------------------------------------------------------------------------------
    def at(self, name: str | int) -> str:
        if isinstance(name, int):
            return f"{self.key}[{name}]"
        return f"{self.key}.{name}" if self.key else name

    def problem(self, name: str | int | None, message: str) -> None:
        self.problems.append(Problem(self.file, self.at(name) if name is not None else self.key, message))

    # --- raw access ------------------------------------------------------------------------------
    def has(self, name: str) -> bool:
        return name in self.data

    def raw(self, name: str, default: Any = _MISSING, *, required: bool = True) -> Any:
        self._read.add(name)
        if name in self.data:
            return self.data[name]
        if required and default is _MISSING:
            if self.ok:
                self.problem(name, "is missing")
            return None
        return None if default is _MISSING else default

    # --- typed getters ---------------------------------------------------------------------------
    def text(self, name: str, *, required: bool = True, default: str | None = None) -> str | None:
        value = self.raw(name, default if not required else _MISSING, required=required)
        if value is None:
            return default
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)  # an unquoted number such as a postal code is still meant as text
        if not isinstance(value, str) or not value.strip():
            self.problem(name, f"should be a non-empty text, found {_kind(value)}")
            return default
        return value.strip()

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw(name, default, required=False)
        if not isinstance(value, bool):
            self.problem(name, f"should be true or false, found {_kind(value)}")
            return default
        return value

    def integer(self, name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self.raw(name, default, required=False)
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(name, f"should be a whole number, found {_kind(value)}")
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.problem(name, f"should be between {minimum} and {maximum}, found {value}")
            return default
        return value

    def number(self, name: str) -> float | None:
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(name, f"should be a number, found {_kind(value)}")
            return None
        return float(value)

    def day(self, name: str, *, required: bool = True) -> date | None:
        value = self.raw(name, required=required)
        if value is None:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.problem(name, f"should be a date like 2026-11-22, found {value!r}")
        return parsed

    def seq(self, name: str, *, required: bool = True) -> list[Any]:
        value = self.raw(name, [] if not required else _MISSING, required=required)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(name, f"should be a list, found {_kind(value)}")
            return []
        return value

    def texts(self, name: str, *, required: bool = True) -> list[str]:
        items: list[str] = []
        for i, item in enumerate(self.seq(name, required=required)):
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                self.problems.append(
                    Problem(self.file, f"{self.at(name)}[{i}]", f"should be a text, found {_kind(item)}")
                )
                continue
            items.append(item.strip())
        return items

    def child(self, name: str, *, required: bool = True) -> Fields | None:
        """The nested mapping `name`; None when absent (a problem if required) or `null`."""
        value = self.raw(name, None if not required else _MISSING, required=required)
        if value is None:
            return None
        return Fields(value, self.file, self.at(name), self.problems)

    def items(self, name: str, *, required: bool = True) -> Iterator[Fields]:
        """Each mapping in the list `name`, located as `name[id]` when it has an id, else `name[i]`."""
        for i, item in enumerate(self.seq(name, required=required)):
            label = item.get("id") if isinstance(item, dict) else None
            key = f"{self.at(name)}[{label if isinstance(label, str) and label else i}]"
            yield Fields(item, self.file, key, self.problems)

    def source(self) -> Source | None:
        """The `source` and `as_of` of this block; both are required for every fact block."""
        name = self.text("source")
        as_of = self.day("as_of")
        if name is None or as_of is None:
            return None
        return Source(name=name, as_of=as_of)

    def finish(self) -> None:
        """Report keys that no reader asked for: most likely typos."""
        for name in self.data:
            if name not in self._read:
                self.problem(name, "is not a known key here (typo?)")


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
