"""The clock that starts the background jobs (APScheduler 3, AsyncIOScheduler).

The scheduler only decides *when* to look; what is due and who does it is in the database
(reminders, job_runs), so a restart loses nothing and two processes double nothing.

    reminders    every 30 s, and at start-up       bot.reminders.dispatch.ReminderDispatcher
    attendance   every 5 min, and at start-up      bot.jobs.attendance.ask_staff   (staff chat)
    digest       07:30 Europe/Berlin               bot.jobs.digest.post_daily_digest (staff chat)
                 + at start-up between 7:30 and 12:00 if nobody posted it yet
    purge        03:30 Europe/Berlin               bot.jobs.purge.purge_all

Started by the composition root (`start_for_telegram(app)` in bot.telegram.app.run), stopped
with `await scheduling.shutdown()`: no new runs, the running ones get a grace period to finish
their batch (a reminder run stops after its current batch), then the rest is cancelled (a
cancelled send leaves its claim, which another process takes over once this one has stopped
beating: bot.reminders.dispatch, "Claims and heartbeats").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.replies import Reply
from bot.core.services import Services
from bot.jobs import attendance, digest, purge
from bot.places.calendar import TZ
from bot.reminders.dispatch import DispatchReport, ReminderDispatcher, default_owner

if TYPE_CHECKING:
    from bot.telegram.app import TelegramApp

log = logging.getLogger(__name__)

REMINDER_INTERVAL = timedelta(seconds=30)
ATTENDANCE_INTERVAL = timedelta(minutes=5)
PURGE_AT = (3, 30)
SHUTDOWN_GRACE = 10.0

PostHtml = Callable[[str], Awaitable[Any]]
PostReply = Callable[[Reply], Awaitable[Any]]


class Scheduling:
    """The jobs of one bot process."""

    def __init__(
        self,
        services: Services,
        *,
        post_staff_html: PostHtml | None = None,
        post_staff_reply: PostReply | None = None,
        owner: str | None = None,
        dispatcher: ReminderDispatcher | None = None,
    ) -> None:
        self.services = services
        self.post_staff_html = post_staff_html
        self.post_staff_reply = post_staff_reply
        self.owner = owner or default_owner()
        catalog = services.catalog
        self.dispatcher = dispatcher or ReminderDispatcher(
            services.sessions,
            sender=services.outbox.to_person,
            clock=services.clock,
            owner=self.owner,
            supports_language=catalog.supports,
            places=services.places,
        )
        self.scheduler = AsyncIOScheduler(
            timezone=TZ, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60}
        )
        self._running: set[asyncio.Task[Any]] = set()

    # --- the jobs (also callable directly, e.g. from tests) -------------------------------------

    async def run_reminders(self) -> DispatchReport:
        return await self.dispatcher.run_once()

    async def run_attendance(self) -> int:
        if self.post_staff_reply is None:
            return 0
        return await attendance.ask_staff(
            self.services.sessions,
            now=self.services.clock.now(),
            post=self.post_staff_reply,
            catalog=self.services.catalog,
            places=self.services.places,
            owner=self.owner,
        )

    async def run_digest(self) -> bool:
        if self.post_staff_html is None:
            return False
        return await digest.post_daily_digest(
            self.services.sessions,
            now=self.services.clock.now(),
            post=self.post_staff_html,
            catalog=self.services.catalog,
            places=self.services.places,
            owner=self.owner,
        )

    async def catch_up_digest(self) -> bool:
        if self.post_staff_html is None:
            return False
        return await digest.catch_up(
            self.services.sessions,
            now=self.services.clock.now(),
            post=self.post_staff_html,
            catalog=self.services.catalog,
            places=self.services.places,
            owner=self.owner,
        )

    async def run_purge(self) -> dict[str, int]:
        return await purge.purge_all(
            self.services.sessions, now=self.services.clock.now(), retention_days=self.services.settings.retention_days
        )

    # --- lifecycle ---------------------------------------------------------------------------

    def _guarded(self, name: str, job: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            task = asyncio.current_task()
            if task is not None:
                self._running.add(task)
            try:
                await job()
            except asyncio.CancelledError:
                log.info("job %s cancelled", name)
                raise
            except Exception:
                log.exception("job %s failed; it runs again at its next time", name)
            finally:
                if task is not None:
                    self._running.discard(task)

        run.__name__ = f"job_{name}"
        return run

    def add_jobs(self) -> None:
        now = datetime.now(UTC)

        def add(func: Any, trigger: Any, **kwargs: Any) -> None:
            # One run of a job at a time; missed runs collapse into one.
            kwargs.setdefault("misfire_grace_time", 60)
            self.scheduler.add_job(func, trigger, max_instances=1, coalesce=True, replace_existing=True, **kwargs)

        add(
            self._guarded("reminders", self.run_reminders),
            IntervalTrigger(seconds=REMINDER_INTERVAL.total_seconds(), timezone=TZ),
            id="reminders",
            next_run_time=now,
        )
        add(
            self._guarded("purge", self.run_purge),
            CronTrigger(hour=PURGE_AT[0], minute=PURGE_AT[1], timezone=TZ),
            id="purge",
            misfire_grace_time=3600,
        )
        if self.post_staff_html is not None:
            add(
                self._guarded("digest", self.run_digest),
                CronTrigger(hour=digest.DIGEST_AT.hour, minute=digest.DIGEST_AT.minute, timezone=TZ),
                id="digest",
                misfire_grace_time=2 * 3600,
            )
            add(
                self._guarded("digest_catch_up", self.catch_up_digest),
                DateTrigger(now + timedelta(seconds=5)),
                id="digest_catch_up",
            )
        if self.post_staff_reply is not None:
            add(
                self._guarded("attendance", self.run_attendance),
                IntervalTrigger(seconds=ATTENDANCE_INTERVAL.total_seconds(), timezone=TZ),
                id="attendance",
                next_run_time=now + timedelta(seconds=10),
            )

    def start(self) -> None:
        """Add the jobs and start the clock (inside the running event loop)."""
        self.add_jobs()
        self.scheduler.start()
        log.info("scheduler started: %s", ", ".join(job.id for job in self.scheduler.get_jobs()))

    async def shutdown(self, grace: float = SHUTDOWN_GRACE) -> None:
        """No new runs; let running jobs finish for up to `grace` seconds; cancel the rest."""
        if not self.scheduler.running:
            return
        self.scheduler.pause()
        self.dispatcher.stop()
        running = [task for task in self._running if not task.done()]
        if running:
            done, pending = await asyncio.wait(running, timeout=grace)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=1.0)
        self.scheduler.shutdown(wait=False)
        for _ in range(100):  # AsyncIOScheduler shuts down on a later turn of the event loop
            if not self.scheduler.running:
                break
            await asyncio.sleep(0)
        log.info("scheduler stopped")


def start_for_telegram(app: TelegramApp) -> Scheduling:
    """Build and start the jobs of the Telegram bot (staff jobs only with STAFF_CHAT_ID)."""
    services = app.foundation.services
    staff_chat_id = services.settings.staff_chat_id
    post_reply: PostReply | None = None
    post_html: PostHtml | None = None
    if staff_chat_id is not None:
        renderer = app.renderer

        async def post_reply(reply: Reply) -> Any:
            return await renderer.send(staff_chat_id, [reply], "de")

        post_html = services.outbox.to_staff
    scheduling = Scheduling(services, post_staff_html=post_html, post_staff_reply=post_reply)
    scheduling.start()
    return scheduling
