"""What no other router took: forged or stale buttons, other groups and channels, odd updates.

Presses are always answered (no spinner); groups other than the staff chat get silence."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import CallbackQuery

from bot.content.locales import Catalog, html_to_plain
from bot.core.replies import Msg

log = logging.getLogger(__name__)


async def unknown_press(query: CallbackQuery, catalog: Catalog) -> None:
    lang = catalog.language_for_app(query.from_user.language_code)
    text = html_to_plain(catalog.render(Msg("errors.outdated_button_short"), lang))[:200]
    await query.answer(text)


def build_router() -> Router:
    router = Router(name="fallback")
    router.callback_query.register(unknown_press)
    return router
