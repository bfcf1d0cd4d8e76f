"""Staff chat: the staff side of a handoff. Only messages in STAFF_CHAT_ID reach these handlers; a
newcomer typing /close in their private chat gets the private routers' "unknown command".

In a newcomer's forum topic (or, in a plain group, as a reply to a relayed message):
- any message is relayed to the newcomer: text translated into their language, photos and
  documents copied (their caption translated);
- /close ends the handoff (the newcomer is told, and reopens it by writing again);
- /book sends the newcomer the booking start for this office and topic;
- /note ... is an internal note: not relayed.
Messages elsewhere in the staff chat, and other commands (/today, /cancel ...), are left to the
other staff routers (SkipHandler).

    dp.include_router(handoff_staff.build_router(settings))   # before the fallback router
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.types import Message, TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.services import Services
from bot.core.staff_desk import DeskError, StaffDesk, Thread
from bot.dialogues import handoff as dialogue
from bot.handoff import staff_texts, store
from bot.handoff.relay import Delivery
from bot.storage.database import unit_of_work
from bot.storage.models import Handoff, Person
from bot.telegram.filters import Matches

log = logging.getLogger(__name__)

# What staff may send a newcomer (copied as it is); service messages are never relayed.
RELAYABLE = frozenset(
    {
        "text",
        "photo",
        "document",
        "video",
        "audio",
        "voice",
        "video_note",
        "animation",
        "sticker",
        "contact",
        "location",
        "venue",
    }
)


def _is_staff(message: Message, staff_chat_id: int) -> bool:
    """A person in the staff chat (or the chat itself, for anonymous admins), not another bot."""
    if message.sender_chat is not None:
        return message.sender_chat.id == staff_chat_id
    return message.from_user is not None and not message.from_user.is_bot


async def _handoff_for(session: AsyncSession, message: Message, bot: Bot) -> Handoff | None:
    chat_id = message.chat.id
    if message.is_topic_message and message.message_thread_id is not None:
        handoff = await store.handoff_for_thread(session, chat_id, message.message_thread_id)
        if handoff is not None:
            return handoff
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == bot.id:
        return await store.handoff_for_reply(session, chat_id, reply.message_id, reply.text or reply.caption)
    return None


async def _note(desk: StaffDesk, handoff: Handoff, message: Message, html: str) -> None:
    assert handoff.staff_chat_id is not None
    try:
        await desk.post(Thread(handoff.staff_chat_id, handoff.thread_id), html, reply_to=message.message_id)
    except DeskError as exc:
        log.warning("handoff %s: staff note not posted: %s", handoff.id, exc)


def _person_state(storage: BaseStorage, bot: Bot, person: Person, services: Services) -> FSMContext | None:
    if person.channel == "web":
        from bot.web.server import conversation_state

        return conversation_state(services, person.id)
    if person.channel != "telegram":
        return None
    chat_id = int(person.external_id)
    return FSMContext(storage=storage, key=StorageKey(bot_id=bot.id, chat_id=chat_id, user_id=chat_id))


async def _tell_staff(
    services: Services, desk: StaffDesk, handoff: Handoff, message: Message, delivery: Delivery
) -> None:
    if delivery.person_gone:
        await _note(desk, handoff, message, staff_texts.note(services, "person_gone"))
    elif not delivery.delivered:
        await _note(desk, handoff, message, staff_texts.note(services, "not_delivered"))
    elif delivery.translation_failed:
        await _note(desk, handoff, message, staff_texts.note(services, "staff_translation_failed"))


async def relay(
    message: Message, bot: Bot, services: Services, staff_desk: StaffDesk, fsm_storage: BaseStorage
) -> None:
    async with unit_of_work(services.sessions) as session:
        handoff = await _handoff_for(session, message, bot)
        if handoff is None:
            raise SkipHandler()
        person = await session.get(Person, handoff.person_id)
        if person is None:
            await _tell_staff(services, staff_desk, handoff, message, Delivery(False, person_gone=True))
            return
        state = _person_state(fsm_storage, bot, person, services)
        text = message.text if message.content_type == "text" else message.caption
        copied = True
        if message.content_type != "text":
            copied = await _copy_to_person(bot, message, person, handoff)
        if text and text.strip():
            delivery = await dialogue.staff_wrote(
                services,
                session,
                handoff,
                text,
                staff_name=message.from_user.first_name if message.from_user else None,
                staff_message_id=message.message_id,
                person_state=state,
                caption=message.content_type != "text",
            )
        else:
            await dialogue.expect_answer(person, state)
            delivery = Delivery(copied)
        if not copied:
            delivery = Delivery(False)
    await _tell_staff(services, staff_desk, handoff, message, delivery)


async def _copy_to_person(bot: Bot, message: Message, person: Person, handoff: Handoff) -> bool:
    if person.channel != "telegram" or not person.active:
        return False
    try:
        await bot.copy_message(
            chat_id=int(person.external_id), from_chat_id=message.chat.id, message_id=message.message_id
        )
    except TelegramForbiddenError:
        person.active = False
        log.info("person %s blocked the bot; marked inactive (handoff %s)", person.id, handoff.id)
        return False
    except TelegramAPIError as exc:
        log.warning("handoff %s: staff media not copied: %s", handoff.id, type(exc).__name__)
        return False
    return True


async def close(message: Message, bot: Bot, services: Services, staff_desk: StaffDesk) -> None:
    async with unit_of_work(services.sessions) as session:
        handoff = await _handoff_for(session, message, bot)
        if handoff is None:
            raise SkipHandler()
        if handoff.status == "closed":
            await _note(staff_desk, handoff, message, staff_texts.note(services, "already_closed", id=handoff.id))
            return
        # Staff hear back first: once the topic is closed, only admins could post in it.
        await _note(staff_desk, handoff, message, staff_texts.note(services, "closed", id=handoff.id))
        delivery = await dialogue.close(services, session, handoff)
    if not delivery.delivered:
        await _tell_staff(services, staff_desk, handoff, message, delivery)


async def book(message: Message, bot: Bot, services: Services, staff_desk: StaffDesk) -> None:
    async with unit_of_work(services.sessions) as session:
        handoff = await _handoff_for(session, message, bot)
        if handoff is None:
            raise SkipHandler()
        delivery = await dialogue.offer_booking(services, session, handoff)
    if delivery.delivered:
        await _note(staff_desk, handoff, message, staff_texts.note(services, "book_sent"))
    else:
        await _tell_staff(services, staff_desk, handoff, message, delivery)


async def note(message: Message, bot: Bot, services: Services, staff_desk: StaffDesk) -> None:
    async with services.sessions() as session:
        handoff = await _handoff_for(session, message, bot)
    if handoff is None:
        raise SkipHandler()
    log.info("handoff %s: internal staff note (not relayed)", handoff.id)
    await _note(staff_desk, handoff, message, staff_texts.note(services, "note"))


class StaffErrors(BaseMiddleware):
    """A failing staff handler: one log line with ids, a short German note in the chat."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        except SkipHandler:
            raise
        except Exception:
            update = data.get("event_update")
            log.exception("handoff staff handler failed for update %s", getattr(update, "update_id", "?"))
            services: Services | None = data.get("services")
            bot: Bot | None = data.get("bot")
            if isinstance(event, Message) and services is not None and bot is not None:
                try:
                    await bot.send_message(
                        event.chat.id,
                        staff_texts.note(services, "error"),
                        message_thread_id=event.message_thread_id if event.is_topic_message else None,
                    )
                except TelegramAPIError:
                    log.warning("could not tell staff about the failure (update %s)", getattr(update, "update_id", "?"))
            return None


def build_router(settings: Settings) -> Router:
    router = Router(name="handoff_staff")
    staff_chat_id = settings.staff_chat_id
    if staff_chat_id is None:
        return router
    router.message.filter(Matches(F.chat.id == staff_chat_id), Matches(lambda m: _is_staff(m, staff_chat_id)))
    router.message.middleware(StaffErrors())
    router.message.register(close, Command("close"))
    router.message.register(book, Command("book"))
    router.message.register(note, Command("note"))
    router.message.register(relay, Matches(F.content_type.in_(RELAYABLE)), Matches(~F.text.startswith("/")))
    return router
