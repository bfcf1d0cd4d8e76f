"""The texts the bot says, one YAML file per language in locales/.

A locale file is a nested mapping; keys are addressed with dots (`menu.title`). Placeholders use
`{name}`. `_meta` records the language's name, writing direction and translation status.
German is the source language: every other curated locale must have exactly its keys and the
same placeholders (`python -m bot check`). A key missing at run time falls back to German and is
logged once, so a gap in a translation never becomes an error for the person.

Counts and choices use a small part of ICU MessageFormat, so each language writes its own forms:

    "{days, plural, one {# Tag} other {# Tage}}"                 # CLDR plural categories (Babel)
    "{days, plural, one {# день} few {# дні} many {# днів} other {# дня}}"
    "{nth, select, 1 {jeden ersten} 2 {jeden zweiten} other {jeden}}"

`#` is the number; `=N` selects an exact number before the category. A placeholder that ends with
a full stop (a date such as "22.11.2026 г.") swallows the template's own full stop after it.
"""

from __future__ import annotations

import html
import logging
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from babel import Locale as BabelLocale
from babel import UnknownLocaleError
from babel.plural import PluralRule
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from typing_extensions import TypeAliasType

from bot.content.yaml_files import read_yaml
from bot.core.replies import Lines, Msg, Plain, Raw, Text
from bot.text.bidi import isolate_ltr_runs

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
SOURCE_LANGUAGE = "de"
# The ten curated languages, in the order the language picker shows them.
CURATED_LANGUAGES = ("de", "en", "ar", "uk", "ru", "tr", "fa", "ro", "bg", "fr")
RTL_LANGUAGES = frozenset({"ar", "fa"})


@dataclass(frozen=True)
class LocaleMeta:
    code: str
    name: str
    direction: str
    status: str


@dataclass
class Locale:
    meta: LocaleMeta
    strings: dict[str, str]
    path: Path


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, full + "."))
        else:
            flat[full] = "" if value is None else str(value)
    return flat


@dataclass(frozen=True)
class ChoiceBlock:
    """`{name, plural|select, key {text} ...}` inside a template, at template[start:end]."""

    name: str
    kind: str  # "plural" or "select"
    options: dict[str, str]
    start: int
    end: int


_BLOCK_START = re.compile(r"\{\s*(\w+)\s*,\s*(plural|select)\s*,")
_OPTION = re.compile(r"\s*(=?[\w-]+)\s*\{")


def _closing_brace(text: str, opening: int) -> int:
    """The index of the brace that closes text[opening] ('{'), or -1."""
    depth = 0
    for i in range(opening, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return -1


def choice_blocks(template: str) -> list[ChoiceBlock]:
    """The plural/select blocks of a template, in order. Raises ValueError on a malformed one."""
    blocks: list[ChoiceBlock] = []
    pos = 0
    while (match := _BLOCK_START.search(template, pos)) is not None:
        end = _closing_brace(template, match.start())
        if end < 0:
            raise ValueError(f"unclosed {{{match.group(1)}, {match.group(2)}, ...}}")
        options: dict[str, str] = {}
        at = match.end()
        while at < end:
            option = _OPTION.match(template, at)
            if option is None:
                if template[at:end].strip():
                    raise ValueError(
                        f"{{{match.group(1)}, {match.group(2)}}}: expected 'key {{text}}' at {template[at:end]!r}"
                    )
                break
            close = _closing_brace(template, option.end() - 1)
            if close < 0 or close > end:
                raise ValueError(f"{{{match.group(1)}, {match.group(2)}}}: unclosed option {option.group(1)!r}")
            options[option.group(1)] = template[option.end() : close]
            at = close + 1
        if "other" not in options:
            raise ValueError(f"{{{match.group(1)}, {match.group(2)}}} needs an 'other' option")
        blocks.append(ChoiceBlock(match.group(1), match.group(2), options, match.start(), end + 1))
        pos = end + 1
    return blocks


def placeholders(template: str) -> set[str]:
    """The argument names a template uses, inside plural/select blocks too."""
    names: set[str] = set()
    outside: list[str] = []
    pos = 0
    for block in choice_blocks(template):
        outside.append(template[pos : block.start])
        names.add(block.name)
        for text in block.options.values():
            names |= placeholders(text)
        pos = block.end
    outside.append(template[pos:])
    names |= {name for _, name, _, _ in string.Formatter().parse("".join(outside)) if name}
    return names


@lru_cache(maxsize=32)
def _plural_rule(language: str) -> PluralRule:
    try:
        return BabelLocale.parse(language).plural_form
    except (UnknownLocaleError, ValueError):
        return BabelLocale.parse(SOURCE_LANGUAGE).plural_form


def plural_category(language: str, count: float | Decimal) -> str:
    """CLDR's category for `count` in `language`: zero one two few many other."""
    return str(_plural_rule(language)(count))


def plural_categories(language: str) -> frozenset[str]:
    """The categories a plural block in `language` must spell out ("other" included)."""
    return frozenset(_plural_rule(language).tags) | {"other"}


def _as_number(value: Any) -> int | float | Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return value
    try:
        return int(str(value))
    except ValueError:
        return None


def expand_choices(template: str, args: Mapping[str, Any], language: str) -> str:
    """Replace each plural/select block by the option that fits its argument ('#' = the number)."""
    blocks = choice_blocks(template)
    if not blocks:
        return template
    out: list[str] = []
    pos = 0
    for block in blocks:
        out.append(template[pos : block.start])
        value = args.get(block.name)
        if block.kind == "plural":
            number = _as_number(value)
            if number is None:
                text = block.options["other"]
            else:
                text = (
                    block.options.get(f"={number}")
                    or block.options.get(plural_category(language, number))
                    or block.options["other"]
                )
                text = text.replace("#", str(number))
        else:
            text = block.options.get(str(value), block.options["other"])
        out.append(expand_choices(text, args, language))
        pos = block.end
    out.append(template[pos:])
    return "".join(out)


_FULL_STOP_AFTER = re.compile(r"\{(\w+)\}\.")


def _no_double_full_stop(template: str, rendered: Mapping[str, str]) -> str:
    """ "Stand: {date}." with date "22.11.2026 г." -> one full stop, not two."""
    return _FULL_STOP_AFTER.sub(
        lambda m: m.group(0)[:-1] if rendered.get(m.group(1), "").endswith(".") else m.group(0), template
    )


class LocaleMetaFile(BaseModel):
    """`_meta` of a locale file: which language, its own name, the writing direction, and how far
    the texts have been reviewed."""

    model_config = ConfigDict(extra="forbid")
    language: str = Field(min_length=2)
    name: str = Field(min_length=1)
    direction: Literal["ltr", "rtl"]
    status: str = Field(min_length=1)


# The texts: keys to a text, or to more keys ("menu": {"book": "..."} is `menu.book`). A number
# written without quotes is a text too.
TextTree = TypeAliasType("TextTree", "dict[str, str | None | TextTree]")
TEXT_TREE: TypeAdapter[dict[str, Any]] = TypeAdapter(TextTree, config=ConfigDict(coerce_numbers_to_str=True))


def load_locale(path: Path) -> Locale:
    """A locale file, checked against LocaleMetaFile and TextTree (ValidationError if it does not
    fit; `python -m bot check` says where, bot.content.locale_check)."""
    tree = read_yaml(path) or {}
    if not isinstance(tree, dict):
        raise ValueError(f"{path.name}: must be a mapping of keys to texts")
    meta_tree = {"language": path.stem, "name": path.stem, "direction": "ltr", "status": "-"}
    meta_tree.update(tree.get("_meta") or {})
    meta_file = LocaleMetaFile.model_validate(meta_tree)
    texts = TEXT_TREE.validate_python({key: value for key, value in tree.items() if key != "_meta"})
    meta = LocaleMeta(
        code=meta_file.language, name=meta_file.name, direction=meta_file.direction, status=meta_file.status
    )
    return Locale(meta=meta, strings=flatten(texts), path=path)


class _SafeArgs(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass
class Catalog:
    locales: dict[str, Locale]
    _warned: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def load(cls, directory: Path = LOCALES_DIR) -> Catalog:
        locales = {}
        for path in sorted(directory.glob("*.yaml")):
            locale = load_locale(path)
            locales[locale.meta.code] = locale
        if SOURCE_LANGUAGE not in locales:
            raise FileNotFoundError(f"{directory}/{SOURCE_LANGUAGE}.yaml is missing")
        return cls(locales)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(code for code in CURATED_LANGUAGES if code in self.locales)

    def supports(self, language: str | None) -> bool:
        return language in self.locales

    def language_for_app(self, app_language: str | None) -> str:
        """A curated language for a chat app's language code ("uk", "pt-BR", None), German otherwise.
        For answers outside a turn (an apology, a slow-down, an outdated button), where the person's
        stored choice is not at hand."""
        code = (app_language or SOURCE_LANGUAGE).split("-")[0].lower()
        return code if self.supports(code) else SOURCE_LANGUAGE

    def name_of(self, language: str) -> str:
        locale = self.locales.get(language)
        return locale.meta.name if locale else language

    def has(self, key: str) -> bool:
        return key in self.locales[SOURCE_LANGUAGE].strings

    def template(self, key: str, language: str) -> str:
        locale = self.locales.get(language)
        if locale is not None and key in locale.strings:
            return locale.strings[key]
        source = self.locales[SOURCE_LANGUAGE].strings
        if (language, key) not in self._warned:
            self._warned.add((language, key))
            log.warning("locale %s has no key %s; using German", language, key)
        if key in source:
            return source[key]
        raise KeyError(f"no locale key {key!r}")

    def render(self, text: Text, language: str) -> str:
        """Render to Telegram HTML: arguments escaped, right-to-left texts isolated."""
        out = self._render(text, language)
        if language in RTL_LANGUAGES:
            out = isolate_ltr_runs(out)
        return out

    def _render(self, text: Text, language: str) -> str:
        if isinstance(text, Raw):
            return text.html
        if isinstance(text, Plain):
            return html.escape(text.text, quote=False)
        if isinstance(text, Lines):
            return text.separator.join(self._render(part, language) for part in text.parts)
        template = self.template(text.key, language)
        try:
            template = expand_choices(template, text.args, language)
        except ValueError:
            log.warning("locale %s key %s has a malformed plural/select block", language, text.key)
        args = _SafeArgs({name: self._arg(value, language) for name, value in text.args.items()})
        return _no_double_full_stop(template, args).format_map(args)

    def _arg(self, value: Any, language: str) -> str:
        if isinstance(value, (Msg, Plain, Raw, Lines)):
            return self._render(value, language)
        return html.escape(str(value), quote=False)


_TAG = re.compile(r"<[^>]+>")


def html_to_plain(text: str) -> str:
    """For the terminal: drop Telegram's HTML tags and unescape entities."""
    return html.unescape(_TAG.sub("", text))
