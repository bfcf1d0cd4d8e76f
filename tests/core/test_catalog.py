from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.locales import Catalog
from bot.core.replies import Lines, Msg, Plain, Raw
from bot.text.bidi import FSI, PDI


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    (tmp_path / "de.yaml").write_text(
        "_meta: {language: de, name: Deutsch, direction: ltr, status: source}\n"
        'greet: "Hallo <b>{name}</b>!"\nonly_de: "Nur deutsch"\n'
        'office: "Büro: {address}"\n',
        encoding="utf-8",
    )
    (tmp_path / "ar.yaml").write_text(
        "_meta: {language: ar, name: العربية, direction: rtl, status: draft}\n"
        'greet: "مرحبا <b>{name}</b>!"\noffice: "المكتب: {address}"\n',
        encoding="utf-8",
    )
    return Catalog.load(tmp_path)


def test_arguments_are_escaped_but_locale_markup_stays(catalog: Catalog) -> None:
    html = catalog.render(Msg("greet", name="<script>&"), "de")
    assert html == "Hallo <b>&lt;script&gt;&amp;</b>!"


def test_a_missing_key_falls_back_to_german(catalog: Catalog) -> None:
    assert catalog.render(Msg("only_de"), "de") == "Nur deutsch"
    # In a right-to-left chat the German fallback is isolated as one left-to-right run.
    assert catalog.render(Msg("only_de"), "ar") == f"{FSI}Nur deutsch{PDI}"


def test_nested_texts_render_in_the_same_language(catalog: Catalog) -> None:
    text = Lines(Msg("greet", name=Plain("Olena")), Raw("<i>x</i>"), Plain("a < b"))
    assert catalog.render(text, "de") == "Hallo <b>Olena</b>!\n<i>x</i>\na &lt; b"


def test_right_to_left_messages_isolate_addresses(catalog: Catalog) -> None:
    html = catalog.render(Msg("office", address="Westerfilder Straße 54, 44357 Dortmund"), "ar")
    assert html == f"المكتب: {FSI}Westerfilder Straße 54, 44357 Dortmund{PDI}"
