"""Topic flows: the bot's knowledge as data, one YAML file per topic in flows/.

A flow file reads like the conversation (see flows/README.md): a start step, then steps that
either ask (`choices`) or answer (`next`: book, handoff, show_office, ...). Texts are locale keys;
language-neutral values (phones, addresses, URLs, prices) are facts in data/facts.yaml, referenced
by id and inserted as placeholder arguments. Every answer that uses facts ends with a line saying
how old its sources are and when they were checked: the oldest `source_date` and the oldest
`as_of` among them ("Quelle vom 29.12.2025, geprüft am 22.11.2026."), or "Quelle ohne Datum, geprüft
am ..." when one of them has no dated source.

Pure: no database, no Telegram. Loading is lenient: shape errors are collected in
`FlowLibrary.problems` (reported by `bot.content.flow_check`) and the broken part is skipped, so one
bad edit never takes the bot down.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeGuard

import yaml
from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency

from bot.content.problems import Problem
from bot.content.yaml_files import read_yaml
from bot.core.actions import (
    Action,
    FindMyOffice,
    FlowGo,
    OpenMenu,
    OpenTopic,
    ShowHours,
    StartBooking,
    TalkToStaff,
)
from bot.core.replies import Choice, Link, Msg, Plain, Reply, Text

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
FLOWS_DIR = ROOT / "flows"
FACTS_PATH = ROOT / "data" / "facts.yaml"
MENU_FILE = "_menu.yaml"

# Locale keys the engine itself uses (under `flow:` in locales/*.yaml).
KEY_DATED = "flow.dated"  # "{text}\n\n{checked}"
KEY_CHECKED_ON = "flow.checked_on"  # "<i>{source}</i>"
KEY_CHECKED_ON_UNVERIFIED = "flow.checked_on_unverified"  # "<i>{source} – please check</i>"
KEY_SOURCE_DATED = "flow.source_dated"  # "Quelle vom {source_date}, geprüft am {date}."
KEY_SOURCE_UNDATED = "flow.source_undated"  # "Quelle ohne Datum, geprüft am {date}."
UNDATED = "undated"  # `source_date: undated` in data/facts.yaml

# The words allowed in `next:` and the button each becomes (flow id -> action).
NEXT_ACTIONS: dict[str, Callable[[str], Action]] = {
    "book": lambda flow_id: StartBooking(topic=flow_id),
    "handoff": lambda flow_id: TalkToStaff(topic=flow_id),
    "show_office": lambda flow_id: FindMyOffice(),
    "hours": lambda flow_id: ShowHours(),
    "menu": lambda flow_id: OpenMenu(),
}
NEXT_LABELS = {word: f"flow.next.{word}" for word in NEXT_ACTIONS}

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_FLOW_KEYS = {"id", "title", "start", "steps"}
_STEP_KEYS = {"say", "facts", "choices", "links", "next", "asks"}
_CHOICE_KEYS = {"label", "goto", "topic", "when"}

# What a question step may declare it `asks:` (kept facts, bot.core.kept_facts), and what its
# choices' `when:` then holds: an age or an age range ("6-9") for child_age, yes/no for from_eu.
ASKABLE = ("child_age", "from_eu")
When = tuple[int, int] | bool
_LINK_KEYS = {"label", "url", "fact"}
_FACT_KEYS = {"value", "text", "price", "currency", "source", "source_date", "as_of", "verified", "note"}
_FACT_KINDS = ("value", "text", "price")


class UnknownStep(LookupError):
    """A flow or step that does not exist (any more): a stale button or a typo in a flow file."""

    def __init__(self, flow_id: str, step_id: str | None = None) -> None:
        self.flow_id = flow_id
        self.step_id = step_id
        what = f"flow {flow_id!r}" if step_id is None else f"step {step_id!r} in flow {flow_id!r}"
        super().__init__(f"unknown {what}")


# --- the data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One checked value, stored once. Exactly one of `value` (language-neutral text),
    `text` (a locale key under `fact.`, for wording that differs per language) or `price`
    (an amount, formatted per language with Babel)."""

    id: str
    source: str
    as_of: dt.date | None
    verified: bool = False
    source_undated: bool = False  # `source_date: undated`: checked, the source has no date
    # The date of the source itself (an article, a page's last change); None: the source is
    # undated or no date was entered, and answers say so.
    source_date: dt.date | None = None
    value: str | None = None
    text: str | None = None
    price: Decimal | None = None
    currency: str = "EUR"

    def arg(self, language: str) -> str | Msg:
        """The placeholder argument for this fact in `language` (escaped later by Catalog.render)."""
        if self.text is not None:
            return Msg(self.text)
        if self.price is not None:
            return format_currency(self.price, self.currency, locale=_babel_locale(language))
        return self.value or ""


@dataclass(frozen=True)
class ChoiceSpec:
    """A button in a question step: `goto` a step of this flow or open another `topic`."""

    label: str | None
    goto: str | None = None
    topic: str | None = None
    when: When | None = None  # for which value of the step's `asks` fact this choice holds

    def holds_for(self, value: object) -> bool:
        """True when this choice is the answer for a known value of the asked fact."""
        if self.when is None or value is None:
            return False
        if isinstance(self.when, bool):
            return value is self.when
        low, high = self.when
        return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high

    def contradicts(self, value: object) -> bool:
        """True when the known value rules this choice out (a choice without `when` never is)."""
        return self.when is not None and value is not None and not self.holds_for(value)

    @property
    def pinned(self) -> object:
        """The one value this choice means, if it means one (yes, no, or a single age)."""
        if isinstance(self.when, bool):
            return self.when
        if isinstance(self.when, tuple) and self.when[0] == self.when[1]:
            return self.when[0]
        return None


@dataclass(frozen=True)
class LinkSpec:
    """A button that opens a web page: a literal https `url` or the value of a URL `fact`."""

    label: str
    url: str | None = None
    fact: str | None = None


@dataclass(frozen=True)
class Step:
    id: str
    say: str
    facts: tuple[str, ...] = ()
    choices: tuple[ChoiceSpec, ...] | None = None  # None: an answer step
    links: tuple[LinkSpec, ...] = ()
    next: tuple[str, ...] = ()
    asks: str | None = None  # a kept fact this question asks for (ASKABLE); skipped when known

    def choice_for(self, known: Mapping[str, object]) -> ChoiceSpec | None:
        """The choice that answers this question from what is already known, if any."""
        if self.asks is None:
            return None
        value = known.get(self.asks)
        return next((c for c in self.choices or () if c.holds_for(value)), None)

    @property
    def is_answer(self) -> bool:
        return not self.choices

    @property
    def fact_ids(self) -> tuple[str, ...]:
        """Facts in the text plus facts behind links: the ones whose date the answer shows."""
        ids = list(self.facts)
        ids += [link.fact for link in self.links if link.fact and link.fact not in ids]
        return tuple(ids)


@dataclass(frozen=True)
class Flow:
    id: str
    title: str
    start: str
    steps: Mapping[str, Step]
    file: str  # as shown in problems, e.g. "flows/school.yaml"


@dataclass
class FlowLibrary:
    flows: dict[str, Flow]
    facts: dict[str, Fact]
    menu: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)  # found while loading
    menu_file: str = f"flows/{MENU_FILE}"
    facts_file: str = "data/facts.yaml"

    # -- loading --

    @classmethod
    def load(cls, directory: Path = FLOWS_DIR, facts_path: Path = FACTS_PATH) -> FlowLibrary:
        problems: list[Problem] = []
        facts_file = display_path(facts_path)
        facts = _load_facts(facts_path, facts_file, problems)
        flows: dict[str, Flow] = {}
        for path in sorted(directory.glob("*.yaml")):
            if path.name.startswith("_"):
                continue
            flow = _load_flow(path, problems)
            if flow is None:
                continue
            if flow.id in flows:
                problems.append(Problem(flow.file, "id", f"flow id {flow.id!r} also used in {flows[flow.id].file}"))
                continue
            flows[flow.id] = flow
        menu_path = directory / MENU_FILE
        menu = _load_menu(menu_path, problems)
        for problem in problems:
            log.warning("flow problem: %s", problem)
        return cls(flows, facts, menu, problems, display_path(menu_path), facts_file)

    # -- lookup --

    def get(self, flow_id: str) -> Flow:
        try:
            return self.flows[flow_id]
        except KeyError:
            raise UnknownStep(flow_id) from None

    def __contains__(self, flow_id: object) -> bool:
        return flow_id in self.flows

    def step(self, flow_id: str, step_id: str) -> Step:
        flow = self.get(flow_id)
        try:
            return flow.steps[step_id]
        except KeyError:
            raise UnknownStep(flow_id, step_id) from None

    def topics(self) -> tuple[str, ...]:
        """Main-menu topics in menu order (flows/_menu.yaml), only those that exist."""
        return tuple(t for t in self.menu if t in self.flows)

    # -- rendering --

    def topic_button(self, flow_id: str) -> Choice:
        """The main-menu button that opens a topic."""
        return Choice(Msg(self.get(flow_id).title), OpenTopic(flow_id))

    def start_reply(self, flow_id: str, lang: str) -> Reply:
        return self.reply_for(flow_id, self.get(flow_id).start, lang)

    def resolve(self, flow_id: str, step_id: str, known: Mapping[str, object]) -> tuple[str, str]:
        """The step to show: a question whose answer is already known (`asks:` a kept fact) is
        skipped for the choice that holds ("my son is 8": school.ask_age goes on to primary; a
        choice that opens another topic goes to its start). Raises UnknownStep."""
        self.step(flow_id, step_id)
        seen = {(flow_id, step_id)}
        while True:
            choice = self.step(flow_id, step_id).choice_for(known)
            if choice is None:
                return flow_id, step_id
            if choice.topic is not None:
                if choice.topic not in self.flows:
                    return flow_id, step_id
                next_at = (choice.topic, self.flows[choice.topic].start)
            else:
                assert choice.goto is not None
                next_at = (flow_id, choice.goto)
            if next_at in seen or next_at[1] not in self.flows[next_at[0]].steps:
                return flow_id, step_id  # a loop or a broken goto: ask instead
            seen.add(next_at)
            flow_id, step_id = next_at

    def implied_by(self, flow_id: str, step_id: str) -> dict[str, object]:
        """What reaching a step says about the person: the kept fact a choice leading here pins
        (the "yes" of "Are you from an EU country?" leads to the EU answer: from_eu is True)."""
        flow = self.flows.get(flow_id)
        if flow is None:
            return {}
        implied: dict[str, object] = {}
        for step in flow.steps.values():
            for choice in step.choices or ():
                if step.asks is not None and choice.goto == step_id and choice.pinned is not None:
                    implied[step.asks] = choice.pinned
        return implied

    def reply_for(
        self, flow_id: str, step_id: str, language_for_dates: str, known: Mapping[str, object] | None = None
    ) -> Reply:
        """The answer for one step: text with fact arguments (+ "Stand:" line), then buttons:
        choices, links, and the next-step buttons. Raises UnknownStep for a stale flow/step.
        With `known` facts, a question leaves out the choices they rule out ("I am from an EU
        country" for someone who said they are not)."""
        lang = language_for_dates
        step = self.step(flow_id, step_id)
        args = {fid: self.facts[fid].arg(lang) for fid in step.facts if fid in self.facts}
        text: Text = Msg(step.say, **args)
        dated = [self.facts[fid] for fid in step.fact_ids if fid in self.facts and self.facts[fid].as_of]
        if dated:
            key = KEY_CHECKED_ON if all(f.verified for f in dated) else KEY_CHECKED_ON_UNVERIFIED
            text = Msg(KEY_DATED, text=text, checked=Msg(key, source=source_line(dated, lang)))

        rows_: list[tuple[Choice | Link, ...]] = []
        for choice in self.choices_shown(step, known or {}):
            rows_.append((self._choice(flow_id, choice),))
        for link in step.links:
            url = link.url if link.url is not None else self.facts[link.fact].value if link.fact in self.facts else None
            if url:
                rows_.append((Link(Msg(link.label), url),))
        nexts = [Choice(Msg(NEXT_LABELS[w]), NEXT_ACTIONS[w](flow_id)) for w in step.next if w in NEXT_ACTIONS]
        rows_ += [tuple(nexts[i : i + 2]) for i in range(0, len(nexts), 2)]
        return Reply(text=text, choices=tuple(rows_))

    @staticmethod
    def choices_shown(step: Step, known: Mapping[str, object]) -> tuple[ChoiceSpec, ...]:
        """The step's choices without those the known facts rule out (all of them if none is left)."""
        choices = step.choices or ()
        if step.asks is None:
            return choices
        value = known.get(step.asks)
        kept = tuple(c for c in choices if not c.contradicts(value))
        return kept or choices

    def _choice(self, flow_id: str, spec: ChoiceSpec) -> Choice:
        if spec.topic is not None:
            label = spec.label or (
                self.flows[spec.topic].title if spec.topic in self.flows else f"flow.{spec.topic}.title"
            )
            return Choice(Msg(label), OpenTopic(spec.topic))
        assert spec.goto is not None and spec.label is not None
        return Choice(Msg(spec.label), FlowGo(flow_id, spec.goto))


def source_line(facts: list[Fact], lang: str) -> Msg:
    """How old the sources of these facts are and when they were checked (the oldest of each)."""
    checked = min(f.as_of for f in facts if f.as_of is not None)
    date = Plain(format_date(checked, format="medium", locale=_babel_locale(lang)))
    if any(f.source_date is None for f in facts):
        return Msg(KEY_SOURCE_UNDATED, date=date)
    oldest = min(f.source_date for f in facts if f.source_date is not None)
    return Msg(
        KEY_SOURCE_DATED, source_date=Plain(format_date(oldest, format="medium", locale=_babel_locale(lang))), date=date
    )


def fact_age_warnings(facts: Mapping[str, Fact], file: str, today: dt.date, max_age_days: int) -> list[Problem]:
    """Facts whose source (or, when undated, whose last check) is older than `max_age_days`, and
    facts that do not say how old their source is. Warnings: the bot still answers with them."""
    warnings: list[Problem] = []
    for fid, fact in facts.items():
        if fact.source_date is None and not fact.source_undated:
            warnings.append(
                Problem(file, f"{fid}.source_date", "missing: the date of the source (YYYY-MM-DD), or 'undated'")
            )
        reference = fact.source_date or fact.as_of
        if reference is None:
            continue
        age = (today - reference).days
        if age > max_age_days:
            what = "source" if fact.source_date is not None else "undated source, last checked"
            warnings.append(
                Problem(
                    file,
                    fid,
                    f"{what} {reference.isoformat()} is {age} days old "
                    f"(more than {max_age_days}): check it and update the dates",
                )
            )
    return warnings


# --- loading helpers ----------------------------------------------------------------------


def _read_yaml(path: Path, file: str, problems: list[Problem]) -> tuple[bool, Any]:
    try:
        return True, read_yaml(path)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(file, "-", f"cannot read: {exc}"))
    except yaml.YAMLError as exc:
        problems.append(Problem(file, "-", "YAML error: " + " ".join(str(exc).split())))
    return False, None


def display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return f"{path.parent.name}/{path.name}"


def _babel_locale(language: str) -> str:
    try:
        Locale.parse(language)
        return language
    except (UnknownLocaleError, ValueError):
        return "de"


def _is_key(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip()) and " " not in value


def _load_menu(path: Path, problems: list[Problem]) -> tuple[str, ...]:
    file = display_path(path)
    if not path.exists():
        problems.append(Problem(file, "-", "menu file is missing (list the main-menu topics under `topics:`)"))
        return ()
    ok, data = _read_yaml(path, file, problems)
    if not ok:
        return ()
    topics = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        problems.append(Problem(file, "topics", "must be a list of flow ids"))
        return ()
    return tuple(topics)


def _load_facts(path: Path, file: str, problems: list[Problem]) -> dict[str, Fact]:
    if not path.exists():
        problems.append(Problem(file, "-", "facts file is missing"))
        return {}
    ok, data = _read_yaml(path, file, problems)
    if not ok:
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(file, "-", "must be a mapping of fact id -> {value, source, as_of}"))
        return {}
    facts: dict[str, Fact] = {}
    for fid, entry in data.items():
        fact = _parse_fact(str(fid), entry, file, problems)
        if fact is not None:
            facts[str(fid)] = fact
    return facts


def _as_date(value: object) -> dt.date | None:
    """A YAML date, a datetime or a YYYY-MM-DD string as a date; None for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _parse_fact(fid: str, entry: Any, file: str, problems: list[Problem]) -> Fact | None:
    def bad(key: str, problem: str) -> None:
        problems.append(Problem(file, f"{fid}.{key}" if key else fid, problem))

    if not _ID.match(fid):
        bad("", "fact id must be lower_snake_case (a-z, 0-9, _)")
    if not isinstance(entry, dict):
        bad("", "must be a mapping with value (or text/price), source, as_of, verified")
        return None
    for key in entry:
        if key not in _FACT_KEYS:
            bad(str(key), f"unknown key (allowed: {', '.join(sorted(_FACT_KEYS))})")
    kinds = [k for k in _FACT_KINDS if k in entry]
    if len(kinds) != 1:
        bad("", "needs exactly one of value, text (a locale key under fact.) or price")
    value = entry.get("value")
    if "value" in entry and not (isinstance(value, (str, int)) and str(value).strip()):
        bad("value", "must be a non-empty string (quote phone numbers)")
    text = entry.get("text")
    if "text" in entry and not (_is_key(text) and str(text).startswith("fact.")):
        bad("text", "must be a locale key under fact., e.g. fact.office_hours")
    price: Decimal | None = None
    if "price" in entry:
        try:
            price = Decimal(str(entry["price"]))
        except InvalidOperation:
            bad("price", "must be a number, e.g. 39.00")
    currency = entry.get("currency", "EUR")
    if not (isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency)):
        bad("currency", "must be an ISO code such as EUR")
        currency = "EUR"
    source = entry.get("source")
    if not (isinstance(source, str) and source.strip()):
        bad("source", "missing: say where the value comes from")
        source = ""
    raw_as_of = entry.get("as_of")
    as_of = _as_date(raw_as_of)
    if raw_as_of is None:
        bad("as_of", "missing: the date the value was last checked (YYYY-MM-DD)")
    elif as_of is None:
        bad("as_of", f"not a date (YYYY-MM-DD): {raw_as_of!r}")
    raw_source_date = entry.get("source_date")
    source_undated = raw_source_date == UNDATED
    source_date = None if source_undated else _as_date(raw_source_date)
    if raw_source_date is not None and not source_undated and source_date is None:
        bad("source_date", f"not a date (YYYY-MM-DD) or 'undated': {raw_source_date!r}")
    verified = entry.get("verified", False)
    if not isinstance(verified, bool):
        bad("verified", "must be true or false")
        verified = False
    return Fact(
        id=fid,
        source=source,
        as_of=as_of,
        verified=verified,
        source_date=source_date,
        source_undated=source_undated,
        value=str(value) if "value" in entry and value is not None else None,
        text=text if "text" in entry and isinstance(text, str) else None,
        price=price,
        currency=currency,
    )


def _load_flow(path: Path, problems: list[Problem]) -> Flow | None:
    file = display_path(path)
    ok, data = _read_yaml(path, file, problems)
    if not ok:
        return None

    def bad(key: str, problem: str) -> None:
        problems.append(Problem(file, key, problem))

    if not isinstance(data, dict):
        bad("-", "a flow file must be a mapping with id, title, start, steps")
        return None
    for key in data:
        if key not in _FLOW_KEYS:
            bad(str(key), f"unknown key (allowed: {', '.join(sorted(_FLOW_KEYS))})")
    flow_id = data.get("id")
    if not isinstance(flow_id, str) or not _ID.match(flow_id):
        bad("id", "missing or not lower_snake_case; using the file name")
        flow_id = path.stem
    elif flow_id != path.stem:
        bad("id", f"{flow_id!r} differs from the file name {path.stem!r}")
    title = data.get("title")
    if not _is_key(title):
        bad("title", f"missing: the locale key of the menu button, e.g. flow.{flow_id}.title")
        title = f"flow.{flow_id}.title"
    start = data.get("start")
    if not isinstance(start, str) or not start:
        bad("start", "missing: the id of the first step")
        start = ""
    raw_steps = data.get("steps")
    steps: dict[str, Step] = {}
    if not isinstance(raw_steps, dict) or not raw_steps:
        bad("steps", "missing: a mapping of step id -> step")
    else:
        for sid, raw in raw_steps.items():
            step = _parse_step(str(sid), raw, f"steps.{sid}", bad)
            if step is not None:
                steps[step.id] = step
    return Flow(id=flow_id, title=title, start=start, steps=steps, file=file)


def _parse_step(sid: str, raw: Any, at: str, bad: Callable[[str, str], None]) -> Step | None:
    if not _ID.match(sid):
        bad(at, "step id must be lower_snake_case (a-z, 0-9, _)")
    if not isinstance(raw, dict):
        bad(at, "a step must be a mapping with say and choices or next")
        return None
    for key in raw:
        if key not in _STEP_KEYS:
            bad(f"{at}.{key}", f"unknown key (allowed: {', '.join(sorted(_STEP_KEYS))})")
    say = raw.get("say")
    if not _is_key(say):
        bad(f"{at}.say", "missing: the locale key of the text")
        say = ""

    facts: list[str] = []
    raw_facts = raw.get("facts", [])
    if not isinstance(raw_facts, list) or not all(isinstance(f, str) for f in raw_facts):
        bad(f"{at}.facts", "must be a list of fact ids, e.g. [dlzb_phone]")
    else:
        facts = list(raw_facts)

    choices: list[ChoiceSpec] | None = None
    if "choices" in raw:
        choices = []
        raw_choices = raw["choices"]
        if raw_choices is None:
            raw_choices = []
        if not isinstance(raw_choices, list):
            bad(f"{at}.choices", "must be a list of {label, goto} or {label, topic}")
            raw_choices = []
        for i, rc in enumerate(raw_choices):
            spec = _parse_choice(rc, f"{at}.choices[{i}]", bad)
            if spec is not None:
                choices.append(spec)

    links: list[LinkSpec] = []
    raw_links = raw.get("links", []) or []
    if not isinstance(raw_links, list):
        bad(f"{at}.links", "must be a list of {label, url} or {label, fact}")
        raw_links = []
    for i, rl in enumerate(raw_links):
        link_at = f"{at}.links[{i}]"
        if not isinstance(rl, dict):
            bad(link_at, "must be a mapping with label and url (or fact)")
            continue
        for key in rl:
            if key not in _LINK_KEYS:
                bad(f"{link_at}.{key}", f"unknown key (allowed: {', '.join(sorted(_LINK_KEYS))})")
        label = rl.get("label")
        if not _is_key(label):
            bad(f"{link_at}.label", "missing: the locale key of the button")
            continue
        has_url, has_fact = "url" in rl, "fact" in rl
        if has_url == has_fact:
            bad(link_at, "needs exactly one of url (https://...) or fact (a fact id holding the URL)")
            continue
        if has_url and not isinstance(rl["url"], str):
            bad(f"{link_at}.url", "must be a string")
            continue
        if has_fact and not isinstance(rl["fact"], str):
            bad(f"{link_at}.fact", "must be a fact id")
            continue
        links.append(LinkSpec(label=label, url=rl.get("url"), fact=rl.get("fact")))

    nexts: list[str] = []
    raw_next = raw.get("next", [])
    if raw_next is None:
        raw_next = []
    if isinstance(raw_next, str):
        raw_next = [raw_next]
    if not isinstance(raw_next, list):
        bad(f"{at}.next", f"must be a list of {', '.join(NEXT_ACTIONS)}")
        raw_next = []
    for i, word in enumerate(raw_next):
        if word not in NEXT_ACTIONS:
            bad(f"{at}.next[{i}]", f"unknown next step {word!r} (allowed: {', '.join(NEXT_ACTIONS)})")
        elif word in nexts:
            bad(f"{at}.next[{i}]", f"{word!r} listed twice")
        else:
            nexts.append(word)
    asks = raw.get("asks")
    if asks is not None and asks not in ASKABLE:
        bad(f"{at}.asks", f"unknown fact {asks!r} (allowed: {', '.join(ASKABLE)})")
        asks = None
    if asks is not None and choices is None:
        bad(f"{at}.asks", "only a question step (with choices) can ask")
        asks = None
    for i, spec in enumerate(choices or ()):
        if spec.when is None:
            continue
        if asks is None:
            bad(f"{at}.choices[{i}].when", "when: needs the step to say what it asks (asks: child_age or from_eu)")
        elif (asks == "from_eu") != isinstance(spec.when, bool):
            expected = "yes or no" if asks == "from_eu" else "an age or a range such as 6-9"
            bad(f"{at}.choices[{i}].when", f"{asks} is answered with {expected}")
    return Step(
        id=sid,
        say=say,
        facts=tuple(facts),
        choices=tuple(choices) if choices is not None else None,
        links=tuple(links),
        next=tuple(nexts),
        asks=asks if isinstance(asks, str) else None,
    )


def _parse_choice(rc: Any, at: str, bad: Callable[[str, str], None]) -> ChoiceSpec | None:
    if not isinstance(rc, dict):
        bad(at, "must be a mapping with label and goto (or topic)")
        return None
    for key in rc:
        if key not in _CHOICE_KEYS:
            bad(f"{at}.{key}", f"unknown key (allowed: {', '.join(sorted(_CHOICE_KEYS))})")
    goto, topic, label = rc.get("goto"), rc.get("topic"), rc.get("label")
    if (goto is None) == (topic is None):
        bad(at, "needs exactly one of goto (a step) or topic (a flow id)")
        return None
    if goto is not None and not isinstance(goto, str):
        bad(f"{at}.goto", "must be a step id")
        return None
    if topic is not None and not isinstance(topic, str):
        bad(f"{at}.topic", "must be a flow id")
        return None
    if label is None and goto is not None:
        bad(f"{at}.label", "missing: the locale key of the button")
        return None
    if label is not None and not _is_key(label):
        bad(f"{at}.label", "must be a locale key")
        return None
    when: When | None = None
    if "when" in rc:
        when = _parse_when(rc["when"])
        if when is None:
            bad(f"{at}.when", f"must be yes, no, an age or an age range such as 6-9: {rc['when']!r}")
    return ChoiceSpec(label=label, goto=goto, topic=topic, when=when)


def _parse_when(raw: Any) -> When | None:
    """yes/no (YAML booleans), an age (8) or an age range ("6-9")."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int):
        return (raw, raw) if raw >= 0 else None
    if isinstance(raw, str):
        found = re.fullmatch(r"\s*(\d{1,3})\s*-\s*(\d{1,3})\s*", raw)
        if found and int(found.group(1)) <= int(found.group(2)):
            return int(found.group(1)), int(found.group(2))
    return None
