"""Chat information, membership and forum topics."""

from __future__ import annotations

from typing import Any

from ..errors import bad_request
from ..examples import chat_member as member_example
from ..examples import example
from ..world import ADMIN_STATUSES, ChatState, StoredMessage, Topic
from .base import Call, handles


def chat_member(call: Call, user: dict[str, Any], status: str) -> dict[str, Any]:
    return member_example(call.spec, user, status)


@handles("getChat")
async def get_chat(call: Call) -> dict[str, Any]:
    chat = call.world.chat(call.params["chat_id"])
    overrides = {**chat.to_api(), "accent_color_id": 0, "max_reaction_count": 11}
    return example(call.spec, "ChatFullInfo", overrides)


def _member_status(call: Call, chat: ChatState, user_id: int) -> tuple[dict[str, Any], str]:
    if user_id == call.world.bot_user["id"]:
        status = "kicked" if chat.blocked else ("member" if chat.type == "private" else chat.bot_status)
        return call.world.bot_user, status
    user = call.world.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    if chat.type == "private":
        return user.to_api(), "member" if user_id == chat.id else "left"
    return user.to_api(), chat.members.get(user_id, "left")


@handles("getChatMember")
async def get_chat_member(call: Call) -> dict[str, Any]:
    chat = call.world.chat(call.params["chat_id"])
    user, status = _member_status(call, chat, call.params["user_id"])
    return chat_member(call, user, status)


@handles("getChatAdministrators")
async def get_chat_administrators(call: Call) -> list[dict[str, Any]]:
    chat = call.world.chat(call.params["chat_id"])
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    admins = [
        chat_member(call, call.world.users[uid].to_api(), status)
        for uid, status in chat.members.items()
        if status in ADMIN_STATUSES and uid in call.world.users
    ]
    if chat.bot_status in ADMIN_STATUSES:
        admins.append(chat_member(call, call.world.bot_user, chat.bot_status))
    return admins


@handles("getChatMemberCount")
async def get_chat_member_count(call: Call) -> int:
    chat = call.world.chat(call.params["chat_id"])
    if chat.type == "private":
        return 2
    present = [s for s in chat.members.values() if s not in ("left", "kicked")]
    return len(present) + (chat.bot_status not in ("left", "kicked"))


@handles("leaveChat")
async def leave_chat(call: Call) -> bool:
    chat = call.world.chat(call.params["chat_id"])
    if chat.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    chat.bot_status = "left"
    return True


# -- forum topics ---------------------------------------------------------------------------


def _service(call: Call, chat: ChatState, content: dict[str, Any], thread_id: int | None) -> StoredMessage:
    message = call.world.add_message(
        chat,
        from_bot=True,
        sender=call.world.bot_user,
        kind="service",
        content=content,
        thread_id=thread_id,
        method=call.method.name,
        request_seq=call.record.seq,
    )
    if thread_id is None:  # the creation message starts the thread it names
        message.thread_id = message.message_id
    return message


@handles("createForumTopic")
async def create_forum_topic(call: Call) -> dict[str, Any]:
    chat = call.world.writable_chat(call.params["chat_id"])
    if chat.type != "supergroup" or not chat.is_forum:
        raise bad_request("the chat is not a forum")
    if chat.bot_status not in ADMIN_STATUSES:
        raise bad_request("not enough rights to create a topic")
    created = {"name": call.params["name"], "icon_color": call.params.get("icon_color", 0x6FB9F0)}
    if "icon_custom_emoji_id" in call.params:
        created["icon_custom_emoji_id"] = call.params["icon_custom_emoji_id"]
    # A topic's message_thread_id is the id of the service message that created it.
    thread_id = _service(call, chat, {"forum_topic_created": created}, None).message_id
    topic = Topic(
        thread_id, created["name"], created["icon_color"], created.get("icon_custom_emoji_id"), created_by_bot=True
    )
    chat.topics[thread_id] = topic
    return topic.to_api()


def _topic_for_change(call: Call) -> tuple[ChatState, Topic]:
    chat = call.world.writable_chat(call.params["chat_id"])
    topic = call.world.topic(chat, call.params["message_thread_id"])
    if chat.bot_status not in ADMIN_STATUSES and not topic.created_by_bot:
        raise bad_request("not enough rights to manage the topic")
    return chat, topic


@handles("editForumTopic")
async def edit_forum_topic(call: Call) -> bool:
    chat, topic = _topic_for_change(call)
    name = call.params.get("name", topic.name)
    emoji = call.params.get("icon_custom_emoji_id", topic.icon_custom_emoji_id)
    if name == topic.name and emoji == topic.icon_custom_emoji_id:
        raise bad_request("TOPIC_NOT_MODIFIED")
    topic.name, topic.icon_custom_emoji_id = name, emoji
    _service(call, chat, {"forum_topic_edited": {"name": name}}, topic.thread_id)
    return True


@handles("closeForumTopic", "reopenForumTopic")
async def close_or_reopen_forum_topic(call: Call) -> bool:
    chat, topic = _topic_for_change(call)
    closing = call.method.name == "closeForumTopic"
    if topic.closed == closing:
        raise bad_request("TOPIC_NOT_MODIFIED")
    topic.closed = closing
    key = "forum_topic_closed" if closing else "forum_topic_reopened"
    _service(call, chat, {key: {}}, topic.thread_id)
    return True


@handles("deleteForumTopic")
async def delete_forum_topic(call: Call) -> bool:
    chat, topic = _topic_for_change(call)
    topic.deleted = True
    for message in chat.history.values():
        if message.thread_id == topic.thread_id:
            message.deleted = True
    return True


@handles("unpinAllForumTopicMessages")
async def unpin_topic(call: Call) -> bool:
    _topic_for_change(call)
    return True
