"""What the fake Telegram knows: users, chats, messages, forum topics, files, callback queries.

Everything a test asserts on lives here: ``ChatState.messages`` is what the bot sent to a chat
(with edit history), ``history`` includes what people sent. The method handlers change this state;
the people helpers (people.py) add to it before enqueuing updates. Plain data, no I/O.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import errors
from .errors import bad_request, forbidden
from .html_entities import utf16_len

ADMIN_STATUSES = frozenset({"creator", "administrator"})
_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")


@dataclass(eq=False)
class UserState:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_premium: bool | None = None
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code", "is_premium"):
            value = getattr(self, key)
            if value is not None:
                user[key] = value
        return user


@dataclass(eq=False)
class FileRecord:
    """A file Telegram stores: uploaded by the bot, sent by a person, or registered by a test."""

    file_id: str
    file_unique_id: str
    kind: str  # "photo", "document", "voice", "sticker", ...
    data: bytes = b""
    file_name: str | None = None
    mime_type: str | None = None
    url: str | None = None  # the bot passed an HTTP URL instead of bytes

    @property
    def file_path(self) -> str:
        return f"{self.kind}s/{self.file_unique_id}_{self.file_name or 'file'}"

    def to_file(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class Edit:
    """The state of a message before one edit (so tests can see every version)."""

    at: int
    method: str
    text: str | None
    entities: list[dict[str, Any]]
    caption: str | None
    caption_entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    content: dict[str, Any]


@dataclass(eq=False)
class StoredMessage:
    chat: ChatState = field(repr=False)
    message_id: int
    from_bot: bool
    sender: dict[str, Any] | None  # the "from" User object (None for channel posts)
    date: int
    kind: str  # "text", "photo", "document", "location", "venue", "service", ...
    text: str | None = None  # visible text (after entity parsing)
    entities: list[dict[str, Any]] = field(default_factory=list)
    raw_text: str | None = None  # what the bot sent, tags included
    parse_mode: str | None = None
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    raw_caption: str | None = None
    reply_markup: dict[str, Any] | None = None
    content: dict[str, Any] = field(default_factory=dict)  # Message fields: location, document...
    thread_id: int | None = None
    reply_to: StoredMessage | None = field(default=None, repr=False)
    edits: list[Edit] = field(default_factory=list, repr=False)
    edit_date: int | None = None
    deleted: bool = False
    method: str | None = None  # Bot API method that created it
    request_seq: int | None = None
    media_group_id: str | None = None
    forward_origin: dict[str, Any] | None = None
    copied_from: tuple[int, int] | None = None

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def is_service(self) -> bool:
        return self.kind == "service"

    @property
    def location(self) -> dict[str, Any] | None:
        return self.content.get("location")

    @property
    def venue(self) -> dict[str, Any] | None:
        return self.content.get("venue")

    @property
    def document(self) -> dict[str, Any] | None:
        return self.content.get("document")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline keyboard buttons, row by row, flattened."""
        return list(iter_inline_buttons(self.reply_markup))

    @property
    def button_texts(self) -> list[str]:
        return [b["text"] for b in self.buttons]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]

    def button(self, text_or_data: str) -> dict[str, Any] | None:
        for button in self.buttons:
            if button.get("text") == text_or_data or button.get("callback_data") == text_or_data:
                return button
        return None

    def snapshot(self, method: str, at: int) -> Edit:
        return Edit(
            at,
            method,
            self.text,
            list(self.entities),
            self.caption,
            list(self.caption_entities),
            self.reply_markup,
            dict(self.content),
        )

    def to_api(self, *, with_reply: bool = True) -> dict[str, Any]:
        """The Message object as Telegram would return or deliver it."""
        message: dict[str, Any] = {"message_id": self.message_id}
        if self.sender is not None:
            message["from"] = self.sender
        message["date"] = self.date
        message["chat"] = self.chat.to_api()
        if self.thread_id is not None:
            message["message_thread_id"] = self.thread_id
            if self.chat.is_forum:
                message["is_topic_message"] = True
        if self.forward_origin is not None:
            message["forward_origin"] = self.forward_origin
        if self.reply_to is not None and with_reply:
            message["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if self.media_group_id is not None:
            message["media_group_id"] = self.media_group_id
        if self.text is not None:
            message["text"] = self.text
            if self.entities:
                message["entities"] = self.entities
        message.update(self.content)
        if self.caption:
            message["caption"] = self.caption
            if self.caption_entities:
                message["caption_entities"] = self.caption_entities
        # Only inline keyboards are part of a Message; reply keyboards live on the client.
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = self.reply_markup
        return message


def iter_inline_buttons(markup: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
    if not markup:
        return
    for row in markup.get("inline_keyboard", []):
        yield from row


@dataclass(eq=False)
class Topic:
    thread_id: int
    name: str
    icon_color: int = 0x6FB9F0
    icon_custom_emoji_id: str | None = None
    closed: bool = False
    deleted: bool = False
    created_by_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        topic: dict[str, Any] = {
            "message_thread_id": self.thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            topic["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return topic


@dataclass
class ChatEvent:
    """Something the bot did to a chat, in global order (wait_reply() walks these)."""

    seq: int
    kind: str  # "sent" | "edited" | "deleted"
    message: StoredMessage


@dataclass
class ChatAction:
    action: str
    thread_id: int | None
    at: int


@dataclass(eq=False)
class ChatState:
    id: int
    type: str  # "private" | "group" | "supergroup" | "channel"
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_forum: bool = False
    bot_status: str = "member"  # the bot's membership: member/administrator/left/kicked
    blocked: bool = False  # private chats: the user blocked the bot
    started: bool = True  # private chats: the user has talked to the bot
    history: dict[int, StoredMessage] = field(default_factory=dict, repr=False)
    topics: dict[int, Topic] = field(default_factory=dict, repr=False)
    members: dict[int, str] = field(default_factory=dict, repr=False)  # user id -> status
    actions: list[ChatAction] = field(default_factory=list, repr=False)
    events: list[ChatEvent] = field(default_factory=list, repr=False)
    menu_button: dict[str, Any] | None = None
    next_message_id: int = 1

    def to_api(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            value = getattr(self, key)
            if value is not None:
                chat[key] = value
        if self.is_forum:
            chat["is_forum"] = True
        return chat

    @property
    def messages(self) -> list[StoredMessage]:
        """What the bot sent here and has not deleted, oldest first (service messages aside)."""
        return [m for m in self.history.values() if m.from_bot and not m.deleted and not m.is_service]

    @property
    def deleted_messages(self) -> list[StoredMessage]:
        return [m for m in self.history.values() if m.deleted]

    @property
    def user_messages(self) -> list[StoredMessage]:
        return [m for m in self.history.values() if not m.from_bot]

    @property
    def last(self) -> StoredMessage | None:
        messages = self.messages
        return messages[-1] if messages else None

    @property
    def texts(self) -> list[str]:
        return [m.text or m.caption or "" for m in self.messages]

    def message(self, message_id: int) -> StoredMessage | None:
        message = self.history.get(message_id)
        return None if message is None or message.deleted else message

    def messages_in_thread(self, thread_id: int | None) -> list[StoredMessage]:
        return [m for m in self.messages if m.thread_id == thread_id]

    @property
    def kind_word(self) -> str:
        """How Telegram names the chat type in "bot was kicked from the ... chat"."""
        return {"group": "group", "supergroup": "supergroup", "channel": "channel"}.get(self.type, "private")


@dataclass(eq=False)
class CallbackQueryRecord:
    """A button press and what the bot answered to it."""

    id: str
    user_id: int
    chat_id: int | None
    message_id: int | None
    data: str | None
    created_at: float
    answered: bool = False
    answer_count: int = 0
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    answered_event: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    async def wait_answered(self, timeout: float = 5.0) -> CallbackQueryRecord:
        try:
            await asyncio.wait_for(self.answered_event.wait(), timeout)
        except TimeoutError:
            raise TimeoutError(f"callback query {self.id} ({self.data!r}) was not answered within {timeout}s") from None
        return self


class World:
    def __init__(self, bot_user: dict[str, Any], clock: Callable[[], float] = time.time) -> None:
        self.bot_user = bot_user
        self.clock = clock
        self.users: dict[int, UserState] = {}
        self.chats: dict[int, ChatState] = {}
        self.files: dict[str, FileRecord] = {}
        self.callbacks: dict[str, CallbackQueryRecord] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.default_menu_button: dict[str, Any] = {"type": "default"}
        self._event_seq = itertools.count(1)
        self._file_seq = itertools.count(1)
        self._callback_seq = itertools.count(1)
        self._media_group_seq = itertools.count(1)
        self.changed: Callable[[], None] = lambda: None  # set by the server to wake waiters

    def now(self) -> int:
        return int(self.clock())

    def event_seq(self) -> int:
        """Current position in the global event order (wait_reply starts after it)."""
        return next(self._event_seq)

    # -- people and chats ----------------------------------------------------------------

    def add_user(self, user: UserState, *, started: bool = True) -> ChatState:
        self.users[user.id] = user
        chat = self.chats.get(user.id)
        if chat is None:
            chat = ChatState(
                user.id,
                "private",
                username=user.username,
                first_name=user.first_name,
                last_name=user.last_name,
                started=started,
            )
            self.chats[user.id] = chat
        return chat

    def add_chat(self, chat: ChatState) -> ChatState:
        self.chats.setdefault(chat.id, chat)
        return self.chats[chat.id]

    def chat(self, chat_id: int | str) -> ChatState:
        """Resolve a chat_id parameter (id or @username) or answer "chat not found"."""
        if isinstance(chat_id, str):
            if chat_id.lstrip("-").isdigit():
                chat_id = int(chat_id)
            else:
                name = chat_id.removeprefix("@").lower()
                for chat in self.chats.values():
                    if chat.type != "private" and (chat.username or "").lower() == name:
                        return chat
                raise bad_request(errors.CHAT_NOT_FOUND)
        chat = self.chats.get(chat_id)
        if chat is None:
            raise bad_request(errors.CHAT_NOT_FOUND)
        return chat

    def writable_chat(self, chat_id: int | str) -> ChatState:
        """A chat the bot may post to now, or Telegram's 400/403 for why not."""
        chat = self.chat(chat_id)
        if chat.type == "private":
            if chat.blocked:
                # The test blocked the user on purpose: not the bot's fault.
                raise forbidden(errors.BOT_BLOCKED, provoked=True)
            if not chat.started:
                raise forbidden(errors.CANT_INITIATE)
            return chat
        if chat.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {chat.kind_word} chat", provoked=True)
        if chat.bot_status == "left":
            raise forbidden(f"bot is not a member of the {chat.kind_word} chat", provoked=True)
        if chat.type == "channel" and chat.bot_status not in ADMIN_STATUSES:
            raise bad_request("need administrator rights in the channel chat")
        return chat

    def thread_for(self, chat: ChatState, thread_id: int | None) -> int | None:
        if thread_id is None:
            return None
        if chat.type == "private":
            return None  # private-chat topics exist only for bots that enabled them; ignore
        if chat.is_forum:
            topic = chat.topics.get(thread_id)
            if topic is None or topic.deleted:
                raise bad_request(errors.MESSAGE_THREAD_NOT_FOUND)
            if topic.closed and chat.bot_status not in ADMIN_STATUSES:
                raise bad_request("TOPIC_CLOSED")
            return thread_id
        if chat.message(thread_id) is None:
            raise bad_request(errors.MESSAGE_THREAD_NOT_FOUND)
        return thread_id

    def topic(self, chat: ChatState, thread_id: int) -> Topic:
        if not chat.is_forum:
            raise bad_request("the chat is not a forum")
        topic = chat.topics.get(thread_id)
        if topic is None or topic.deleted:
            raise bad_request(errors.MESSAGE_THREAD_NOT_FOUND)
        return topic

    # -- messages -----------------------------------------------------------------------

    def add_message(
        self, chat: ChatState, *, from_bot: bool, sender: dict[str, Any] | None, kind: str, **fields: Any
    ) -> StoredMessage:
        message = StoredMessage(
            chat=chat,
            message_id=chat.next_message_id,
            from_bot=from_bot,
            sender=sender,
            date=self.now(),
            kind=kind,
            **fields,
        )
        chat.next_message_id += 1
        chat.history[message.message_id] = message
        if from_bot:
            self.record_event(chat, "sent", message)
        self.changed()
        return message

    def record_event(self, chat: ChatState, kind: str, message: StoredMessage) -> None:
        chat.events.append(ChatEvent(self.event_seq(), kind, message))
        self.changed()

    def new_media_group_id(self) -> str:
        return f"fake-media-group-{next(self._media_group_seq)}"

    # -- files ------------------------------------------------------------------------

    def add_file(
        self,
        kind: str,
        data: bytes = b"",
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        url: str | None = None,
        file_id: str | None = None,
    ) -> FileRecord:
        number = next(self._file_seq)
        record = FileRecord(
            file_id=file_id or f"FAKE-{kind.upper()}-{number:06d}-AgADfake",
            file_unique_id=f"FakeUniq{number:06d}",
            kind=kind,
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            url=url,
        )
        self.files[record.file_id] = record
        return record

    def file_by_path(self, path: str) -> FileRecord | None:
        return next((f for f in self.files.values() if f.file_path == path), None)

    # -- callback queries -------------------------------------------------------------

    def new_callback(self, user_id: int, message: StoredMessage | None, data: str | None) -> CallbackQueryRecord:
        query_id = f"{next(self._callback_seq)}{user_id % 100000:05d}{int(self.clock()) % 1000:03d}"
        record = CallbackQueryRecord(
            id=query_id,
            user_id=user_id,
            chat_id=message.chat.id if message else None,
            message_id=message.message_id if message else None,
            data=data,
            created_at=self.clock(),
        )
        self.callbacks[query_id] = record
        return record

    def answer_callback(
        self, query_id: str, *, text: str | None, show_alert: bool, url: str | None
    ) -> CallbackQueryRecord:
        record = self.callbacks.get(query_id)
        if record is None or record.answered:
            raise bad_request(errors.QUERY_TOO_OLD)
        record.answered = True
        record.answer_count += 1
        record.text, record.show_alert, record.url = text, show_alert, url
        record.answered_event.set()
        self.changed()
        return record

    @property
    def unanswered_callbacks(self) -> list[CallbackQueryRecord]:
        return [c for c in self.callbacks.values() if not c.answered]


def command_entities(text: str) -> list[dict[str, Any]]:
    """bot_command entities Telegram adds to a person's text ("/start", "/help@bot")."""
    entities = []
    for match in _COMMAND_RE.finditer(text):
        entities.append(
            {
                "type": "bot_command",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group()),
            }
        )
    return entities
