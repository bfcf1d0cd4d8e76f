"""Test databases: a fresh SQLite file, or a fresh PostgreSQL database cloned from a migrated
template. PostgreSQL tests skip on a developer machine without the server, but fail in CI."""

from __future__ import annotations

import asyncio
import os
import uuid

import asyncpg
import pytest

from bot.storage.database import migrate

POSTGRES_ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
# Tests flush the Redis database they use: each pytest-xdist worker (gw0, gw1, ...) has its own.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = os.environ.get("TEST_REDIS_URL", f"redis://127.0.0.1:6379/{15 - _WORKER % 15}")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_service(name: str, error: Exception) -> None:
    message = f"{name} is not reachable ({error})"
    if IN_CI:
        pytest.fail(message + "; CI runs the suite on it, so this is a failure")
    pytest.skip(message + "; these tests run in CI")


def _dsn_for(database: str) -> str:
    base, _, _ = POSTGRES_ADMIN_DSN.rpartition("/")
    return f"{base}/{database}"


def sqlalchemy_url(dsn: str) -> str:
    return dsn.replace("postgresql://", "postgresql+asyncpg://", 1)


class PostgresDatabases:
    """Creates databases from a template that has been migrated once per test session."""

    def __init__(self) -> None:
        self.template: str | None = None
        self.head: str | None = None  # the template's migration
        self.created: list[str] = []
        self.reused: str | None = None

    async def _admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)

    async def new(self) -> str:
        conn = await self._admin()
        try:
            if self.template is None:
                self.template = f"lw_template_{uuid.uuid4().hex[:8]}"
                await conn.execute(f'CREATE DATABASE "{self.template}"')
                await migrate(sqlalchemy_url(_dsn_for(self.template)))
                template = await asyncpg.connect(_dsn_for(self.template), timeout=5)
                try:
                    self.head = await template.fetchval("SELECT version_num FROM alembic_version")
                finally:
                    await template.close()
            name = f"lw_test_{uuid.uuid4().hex[:10]}"
            await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            self.created.append(name)
            return sqlalchemy_url(_dsn_for(name))
        finally:
            await conn.close()

    async def emptied(self) -> str:
        """This test process's own database, every table emptied: what a new database holds, at a
        fraction of the cost (creating one from the template takes ~0.25 s and dropping it as much,
        ~2.5 minutes over the suite). A test that left it at another migration gets a new one."""
        if self.reused is not None:
            conn = await asyncpg.connect(_dsn_for(self.reused), timeout=5)
            try:
                await conn.execute("SET lock_timeout = '5s'")
                if await conn.fetchval("SELECT version_num FROM alembic_version") == self.head:
                    tables = await conn.fetch(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                    )
                    names = ", ".join(f'"{row["tablename"]}"' for row in tables)
                    await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
                    return sqlalchemy_url(_dsn_for(self.reused))
            except asyncpg.PostgresError:
                pass
            finally:
                await conn.close()
        url = await self.new()
        self.reused = self.created[-1]
        return url

    async def drop_all(self) -> None:
        conn = await self._admin()
        try:
            for name in [*self.created, *([self.template] if self.template else [])]:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


async def postgres_reachable() -> Exception | None:
    try:
        conn = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=3)
        await conn.close()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return exc


def run(coro):
    return asyncio.new_event_loop().run_until_complete(coro)
