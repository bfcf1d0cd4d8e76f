"""Methods that post messages: send*, copy*, forward*, sendMediaGroup, sendChatAction."""

from __future__ import annotations

import mimetypes
from typing import Any

from .. import errors
from ..errors import bad_request
from ..examples import example
from ..formatting import FormattedText
from ..world import ChatAction, ChatState, FileRecord, StoredMessage
from .base import Call, handles

# send methods whose main parameter is a file, named like the Message field it becomes.
MEDIA_METHODS = {
    "sendPhoto": "photo",
    "sendDocument": "document",
    "sendAudio": "audio",
    "sendVideo": "video",
    "sendAnimation": "animation",
    "sendVoice": "voice",
    "sendVideoNote": "video_note",
    "sendSticker": "sticker",
}
_MEDIA_DEFAULTS: dict[str, dict[str, Any]] = {
    "sticker": {"type": "regular", "width": 512, "height": 512, "is_animated": False, "is_video": False},
    "video": {"width": 1280, "height": 720, "duration": 5},
    "animation": {"width": 480, "height": 270, "duration": 3},
    "video_note": {"length": 240, "duration": 5},
    "voice": {"duration": 3},
    "audio": {"duration": 60},
}


def is_message_method(name: str, returns: tuple[str, ...]) -> bool:
    """Counts against flood limits: posts a message (not chat actions, drafts or gifts)."""
    return (
        name.startswith(("send", "copy", "forward"))
        and bool(returns)
        and returns[0]
        in (
            "Message",
            "Array of Message",
            "MessageId",
            "Array of MessageId",
        )
    )


# -- building blocks shared with editing.py ----------------------------------------------------


def resolve_file(call: Call, kind: str, value: Any) -> FileRecord:
    """An uploaded file, a file_id Telegram knows, or an HTTP URL; else Telegram's 400."""
    upload = call.upload(value)
    if upload is not None:
        if not upload.data:
            raise bad_request("file must be non-empty")
        mime = upload.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
        return call.world.add_file(kind, upload.data, file_name=upload.filename, mime_type=mime)
    if isinstance(value, str):
        known = call.world.files.get(value)
        if known is not None:
            return known
        if value.startswith(("http://", "https://")):
            name = value.rsplit("/", 1)[-1] or None
            return call.world.add_file(kind, file_name=name, url=value, mime_type=mimetypes.guess_type(value)[0])
    raise bad_request(errors.WRONG_FILE_ID)


def media_content(call: Call, kind: str, record: FileRecord, params: dict[str, Any]) -> dict[str, Any]:
    """The Message field for a file: PhotoSize list for photos, Document/Voice/... otherwise."""
    base = {"file_id": record.file_id, "file_unique_id": record.file_unique_id, "file_size": len(record.data)}
    if kind == "photo":
        return {"photo": [{**base, "width": 90, "height": 67}, {**base, "width": 1280, "height": 960}]}
    type_name = call.spec.types["Message"].fields[kind].types[0]
    overrides = {**_MEDIA_DEFAULTS.get(kind, {}), **base}
    if record.file_name:
        overrides["file_name"] = record.file_name
    if record.mime_type:
        overrides["mime_type"] = record.mime_type
    for key in ("duration", "width", "height", "performer", "title", "length", "emoji"):
        if key in params:
            overrides[key] = params[key]
    return {kind: example(call.spec, type_name, overrides)}


def reply_target(call: Call, chat: ChatState, reply: dict[str, Any] | None) -> StoredMessage | None:
    if not reply:
        return None
    source = chat if reply.get("chat_id") is None else call.world.chat(reply["chat_id"])
    message = source.message(reply["message_id"])
    if message is None:
        if reply.get("allow_sending_without_reply"):
            return None
        raise bad_request(errors.MESSAGE_TO_REPLY_NOT_FOUND)
    return message


def post(
    call: Call,
    kind: str,
    content: dict[str, Any],
    *,
    text: FormattedText | None = None,
    caption: FormattedText | None = None,
    chat: ChatState | None = None,
    media_group_id: str | None = None,
    **extra: Any,
) -> StoredMessage:
    """Store a message the bot sends to ``chat_id`` after Telegram's chat/thread/reply checks."""
    params = call.params
    chat = chat or call.world.writable_chat(params["chat_id"])
    reply_to = reply_target(call, chat, params.get("reply_parameters"))
    thread_id = call.world.thread_for(chat, params.get("message_thread_id"))
    if thread_id is None and reply_to is not None and chat.is_forum:
        thread_id = reply_to.thread_id
    return call.world.add_message(
        chat,
        from_bot=True,
        sender=call.world.bot_user,
        kind=kind,
        text=text.text if text else None,
        entities=text.entities if text else [],
        raw_text=text.raw if text else None,
        parse_mode=(text or caption).parse_mode if (text or caption) else None,
        caption=caption.text if caption else None,
        caption_entities=caption.entities if caption else [],
        raw_caption=caption.raw if caption else None,
        reply_markup=params.get("reply_markup"),
        content=content,
        thread_id=thread_id,
        reply_to=reply_to,
        method=call.method.name,
        request_seq=call.record.seq,
        media_group_id=media_group_id,
        **extra,
    )


# -- handlers -----------------------------------------------------------------------------


@handles("sendMessage")
async def send_message(call: Call) -> dict[str, Any]:
    content: dict[str, Any] = {}
    if "link_preview_options" in call.params:
        content["link_preview_options"] = call.params["link_preview_options"]
    return post(call, "text", content, text=call.formatted("text")).to_api()


@handles(*MEDIA_METHODS)
async def send_media(call: Call) -> dict[str, Any]:
    kind = MEDIA_METHODS[call.method.name]
    chat = call.world.writable_chat(call.params["chat_id"])
    record = resolve_file(call, kind, call.params[kind])
    content = media_content(call, kind, record, call.params)
    return post(call, kind, content, caption=call.formatted("caption"), chat=chat).to_api()


def _location(params: dict[str, Any]) -> dict[str, Any]:
    location = {"latitude": params["latitude"], "longitude": params["longitude"]}
    for key in ("horizontal_accuracy", "live_period", "heading", "proximity_alert_radius"):
        if key in params:
            location[key] = params[key]
    return location


@handles("sendLocation")
async def send_location(call: Call) -> dict[str, Any]:
    return post(call, "location", {"location": _location(call.params)}).to_api()


@handles("sendVenue")
async def send_venue(call: Call) -> dict[str, Any]:
    params = call.params
    location = {"latitude": params["latitude"], "longitude": params["longitude"]}
    venue = {"location": location, "title": params["title"], "address": params["address"]}
    for key in ("foursquare_id", "foursquare_type", "google_place_id", "google_place_type"):
        if key in params:
            venue[key] = params[key]
    return post(call, "venue", {"venue": venue, "location": location}).to_api()


@handles("sendContact")
async def send_contact(call: Call) -> dict[str, Any]:
    contact = {k: call.params[k] for k in ("phone_number", "first_name", "last_name", "vcard") if k in call.params}
    return post(call, "contact", {"contact": contact}).to_api()


@handles("sendDice")
async def send_dice(call: Call) -> dict[str, Any]:
    dice = {"emoji": call.params.get("emoji", "🎲"), "value": 1}
    return post(call, "dice", {"dice": dice}).to_api()


async def send_other(call: Call) -> dict[str, Any]:
    """Any other send* returning a Message (polls, invoices, games...): spec-shaped content."""
    field_name = _snake(call.method.name.removeprefix("send"))
    message_fields = call.spec.types["Message"].fields
    content: dict[str, Any] = {}
    if field_name in message_fields:
        type_name = message_fields[field_name].types[0]
        scalars = {k: v for k, v in call.params.items() if isinstance(v, (str, int, float, bool))}
        content[field_name] = example(call.spec, type_name, scalars)
    text = call.formatted("text")
    return post(call, field_name, content, text=text, caption=call.formatted("caption")).to_api()


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


@handles("sendMediaGroup")
async def send_media_group(call: Call) -> list[dict[str, Any]]:
    chat = call.world.writable_chat(call.params["chat_id"])
    group_id = call.world.new_media_group_id()
    sent = []
    for index, item in enumerate(call.params["media"]):
        kind = item["type"]
        record = resolve_file(call, kind, item["media"])
        content = media_content(call, kind, record, item)
        caption = call.formatted(f"media[{index}].caption")
        sent.append(post(call, kind, content, caption=caption, chat=chat, media_group_id=group_id).to_api())
    return sent


@handles("sendChatAction")
async def send_chat_action(call: Call) -> bool:
    chat = call.world.writable_chat(call.params["chat_id"])
    thread_id = call.world.thread_for(chat, call.params.get("message_thread_id"))
    chat.actions.append(ChatAction(call.params["action"], thread_id, call.world.now()))
    return True


# -- copies and forwards -----------------------------------------------------------------------


def _source(call: Call, message_id: int, missing: str) -> StoredMessage:
    source_chat = call.world.chat(call.params["from_chat_id"])
    message = source_chat.message(message_id)
    if message is None:
        raise bad_request(missing)
    if message.is_service:
        raise bad_request("message can't be copied" if "copy" in missing else "message can't be forwarded")
    return message


def _copy(call: Call, source: StoredMessage, *, forward: bool) -> StoredMessage:
    params = call.params
    content = dict(source.content)
    caption = call.formatted("caption")
    caption_text = (
        FormattedText(source.caption or "", source.caption_entities, source.raw_caption or "")
        if source.caption
        else None
    )
    if caption is not None and not forward:
        caption_text = caption
    if params.get("remove_caption"):
        caption_text = None
    text = (
        FormattedText(source.text, source.entities, source.raw_text or source.text) if source.text is not None else None
    )
    extra: dict[str, Any] = {"copied_from": (source.chat.id, source.message_id)}
    if forward:
        extra["forward_origin"] = _origin(source)
    return post(call, source.kind, content, text=text, caption=caption_text, **extra)


def _origin(source: StoredMessage) -> dict[str, Any]:
    if source.chat.type == "channel":
        return {"type": "channel", "chat": source.chat.to_api(), "message_id": source.message_id, "date": source.date}
    return {"type": "user", "sender_user": source.sender, "date": source.date}


@handles("copyMessage")
async def copy_message(call: Call) -> dict[str, Any]:
    call.world.writable_chat(call.params["chat_id"])
    source = _source(call, call.params["message_id"], errors.MESSAGE_TO_COPY_NOT_FOUND)
    return {"message_id": _copy(call, source, forward=False).message_id}


@handles("forwardMessage")
async def forward_message(call: Call) -> dict[str, Any]:
    call.world.writable_chat(call.params["chat_id"])
    source = _source(call, call.params["message_id"], errors.MESSAGE_TO_FORWARD_NOT_FOUND)
    return _copy(call, source, forward=True).to_api()


@handles("copyMessages", "forwardMessages")
async def copy_messages(call: Call) -> list[dict[str, Any]]:
    call.world.writable_chat(call.params["chat_id"])
    forward = call.method.name == "forwardMessages"
    source_chat = call.world.chat(call.params["from_chat_id"])
    results = []
    # Missing messages are skipped, as Telegram documents; at least one must exist.
    for message_id in sorted(call.params["message_ids"]):
        source = source_chat.message(message_id)
        if source is not None and not source.is_service:
            results.append({"message_id": _copy(call, source, forward=forward).message_id})
    if not results:
        raise bad_request(errors.MESSAGE_TO_FORWARD_NOT_FOUND if forward else errors.MESSAGE_TO_COPY_NOT_FOUND)
    return results


__all__ = ["MEDIA_METHODS", "is_message_method", "media_content", "post", "resolve_file", "send_other"]
