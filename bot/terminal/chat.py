"""`python -m bot chat`: the same bot in a terminal — same flows, database and texts, no network.

Type as you would in Telegram. Buttons are numbered: type the number to press one.
Terminal-only helpers start with a colon: `:location 51.514 7.465` shares a location,
`:photo` sends a photo, `:quit` ends the chat."""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from aiogram.fsm.storage.base import StorageKey

from bot.bootstrap import build_foundation
from bot.config import Settings
from bot.content.locales import Catalog, html_to_plain
from bot.core.actions import pack, unpack
from bot.core.conversation import Conversation
from bot.core.events import CommandIn, Event, LocationIn, MediaIn, PressIn, TextIn
from bot.core.replies import Choice, Link, Reply
from bot.core.turn import open_turn
from bot.dialogues import registry
from bot.dialogues.basics import apology
from bot.storage.conversation_storage import DatabaseConversation, DatabaseStorage
from bot.storage.models import Person
from bot.terminal.staff_desk import LocalDesk

log = logging.getLogger(__name__)
CHANNEL = "terminal"
LOCAL_CHAT = 1  # one local person per database; the storage key needs a number


@dataclass
class TerminalOutbox:
    write: Callable[[str], None]
    catalog: Catalog | None = None

    async def to_person(self, person: Person, replies: list[Reply]) -> bool:
        return True  # only one person in a terminal: replies are shown by the chat loop

    async def to_staff(self, html: str) -> None:
        self.write("\n[an die Mitarbeitenden / to staff]\n" + html_to_plain(html) + "\n")


@dataclass
class TerminalView:
    """Prints replies as text and remembers which number means which button: its callback data,
    packed and unpacked as on Telegram, so a press here is decoded and checked the same way."""

    catalog: Catalog
    write: Callable[[str], None]
    offered: list[str] = field(default_factory=list)
    downloads: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "lokal-willkommen")

    def show(self, replies: list[Reply], lang: str) -> None:
        self.offered = []
        for reply in replies:
            self.write("\n" + html_to_plain(self.catalog.render(reply.text, lang)) + "\n")
            for row in reply.choices:
                for item in row:
                    label = html_to_plain(self.catalog.render(item.label, lang))
                    if isinstance(item, Choice):
                        self.offered.append(pack(item.action))
                        self.write(f"  [{len(self.offered)}] {label}\n")
                    elif isinstance(item, Link):
                        self.write(f"  [link] {label}: {item.url}\n")
            if reply.ask_location:
                self.write("  (:location LAT LON)\n")
            if reply.venue is not None:
                v = reply.venue
                self.write(f"  📍 {v.title}, {v.address} ({v.latitude:.5f}, {v.longitude:.5f})\n")
            if reply.document is not None:
                self.downloads.mkdir(parents=True, exist_ok=True)
                path = self.downloads / reply.document.filename
                path.write_bytes(reply.document.content)
                self.write(f"  📎 {path}\n")

    def parse(self, line: str) -> Event | None:
        text = line.strip()
        if not text:
            return None
        # A few ASCII digits: int() refuses "²" and numbers of over 4,300 digits, which are text.
        if text.isascii() and text.isdigit() and len(text) <= 3 and 1 <= int(text) <= len(self.offered):
            return PressIn(unpack(self.offered[int(text) - 1]))
        if text.startswith(":location"):
            parts = text.replace(",", " ").split()[1:]
            try:
                return LocationIn(float(parts[0]), float(parts[1]))
            except (IndexError, ValueError):
                self.write("  :location LAT LON, e.g. :location 51.5136 7.4653\n")
                return None
        if text.startswith(":photo"):
            return MediaIn("photo")
        if text.startswith("/"):
            head, _, args = text.partition(" ")
            return CommandIn(head[1:].lower(), args.strip())
        return TextIn(text)


async def chat(
    settings: Settings, *, lang: str | None = None, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> None:
    def write(text: str) -> None:
        stdout.write(text)
        stdout.flush()

    foundation = await build_foundation(settings, TerminalOutbox(write))
    services = foundation.services
    services.staff_desks[CHANNEL] = LocalDesk(write)  # no staff chat here: prints "[to staff] ..."
    conversation = Conversation(registry())
    storage = DatabaseStorage(services.sessions)
    state = DatabaseConversation(storage, StorageKey(bot_id=0, chat_id=LOCAL_CHAT, user_id=LOCAL_CHAT))
    view = TerminalView(services.catalog, write)
    warm_up = services.warm_up_in_background()  # the first typed question then needs no wait
    write("lokal willkommen — :quit beendet / ends the chat\n")

    async def turn_for(event: Event) -> None:
        shown_in = lang or "de"
        try:
            typed = event.text if isinstance(event, TextIn) else None
            async with open_turn(services, CHANNEL, "local", state, typed=typed) as turn:
                if lang and turn.person.language is None:
                    turn.person.language = lang
                replies = await conversation.handle(turn, event, language_hint=lang)
                shown_in = turn.lang
        except Exception:
            # Same promise as on Telegram: an apology, a log line, and the chat goes on.
            log.exception("terminal turn failed")
            replies = [apology()]
        view.show(replies, shown_in)

    try:
        await turn_for(CommandIn("start"))
        while True:
            write("> ")
            line = await asyncio.to_thread(stdin.readline)
            if line == "" or line.strip() in (":quit", ":q"):
                break
            event = view.parse(line)
            if event is not None:
                await turn_for(event)
    finally:
        warm_up.cancel()
        await foundation.close()
