"""People, groups and channels that talk to the bot, producing Updates exactly as Telegram would.

A test drives the conversation through these helpers:

    olena = server.user(1001, first_name="Olena", language_code="uk")
    await olena.send("/start")          # message update with a bot_command entity
    reply = await olena.wait_reply()    # the bot's next message (or edit) in her chat
    press = await olena.press("Termin") # callback_query for that inline button
    await press.wait_answered()

Each action first stores the person's message in the chat history (so the bot can reply to,
copy or forward it) and then queues the update.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import MESSAGE_THREAD_NOT_FOUND
from .examples import chat_member
from .world import (
    CallbackQueryRecord,
    ChatState,
    StoredMessage,
    Topic,
    UserState,
    command_entities,
)

if TYPE_CHECKING:
    from .server import FakeBotAPI

MessageRef = StoredMessage | int | None


def _resolve(chat: ChatState, ref: MessageRef) -> StoredMessage | None:
    if ref is None or isinstance(ref, StoredMessage):
        return ref
    message = chat.message(ref)
    if message is None:
        raise LookupError(f"no message {ref} in chat {chat.id}")
    return message


class _Speaker:
    """What users in private chats and members of groups share: posting and pressing."""

    def __init__(self, server: FakeBotAPI) -> None:
        self._server = server

    def _post(
        self,
        chat: ChatState,
        user: UserState,
        kind: str,
        *,
        text: str | None = None,
        caption: str | None = None,
        content: dict[str, Any] | None = None,
        reply_to: MessageRef = None,
        thread_id: int | None = None,
    ) -> StoredMessage:
        world = self._server.world
        reply = _resolve(chat, reply_to)
        if thread_id is None and reply is not None and chat.is_forum:
            thread_id = reply.thread_id
        message = world.add_message(
            chat,
            from_bot=False,
            sender=user.to_api(),
            kind=kind,
            text=text,
            entities=command_entities(text) if text else [],
            caption=caption,
            caption_entities=command_entities(caption) if caption else [],
            content=content or {},
            reply_to=reply,
            thread_id=thread_id,
        )
        return message

    def _press(self, chat: ChatState, user: UserState, button: str, message: MessageRef) -> CallbackQueryRecord:
        target = _resolve(chat, message)
        candidates = [target] if target is not None else list(reversed(chat.messages))
        for candidate in candidates:
            found = candidate.button(button)
            if found is None:
                continue
            if "callback_data" not in found:
                raise ValueError(f"button {found['text']!r} is not a callback button: {found}")
            record = self._server.world.new_callback(user.id, candidate, found["callback_data"])
            self._server.add_update(
                "callback_query",
                {
                    "id": record.id,
                    "from": user.to_api(),
                    "message": candidate.to_api(),
                    "chat_instance": f"{abs(chat.id) * 7919 % 10**12}",
                    "data": found["callback_data"],
                },
            )
            return record
        where = f"message {target.message_id}" if target else f"the bot's messages in {chat.id}"
        available = [b for m in candidates for b in m.button_texts]
        raise LookupError(f"no inline button {button!r} in {where}; buttons: {available}")


class FakeUser(_Speaker):
    """A person in a private chat with the bot."""

    def __init__(self, server: FakeBotAPI, state: UserState) -> None:
        super().__init__(server)
        self.state = state
        self._cursor = 0  # wait_reply() looks at bot events after this point

    @property
    def id(self) -> int:
        return self.state.id

    @property
    def first_name(self) -> str:
        return self.state.first_name

    @property
    def language_code(self) -> str | None:
        return self.state.language_code

    @property
    def chat(self) -> ChatState:
        return self._server.world.chats[self.id]

    def to_api(self) -> dict[str, Any]:
        return self.state.to_api()

    @property
    def replies(self) -> list[StoredMessage]:
        """Everything the bot sent to this person (not deleted)."""
        return self.chat.messages

    @property
    def last_reply(self) -> StoredMessage | None:
        return self.chat.last

    def _act(self) -> None:
        chat = self.chat
        if chat.blocked:
            raise RuntimeError(f"user {self.id} blocked the bot; call unblock() first")
        chat.started = True
        self._cursor = self._server.world.event_seq()

    def _private(self, kind: str, **fields: Any) -> StoredMessage:
        self._act()
        message = self._post(self.chat, self.state, kind, **fields)
        self._server.add_update("message", message.to_api())
        return message

    async def send(self, text: str, *, reply_to: MessageRef = None) -> StoredMessage:
        """A text message; commands ("/start") get bot_command entities."""
        return self._private("text", text=text, reply_to=reply_to)

    async def press(self, button: str, message: MessageRef = None) -> CallbackQueryRecord:
        """Press the inline button with this text or callback_data (latest bot message first)."""
        self._act()
        return self._press(self.chat, self.state, button, message)

    async def share_location(
        self, latitude: float, longitude: float, *, live_period: int | None = None
    ) -> StoredMessage:
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if live_period is not None:
            location["live_period"] = live_period
        return self._private("location", content={"location": location})

    async def share_contact(self, phone_number: str = "+4923112345", first_name: str | None = None) -> StoredMessage:
        contact = {"phone_number": phone_number, "first_name": first_name or self.first_name, "user_id": self.id}
        return self._private("contact", content={"contact": contact})

    async def send_photo(
        self, caption: str | None = None, *, data: bytes = b"\xff\xd8\xff\xe0fake-jpeg"
    ) -> StoredMessage:
        record = self._server.world.add_file("photo", data, file_name="photo.jpg", mime_type="image/jpeg")
        base = {"file_id": record.file_id, "file_unique_id": record.file_unique_id, "file_size": len(data)}
        photo = [{**base, "width": 90, "height": 67}, {**base, "width": 1280, "height": 960}]
        return self._private("photo", caption=caption, content={"photo": photo})

    async def send_document(
        self,
        file_name: str = "document.pdf",
        *,
        data: bytes = b"%PDF-1.4 fake",
        mime_type: str = "application/pdf",
        caption: str | None = None,
    ) -> StoredMessage:
        record = self._server.world.add_file("document", data, file_name=file_name, mime_type=mime_type)
        document = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        return self._private("document", caption=caption, content={"document": document})

    async def send_sticker(self, emoji: str = "👍") -> StoredMessage:
        record = self._server.world.add_file(
            "sticker", b"RIFFfake-webp", file_name="sticker.webp", mime_type="image/webp"
        )
        sticker = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._private("sticker", content={"sticker": sticker})

    async def send_voice(self, duration: int = 3, *, data: bytes = b"OggSfake") -> StoredMessage:
        record = self._server.world.add_file("voice", data, file_name="voice.ogg", mime_type="audio/ogg")
        voice = {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(data),
        }
        return self._private("voice", content={"voice": voice})

    async def edit(self, message: StoredMessage | int, new_text: str) -> StoredMessage:
        """Edit one of the person's own messages: an edited_message update."""
        self._act()
        target = _resolve(self.chat, message)
        assert target is not None
        if target.from_bot:
            raise ValueError("a person can only edit their own messages")
        target.text = new_text
        target.entities = command_entities(new_text)
        target.edit_date = self._server.world.now()
        self._server.add_update("edited_message", target.to_api())
        return target

    def block(self) -> None:
        """The person blocks the bot: sends now fail with 403, my_chat_member is delivered."""
        self._membership("member", "kicked")
        self.chat.blocked = True

    def unblock(self) -> None:
        self.chat.blocked = False
        self._membership("kicked", "member")

    def _membership(self, old: str, new: str) -> None:
        bot = self._server.world.bot_user
        spec = self._server.spec
        self._server.add_update(
            "my_chat_member",
            {
                "chat": self.chat.to_api(),
                "from": self.to_api(),
                "date": self._server.world.now(),
                "old_chat_member": chat_member(spec, bot, old),
                "new_chat_member": chat_member(spec, bot, new),
            },
        )

    async def wait_reply(
        self,
        timeout: float = 5.0,
        *,
        include_edits: bool = True,
        predicate: Callable[[StoredMessage], bool] | None = None,
    ) -> StoredMessage:
        """The bot's next message (or edit) in this chat since the person's last action.

        Consecutive calls return consecutive replies; each action (send, press...) skips
        replies not yet read, so a wait always belongs to the latest action.
        """
        kinds = ("sent", "edited") if include_edits else ("sent",)

        def next_event() -> StoredMessage | None:
            for event in self.chat.events:
                if event.seq > self._cursor and event.kind in kinds and not event.message.is_service:
                    if predicate is None or predicate(event.message):
                        self._cursor = event.seq
                        return event.message
            return None

        found = await self._server.notifier.wait_until(next_event, timeout)
        if found is None:
            raise TimeoutError(
                f"no reply to user {self.id} within {timeout}s; last requests:\n" + self._server.recorder.recent()
            )
        return found


class FakeGroup(_Speaker):
    """A group or supergroup (optionally a forum with topics) with members who write in it."""

    def __init__(self, server: FakeBotAPI, chat: ChatState) -> None:
        super().__init__(server)
        self._chat = chat

    @property
    def id(self) -> int:
        return self._chat.id

    @property
    def title(self) -> str | None:
        return self._chat.title

    @property
    def chat(self) -> ChatState:
        return self._chat

    @property
    def messages(self) -> list[StoredMessage]:
        return self._chat.messages

    def messages_in_thread(self, thread_id: int | None) -> list[StoredMessage]:
        return self._chat.messages_in_thread(thread_id)

    def _member(self, user: FakeUser) -> None:
        if self._chat.members.get(user.id) in (None, "left"):
            self._chat.members[user.id] = "member"

    async def send(
        self, user: FakeUser, text: str, *, thread_id: int | None = None, reply_to: MessageRef = None
    ) -> StoredMessage:
        self._member(user)
        if thread_id is not None and self._chat.is_forum:
            topic = self._chat.topics.get(thread_id)
            if topic is None or topic.deleted:
                raise LookupError(f"{MESSAGE_THREAD_NOT_FOUND}: {thread_id} in {self.id}")
            if topic.closed:
                raise RuntimeError(f"topic {thread_id} is closed; members can't post")
        message = self._post(self._chat, user.state, "text", text=text, reply_to=reply_to, thread_id=thread_id)
        self._server.add_update("message", message.to_api())
        return message

    async def press(self, user: FakeUser, button: str, message: MessageRef = None) -> CallbackQueryRecord:
        self._member(user)
        return self._press(self._chat, user.state, button, message)

    async def create_topic(self, name: str, *, by: FakeUser | None = None, icon_color: int = 0x6FB9F0) -> Topic:
        """A member creates a forum topic (service message forum_topic_created)."""
        if not self._chat.is_forum:
            raise ValueError(f"chat {self.id} is not a forum")
        sender = by.to_api() if by else None
        created = {"name": name, "icon_color": icon_color}
        message = self._server.world.add_message(
            self._chat,
            from_bot=False,
            sender=sender,
            kind="service",
            content={"forum_topic_created": created},
        )
        message.thread_id = message.message_id
        topic = Topic(message.message_id, name, icon_color)
        self._chat.topics[topic.thread_id] = topic
        self._server.add_update("message", message.to_api())
        return topic

    async def add_member(self, user: FakeUser, *, by: FakeUser | None = None) -> StoredMessage:
        """Someone joins: a new_chat_members service message and a chat_member update."""
        old = self._chat.members.get(user.id, "left")
        self._chat.members[user.id] = "member"
        actor = by or user
        message = self._server.world.add_message(
            self._chat,
            from_bot=False,
            sender=actor.to_api(),
            kind="service",
            content={"new_chat_members": [user.to_api()]},
        )
        self._server.add_update("message", message.to_api())
        self._server.add_update("chat_member", self._member_update(actor.to_api(), user.to_api(), old, "member"))
        return message

    async def remove_member(self, user: FakeUser, *, by: FakeUser | None = None) -> None:
        old = self._chat.members.get(user.id, "member")
        self._chat.members[user.id] = "left"
        actor = by or user
        message = self._server.world.add_message(
            self._chat,
            from_bot=False,
            sender=actor.to_api(),
            kind="service",
            content={"left_chat_member": user.to_api()},
        )
        self._server.add_update("message", message.to_api())
        self._server.add_update("chat_member", self._member_update(actor.to_api(), user.to_api(), old, "left"))

    async def add_bot(self, by: FakeUser, *, status: str = "administrator") -> None:
        """The bot is added (my_chat_member update)."""
        old = self._chat.bot_status
        self._chat.bot_status = status
        self._server.add_update(
            "my_chat_member", self._member_update(by.to_api(), self._server.world.bot_user, old, status)
        )

    async def remove_bot(self, by: FakeUser) -> None:
        """The bot is kicked; later sends fail with 403."""
        old = self._chat.bot_status
        self._chat.bot_status = "kicked"
        self._server.add_update(
            "my_chat_member", self._member_update(by.to_api(), self._server.world.bot_user, old, "kicked")
        )

    def _member_update(self, actor: dict[str, Any], user: dict[str, Any], old: str, new: str) -> dict[str, Any]:
        spec = self._server.spec
        return {
            "chat": self._chat.to_api(),
            "from": actor,
            "date": self._server.world.now(),
            "old_chat_member": chat_member(spec, user, old),
            "new_chat_member": chat_member(spec, user, new),
        }

    async def wait_message(
        self,
        predicate: Callable[[StoredMessage], bool] | None = None,
        *,
        thread_id: int | None = None,
        timeout: float = 5.0,
    ) -> StoredMessage:
        """The first bot message here (in that thread, if given) matching the predicate."""

        def check(message: StoredMessage) -> bool:
            if thread_id is not None and message.thread_id != thread_id:
                return False
            return predicate is None or predicate(message)

        return await self._server.wait_for_message(check, chat_id=self.id, timeout=timeout)


class FakeChannel:
    """A channel where the bot may post (as administrator) and which can post itself."""

    def __init__(self, server: FakeBotAPI, chat: ChatState) -> None:
        self._server = server
        self.chat = chat

    @property
    def id(self) -> int:
        return self.chat.id

    @property
    def messages(self) -> list[StoredMessage]:
        return self.chat.messages

    async def post(self, text: str) -> StoredMessage:
        message = self._server.world.add_message(
            self.chat,
            from_bot=False,
            sender=None,
            kind="text",
            text=text,
            content={"sender_chat": self.chat.to_api()},
        )
        self._server.add_update("channel_post", message.to_api())
        return message
