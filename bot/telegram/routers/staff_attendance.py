"""Staff chat: the "came / did not come" buttons under the attendance question (bot.jobs.attendance).

Only presses in the staff chat count. The first press decides; the question is then edited to
the outcome (buttons removed), a later press only hears what was recorded.

    dp.include_router(staff_attendance.build_router(settings.staff_chat_id))
"""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message

from bot.content.locales import html_to_plain
from bot.core.actions import MarkAttendance
from bot.core.replies import Msg
from bot.core.services import Services
from bot.jobs.attendance import mark_attendance, outcome_text, status_label
from bot.telegram.filters import ActionFilter, Matches

log = logging.getLogger(__name__)


def build_router(staff_chat_id: int) -> Router:
    router = Router(name="staff_attendance")
    router.callback_query.filter(Matches(F.message.chat.id == staff_chat_id))

    @router.callback_query(ActionFilter(MarkAttendance))
    async def attendance_pressed(query: CallbackQuery, action: MarkAttendance, services: Services) -> None:
        catalog = services.catalog
        async with services.sessions() as session:
            changed, booking = await mark_attendance(
                session, action.booking, attended=action.attended, now=services.clock.now()
            )
            await session.commit()
        if booking is None:
            await query.answer(html_to_plain(catalog.render(Msg("errors.outdated_button"), "de"))[:200])
            return
        if not changed:
            label = catalog.render(status_label(booking.status), "de")
            await query.answer(html_to_plain(catalog.render(Msg("staff.attendance.already", status=label), "de")))
        else:
            log.info("booking %s marked %s", booking.id, booking.status)
            await query.answer(html_to_plain(catalog.render(Msg("staff.attendance.saved"), "de")))
        message = query.message
        if (
            booking.status in ("attended", "no_show")
            and isinstance(message, Message)
            and (changed or message.reply_markup is not None)
        ):
            marked_by = query.from_user.first_name if changed and services.settings.show_staff_names else None
            text = outcome_text(booking, catalog, services.places.offices(), marked_by=marked_by)
            try:
                await message.edit_text(text, reply_markup=None)
            except TelegramBadRequest as exc:
                if "not modified" in exc.message:
                    return  # already shows the outcome
                # Gone or too old to edit: say it anew, so the outcome is never lost.
                log.info("attendance question for booking %s not edited (%s); sent anew", booking.id, exc.message)
                await message.answer(text)

    return router
