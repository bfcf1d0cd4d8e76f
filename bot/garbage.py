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

import ctypes
import ctypes.util
import gc
import logging
import os

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


# glibc's mallopt parameter for the number of malloc arenas (malloc.h: M_ARENA_MAX).
_M_ARENA_MAX = -8


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """At most `arenas` malloc arenas (glibc's default is 8 per core): each thread that allocates
    (the database's, the understanding's) otherwise gets a heap of its own that stays mapped, ~8 MB
    of the bot's resident memory (bench/README.md, item 25). The same as MALLOC_ARENA_MAX=2 in the
    environment, which still wins when set. False where the C library is not glibc."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_ARENA_MAX, arenas))
