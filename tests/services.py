"""Services for tests that run dialogues or jobs without an adapter."""

from __future__ import annotations

from typing import Any

from bot.clock import Clock
from bot.config import Settings
from bot.content.flows import FlowLibrary
from bot.content.locales import Catalog
from bot.core.services import Outbox, Services
from bot.translation import NoTranslator


class NoOutbox:
    """Delivers nothing and says every person was reached."""

    async def to_person(self, person: Any, replies: Any) -> bool:
        return True

    async def to_staff(self, html: str) -> None:
        return None


def services_for(
    sessions: Any,
    clock: Clock,
    *,
    settings: Settings | None = None,
    outbox: Outbox | None = None,
    catalog: Catalog | None = None,
) -> Services:
    return Services(
        settings=settings or Settings(),
        clock=clock,
        sessions=sessions,
        catalog=catalog or Catalog.load(),
        flows=FlowLibrary.load(),
        translator=NoTranslator(),
        outbox=outbox or NoOutbox(),
    )
