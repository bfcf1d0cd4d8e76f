"""Start-up objects kept out of the garbage collector's way.

At start the process builds ~270,000 objects that live as long as it does: aiogram's ~440
pydantic models, SQLAlchemy's mappers, the texts, the flows, the places. CPython's full
collection (the oldest generation) walks all of them each time it runs, and while it runs no
thread runs Python. Under load that happened every few seconds and stopped the bot for up to
305 ms; during start-up five such collections took ~0.8 s and found almost nothing to free
(bench/README.md, *Profiled and fixed*, 13).

So `python -m bot run` holds the collector while it starts (`hold_collection`), and once the bot
is built moves every object alive into the permanent generation that the collector no longer
walks (`freeze_startup_objects`, which lets it run again). Objects made later are collected as
before. The few cycles of garbage made during start-up stay: ~900 objects.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def hold_collection() -> None:
    """No cyclic collection until `freeze_startup_objects`: what start-up builds, stays."""
    gc.disable()


def freeze_startup_objects(*, collect_first: bool = False) -> int:
    """Freeze every object alive now and let the collector run again; returns how many objects
    are frozen in all. `collect_first` for a later freeze, when transient garbage may be about."""
    if collect_first:
        gc.collect()
    gc.freeze()
    gc.enable()
    frozen = gc.get_freeze_count()
    log.info("garbage collector: %d long-lived objects frozen", frozen)
    return frozen
