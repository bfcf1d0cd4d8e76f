"""The family-money topic: who pays, how to apply, what depends on the residence status."""

from __future__ import annotations

import pytest

from bot.content.flows import FlowLibrary
from bot.content.locales import CURATED_LANGUAGES, Catalog, html_to_plain
from bot.core.actions import FlowGo, TalkToStaff
from bot.core.replies import Choice, Link


@pytest.fixture(scope="module")
def library() -> FlowLibrary:
    return FlowLibrary.load()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def plain(library: FlowLibrary, catalog: Catalog, step: str, lang: str) -> str:
    text = html_to_plain(catalog.render(library.reply_for("family", step, lang).text, lang))
    return text.replace("\u2068", "").replace("\u2069", "")  # right-to-left isolation marks


def test_family_is_a_menu_topic_and_an_intent(library: FlowLibrary) -> None:
    from bot.understanding.matcher import INTENTS

    assert "family" in library.topics() and "family" in INTENTS


def test_the_start_names_the_familienkasse_and_offers_each_question(library: FlowLibrary, catalog: Catalog) -> None:
    reply = library.start_reply("family", "de")
    assert "Familienkasse" in plain(library, catalog, "ask", "de")
    gotos = [
        c.action.step for row in reply.choices for c in row if isinstance(c, Choice) and isinstance(c.action, FlowGo)
    ]
    assert gotos == ["kindergeld", "kinderzuschlag", "residence", "eu"]
    assert any(isinstance(c, Choice) and isinstance(c.action, TalkToStaff) for row in reply.choices for c in row)


@pytest.mark.parametrize("lang", CURATED_LANGUAGES)
def test_the_amount_comes_with_its_dates(library: FlowLibrary, catalog: Catalog, lang: str) -> None:
    text = plain(library, catalog, "kindergeld", lang)
    assert "259" in text and "2026" in text  # the amount, and the date it was checked


def test_the_german_amount_line(library: FlowLibrary, catalog: Catalog) -> None:
    text = plain(library, catalog, "kindergeld", "de")
    # the Familienkasse page behind the link is undated: the line says so, with the oldest check date
    assert "259,00\xa0€" in text and "Quelle ohne Datum, geprüft am 01.01.2026." in text
    assert "Angaben können sich ändern" in text  # not verified by staff
    links = [b for row in library.reply_for("family", "kindergeld", "de").choices for b in row if isinstance(b, Link)]
    assert [link.url for link in links] == [library.facts["familienkasse_url"].value]


@pytest.mark.parametrize("lang", CURATED_LANGUAGES)
def test_the_residence_answer_promises_nothing(library: FlowLibrary, catalog: Catalog, lang: str) -> None:
    text = plain(library, catalog, "residence", lang)
    assert "§ 24 AufenthG" in text and "Aufenthaltsgestattung" in text


def test_german_residence_answer_says_check_your_case(library: FlowLibrary, catalog: Catalog) -> None:
    text = plain(library, catalog, "residence", "de")
    assert "keine Zusage" in text and "prüfen" in text


def test_energy_answers_tell_heating_from_household_electricity(library: FlowLibrary, catalog: Catalog) -> None:
    for step in ("annual_bill", "reminder", "cutoff"):
        text = html_to_plain(catalog.render(library.reply_for("energy", step, "de").text, "de"))
        assert "Heizung" in text and "Haushaltsstrom" in text, step
    cutoff = html_to_plain(catalog.render(library.reply_for("energy", "cutoff", "de").text, "de"))
    assert "Darlehen" in cutoff
