"""Claiming a job run once across processes: the (name, run_key) primary key of job_runs.

    if await claim_run(sessions, "digest", "2026-11-23", owner=owner, now=now):
        ... post the digest ...

The first INSERT wins; every other process gets an IntegrityError and leaves the run alone.
`release_run` gives a claimed run back when the work failed, so a retry may claim it again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.models import JobRun


async def claim_run(
    sessions: async_sessionmaker[AsyncSession], name: str, run_key: str, *, owner: str, now: datetime
) -> bool:
    """True when this call claimed the run (committed); False when someone already had."""
    async with sessions() as session:
        session.add(JobRun(name=name, run_key=run_key, claimed_by=owner[:64], claimed_at=now))
        try:
            await session.commit()
        except IntegrityError:
            await session.rollback()
            return False
    return True


async def release_run(sessions: async_sessionmaker[AsyncSession], name: str, run_key: str, *, owner: str) -> None:
    """Give back a run this owner claimed (its work failed), so it can be claimed again."""
    async with sessions() as session:
        await session.execute(
            delete(JobRun).where(JobRun.name == name, JobRun.run_key == run_key, JobRun.claimed_by == owner[:64])
        )
        await session.commit()


async def is_claimed(session: AsyncSession, name: str, run_key: str) -> bool:
    return (
        await session.scalar(select(JobRun.run_key).where(JobRun.name == name, JobRun.run_key == run_key)) is not None
    )
