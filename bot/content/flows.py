"""Topic flows: the bot's knowledge as data, one YAML file per topic in flows/.

A flow file reads like the conversation (see flows/README.md): a start step, then steps that
either ask (`choices`) or answer (`next`: book, handoff, show_office, ...). Texts are locale keys;
language-neutral values (phones, addresses, URLs, prices) are facts in data/facts.yaml, referenced
by id and inserted as placeholder arguments. Every answer that uses facts ends with a line saying
how old its sources are and when they were checked: the oldest `source_date` and the oldest
`as_of` among them ("Quelle vom 29.12.2025, geprüft am 22.11.2026."), or "Quelle ohne Datum, geprüft
am ..." when one of them has no dated source.

Pure: no database, no Telegram. The files are read with bot.content.yaml_files and checked by
pydantic models (unknown keys are mistakes); their errors become `file: key: problem` in
`FlowLibrary.problems` (reported by `bot.content.flow_check`). Each step and each fact is checked
on its own and a broken one is skipped, so one bad edit never takes the bot down.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StrictBool,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.content.model_problems import problems_from
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
NextWord = Literal["book", "handoff", "show_office", "hours", "menu"]  # the keys of NEXT_ACTIONS

# What a question step may declare it `asks:` (kept facts, bot.core.kept_facts), and what its
# choices' `when:` then holds: an age or an age range ("6-9") for child_age, yes/no for from_eu.
Askable = Literal["child_age", "from_eu"]
ASKABLE: tuple[str, ...] = get_args(Askable)
When = tuple[int, int] | bool


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


def _locale_key(value: str) -> str:
    if not value.strip() or " " in value:
        raise ValueError(f"must be a locale key such as flow.school.ask_age (no spaces): {value!r}")
    return value


def _when(raw: object) -> object:
    """yes/no (YAML booleans), an age (8) or an age range ("6-9") as True/False or (low, high)."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw >= 0:
        return (raw, raw)
    if isinstance(raw, str):
        found = re.fullmatch(r"\s*(\d{1,3})\s*-\s*(\d{1,3})\s*", raw)
        if found and int(found.group(1)) <= int(found.group(2)):
            return int(found.group(1)), int(found.group(2))
    raise ValueError(f"must be yes, no, an age or an age range such as 6-9: {raw!r}")


LocaleKey = Annotated[str, AfterValidator(_locale_key)]
Id = Annotated[str, StringConstraints(pattern=_ID.pattern)]


class _FileModel(BaseModel):
    """A mapping read from one of our YAML files: unknown keys are mistakes, the result is fixed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ChoiceSpec(_FileModel):
    """A button in a question step: `goto` a step of this flow or open another `topic`."""

    label: LocaleKey | None = None  # a topic choice may leave it out: the flow's title
    goto: str | None = None
    topic: str | None = None
    # for which value of the step's `asks` fact this choice holds
    when: Annotated[When, BeforeValidator(_when)] | None = None

    @model_validator(mode="after")
    def _one_target(self) -> ChoiceSpec:
        if (self.goto is None) == (self.topic is None):
            raise ValueError("needs exactly one of goto (a step) or topic (a flow id)")
        if self.goto is not None and self.label is None:
            raise ValueError("a goto choice needs label: the locale key of the button")
        return self

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


class LinkSpec(_FileModel):
    """A button that opens a web page: a literal https `url` or the value of a URL `fact`."""

    label: LocaleKey
    url: str | None = None
    fact: str | None = None

    @model_validator(mode="after")
    def _one_target(self) -> LinkSpec:
        if (self.url is None) == (self.fact is None):
            raise ValueError("needs exactly one of url (https://...) or fact (a fact id holding the URL)")
        return self


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
    # Steps in the file that did not load (their problems are reported where they are written,
    # not again at every goto that leads there).
    broken_steps: frozenset[str] = frozenset()


@dataclass
class FlowLibrary:
    flows: dict[str, Flow]
    facts: dict[str, Fact]
    menu: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)  # found while loading
    menu_file: str = f"flows/{MENU_FILE}"
    facts_file: str = "data/facts.yaml"
    broken_facts: frozenset[str] = frozenset()  # in the facts file but not loaded (see problems)

    # -- loading --

    @classmethod
    def load(cls, directory: Path = FLOWS_DIR, facts_path: Path = FACTS_PATH) -> FlowLibrary:
        problems: list[Problem] = []
        facts_file = display_path(facts_path)
        facts, broken_facts = _load_facts(facts_path, facts_file, problems)
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
        return cls(flows, facts, menu, problems, display_path(menu_path), facts_file, frozenset(broken_facts))

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


class StepFile(_FileModel):
    """One step as written in a flow file (flows/README.md)."""

    say: LocaleKey
    facts: tuple[str, ...] = ()
    choices: Annotated[tuple[ChoiceSpec, ...], BeforeValidator(_none_is_empty)] | None = None  # None: an answer
    links: Annotated[tuple[LinkSpec, ...], BeforeValidator(_none_is_empty)] = ()
    next: Annotated[tuple[NextWord, ...], BeforeValidator(_one_or_more)] = ()
    asks: Askable | None = None

    @field_validator("next")
    @classmethod
    def _each_once(cls, words: tuple[str, ...]) -> tuple[str, ...]:
        twice = sorted({word for word in words if words.count(word) > 1})
        if twice:
            raise ValueError(f"listed twice: {', '.join(twice)}")
        return words

    @model_validator(mode="after")
    def _asks_a_question(self) -> StepFile:
        if self.asks is not None and self.choices is None:
            raise ValueError("asks: only a question step (with choices) can ask")
        return self

    def step(self, step_id: str) -> Step:
        return Step(
            id=step_id,
            say=self.say,
            facts=self.facts,
            choices=self.choices,
            links=self.links,
            next=self.next,
            asks=self.asks,
        )


class FlowFile(_FileModel):
    """A flow file's frame; its steps are read one by one (StepFile), so one broken step leaves
    the others serving."""

    id: Id
    title: LocaleKey
    start: Annotated[str, StringConstraints(min_length=1)]
    steps: Annotated[dict[str, object], Field(min_length=1)]


class FactFile(_FileModel):
    """One entry of data/facts.yaml."""

    value: Annotated[str, BeforeValidator(_number_as_text), StringConstraints(min_length=1)] | None = None
    text: Annotated[LocaleKey, AfterValidator(_fact_text)] | None = None
    price: Decimal | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "EUR"
    source: Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
    source_date: Annotated[dt.date | str, PlainValidator(_source_date)] | None = None
    as_of: Annotated[dt.date, PlainValidator(_date)]
    verified: StrictBool = False
    note: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> FactFile:
        if sum(kind is not None for kind in (self.value, self.text, self.price)) != 1:
            raise ValueError("needs exactly one of value, text (a locale key under fact.) or price")
        return self

    def fact(self, fact_id: str) -> Fact:
        undated = self.source_date == UNDATED
        return Fact(
            id=fact_id,
            source=self.source,
            as_of=self.as_of,
            verified=self.verified,
            source_undated=undated,
            source_date=self.source_date if isinstance(self.source_date, dt.date) else None,
            value=self.value,
            text=self.text,
            price=self.price,
            currency=self.currency,
        )


class MenuFile(_FileModel):
    topics: tuple[str, ...]


# What a missing key holds, and what an unknown word in a field is, as problems say it.
_HINTS = {
    "say": "the locale key of the text",
    "title": "the locale key of the menu button, e.g. flow.school.title",
    "start": "the id of the first step",
    "steps": "a mapping of step id -> step",
    "id": "the flow id, the same as the file name",
    "label": "the locale key of the button",
    "source": "say where the value comes from",
    "as_of": "the date the value was last checked (YYYY-MM-DD)",
    "topics": "the list of main-menu flow ids",
}
_NOUNS = {"asks": "fact", "next": "next step"}


def _problems(error: ValidationError, file: str, model: type[BaseModel], at: tuple[str, ...] = ()) -> list[Problem]:
    return problems_from(error, file, model, at, _HINTS, _NOUNS)


def _load_menu(path: Path, problems: list[Problem]) -> tuple[str, ...]:
    file = display_path(path)
    if not path.exists():
        problems.append(Problem(file, "-", "menu file is missing (list the main-menu topics under `topics:`)"))
        return ()
    ok, data = _read_yaml(path, file, problems)
    if not ok:
        return ()
    try:
        return MenuFile.model_validate(data).topics
    except ValidationError as error:
        problems += _problems(error, file, MenuFile)
        return ()


def _load_facts(path: Path, file: str, problems: list[Problem]) -> tuple[dict[str, Fact], set[str]]:
    """The facts that load, and the ids of those that do not (their problems are in `problems`)."""
    if not path.exists():
        problems.append(Problem(file, "-", "facts file is missing"))
        return {}, set()
    ok, data = _read_yaml(path, file, problems)
    if not ok or data is None:
        return {}, set()
    if not isinstance(data, dict):
        problems.append(Problem(file, "-", "must be a mapping of fact id -> {value, source, as_of}"))
        return {}, set()
    facts: dict[str, Fact] = {}
    broken: set[str] = set()
    for key, entry in data.items():
        fid = str(key)
        if not _ID.match(fid):
            problems.append(Problem(file, fid, "fact id must be lower_snake_case (a-z, 0-9, _)"))
        try:
            facts[fid] = FactFile.model_validate(entry).fact(fid)
        except ValidationError as error:
            problems += _problems(error, file, FactFile, (fid,))
            broken.add(fid)
    return facts, broken


def _load_flow(path: Path, problems: list[Problem]) -> Flow | None:
    """The flow in `path` with the steps that load; None when its frame (id, title, start,
    steps) does not."""
    file = display_path(path)
    ok, data = _read_yaml(path, file, problems)
    if not ok:
        return None
    try:
        frame: FlowFile | None = FlowFile.model_validate(data)
    except ValidationError as error:
        problems += _problems(error, file, FlowFile)
        frame = None
    raw_steps = data.get("steps") if isinstance(data, dict) else None
    steps: dict[str, Step] = {}
    broken: set[str] = set()
    for key, raw in (raw_steps if isinstance(raw_steps, dict) else {}).items():
        sid, at = str(key), f"steps.{key}"
        if not _ID.match(sid):
            problems.append(Problem(file, at, "step id must be lower_snake_case (a-z, 0-9, _)"))
        try:
            step = StepFile.model_validate(raw).step(sid)
        except ValidationError as error:
            problems += _problems(error, file, StepFile, ("steps", sid))
            broken.add(sid)
            continue
        problems += [Problem(file, f"{at}.{where}", problem) for where, problem in _when_problems(step)]
        steps[sid] = step
    if frame is None:
        return None
    if frame.id != path.stem:
        problems.append(Problem(file, "id", f"{frame.id!r} differs from the file name {path.stem!r}"))
    return Flow(
        id=frame.id, title=frame.title, start=frame.start, steps=steps, file=file, broken_steps=frozenset(broken)
    )


def _when_problems(step: Step) -> list[tuple[str, str]]:
    """Choices whose `when:` does not fit what the step `asks:` (key under the step, problem)."""
    found: list[tuple[str, str]] = []
    for i, choice in enumerate(step.choices or ()):
        key = f"choices[{i}].when"
        if choice.when is None:
            continue
        if step.asks is None:
            found.append((key, "when: needs the step to say what it asks (asks: child_age or from_eu)"))
        elif (step.asks == "from_eu") != isinstance(choice.when, bool):
            expected = "yes or no" if step.asks == "from_eu" else "an age or a range such as 6-9"
            found.append((key, f"{step.asks} is answered with {expected}"))
    return found


def _none_is_empty(value: object) -> object:
    return () if value is None else value


def _one_or_more(value: object) -> object:
    """`next: book` means `next: [book]`; `next:` with nothing means none."""
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else value


def _number_as_text(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _fact_text(value: str) -> str:
    if not value.startswith("fact."):
        raise ValueError(f"must be a locale key under fact., e.g. fact.office_hours: {value!r}")
    return value


def _date(value: object) -> dt.date:
    """A YAML date, a datetime or a YYYY-MM-DD string as a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"not a date (YYYY-MM-DD): {value!r}")


def _source_date(value: object) -> dt.date | str:
    if value == UNDATED:
        return UNDATED
    try:
        return _date(value)
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD) or {UNDATED!r}: {value!r}") from None
