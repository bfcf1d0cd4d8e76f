"""DatabaseStorage: one statement to read a conversation's step and data, one to write them."""

from __future__ import annotations

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import event, func, select

from bot.storage.conversation_storage import DatabaseConversation, DatabaseStorage
from bot.storage.database import unit_of_work
from bot.storage.models import ConversationState

KEY = StorageKey(bot_id=1, chat_id=42, user_id=42)


async def rows(sessions) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(ConversationState)))


async def test_save_then_load_round_trips(sessions) -> None:
    storage = DatabaseStorage(sessions)
    assert await storage.load(KEY) == (None, {})
    await storage.save(KEY, "booking:day", {"office": "nord", "n": [1, 2]})
    assert await storage.load(KEY) == ("booking:day", {"office": "nord", "n": [1, 2]})
    await storage.save(KEY, "booking:time", {"office": "nord"})  # the upsert replaces
    assert await storage.load(KEY) == ("booking:time", {"office": "nord"})
    assert await rows(sessions) == 1


async def test_nothing_left_to_remember_keeps_no_row(sessions) -> None:
    storage = DatabaseStorage(sessions)
    await storage.save(KEY, "x", {"a": 1})
    await storage.save(KEY, None, {})
    assert await rows(sessions) == 0
    await storage.save(KEY, None, {})  # deleting what is not there is fine
    assert await storage.load(KEY) == (None, {})


async def test_aiogram_methods_keep_the_other_half(sessions) -> None:
    storage = DatabaseStorage(sessions)
    await storage.set_data(KEY, {"note": "kita"})
    await storage.set_state(KEY, "flow:kita")
    assert await storage.get_state(KEY) == "flow:kita"
    assert await storage.get_data(KEY) == {"note": "kita"}
    await storage.forget(KEY)
    assert await rows(sessions) == 0


async def test_each_way_is_one_statement(sessions, db_url: str) -> None:
    storage = DatabaseStorage(sessions)
    context = DatabaseConversation(storage, KEY)
    statements: list[str] = []
    async with sessions() as session:
        engine = session.get_bind()

    def record(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        async with unit_of_work(sessions):
            await context.save("s", {"a": 1})
        assert len(statements) == 1 and "ON CONFLICT" in statements[0].upper()
        statements.clear()
        assert await context.load() == ("s", {"a": 1})
        assert len(statements) == 1 and statements[0].lstrip().upper().startswith("SELECT")
    finally:
        event.remove(engine, "before_cursor_execute", record)
