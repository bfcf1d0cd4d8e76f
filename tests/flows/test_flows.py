"""The real flows in flows/: valid, complete, walkable, and rendered with their facts."""

from __future__ import annotations

import re
from collections import deque

import pytest

from bot.content.flow_check import validate_flows
from bot.content.flows import FlowLibrary, UnknownStep
from bot.content.locales import Catalog, html_to_plain
from bot.core.actions import (
    FindMyOffice,
    FlowGo,
    OpenMenu,
    OpenTopic,
    ShowHours,
    StartBooking,
    TalkToStaff,
    pack,
    unpack,
)
from bot.core.replies import Choice, Link, Msg, Plain, Raw, Reply

# The intent ids of free-text understanding: each must have a flow.
INTENT_IDS = (
    "school",
    "kita",
    "energy",
    "letters",
    "german_course",
    "work",
    "housing",
    "ticket",
    "health",
    "authorities",
    "emergency",
    "office",
    "hours",
    "booking",
    "human",
    "language",
)
NEXT_TYPES = (StartBooking, TalkToStaff, FindMyOffice, OpenMenu, ShowHours)
LANGS = ("de", "en")


@pytest.fixture(scope="module")
def library() -> FlowLibrary:
    return FlowLibrary.load()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def all_steps(library: FlowLibrary):
    for flow in library.flows.values():
        for step_id in flow.steps:
            yield flow.id, step_id


def buttons(reply: Reply) -> list[Choice | Link]:
    return [b for row in reply.choices for b in row]


def used_keys(text) -> set[str]:
    """Every locale key a Text needs, including nested Msg arguments."""
    if not isinstance(text, Msg):
        return set()
    keys = {text.key}
    for value in text.args.values():
        keys |= used_keys(value)
    return keys


def test_real_flows_have_no_problems(library: FlowLibrary, catalog: Catalog) -> None:
    problems = validate_flows(library, catalog)
    assert problems == [], "\n".join(map(str, problems))


def test_every_intent_id_has_a_flow(library: FlowLibrary) -> None:
    missing = [i for i in INTENT_IDS if i not in library]
    assert missing == []
    for intent in INTENT_IDS:
        assert library.get(intent).id == intent
        assert isinstance(library.start_reply(intent, "de"), Reply)


def test_menu_lists_the_topics_in_order(library: FlowLibrary) -> None:
    topics = library.topics()
    assert topics[:2] == ("school", "kita")
    assert "emergency" in topics and "energy" in topics and "letters" in topics
    assert len(set(topics)) == len(topics)
    assert all(t in library for t in topics)
    button = library.topic_button("school")
    assert button.action == OpenTopic("school") and button.label == Msg("flow.school.title")


def test_walking_every_flow_reaches_only_valid_steps(library: FlowLibrary) -> None:
    for flow in library.flows.values():
        seen = {flow.start}
        queue = deque([flow.start])
        while queue:
            step_id = queue.popleft()
            reply = library.reply_for(flow.id, step_id, "de")
            step = flow.steps[step_id]
            for button in buttons(reply):
                if isinstance(button, Link):
                    assert button.url.startswith("https://")
                    continue
                data = pack(button.action)  # fits in 64 bytes
                assert unpack(data) == button.action
                if isinstance(button.action, FlowGo):
                    assert button.action.flow == flow.id
                    assert button.action.step in flow.steps
                    if button.action.step not in seen:
                        seen.add(button.action.step)
                        queue.append(button.action.step)
                elif isinstance(button.action, OpenTopic):
                    assert button.action.topic in library
            if step.is_answer:
                last = reply.choices[-1]
                assert all(isinstance(b, Choice) and isinstance(b.action, NEXT_TYPES) for b in last), (
                    f"{flow.id}.{step_id} does not end with next-step buttons"
                )
        assert seen == set(flow.steps), f"{flow.id}: unreachable {set(flow.steps) - seen}"


def test_answer_steps_offer_booking_staff_or_office(library: FlowLibrary) -> None:
    for flow_id, step_id in all_steps(library):
        step = library.flows[flow_id].steps[step_id]
        if step.is_answer and flow_id not in ("emergency", "language"):
            assert {"book", "handoff", "show_office"} & set(step.next), f"{flow_id}.{step_id}"


def test_next_buttons_carry_the_topic(library: FlowLibrary) -> None:
    actions = [b.action for b in buttons(library.reply_for("energy", "cutoff", "de")) if isinstance(b, Choice)]
    assert actions[:3] == [TalkToStaff(topic="energy"), StartBooking(topic="energy"), FindMyOffice()]


@pytest.mark.parametrize("lang", LANGS)
def test_every_step_renders_without_missing_keys_or_placeholders(
    library: FlowLibrary, catalog: Catalog, lang: str
) -> None:
    strings = catalog.locales[lang].strings
    for flow_id, step_id in all_steps(library):
        reply = library.reply_for(flow_id, step_id, lang)
        texts = [reply.text] + [b.label for b in buttons(reply)]
        for text in texts:
            missing = used_keys(text) - set(strings)
            assert not missing, f"{lang}: {flow_id}.{step_id} needs {missing}"
            rendered = catalog.render(text, lang)
            assert rendered.strip()
            assert not re.search(r"\{[a-z_0-9]+\}", rendered), f"{lang}: {flow_id}.{step_id}: {rendered}"


@pytest.mark.parametrize("lang", LANGS)
def test_facts_are_filled_in(library: FlowLibrary, catalog: Catalog, lang: str) -> None:
    school = catalog.render(library.reply_for("school", "primary", lang).text, lang)
    assert "0231 50-10747" in school
    assert ("Dienstag bis Donnerstag" if lang == "de" else "Tuesday to Thursday") in school

    office = catalog.render(library.reply_for("authorities", "foreigners_office", lang).text, lang)
    for value in ("Olpe 1, 44135 Dortmund", "0231 50-27132", "auslaenderangelegenheiten@dortmund.de"):
        assert value in office

    jobcenter = catalog.render(library.reply_for("authorities", "jobcenter", lang).text, lang)
    assert "Steinstraße 39" in jobcenter and "Schützenstraße" in jobcenter

    kita = catalog.render(library.reply_for("kita", "register", lang).text, lang)
    assert "Kita-Portal Dortmund" in kita and "6" in kita


def test_links_use_the_fact_urls(library: FlowLibrary) -> None:
    links = [b for b in buttons(library.reply_for("school", "primary", "de")) if isinstance(b, Link)]
    assert [link.url for link in links] == [library.facts["dlzb_url"].value]


def test_checked_on_line_shows_the_oldest_as_of(library: FlowLibrary, catalog: Catalog) -> None:
    # the DLZB facts come from an undated older city page: the answer says so, with the check date
    de = html_to_plain(catalog.render(library.reply_for("school", "bring", "de").text, "de"))
    assert "Quelle ohne Datum, geprüft am 22.11.2026." in de
    en = html_to_plain(catalog.render(library.reply_for("school", "bring", "en").text, "en"))
    assert "Undated source, checked on Nov 22, 2026." in en
    # the ticket price has a dated source: its date is shown, and the price is per language
    ticket_de = html_to_plain(catalog.render(library.reply_for("ticket", "deutschland_sozial", "de").text, "de"))
    assert "Quelle vom 01.12.2023, geprüft am 01.12.2023." in ticket_de and "39,00\xa0€" in ticket_de  # no-break space
    ticket_en = html_to_plain(catalog.render(library.reply_for("ticket", "deutschland_sozial", "en").text, "en"))
    assert "Source dated Dec 1, 2023" in ticket_en and "€39.00" in ticket_en


def test_dates_that_end_with_a_full_stop_get_no_second_one(library: FlowLibrary, catalog: Catalog) -> None:
    for lang in ("uk", "ru", "bg"):
        text = html_to_plain(catalog.render(library.reply_for("ticket", "deutschland_sozial", lang).text, lang))
        assert ".." not in text, (lang, text)
        assert text.rstrip().endswith(".") or text.rstrip().endswith(".</i>"), (lang, text)


def test_date_goes_in_as_an_argument(library: FlowLibrary) -> None:
    text = library.reply_for("school", "bring", "de").text
    assert isinstance(text, Msg) and text.key == "flow.dated"
    checked = text.args["checked"]
    assert checked.key in ("flow.checked_on", "flow.checked_on_unverified")
    assert checked.args["source"] == Msg("flow.source_undated", date=Plain("22.11.2026"))


def test_verified_facts_get_the_plain_checked_line(library: FlowLibrary) -> None:
    text = library.reply_for("emergency", "now", "de").text
    assert text.args["checked"].key == "flow.checked_on"  # 112/110/116117 are verified
    text = library.reply_for("school", "primary", "de").text
    assert text.args["checked"].key == "flow.checked_on_unverified"


def test_steps_without_facts_have_no_checked_line(library: FlowLibrary) -> None:
    text = library.reply_for("energy", "annual_bill", "de").text
    assert text == Msg("flow.energy.annual_bill")


@pytest.mark.parametrize("lang", LANGS)
def test_emergency_answers_at_once(library: FlowLibrary, catalog: Catalog, lang: str) -> None:
    """The numbers come first; then a button per kind of danger, staff and the menu."""
    reply = library.start_reply("emergency", lang)
    text = catalog.render(reply.text, lang)
    for number in ("112", "110", "116117"):
        assert f"<b>{number}</b>" in text
    assert text.index("112") < 200
    actions = [b.action for b in buttons(reply)]
    assert [a.step for a in actions if isinstance(a, FlowGo)] == [
        "domestic_violence",
        "homeless_tonight",
        "medical",
        "poisoning",
        "suicide",
        "fire",
        "weapon",
        "missing_child",
    ]
    assert actions[-2:] == [TalkToStaff(topic="emergency"), OpenMenu()]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "step",
    ["domestic_violence", "homeless_tonight", "medical", "poisoning", "suicide", "fire", "weapon", "missing_child"],
)
def test_each_danger_starts_with_its_number(library: FlowLibrary, catalog: Catalog, lang: str, step: str) -> None:
    text = html_to_plain(catalog.render(library.reply_for("emergency", step, lang).text, lang))
    first_fact = {
        "suicide": "0800 111 0 111",
        "poisoning": "112",
        "medical": "112",
        "fire": "112",
        "homeless_tonight": "Unionstraße",
    }.get(step, "110")
    assert first_fact in text[:220], (step, lang, text[:220])


def test_letters_offers_handoff_first(library: FlowLibrary) -> None:
    step = library.get("letters").steps["intro"]
    assert step.next[0] == "handoff"
    nexts = [b.action for b in buttons(library.start_reply("letters", "de")) if isinstance(b.action, NEXT_TYPES)]
    assert nexts[0] == TalkToStaff(topic="letters")


def test_school_kita_age_opens_the_kita_flow(library: FlowLibrary) -> None:
    actions = [b.action for b in buttons(library.start_reply("school", "de"))]
    assert actions[0] == OpenTopic("kita")
    assert FlowGo("school", "primary") in actions and FlowGo("school", "young_adult") in actions


def test_feature_flows_point_to_their_feature(library: FlowLibrary) -> None:
    def first(flow_id: str):
        return buttons(library.start_reply(flow_id, "de"))[0].action

    assert first("office") == FindMyOffice()
    assert first("booking") == StartBooking(topic="booking")
    assert first("human") == TalkToStaff(topic="human")
    assert first("hours") == ShowHours()
    assert [b.action for b in buttons(library.start_reply("language", "de"))] == [OpenMenu()]


def test_unknown_flow_or_step_raises_unknown_step(library: FlowLibrary) -> None:
    with pytest.raises(UnknownStep) as err:
        library.reply_for("school", "gone", "de")
    assert (err.value.flow_id, err.value.step_id) == ("school", "gone")
    with pytest.raises(UnknownStep):
        library.start_reply("nope", "de")
    with pytest.raises(UnknownStep):
        library.get("nope")
    assert issubclass(UnknownStep, LookupError)


def test_start_reply_is_the_start_step(library: FlowLibrary) -> None:
    for flow in library.flows.values():
        assert library.start_reply(flow.id, "en") == library.reply_for(flow.id, flow.start, "en")


def test_unknown_language_falls_back_for_dates(library: FlowLibrary) -> None:
    text = library.reply_for("school", "bring", "xx").text
    assert text.args["checked"].args["source"].args["date"] == Plain("22.11.2026")


def test_fact_values_are_escaped_when_rendered(tmp_path) -> None:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "_menu.yaml").write_text("topics: [demo]\n")
    (tmp_path / "flows" / "demo.yaml").write_text(
        "id: demo\ntitle: flow.demo.title\nstart: a\nsteps:\n  a:\n    say: flow.demo.a\n"
        "    facts: [org]\n    next: [menu]\n"
    )
    facts = tmp_path / "facts.yaml"
    facts.write_text('org: {value: "Kinder & Jugend <e.V.>", source: "test", as_of: 2026-01-02}\n')
    (tmp_path / "locales").mkdir()
    (tmp_path / "locales" / "de.yaml").write_text(
        'flow:\n  dated: "{text} | {checked}"\n  checked_on: "{source}"\n'
        '  checked_on_unverified: "{source}!"\n  source_undated: "Stand: {date}"\n'
        '  source_dated: "Quelle {source_date}, Stand: {date}"\n  demo:\n    a: "Bei <b>{org}</b>"\n'
    )
    lib = FlowLibrary.load(tmp_path / "flows", facts)
    out = Catalog.load(tmp_path / "locales").render(lib.reply_for("demo", "a", "de").text, "de")
    assert out == "Bei <b>Kinder &amp; Jugend &lt;e.V.&gt;</b> | Stand: 02.01.2026!"
    assert not isinstance(lib.reply_for("demo", "a", "de").text, Raw)
