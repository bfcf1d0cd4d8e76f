"""DATABASE_TIMEOUT: a PostgreSQL server that accepts a connection and never answers costs a
connect the timeout, not asyncpg's 60 s, and the error reads as an outage (bot.health)."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from bot.health import outage_of
from bot.storage.database import create_engine


async def test_a_database_that_hangs_costs_a_connect_at_most_the_timeout() -> None:
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    engine = create_engine(f"postgresql+asyncpg://bot@127.0.0.1:{port}/bot", timeout=0.3)
    try:

        async def query() -> None:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))

        attempt = asyncio.create_task(query())
        # Far above 0.3 s, far below asyncpg's own 60 s: the engine gave up, not this test.
        done, _ = await asyncio.wait({attempt}, timeout=10)
        assert attempt in done, "the connect was still waiting after 10 s"
        error = attempt.exception()
        assert error is not None and outage_of(error) == "database", repr(error)
    finally:
        await engine.dispose()
        for writer in held:
            writer.transport.abort()
        server.close()
        await server.wait_closed()
