"""Schema migrations: the start-up check that skips Alembic when the database is current, and the
migrations themselves against the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.storage import database
from bot.storage.database import alembic_config, connect, create_engine, head_revision, schema_revision
from bot.storage.models import Base


def _versions(tmp_path: Path, *files: str) -> Path:
    versions = tmp_path / "versions"
    versions.mkdir(parents=True)
    for number, body in enumerate(files):
        (versions / f"{number:04d}_step.py").write_text(body, encoding="utf-8")
    return versions


def test_the_head_read_from_the_files_is_alembics_head() -> None:
    alembic_head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert alembic_head is not None
    assert head_revision() == alembic_head


def test_the_head_is_the_revision_no_file_revises(tmp_path: Path) -> None:
    versions = _versions(
        tmp_path,
        "revision = '0001'\ndown_revision = None\n",
        "revision: str = '0002'\ndown_revision: str | None = '0001'\n",
        "revision = '0003'\ndown_revision = '0002'\n",
    )
    assert head_revision(versions) == "0003"


def test_a_branch_or_an_unreadable_file_leaves_the_decision_to_alembic(tmp_path: Path) -> None:
    branched = _versions(
        tmp_path / "a",
        "revision = '0001'\ndown_revision = None\n",
        "revision = '0002a'\ndown_revision = '0001'\n",
        "revision = '0002b'\ndown_revision = '0001'\n",
    )
    computed = _versions(tmp_path / "b", "revision = make_id()\ndown_revision = None\n")
    assert head_revision(branched) is None
    assert head_revision(computed) is None


async def test_a_new_database_is_migrated_to_the_head(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'new.sqlite3'}"
    engine = await connect(url, attempts=1)
    try:
        assert await schema_revision(engine) == head_revision()
        async with engine.connect() as connection:
            people = (await connection.execute(text("SELECT count(*) FROM people"))).scalar_one()
        assert people == 0
    finally:
        await engine.dispose()


async def test_a_current_database_starts_without_alembic(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async def must_not_run(url: str) -> None:
        raise AssertionError(f"migrate({url}) ran on a database at the head")

    monkeypatch.setattr(database, "migrate", must_not_run)
    engine = await connect(db_url, attempts=1)
    try:
        assert await schema_revision(engine) == head_revision()
    finally:
        await engine.dispose()


async def test_a_database_at_another_revision_is_handed_to_alembic(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(db_url)
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    await engine.dispose()
    migrated: list[str] = []

    async def record(url: str) -> None:
        migrated.append(url)

    monkeypatch.setattr(database, "migrate", record)
    engine = await connect(db_url, attempts=1)
    await engine.dispose()
    assert migrated == [db_url]


async def test_the_migrations_build_exactly_the_models(db_url: str) -> None:
    """A model changed without a migration shows up here as a difference."""
    engine = create_engine(db_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await engine.dispose()
    assert differences == []
