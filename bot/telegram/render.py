"""Turn core Replies into Bot API calls: HTML text, inline keyboards, location keyboards, pins, files."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.content.locales import Catalog, html_to_plain
from bot.core.actions import pack
from bot.core.replies import Choice, Link, Msg, Reply, Text
from bot.text.telegram_html import split_message

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


class TelegramRenderer:
    def __init__(self, bot: Bot, catalog: Catalog) -> None:
        self.bot = bot
        self.catalog = catalog

    def button_text(self, reply_text: Text, lang: str) -> str:
        # Button labels are not parsed as HTML by Telegram: send them as plain text.
        return html_to_plain(self.catalog.render(reply_text, lang))[:64] or "…"

    def inline_keyboard(self, reply: Reply, lang: str) -> InlineKeyboardMarkup | None:
        if not reply.choices:
            return None
        keyboard = []
        for row in reply.choices:
            buttons = []
            for item in row:
                if isinstance(item, Link):
                    buttons.append(InlineKeyboardButton(text=self.button_text(item.label, lang), url=item.url))
                elif isinstance(item, Choice):
                    buttons.append(
                        InlineKeyboardButton(text=self.button_text(item.label, lang), callback_data=pack(item.action))
                    )
            keyboard.append(buttons)
        return InlineKeyboardMarkup(inline_keyboard=keyboard)

    def location_keyboard(self, lang: str) -> ReplyKeyboardMarkup:
        return ReplyKeyboardMarkup(
            keyboard=[
                [
                    KeyboardButton(
                        text=self.button_text(Msg("places.share_location_button"), lang), request_location=True
                    )
                ],
            ],
            resize_keyboard=True,
            one_time_keyboard=True,
            input_field_placeholder=self.button_text(Msg("places.type_place_placeholder"), lang),
        )

    async def send(
        self, chat_id: int, replies: list[Reply], lang: str, *, thread_id: int | None = None
    ) -> list[Message]:
        sent: list[Message] = []
        for reply in replies:
            sent.extend(await self.send_one(chat_id, reply, lang, thread_id=thread_id))
        return sent

    async def send_one(self, chat_id: int, reply: Reply, lang: str, *, thread_id: int | None = None) -> list[Message]:
        html = self.catalog.render(reply.text, lang)
        parts = split_message(html)
        inline = self.inline_keyboard(reply, lang)
        sent: list[Message] = []
        # A message carries one kind of keyboard: the location keyboard goes with the text,
        # inline buttons then follow under a short prompt.
        if reply.ask_location:
            last_markup: Markup = self.location_keyboard(lang)
        elif reply.remove_keyboard:
            last_markup = ReplyKeyboardRemove()
        else:
            last_markup = inline
        for index, part in enumerate(parts):
            markup = last_markup if index == len(parts) - 1 else None
            sent.append(await self.bot.send_message(chat_id, part, reply_markup=markup, message_thread_id=thread_id))
        if (reply.ask_location or reply.remove_keyboard) and inline is not None:
            prompt = self.catalog.render(Msg("common.or_choose"), lang)
            sent.append(await self.bot.send_message(chat_id, prompt, reply_markup=inline, message_thread_id=thread_id))
        if reply.venue is not None:
            v = reply.venue
            sent.append(
                await self.bot.send_venue(
                    chat_id,
                    latitude=v.latitude,
                    longitude=v.longitude,
                    title=v.title[:128],
                    address=v.address[:256],
                    message_thread_id=thread_id,
                )
            )
        if reply.document is not None:
            d = reply.document
            sent.append(
                await self.bot.send_document(
                    chat_id, BufferedInputFile(d.content, d.filename), message_thread_id=thread_id
                )
            )
        return sent
