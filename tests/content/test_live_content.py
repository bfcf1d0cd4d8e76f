"""Edits of flows/ and locales/ under a running bot: a good one is picked up, a broken one keeps
the last good version serving and is reported once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.content import problems as content_problems
from bot.content.flows import FACTS_PATH, FLOWS_DIR, FlowLibrary
from bot.content.live import LiveContent
from bot.content.locales import LOCALES_DIR, Catalog
from bot.core.replies import Msg
from tests.places.test_live_edits import edit


class Holder:
    """What LiveContent reads and updates of Services."""

    def __init__(self, locales: Path, flows: Path, facts: Path) -> None:
        self.catalog = Catalog.load(locales)
        self.flows = FlowLibrary.load(flows, facts)


@pytest.fixture
def content(tmp_path: Path) -> tuple[Path, Path, Path]:
    locales, flows = tmp_path / "locales", tmp_path / "flows"
    shutil.copytree(LOCALES_DIR, locales)
    shutil.copytree(FLOWS_DIR, flows)
    facts = tmp_path / "facts.yaml"
    shutil.copy(FACTS_PATH, facts)
    return locales, flows, facts


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[Any]]]:
    heard: list[tuple[str, list[Any]]] = []
    monkeypatch.setattr(content_problems, "broken_edit_listeners", [lambda file, found: heard.append((file, found))])
    return heard


def live(content: tuple[Path, Path, Path]) -> tuple[LiveContent, Holder]:
    locales, flows, facts = content
    services = Holder(locales, flows, facts)
    watcher = LiveContent(services, locales_dir=locales, flows_dir=flows, facts_path=facts)
    watcher._in_use = watcher.version()  # as watch() does at start
    return watcher, services


async def test_a_good_edit_of_a_text_is_picked_up_in_place(content, told) -> None:
    watcher, services = live(content)
    catalog = services.catalog  # renderers keep this very object
    de = content[0] / "de.yaml"
    old = catalog.render(Msg("errors.empty_text"), "de")
    edit(de, de.read_text(encoding="utf-8").replace(old, "Bitte schreiben Sie etwas.", 1))
    assert await watcher.refresh()
    assert catalog.render(Msg("errors.empty_text"), "de") == "Bitte schreiben Sie etwas."
    assert told == []
    assert not await watcher.refresh()  # nothing new


async def test_a_broken_locale_keeps_the_last_good_texts_and_is_reported_once(content, told) -> None:
    watcher, services = live(content)
    before = services.catalog.render(Msg("errors.empty_text"), "de")
    de = content[0] / "de.yaml"
    edit(de, de.read_text(encoding="utf-8") + "\n  broken: [\n")
    assert not await watcher.refresh()
    assert not await watcher.refresh()
    assert services.catalog.render(Msg("errors.empty_text"), "de") == before
    assert len(told) == 1 and "cannot load" in str(told[0][1][0])


async def test_a_flow_pointing_at_a_missing_step_is_refused(content, told) -> None:
    watcher, services = live(content)
    flows_before = dict(services.flows.flows)
    energy = content[1] / "energy.yaml"
    text = energy.read_text(encoding="utf-8")
    edit(energy, text.replace("start: ", "start: no_such_step_", 1))
    assert not await watcher.refresh()
    assert services.flows.flows == flows_before
    assert len(told) == 1 and "energy.yaml" in told[0][0] + str(told[0][1])
    edit(energy, text)  # put right again: picked up
    os.utime(energy)
    assert await watcher.refresh()


async def test_a_flow_step_with_an_unknown_key_keeps_the_last_good_flows(content, told) -> None:
    watcher, services = live(content)
    energy_before = services.flows.get("energy")
    energy = content[1] / "energy.yaml"
    text = energy.read_text(encoding="utf-8")
    edit(energy, text.replace("    say: ", "    sayy: ", 1))  # a typo in the first step's key
    assert not await watcher.refresh()
    assert services.flows.get("energy") is energy_before
    found = told[0][1]
    assert len(told) == 1 and any(p.file.endswith("energy.yaml") and "unknown key" in p.problem for p in found)
