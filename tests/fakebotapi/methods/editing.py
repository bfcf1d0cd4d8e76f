"""Methods that change or delete messages the bot sent.

Telegram's rules reproduced here, because bots trip over them: the message must exist in that
chat; an edit identical to the current content *and* markup is "message is not modified"; an edit
without reply_markup removes the inline keyboard; text edits need a text message, caption edits a
media message.
"""

from __future__ import annotations

from typing import Any

from .. import errors
from ..errors import bad_request
from ..formatting import FormattedText, normalized_entities
from ..world import ADMIN_STATUSES, StoredMessage
from .base import Call, handles
from .sending import media_content, resolve_file


def _target(call: Call) -> StoredMessage | None:
    """The message to edit, or None for inline messages (which the fake does not track)."""
    params = call.params
    if "inline_message_id" in params:
        if "chat_id" in params or "message_id" in params:
            raise bad_request("can't specify both inline_message_id and chat_id/message_id", errors.Kind.SPEC)
        return None
    if "chat_id" not in params:
        raise bad_request(errors.CHAT_NOT_FOUND if "message_id" in params else "chat_id is empty", errors.Kind.SPEC)
    if "message_id" not in params:
        raise bad_request("message identifier is not specified", errors.Kind.SPEC)
    chat = call.world.chat(params["chat_id"])
    message = chat.message(params["message_id"])
    if message is None:
        raise bad_request(errors.MESSAGE_TO_EDIT_NOT_FOUND)
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


def _unchanged(
    message: StoredMessage,
    markup: dict[str, Any] | None,
    *,
    text: FormattedText | None = None,
    caption: FormattedText | None = None,
) -> bool:
    if markup != message.reply_markup:
        return False
    if text is not None and (
        text.text != message.text or normalized_entities(text.entities) != normalized_entities(message.entities)
    ):
        return False
    if caption is not None and (
        caption.text != (message.caption or "")
        or normalized_entities(caption.entities) != normalized_entities(message.caption_entities)
    ):
        return False
    return True


def _apply(call: Call, message: StoredMessage) -> dict[str, Any]:
    message.edits.append(message.snapshot(call.method.name, call.world.now()))
    message.edit_date = call.world.now()
    call.world.record_event(message.chat, "edited", message)
    return message.to_api()


@handles("editMessageText")
async def edit_message_text(call: Call) -> Any:
    message = _target(call)
    text = call.formatted("text")
    if text is None:
        if "rich_message" in call.params:
            return True if message is None else message.to_api()
        raise bad_request("message text is empty", errors.Kind.SPEC)
    if message is None:
        return True
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    markup = call.params.get("reply_markup")
    if _unchanged(message, markup, text=text):
        raise bad_request(errors.MESSAGE_NOT_MODIFIED)
    result_message = _apply_text(call, message, text, markup)
    return result_message


def _apply_text(
    call: Call, message: StoredMessage, text: FormattedText, markup: dict[str, Any] | None
) -> dict[str, Any]:
    message.edits.append(message.snapshot(call.method.name, call.world.now()))
    message.text, message.entities, message.raw_text = text.text, text.entities, text.raw
    message.parse_mode = text.parse_mode
    message.reply_markup = markup
    message.edit_date = call.world.now()
    call.world.record_event(message.chat, "edited", message)
    return message.to_api()


@handles("editMessageCaption")
async def edit_message_caption(call: Call) -> Any:
    message = _target(call)
    if message is None:
        return True
    if message.text is not None or message.kind in ("location", "venue", "contact", "dice"):
        raise bad_request("there is no caption in the message to edit")
    caption = call.formatted("caption") or FormattedText("", [], "")
    markup = call.params.get("reply_markup")
    if _unchanged(message, markup, caption=caption):
        raise bad_request(errors.MESSAGE_NOT_MODIFIED)
    message.edits.append(message.snapshot(call.method.name, call.world.now()))
    message.caption = caption.text or None
    message.caption_entities, message.raw_caption = caption.entities, caption.raw
    message.reply_markup = markup
    message.edit_date = call.world.now()
    call.world.record_event(message.chat, "edited", message)
    return message.to_api()


@handles("editMessageReplyMarkup")
async def edit_message_reply_markup(call: Call) -> Any:
    message = _target(call)
    if message is None:
        return True
    markup = call.params.get("reply_markup")
    if _unchanged(message, markup):
        raise bad_request(errors.MESSAGE_NOT_MODIFIED)
    snapshot = message.snapshot(call.method.name, call.world.now())
    message.reply_markup = markup
    message.edits.append(snapshot)
    message.edit_date = call.world.now()
    call.world.record_event(message.chat, "edited", message)
    return message.to_api()


@handles("editMessageMedia")
async def edit_message_media(call: Call) -> Any:
    message = _target(call)
    if message is None:
        return True
    if message.text is not None:
        raise bad_request("there is no media in the message to edit")
    media = call.params["media"]
    kind = media["type"]
    record = resolve_file(call, kind, media["media"])
    snapshot = message.snapshot(call.method.name, call.world.now())
    for key in list(message.content):
        if key in ("photo", "document", "audio", "video", "animation", "live_photo"):
            del message.content[key]
    message.content.update(media_content(call, kind, record, media))
    message.kind = kind
    caption = call.formatted("media.caption")
    message.caption = caption.text if caption else None
    message.caption_entities = caption.entities if caption else []
    message.reply_markup = call.params.get("reply_markup")
    message.edits.append(snapshot)
    message.edit_date = call.world.now()
    call.world.record_event(message.chat, "edited", message)
    return message.to_api()


@handles("editMessageLiveLocation", "stopMessageLiveLocation")
async def edit_live_location(call: Call) -> Any:
    message = _target(call)
    if message is None:
        return True
    if message.location is None:
        raise bad_request("message can't be edited")
    if call.method.name == "editMessageLiveLocation":
        message.content["location"] = {
            **message.content["location"],
            "latitude": call.params["latitude"],
            "longitude": call.params["longitude"],
        }
    return _apply(call, message)


@handles("deleteMessage")
async def delete_message(call: Call) -> bool:
    chat = call.world.chat(call.params["chat_id"])
    message = chat.message(call.params["message_id"])
    if message is None:
        raise bad_request(errors.MESSAGE_TO_DELETE_NOT_FOUND)
    _delete(call, message)
    return True


@handles("deleteMessages")
async def delete_messages(call: Call) -> bool:
    chat = call.world.chat(call.params["chat_id"])
    # Messages that can't be found are skipped, as documented.
    for message_id in call.params["message_ids"]:
        message = chat.message(message_id)
        if message is not None:
            _delete(call, message)
    return True


def _delete(call: Call, message: StoredMessage) -> None:
    chat = message.chat
    if chat.type != "private" and not message.from_bot and chat.bot_status not in ADMIN_STATUSES:
        raise bad_request("message can't be deleted")
    message.deleted = True
    call.world.record_event(chat, "deleted", message)
