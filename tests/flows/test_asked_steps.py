"""Flow questions that say what they ask (`asks:`, choices' `when:`): skipped when the answer is
known, typed answers read against their choices (bot.content.flows, bot.content.typed_answers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.flows import ChoiceSpec, FlowLibrary
from bot.content.locales import Catalog, html_to_plain
from bot.content.typed_answers import typed_choice
from bot.core.replies import Msg


@pytest.fixture(scope="module")
def library() -> FlowLibrary:
    return FlowLibrary.load()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


@pytest.mark.parametrize(
    ("age", "where"),
    [
        (None, ("school", "ask_age")),
        (3, ("kita", "ask")),
        (8, ("school", "primary")),
        (12, ("school", "secondary")),
        (19, ("school", "young_adult")),
        (40, ("school", "ask_age")),
    ],
)
def test_the_school_age_question_is_skipped_when_the_age_is_known(
    library: FlowLibrary, age: int | None, where: tuple[str, str]
) -> None:
    known = {} if age is None else {"child_age": age}
    assert library.resolve("school", "ask_age", known) == where


def test_known_eu_citizens_go_straight_to_the_eu_path(library: FlowLibrary) -> None:
    assert library.resolve("work", "ask", {"from_eu": True}) == ("work", "eu")
    assert library.resolve("german_course", "ask_eu", {"from_eu": True}) == ("german_course", "eu")
    assert library.resolve("german_course", "ask_eu", {"from_eu": False}) == ("german_course", "integration")
    assert library.resolve("authorities", "ask", {"from_eu": True}) == ("authorities", "eu")


def test_a_known_no_hides_the_eu_button_but_asks_the_rest(library: FlowLibrary) -> None:
    assert library.resolve("work", "ask", {"from_eu": False}) == ("work", "ask")
    step = library.step("work", "ask")
    shown = library.choices_shown(step, {"from_eu": False})
    assert [c.goto for c in shown if c.goto] == ["integration_point", "jobcenter"]
    assert len(library.choices_shown(step, {})) == len(step.choices or ())
    reply = library.reply_for("work", "ask", "de", known={"from_eu": False})
    assert len(reply.choices) == len(shown)


def test_answering_the_eu_question_says_so_for_the_conversation(library: FlowLibrary) -> None:
    assert library.implied_by("german_course", "eu") == {"from_eu": True}
    assert library.implied_by("german_course", "integration") == {"from_eu": False}
    assert library.implied_by("work", "eu") == {"from_eu": True}
    assert library.implied_by("school", "primary") == {}  # a range says no single age


def write_flow(tmp_path: Path, steps: str) -> FlowLibrary:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "t.yaml").write_text(
        f"id: t\ntitle: flow.t.title\nstart: a\nsteps:\n{steps}", encoding="utf-8"
    )
    (tmp_path / "flows" / "_menu.yaml").write_text("topics: [t]\n", encoding="utf-8")
    (tmp_path / "facts.yaml").write_text("{}\n", encoding="utf-8")
    return FlowLibrary.load(tmp_path / "flows", tmp_path / "facts.yaml")


def test_a_loop_of_known_answers_stops_at_a_question(tmp_path: Path) -> None:
    library = write_flow(
        tmp_path,
        """
  a:
    say: flow.t.a
    asks: from_eu
    choices:
      - {label: flow.t.yes, goto: b, when: yes}
  b:
    say: flow.t.b
    asks: from_eu
    choices:
      - {label: flow.t.yes, goto: a, when: yes}
""",
    )
    assert library.problems == []
    assert library.resolve("t", "a", {"from_eu": True}) in {("t", "a"), ("t", "b")}


@pytest.mark.parametrize(
    ("steps", "problem"),
    [
        (
            "  a:\n    say: flow.t.a\n    asks: shoe_size\n    choices: [{label: flow.t.x, goto: a}]\n",
            "unknown fact 'shoe_size'",
        ),
        ("  a:\n    say: flow.t.a\n    choices: [{label: flow.t.x, goto: a, when: yes}]\n", "when: needs the step"),
        (
            "  a:\n    say: flow.t.a\n    asks: child_age\n    choices: [{label: flow.t.x, goto: a, when: yes}]\n",
            "child_age is answered with an age",
        ),
        (
            "  a:\n    say: flow.t.a\n    asks: from_eu\n    choices: [{label: flow.t.x, goto: a, when: 6-9}]\n",
            "from_eu is answered with yes or no",
        ),
        (
            "  a:\n    say: flow.t.a\n    asks: child_age\n    choices: [{label: flow.t.x, goto: a, when: 9-6}]\n",
            "must be yes, no, an age",
        ),
        ("  a:\n    say: flow.t.a\n    asks: child_age\n    next: [menu]\n", "only a question step"),
    ],
)
def test_mistakes_in_asks_and_when_are_reported(tmp_path: Path, steps: str, problem: str) -> None:
    library = write_flow(tmp_path, steps)
    assert any(problem in p.problem for p in library.problems), library.problems


def labels_of(library: FlowLibrary, catalog: Catalog, flow: str, step: str, lang: str) -> dict[int, list[str]]:
    choices = library.step(flow, step).choices or ()

    def key(choice: ChoiceSpec) -> str:
        return choice.label or library.get(choice.topic or "").title

    return {
        i: [html_to_plain(catalog.render(Msg(key(c)), language)) for language in dict.fromkeys((lang, "de"))]
        for i, c in enumerate(choices)
    }


@pytest.mark.parametrize(
    ("flow", "step", "lang", "typed", "goto_or_topic"),
    [
        ("school", "ask_age", "de", "8", "primary"),
        ("school", "ask_age", "de", "sie ist 14 jahre alt", "secondary"),
        ("school", "ask_age", "ar", "٨", "primary"),
        ("school", "ask_age", "de", "3", "kita"),
        ("school", "ask_age", "de", "6 bis 9 jahre", "primary"),
        ("german_course", "ask", "de", "integrationskurs", "ask_eu"),
        ("german_course", "ask", "de", "Integrations kurs", "ask_eu"),
        ("german_course", "ask", "de", "sprachcafe", "nearby"),
        ("german_course", "ask", "de", "1", "ask_eu"),  # the button's number
        ("german_course", "ask", "en", "integration course", "ask_eu"),
        ("german_course", "ask_eu", "de", "ja", "eu"),
        ("german_course", "ask_eu", "ro", "da, sunt din romania", "eu"),
        ("german_course", "ask_eu", "ar", "لا", "integration"),
        ("german_course", "ask_eu", "de", "ich bin aus syrien", "integration"),
        ("letters", "intro", "de", "die frist ist heute oder morgen", "urgent"),
        ("work", "ask", "uk", "я з країни ЄС", "eu"),
    ],
)
def test_typed_answers_find_their_choice(
    library: FlowLibrary, catalog: Catalog, flow: str, step: str, lang: str, typed: str, goto_or_topic: str
) -> None:
    choice = typed_choice(library.step(flow, step), typed, labels_of(library, catalog, flow, step, lang))
    assert choice is not None
    assert goto_or_topic in (choice.goto, choice.topic)


@pytest.mark.parametrize(
    ("flow", "step", "typed"),
    [
        ("school", "ask_age", "banana"),
        ("school", "ask_age", "keine ahnung"),
        ("school", "ask_age", "40"),
        ("german_course", "ask", "9"),
        ("german_course", "ask", "wetter in dortmund"),
        ("german_course", "ask_eu", "vielleicht"),
        ("german_course", "ask", "deutsch"),  # in several labels: ask again
    ],
)
def test_typed_text_that_fits_no_choice(
    library: FlowLibrary, catalog: Catalog, flow: str, step: str, typed: str
) -> None:
    assert typed_choice(library.step(flow, step), typed, labels_of(library, catalog, flow, step, "de")) is None


def test_two_choices_for_the_same_answer_are_reported(tmp_path: Path) -> None:
    from bot.content.flow_check import _overlapping_answers

    library = write_flow(
        tmp_path,
        """
  a:
    say: flow.t.a
    asks: child_age
    choices:
      - {label: flow.t.x, goto: a, when: 6-10}
      - {label: flow.t.y, goto: a, when: 10-15}
""",
    )
    problems = _overlapping_answers(library.step("t", "a"))
    assert problems and "choices 0 and 1" in problems[0]
