"""Closures staff entered in the staff chat (/closed) are in effect for every turn: before a turn
is handled, the process's copy is read again if it is older than a moment
(bot.staff_tools.closure_store), so the hours, "open now", the next opening and the booking
calendar all see them. The lines newcomers read about a closure are `closure_lines`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.core.dispatch import Dialogue
from bot.core.events import Event
from bot.core.replies import Msg
from bot.core.turn import Replies, Turn
from bot.places.calendar import to_local
from bot.places.closures import closures_ahead
from bot.places.formatting import format_date
from bot.places.offices import Office
from bot.staff_tools import closure_store

log = logging.getLogger(__name__)
dialogue = Dialogue("office_closures")
REFRESH_ORDER = 5  # inside the machine localisation (0), outside everything that reads the offices


@dialogue.around(REFRESH_ORDER)
async def with_current_closures(turn: Turn, event: Event, handle: Callable[[], Awaitable[Replies]]) -> Replies:
    try:
        await closure_store.refresh(turn.services.places.staff_closures, turn.session, to_local(turn.now).date())
    except Exception as exc:  # noqa: BLE001 - the last known closures serve; the turn goes on
        log.warning("staff closures not read again (%s); the last known ones apply", exc.__class__.__name__)
    return await handle()


def closure_lines(turn: Turn, office: Office) -> list[Msg]:
    """ "Closed on Thursday, 24 December (the office's note, in German: „Betriebsausflug“)" for each
    closure of the office from today on, in the person's language."""
    today = to_local(turn.now).date()
    lines: list[Msg] = []
    for closure in closures_ahead(office, today):
        first = format_date(max(closure.start, today), turn.lang)
        if closure.end <= max(closure.start, today):
            lines.append(Msg("closures.closed_on", day=first, reason=closure.reason))
        else:
            lines.append(
                Msg(
                    "closures.closed_from_to",
                    first=first,
                    last=format_date(closure.end, turn.lang),
                    reason=closure.reason,
                )
            )
    return lines
