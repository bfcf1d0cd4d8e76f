"""Edits of flows/, locales/ and data/facts.yaml reach the running bot within seconds; an edit that
does not load cleanly keeps the last good version serving.

Every `interval` seconds the files' sizes and modification times are compared with the version in
use. On a change, the texts and flows are loaded again (in a thread: ~0.2 s of parsing) and
checked as `python -m bot check` checks them (YAML, every flow step and key). Only a clean load
takes the place of what `services.catalog` and `services.flows` hold: their contents are replaced
in place, because renderers and routers keep references to those two objects. A broken one is
reported once per version (bot.content.problems.report_broken_edit: the log and the staff
chat). The data files of offices, districts and the calendar are re-read on use instead
(bot.places.datafile).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from bot.content.flow_check import validate_flows
from bot.content.flows import FACTS_PATH, FLOWS_DIR, FlowLibrary
from bot.content.locales import LOCALES_DIR, Catalog
from bot.content.problems import Problem, report_broken_edit
from bot.core.services import Services

log = logging.getLogger(__name__)

Version = tuple[tuple[str, int, int], ...]


@dataclass
class LiveContent:
    services: Services
    locales_dir: Path = LOCALES_DIR
    flows_dir: Path = FLOWS_DIR
    facts_path: Path = FACTS_PATH
    interval: float = 5.0
    _in_use: Version | None = field(default=None, init=False)
    _reported: Version | None = field(default=None, init=False)

    def version(self) -> Version:
        """What identifies the files on disk: name, size and modification time of each."""
        paths = [*sorted(self.locales_dir.glob("*.yaml")), *sorted(self.flows_dir.glob("*.yaml")), self.facts_path]
        found = []
        for path in paths:
            try:
                stat = path.stat()
            except OSError:
                continue  # a file that is gone shows as a changed version
            found.append((str(path), stat.st_size, stat.st_mtime_ns))
        return tuple(found)

    async def watch(self) -> None:
        self._in_use = self.version()  # what the services were built from at start
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.refresh()
            except Exception:  # noqa: BLE001 - the watcher must outlive any one bad edit
                log.exception("content reload failed")

    async def refresh(self) -> bool:
        """Load the files again if they changed; True when the new version is now in use."""
        version = self.version()
        if version == self._in_use or version == self._reported:
            return False
        catalog, flows, problems = await asyncio.to_thread(self._load)
        if problems or catalog is None or flows is None:
            self._reported = version
            report_broken_edit(problems[0].file if problems else "flows/", problems)
            return False
        _take_contents(self.services.catalog, catalog)
        _take_contents(self.services.flows, flows)
        self._in_use, self._reported = version, None
        log.info("content reloaded: %d languages, %d flows", len(catalog.locales), len(flows.flows))
        return True

    def _load(self) -> tuple[Catalog | None, FlowLibrary | None, list[Problem]]:
        try:
            catalog = Catalog.load(self.locales_dir)
        except Exception as exc:  # noqa: BLE001 - YAML errors, a missing de.yaml: all reported alike
            return None, None, [Problem(str(self.locales_dir), "-", f"cannot load: {exc}")]
        flows = FlowLibrary.load(self.flows_dir, self.facts_path)
        return catalog, flows, validate_flows(flows, catalog)


def _take_contents(target: Any, source: Any) -> None:
    """Every field of the dataclass `source` into `target`, so references to `target` see them."""
    for item in fields(target):
        setattr(target, item.name, getattr(source, item.name))
