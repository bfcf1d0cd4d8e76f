"""validate_flows on broken flows written into tmp_path: each problem names file, key, what."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from bot.content.flow_check import validate_flows
from bot.content.flows import NEXT_ACTIONS, FlowLibrary, NextWord
from bot.content.locales import Catalog
from bot.content.model_problems import key_path
from bot.content.problems import Problem

FLOW: dict[str, Any] = {
    "id": "demo",
    "title": "flow.demo.title",
    "start": "ask",
    "steps": {
        "ask": {
            "say": "flow.demo.ask",
            "choices": [
                {"label": "flow.demo.btn.answer", "goto": "answer"},
                {"label": "flow.demo.btn.other", "topic": "other"},
            ],
        },
        "answer": {
            "say": "flow.demo.answer",
            "facts": ["phone"],
            "links": [{"label": "flow.demo.link.site", "url": "https://example.org/"}],
            "next": ["book", "handoff", "show_office"],
        },
    },
}
OTHER: dict[str, Any] = {
    "id": "other",
    "title": "flow.other.title",
    "start": "only",
    "steps": {"only": {"say": "flow.other.only", "next": ["menu"]}},
}
FACTS: dict[str, Any] = {
    "phone": {"value": "0231 12345", "source": "test page", "as_of": "2026-11-22", "verified": False},
    "site": {"value": "https://example.org/site", "source": "test page", "as_of": "2026-11-22"},
}
LOCALE: dict[str, Any] = {
    "_meta": {"language": "de", "name": "Deutsch", "direction": "ltr", "status": "test"},
    "flow": {
        "dated": "{text}\n\n{checked}",
        "checked_on": "<i>{source}</i>",
        "checked_on_unverified": "<i>{source} (bitte prüfen)</i>",
        "source_dated": "Quelle vom {source_date}, geprüft am {date}.",
        "source_undated": "Quelle ohne Datum, geprüft am {date}.",
        "next": {"book": "Termin", "handoff": "Team", "show_office": "Büro", "hours": "Zeiten", "menu": "Menü"},
        "demo": {
            "title": "Demo",
            "ask": "Was brauchst du?",
            "btn": {"answer": "Antwort", "other": "Anderes"},
            "link": {"site": "Webseite"},
            "answer": "Ruf an: <b>{phone}</b>",
        },
        "other": {"title": "Anderes", "only": "Nur das."},
    },
}


def write(tmp_path: Path, flow=FLOW, other=OTHER, facts=FACTS, locale=LOCALE, menu=("demo", "other"), raw=None):
    flows = tmp_path / "flows"
    flows.mkdir(exist_ok=True)
    (flows / "_menu.yaml").write_text(yaml.safe_dump({"topics": list(menu)}))
    (flows / "demo.yaml").write_text(raw if raw is not None else yaml.safe_dump(flow, allow_unicode=True))
    (flows / "other.yaml").write_text(yaml.safe_dump(other, allow_unicode=True))
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (data / "facts.yaml").write_text(yaml.safe_dump(facts, allow_unicode=True))
    locales = tmp_path / "locales"
    locales.mkdir(exist_ok=True)
    (locales / "de.yaml").write_text(yaml.safe_dump(locale, allow_unicode=True))


def check(tmp_path: Path, **kwargs) -> list[Problem]:
    write(tmp_path, **kwargs)
    library = FlowLibrary.load(tmp_path / "flows", tmp_path / "data" / "facts.yaml")
    return validate_flows(library, Catalog.load(tmp_path / "locales"))


def changed(base: dict[str, Any], edit) -> dict[str, Any]:
    data = copy.deepcopy(base)
    edit(data)
    return data


def only(problems: list[Problem], file: str, key: str, *words: str) -> Problem:
    """Exactly one problem, at file/key, mentioning every word."""
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    assert (problem.file, problem.key) == (file, key), str(problem)
    for word in words:
        assert word in problem.problem, str(problem)
    return problem


def test_the_valid_base_has_no_problems(tmp_path: Path) -> None:
    assert check(tmp_path) == []


def test_unknown_step_in_goto(tmp_path: Path) -> None:
    flow = changed(
        FLOW, lambda f: f["steps"]["ask"]["choices"].append({"label": "flow.demo.btn.answer", "goto": "nowhere"})
    )
    only(check(tmp_path, flow=flow), "flows/demo.yaml", "steps.ask.choices[2].goto", "unknown step", "nowhere")


def test_unknown_flow_in_topic(tmp_path: Path) -> None:
    flow = changed(FLOW, lambda f: f["steps"]["ask"]["choices"][1].update(topic="missing"))
    only(check(tmp_path, flow=flow), "flows/demo.yaml", "steps.ask.choices[1].topic", "unknown flow", "missing")


def test_unknown_start_step(tmp_path: Path) -> None:
    flow = changed(FLOW, lambda f: f.update(start="begin"))
    problems = check(tmp_path, flow=flow)
    assert Problem("flows/demo.yaml", "start", "unknown step 'begin'") in problems


def test_unreachable_step(tmp_path: Path) -> None:
    flow = changed(
        FLOW, lambda f: f["steps"].update(orphan={"say": "flow.demo.answer", "facts": ["phone"], "next": ["menu"]})
    )
    only(check(tmp_path, flow=flow), "flows/demo.yaml", "steps.orphan", "unreachable", "'ask'")


def test_dead_end_answer_without_next(tmp_path: Path) -> None:
    flow = changed(FLOW, lambda f: f["steps"]["answer"].pop("next"))
    only(check(tmp_path, flow=flow), "flows/demo.yaml", "steps.answer", "dead end", "next")


def test_dead_end_question_without_choices(tmp_path: Path) -> None:
    def edit(f: dict[str, Any]) -> None:
        f["steps"]["ask"]["choices"] = []
        f["start"] = "answer"

    problems = check(tmp_path, flow=changed(FLOW, edit))
    assert Problem("flows/demo.yaml", "steps.ask.choices", "dead end: a question step without choices") in problems


def test_callback_data_over_64_bytes(tmp_path: Path) -> None:
    long_id = "a_step_with_a_name_much_too_long_for_telegram_callback_data_really"

    def edit(f: dict[str, Any]) -> None:
        f["steps"][long_id] = f["steps"].pop("answer")
        f["steps"]["ask"]["choices"][0]["goto"] = long_id

    problem = only(
        check(tmp_path, flow=changed(FLOW, edit)), "flows/demo.yaml", "steps.ask.choices[0].goto", "64 bytes"
    )
    assert "callback data" in problem.problem


def test_long_flow_id_breaks_every_button(tmp_path: Path) -> None:
    long = "t" * 70
    other = changed(OTHER, lambda f: f.update(id=long))
    problems = check(tmp_path, other=other)
    keys = {(p.file, p.key) for p in problems}
    assert ("flows/other.yaml", "id") in keys  # differs from the file name, and OpenTopic does not fit
    assert any(p.key == "id" and "64 bytes" in p.problem for p in problems)
    assert ("flows/other.yaml", "steps.only.next[0]") not in keys  # OpenMenu carries no flow id


def test_http_link(tmp_path: Path) -> None:
    flow = changed(FLOW, lambda f: f["steps"]["answer"]["links"][0].update(url="http://example.org/"))
    only(check(tmp_path, flow=flow), "flows/demo.yaml", "steps.answer.links[0].url", "https://", "http://example.org/")


def test_link_fact_must_hold_an_https_url(tmp_path: Path) -> None:
    flow = changed(
        FLOW, lambda f: f["steps"]["answer"]["links"].append({"label": "flow.demo.link.site", "fact": "phone"})
    )
    only(check(tmp_path, flow=flow), "flows/demo.yaml", "steps.answer.links[1].fact", "phone", "https")


def test_missing_locale_key(tmp_path: Path) -> None:
    locale = changed(LOCALE, lambda d: d["flow"]["demo"].pop("answer"))
    only(
        check(tmp_path, locale=locale), "flows/demo.yaml", "steps.answer.say", "flow.demo.answer", "missing", "de.yaml"
    )


def test_missing_label_and_title_keys(tmp_path: Path) -> None:
    locale = changed(LOCALE, lambda d: (d["flow"]["demo"]["btn"].pop("other"), d["flow"]["demo"].pop("title")))
    problems = check(tmp_path, locale=locale)
    keys = sorted(p.key for p in problems)
    assert keys == ["steps.ask.choices[1].label", "title"]


def test_missing_engine_key(tmp_path: Path) -> None:
    locale = changed(LOCALE, lambda d: d["flow"]["next"].pop("handoff"))
    only(check(tmp_path, locale=locale), "locales/de.yaml", "flow.next.handoff", "missing")


def test_unknown_fact(tmp_path: Path) -> None:
    flow = changed(FLOW, lambda f: f["steps"]["answer"]["facts"].append("fax"))
    only(check(tmp_path, flow=flow), "flows/demo.yaml", "steps.answer.facts[1]", "unknown fact", "fax")


def test_placeholder_without_fact_in_the_step(tmp_path: Path) -> None:
    locale = changed(LOCALE, lambda d: d["flow"]["demo"].update(answer="Ruf an: {phone} oder {fax}"))
    only(check(tmp_path, locale=locale), "flows/demo.yaml", "steps.answer.say", "{fax}", "facts")


def test_fact_listed_but_unused(tmp_path: Path) -> None:
    flow = changed(FLOW, lambda f: f["steps"]["answer"]["facts"].append("site"))
    only(check(tmp_path, flow=flow), "flows/demo.yaml", "steps.answer.facts[1]", "site", "does not use")


def test_fact_without_source_or_as_of(tmp_path: Path) -> None:
    facts = changed(FACTS, lambda d: (d["phone"].pop("source"), d["site"].pop("as_of")))
    problems = check(tmp_path, facts=facts)
    assert {(p.file, p.key) for p in problems} == {
        ("data/facts.yaml", "phone.source"),
        ("data/facts.yaml", "site.as_of"),
    }
    assert all("missing" in p.problem for p in problems)


def test_fact_with_a_bad_date_and_two_kinds(tmp_path: Path) -> None:
    # Two kinds is a problem of the whole entry, told once its keys are each fine.
    facts = changed(FACTS, lambda d: d["phone"].update(as_of="22.11.2026"))
    only(check(tmp_path, facts=facts), "data/facts.yaml", "phone.as_of", "not a date", "22.11.2026")
    facts = changed(FACTS, lambda d: d["phone"].update(price=3))
    only(check(tmp_path, facts=facts), "data/facts.yaml", "phone", "exactly one of value, text")


def test_unbalanced_or_unsupported_html(tmp_path: Path) -> None:
    locale = changed(LOCALE, lambda d: d["flow"]["demo"].update(answer="Ruf an: <b>{phone}"))
    only(check(tmp_path, locale=locale), "flows/demo.yaml", "steps.answer.say", "<b>", "not closed")
    locale = changed(LOCALE, lambda d: d["flow"]["demo"].update(answer="<u>{phone}</u> & mehr"))
    only(check(tmp_path, locale=locale), "flows/demo.yaml", "steps.answer.say", "unsupported", "<u>")
    locale = changed(LOCALE, lambda d: d["flow"]["demo"].update(answer="{phone} & mehr"))
    only(check(tmp_path, locale=locale), "flows/demo.yaml", "steps.answer.say", "&amp;")


def test_placeholder_in_a_button_label(tmp_path: Path) -> None:
    locale = changed(LOCALE, lambda d: d["flow"]["demo"]["btn"].update(answer="Ruf {phone} an"))
    only(check(tmp_path, locale=locale), "flows/demo.yaml", "steps.ask.choices[0].label", "placeholders")


@pytest.mark.parametrize(
    "edit, key, words",
    [
        (lambda f: f["steps"].update(ask=["not", "a", "mapping"]), "steps.ask", ("mapping",)),
        (lambda f: f["steps"]["answer"].update(text="oops"), "steps.answer.text", ("unknown key",)),
        (lambda f: f["steps"]["answer"].update(next=["book", "call_me"]), "steps.answer.next[1]", ("call_me",)),
        (lambda f: f["steps"]["ask"]["choices"][0].update(topic="other"), "steps.ask.choices[0]", ("exactly one",)),
        (lambda f: f["steps"]["answer"]["links"][0].pop("url"), "steps.answer.links[0]", ("url",)),
        (lambda f: f.pop("title"), "title", ("missing",)),
        (lambda f: f.update(id="demo2"), "id", ("file name",)),
    ],
)
def test_shape_errors(tmp_path: Path, edit, key: str, words: tuple[str, ...]) -> None:
    problems = check(tmp_path, flow=changed(FLOW, edit))
    mine = [p for p in problems if p.key == key and p.file == "flows/demo.yaml"]
    assert mine, "\n".join(map(str, problems))
    assert all(w in mine[0].problem for w in words), str(mine[0])


def test_yaml_syntax_error_is_reported_not_raised(tmp_path: Path) -> None:
    problems = check(tmp_path, raw="id: demo\nsteps: [unclosed\n")
    demo = [p for p in problems if p.file == "flows/demo.yaml"]
    assert len(demo) == 1 and demo[0].key == "-" and "YAML error" in demo[0].problem
    assert any(p.file == "flows/_menu.yaml" and "'demo'" in p.problem for p in problems)


def test_duplicate_step_is_reported(tmp_path: Path) -> None:
    text = yaml.safe_dump(FLOW) + ""
    text = text.replace("steps:\n", "steps:\n  answer:\n    say: flow.demo.answer\n    next: [menu]\n", 1)
    problems = check(tmp_path, raw=text)
    assert any(p.file == "flows/demo.yaml" and "duplicate key 'answer'" in p.problem for p in problems)


def test_unknown_topic_in_menu(tmp_path: Path) -> None:
    only(check(tmp_path, menu=("demo", "other", "ghost")), "flows/_menu.yaml", "topics[2]", "unknown flow", "ghost")


def test_problem_str_is_file_key_problem(tmp_path: Path) -> None:
    flow = changed(FLOW, lambda f: f["steps"]["answer"]["links"][0].update(url="http://x.org"))
    (problem,) = check(tmp_path, flow=flow)
    assert str(problem) == "flows/demo.yaml: steps.answer.links[0].url: link must be https://...: 'http://x.org'"


@pytest.mark.parametrize(
    "edit, key, problem",
    [
        (lambda f: f["steps"]["ask"]["choices"][0].update(goto=3), "steps.ask.choices[0].goto", "must be text"),
        (
            lambda f: f["steps"]["ask"]["choices"][1].update(colour="red"),
            "steps.ask.choices[1].colour",
            "unknown key (allowed: goto, label, topic, when)",
        ),
        (
            lambda f: f["steps"]["ask"]["choices"].append("answer"),
            "steps.ask.choices[2]",
            "must be a mapping with goto, label, topic, when",
        ),
        (lambda f: f["steps"]["answer"].pop("say"), "steps.answer.say", "missing: the locale key of the text"),
        (
            lambda f: f["steps"]["answer"].update(say="Ruf an"),
            "steps.answer.say",
            "must be a locale key such as flow.school.ask_age (no spaces): 'Ruf an'",
        ),
        (lambda f: f["steps"]["answer"].update(next=["book", "book"]), "steps.answer.next", "listed twice: book"),
        (lambda f: f["steps"]["answer"].update(facts="phone"), "steps.answer.facts", "must be a list"),
        (
            lambda f: f["steps"]["answer"]["links"][0].update(url=42),
            "steps.answer.links[0].url",
            "must be text",
        ),
        (lambda f: f.update(steps={}), "steps", "must not be empty: a mapping of step id -> step"),
        (lambda f: f.update(colour=1), "colour", "unknown key (allowed: id, start, steps, title)"),
    ],
)
def test_shape_problems_name_the_key_in_plain_words(tmp_path: Path, edit, key: str, problem: str) -> None:
    problems = check(tmp_path, flow=changed(FLOW, edit))
    assert Problem("flows/demo.yaml", key, problem) in problems, "\n".join(map(str, problems))


def test_a_flow_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    problems = check(tmp_path, raw="- ask\n- answer\n")
    assert Problem("flows/demo.yaml", "-", "must be a mapping with id, start, steps, title") in problems


def test_a_broken_step_is_reported_once_and_the_others_still_serve(tmp_path: Path) -> None:
    flow = changed(FLOW, lambda f: f["steps"]["answer"].update(text="oops"))
    write(tmp_path, flow=flow)
    library = FlowLibrary.load(tmp_path / "flows", tmp_path / "data" / "facts.yaml")
    problems = validate_flows(library, Catalog.load(tmp_path / "locales"))
    # not again as "unknown step 'answer'" at the goto that leads there
    only(problems, "flows/demo.yaml", "steps.answer.text", "unknown key")
    assert set(library.get("demo").steps) == {"ask"}


def test_a_broken_fact_is_reported_where_it_is_written_only(tmp_path: Path) -> None:
    facts = changed(FACTS, lambda d: d["phone"].update(verified="yes"))
    only(check(tmp_path, facts=facts), "data/facts.yaml", "phone.verified", "must be true or false")


def test_next_words_are_the_next_actions() -> None:
    assert set(get_args(NextWord)) == set(NEXT_ACTIONS)


@pytest.mark.parametrize(
    "loc, key",
    [
        (("steps", "ask_age", "choices", 2, "goto"), "steps.ask_age.choices[2].goto"),
        ((), "-"),
        (("topics", 0), "topics[0]"),
    ],
)
def test_key_path(loc: tuple[int | str, ...], key: str) -> None:
    assert key_path(loc) == key
