"""Messages the bot starts itself: to a person (staff cancelled, reminders) and to the staff chat."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from aiogram.exceptions import TelegramForbiddenError

from bot.content.machine_locale import localize
from bot.core.replies import Raw, Reply
from bot.storage.models import Person
from bot.telegram.render import TelegramRenderer

if TYPE_CHECKING:
    from bot.core.services import Services

log = logging.getLogger(__name__)


class TelegramOutbox:
    def __init__(self, staff_chat_id: int | None) -> None:
        self.staff_chat_id = staff_chat_id
        self.renderer: TelegramRenderer | None = None  # set by the composition root
        self.services: Services | None = None  # likewise

    async def to_person(self, person: Person, replies: list[Reply]) -> bool:
        assert self.renderer is not None
        if person.channel != "telegram" or not person.active:
            return False
        services = self.services
        assert services is not None
        replies, lang = await localize(
            replies,
            person.language or "de",
            services.catalog,
            services.translator,
            service_configured=services.machine_translation,
        )
        try:
            await self.renderer.send(int(person.external_id), replies, lang)
        except TelegramForbiddenError:
            log.info("person %s blocked the bot; marked inactive", person.id)
            person.active = False
            return False
        return True

    async def to_staff(self, html: str) -> None:
        if self.staff_chat_id is None or self.renderer is None:
            log.info("no STAFF_CHAT_ID configured; staff note not sent")
            return
        await self.renderer.send(self.staff_chat_id, [Reply(Raw(html))], "de")
