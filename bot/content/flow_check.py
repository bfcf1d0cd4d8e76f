"""Checks for flows/*.yaml and data/facts.yaml, used by `python -m bot check` and the tests.

Every problem names the file, the key path inside it (e.g. `steps.school_age.links[0].url`) and
what is wrong, so a content editor can fix it without reading Python. Locale keys are checked in
German, the source language; the locale checker compares the other languages with German.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable

from bot.content.flows import (
    KEY_CHECKED_ON,
    KEY_CHECKED_ON_UNVERIFIED,
    KEY_DATED,
    KEY_SOURCE_DATED,
    KEY_SOURCE_UNDATED,
    NEXT_ACTIONS,
    NEXT_LABELS,
    Flow,
    FlowLibrary,
    Step,
    display_path,
)
from bot.content.locales import SOURCE_LANGUAGE, Catalog, placeholders
from bot.content.problems import Problem
from bot.core.actions import Action, FlowGo, OpenTopic, pack

ENGINE_KEYS = (
    KEY_DATED,
    KEY_CHECKED_ON,
    KEY_CHECKED_ON_UNVERIFIED,
    KEY_SOURCE_DATED,
    KEY_SOURCE_UNDATED,
    *NEXT_LABELS.values(),
)

# Telegram HTML as we allow it in locale texts: <b>, <i>, <a href="...">, entities.
_TAG = re.compile(r"<[^<>]*>")
_OPEN = re.compile(r'^<(b|i)>$|^<a href="[^"<>]*">$')
_CLOSE = re.compile(r"^</(b|i|a)>$")
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);")


def validate_flows(library: FlowLibrary, catalog: Catalog) -> list[Problem]:
    problems: list[Problem] = list(library.problems)
    source = catalog.locales[SOURCE_LANGUAGE]
    strings = source.strings
    locale_file = display_path(source.path)

    for key in ENGINE_KEYS:
        if key not in strings:
            problems.append(Problem(locale_file, key, "missing (the flow engine uses this key)"))

    seen: set[str] = set()
    for i, topic in enumerate(library.menu):
        if topic not in library.flows:
            problems.append(Problem(library.menu_file, f"topics[{i}]", f"unknown flow {topic!r}"))
        if topic in seen:
            problems.append(Problem(library.menu_file, f"topics[{i}]", f"{topic!r} listed twice"))
        seen.add(topic)

    for fid, fact in library.facts.items():
        if fact.text is not None and fact.text not in strings:
            problems.append(
                Problem(library.facts_file, f"{fid}.text", f"locale key {fact.text!r} is missing in {locale_file}")
            )

    for flow in library.flows.values():
        problems += _check_flow(flow, library, strings, locale_file)
    return problems


def _check_flow(flow: Flow, library: FlowLibrary, strings: dict[str, str], locale_file: str) -> list[Problem]:
    out: list[Problem] = []

    def bad(key: str, problem: str) -> None:
        out.append(Problem(flow.file, key, problem))

    def need_key(at: str, key: str) -> str | None:
        if key not in strings:
            bad(at, f"locale key {key!r} is missing in {locale_file}")
            return None
        return strings[key]

    def packs(at: str, action: Action) -> None:
        try:
            pack(action)
        except ValueError as exc:
            bad(at, f"callback data does not fit: {exc}")

    need_key("title", flow.title)
    packs("id", OpenTopic(flow.id))
    if flow.start and flow.start not in flow.steps and flow.start not in flow.broken_steps:
        bad("start", f"unknown step {flow.start!r}")

    for sid, step in flow.steps.items():
        at = f"steps.{sid}"
        template = need_key(f"{at}.say", step.say) if step.say else None
        used: set[str] = set()
        if template is not None:
            used = _check_text(at + ".say", step.say, template, step, bad)
            html_problem = _html_problem(template)
            if html_problem:
                bad(f"{at}.say", f"locale text {step.say!r}: {html_problem}")

        for i, fid in enumerate(step.facts):
            fact = library.facts.get(fid)
            if fact is None and fid not in library.broken_facts:
                bad(f"{at}.facts[{i}]", f"unknown fact {fid!r} (not in {library.facts_file})")
            elif template is not None and fid not in used:
                bad(f"{at}.facts[{i}]", f"fact {fid!r} is listed but the text {step.say!r} does not use {{{fid}}}")

        if step.choices is not None and not step.choices:
            bad(f"{at}.choices", "dead end: a question step without choices")
        if step.is_answer and not step.next:
            bad(at, "dead end: an answer step needs next: (e.g. [book, handoff, show_office])")

        for i, choice in enumerate(step.choices or ()):
            cat = f"{at}.choices[{i}]"
            if choice.label is not None:
                label = need_key(f"{cat}.label", choice.label)
                if label is not None:
                    _check_label(f"{cat}.label", choice.label, label, bad)
            if choice.goto is not None:
                if choice.goto not in flow.steps and choice.goto not in flow.broken_steps:
                    bad(f"{cat}.goto", f"unknown step {choice.goto!r}")
                packs(f"{cat}.goto", FlowGo(flow.id, choice.goto))
            if choice.topic is not None:
                if choice.topic not in library.flows:
                    bad(f"{cat}.topic", f"unknown flow {choice.topic!r}")
                packs(f"{cat}.topic", OpenTopic(choice.topic))

        for problem in _overlapping_answers(step):
            bad(f"{at}.choices", problem)

        for i, link in enumerate(step.links):
            lat = f"{at}.links[{i}]"
            label = need_key(f"{lat}.label", link.label)
            if label is not None:
                _check_label(f"{lat}.label", link.label, label, bad)
            if link.url is not None:
                if not _https(link.url):
                    bad(f"{lat}.url", f"link must be https://...: {link.url!r}")
            elif link.fact is not None:
                fact = library.facts.get(link.fact)
                if fact is None:
                    if link.fact not in library.broken_facts:
                        bad(f"{lat}.fact", f"unknown fact {link.fact!r} (not in {library.facts_file})")
                elif fact.value is None or not _https(fact.value):
                    bad(f"{lat}.fact", f"fact {link.fact!r} does not hold an https:// URL")

        for i, word in enumerate(step.next):
            if word in NEXT_ACTIONS:
                packs(f"{at}.next[{i}]", NEXT_ACTIONS[word](flow.id))

    # A broken step's gotos are unknown: the steps it leads to are not reported as unreachable.
    for sid in _unreachable(flow) if not flow.broken_steps else ():
        bad(f"steps.{sid}", f"unreachable: no goto leads here from start {flow.start!r}")
    return out


def _check_text(at: str, key: str, template: str, step: Step, bad: Callable[[str, str], None]) -> set[str]:
    """Placeholders of a text must be facts listed in the step. Returns the names used."""
    try:
        names = placeholders(template)
    except ValueError as exc:
        bad(at, f"locale text {key!r}: bad placeholder syntax ({exc}); write {{{{ and }}}} for literal braces")
        return set()
    for name in sorted(names):
        if name not in step.facts:
            bad(at, f"locale text {key!r} uses {{{name}}} but the step lists no fact {name!r} (add it to facts:)")
    return names


def _check_label(at: str, key: str, template: str, bad: Callable[[str, str], None]) -> None:
    """Button labels are plain text: no placeholders, no HTML (Telegram shows tags literally)."""
    try:
        names = placeholders(template)
    except ValueError:
        names = {"?"}
    if names:
        bad(at, f"locale text {key!r}: button labels cannot use placeholders ({', '.join(sorted(names))})")
    if _TAG.search(template) or _ENTITY.search(template):
        bad(at, f"locale text {key!r}: button labels are plain text, no HTML tags or entities")


def _overlapping_answers(step: Step) -> list[str]:
    """Two choices that stand for the same answer: the known answer could only take the first."""
    problems: list[str] = []
    whens = [(i, c.when) for i, c in enumerate(step.choices or ()) if c.when is not None]
    for n, (i, first) in enumerate(whens):
        for j, second in whens[n + 1 :]:
            if isinstance(first, bool) or isinstance(second, bool):
                same = first is second
            else:
                same = first[0] <= second[1] and second[0] <= first[1]
            if same:
                problems.append(f"choices {i} and {j} answer the same {step.asks} (when:): one answer, one choice")
    return problems


def _https(url: str) -> bool:
    return url.startswith("https://") and len(url) > len("https://") and " " not in url


def _html_problem(text: str) -> str | None:
    """Only <b>, <i>, <a href="..."> and entities; tags balanced (Telegram rejects the message otherwise)."""
    stack: list[str] = []
    for tag in _TAG.findall(text):
        if _OPEN.match(tag):
            stack.append(tag[1])
        elif m := _CLOSE.match(tag):
            if not stack or stack[-1] != m.group(1):
                return f"closing tag {tag} does not match"
            stack.pop()
        else:
            return f'unsupported HTML tag {tag} (use <b>, <i>, <a href="...">; write &lt; for <)'
    if stack:
        return f"tag <{stack[-1]}> is not closed"
    rest = _ENTITY.sub("", _TAG.sub("", text))
    if "<" in rest or ">" in rest:
        return "unescaped < or > (write &lt; &gt;)"
    if "&" in rest:
        return "unescaped & (write &amp;)"
    return None


def _unreachable(flow: Flow) -> list[str]:
    if flow.start not in flow.steps:
        return []
    seen = {flow.start}
    queue = deque([flow.start])
    while queue:
        step = flow.steps[queue.popleft()]
        for choice in step.choices or ():
            goto = choice.goto
            if goto is not None and goto in flow.steps and goto not in seen:
                seen.add(goto)
                queue.append(goto)
    return [sid for sid in flow.steps if sid not in seen]
