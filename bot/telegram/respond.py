"""The one thing every private-chat handler does: hand the event to the core, send the replies."""

from __future__ import annotations

from aiogram.exceptions import TelegramForbiddenError

from bot.core import people
from bot.core.conversation import Conversation
from bot.core.events import Event
from bot.core.turn import Turn
from bot.telegram.ratelimit import first_answer
from bot.telegram.render import TelegramRenderer


async def respond(
    chat_id: int,
    event: Event,
    *,
    turn: Turn,
    conversation: Conversation,
    renderer: TelegramRenderer,
    language_hint: str | None,
) -> None:
    replies = await conversation.handle(turn, event, language_hint=language_hint)
    # Commit before sending: the replies only promise what is stored (a booking confirmation is
    # never sent for a booking that then fails to commit), and on SQLite the turn's write lock is
    # not held while we wait for Telegram (and for the outbound flood limits), which serialised
    # every other turn behind each send (bench/README.md). Anything after this is a new transaction,
    # committed when the turn ends.
    await turn.commit()
    try:
        with first_answer():  # its first message goes ahead of others' follow-ups (ratelimit.py)
            await renderer.send(chat_id, replies, turn.lang)
    except TelegramForbiddenError:
        # Blocked between their message and our answer: nothing to apologize to.
        await people.mark_unreachable(turn.session, turn.person, turn.services, turn.now)
