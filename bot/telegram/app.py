"""The composition root of the Telegram bot: wires storage, middlewares, routers, and runs it
by long polling or, when WEBHOOK_URL is set, as an aiohttp webhook server."""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, LinkPreviewOptions
from aiohttp import ClientSession

from bot.bootstrap import Foundation, build_foundation
from bot.clock import Clock
from bot.config import Settings
from bot.content.locales import Catalog, html_to_plain
from bot.core.conversation import Conversation
from bot.core.replies import Msg
from bot.dialogues import registry
from bot.garbage import freeze_startup_objects
from bot.health import Health
from bot.metrics import HANDOFFS_OPEN, MetricsPage
from bot.storage.conversation_storage import DatabaseStorage
from bot.storage.database import DatabaseUnavailable
from bot.telegram.metrics import CountBotApiCalls, CountUpdates
from bot.telegram.middlewares.dedup import DeduplicateUpdates
from bot.telegram.middlewares.errors import ApologizeOnError
from bot.telegram.middlewares.flood import FloodCounter, MemoryFloodCounter, RedisFloodCounter, SlowDownFloods
from bot.telegram.middlewares.outages import AnswerDuringOutages
from bot.telegram.middlewares.state import ConversationStateMiddleware
from bot.telegram.middlewares.turn import CHANNEL as TELEGRAM
from bot.telegram.middlewares.turn import TurnMiddleware
from bot.telegram.outbox import TelegramOutbox
from bot.telegram.ratelimit import OutboundLimits, OutboundRateLimiter
from bot.telegram.render import TelegramRenderer
from bot.telegram.response_models import KeepResponseModels
from bot.telegram.routers import (
    buttons,
    commands,
    fallback,
    handoff_staff,
    membership,
    messages,
    staff_attendance,
    staff_tools,
)
from bot.telegram.routers import staff as staff_bookings
from bot.telegram.staff_desk import SourceOfTurn, TelegramStaffDesk
from bot.translation import Translator
from bot.web.desk import hand_web_over_to

if TYPE_CHECKING:
    from aiohttp import web
    from redis.asyncio import Redis
    from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

# The command menu, in this order, with descriptions from locale keys commands.<name>.
MENU_COMMANDS = (
    "start",
    "menu",
    "office",
    "hours",
    "book",
    "mybookings",
    "human",
    "language",
    "privacy",
    "deletemydata",
    "help",
)


@dataclass
class TelegramApp:
    bot: Bot
    dispatcher: Dispatcher
    foundation: Foundation
    renderer: TelegramRenderer
    health: Health
    metrics: MetricsPage

    async def close(self) -> None:
        await self.health.close()
        await self.dispatcher.storage.close()
        await self.bot.session.close()
        await self.foundation.close()


class PlainHttpSession(AiohttpSession):
    """For a Bot API server reached over plain HTTP (a local telegram-bot-api, the tests' fake):
    aiogram's close() waits 250 ms for TLS connections to shut down, and there are none here."""

    client_session: ClientSession | None = None

    async def create_session(self) -> ClientSession:
        self.client_session = await super().create_session()
        return self.client_session

    async def close(self) -> None:
        if self.client_session is not None and not self.client_session.closed:
            await self.client_session.close()


def build_bot(settings: Settings, *, outbound_limits: OutboundLimits | None = None, redis: Redis | None = None) -> Bot:
    assert settings.bot_token is not None
    api = TelegramAPIServer.from_base(settings.telegram_api_url)
    plain_http = settings.telegram_api_url.startswith("http://")
    session = PlainHttpSession(api=api) if plain_http else AiohttpSession(api=api)
    bot = Bot(
        settings.bot_token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview=LinkPreviewOptions(is_disabled=True)),
    )
    bot.session.middleware(OutboundRateLimiter(outbound_limits, redis=redis))  # flood limits, 429s, 5xx retries
    bot.session.middleware(CountBotApiCalls())  # inside the limiter: every attempt, every error
    bot.session.middleware(KeepResponseModels())  # parse answers without rebuilding their models
    return bot


def build_storage(
    foundation: Foundation, redis: Redis | None, health: Health
) -> tuple[BaseStorage, BaseEventIsolation]:
    if redis is not None:
        from bot.telegram.redis_state import RedisOrLocalIsolation, RedisStateStorage

        return RedisStateStorage(redis, health), RedisOrLocalIsolation(redis, health)
    return DatabaseStorage(foundation.services.sessions), SimpleEventIsolation()


def build_health(settings: Settings, engine: AsyncEngine, redis: Redis | None) -> Health:
    """/healthz asks the database with a query that reads the file or the server (not just `SELECT 1`)."""
    from sqlalchemy import text

    async def database() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT version_num FROM alembic_version"))

    return Health(
        {"database": database, "redis": redis.ping if redis is not None else None},
        timeout=max(settings.database_timeout, settings.redis_timeout),
    )


def build_dispatcher(
    foundation: Foundation,
    renderer: TelegramRenderer,
    storage: BaseStorage,
    isolation: BaseEventIsolation,
    flood_counter: FloodCounter,
    health: Health,
) -> Dispatcher:
    services = foundation.services
    # aiogram's own FSM middleware would read the state before every update (bot.telegram.middlewares.state)
    dp = Dispatcher(storage=storage, events_isolation=isolation, disable_fsm=True)
    dp.fsm = ConversationStateMiddleware(storage=storage, events_isolation=isolation)
    dp.update.outer_middleware(CountUpdates())  # outermost: counts and times every update
    # Then: the update log and the Redis lock below meet an outage before any turn does.
    dp.update.outer_middleware(AnswerDuringOutages(health, services.catalog))
    dp.update.outer_middleware(dp.fsm)
    dp["services"] = services
    dp["conversation"] = Conversation(registry())
    dp["renderer"] = renderer
    dp["catalog"] = services.catalog
    staff_desk = TelegramStaffDesk(renderer.bot, services.settings.staff_chat_id)
    services.staff_desks[TELEGRAM] = staff_desk  # handoffs of Telegram people
    hand_web_over_to(services, staff_desk)  # and of web people (their threads marked "web")
    dp["staff_desk"] = staff_desk  # the staff routers' side of a handoff
    dp.update.outer_middleware(DeduplicateUpdates(services.sessions))
    flood_gate = SlowDownFloods(flood_counter, limit=services.settings.flood_limit_per_minute)
    dp.message.outer_middleware(flood_gate)
    dp.callback_query.outer_middleware(flood_gate)

    private_routers = (commands.build_router(), buttons.build_router(), messages.build_router())
    for router in private_routers:
        for observer in (router.message, router.callback_query):
            # Order matters: apologize around everything, then session + person (the turn).
            observer.middleware(ApologizeOnError(services))
            observer.middleware(AnswerDuringOutages(health, services.catalog))  # "try again", not "a bug"
            observer.middleware(TurnMiddleware(services))
            observer.middleware(SourceOfTurn())  # which message a handoff copies to staff
    if services.settings.staff_chat_id is not None:  # before the fallback, which takes every press
        dp.include_router(staff_attendance.build_router(services.settings.staff_chat_id))
        dp.include_router(staff_bookings.build_router(services.settings.staff_chat_id))
        dp.include_router(staff_tools.build_router(services.settings.staff_chat_id))
        dp.include_router(handoff_staff.build_router(services.settings))
    dp.include_routers(*private_routers, membership.build_router(), fallback.build_router())
    return dp


async def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    translator: Translator | None = None,
    db_attempts: int = 5,
    outbound_limits: OutboundLimits | None = None,
) -> TelegramApp:
    outbox = TelegramOutbox(settings.staff_chat_id)
    foundation = await build_foundation(settings, outbox, clock=clock, translator=translator, db_attempts=db_attempts)
    redis: Redis | None = None
    if settings.redis_url:
        # Imported only when configured: the redis client is ~6 MB and ~0.1 s at every start.
        from bot.telegram.redis_state import redis_client

        redis = redis_client(settings.redis_url, timeout=settings.redis_timeout)
        await _reach_redis(redis, settings.redis_url, attempts=db_attempts)
    bot = build_bot(settings, outbound_limits=outbound_limits, redis=redis)
    renderer = TelegramRenderer(bot, foundation.services.catalog)
    outbox.renderer = renderer
    outbox.services = foundation.services
    health = build_health(settings, foundation.engine, redis)
    storage, isolation = build_storage(foundation, redis, health)
    flood_counter: FloodCounter = RedisFloodCounter(redis, health) if redis is not None else MemoryFloodCounter()
    dispatcher = build_dispatcher(foundation, renderer, storage, isolation, flood_counter, health)
    metrics = MetricsPage(lambda: count_open_handoffs(foundation))
    return TelegramApp(
        bot=bot, dispatcher=dispatcher, foundation=foundation, renderer=renderer, health=health, metrics=metrics
    )


async def count_open_handoffs(foundation: Foundation) -> None:
    """lw_handoffs_open from the database: the same figure in every process."""
    from sqlalchemy import func, select

    from bot.storage.models import Handoff

    async with foundation.services.sessions() as session:
        count = await session.scalar(select(func.count()).select_from(Handoff).where(Handoff.status == "open"))
    HANDOFFS_OPEN.set(count or 0)


async def _reach_redis(redis: Redis, url: str, *, attempts: int, delay: float = 2.0) -> None:
    """Fail at start-up, clearly, rather than losing conversation state later."""
    from redis.exceptions import RedisError

    for attempt in range(1, attempts + 1):
        try:
            await redis.ping()
            return
        except (RedisError, OSError) as exc:
            log.warning("Redis not reachable (attempt %d of %d)", attempt, attempts)
            if attempt == attempts:
                raise DatabaseUnavailable(f"cannot reach Redis at {_without_password(url)}: {exc}") from None
            await asyncio.sleep(delay)


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}:{parts.port or 6379}{parts.path}"


async def set_commands(bot: Bot, catalog: Catalog) -> None:
    """The command menu in every curated language (and German for everyone else)."""
    for language in (None, *catalog.languages):
        lang = language or "de"
        commands_ = [
            BotCommand(command=name, description=html_to_plain(catalog.render(Msg(f"commands.{name}"), lang))[:256])
            for name in MENU_COMMANDS
        ]
        await bot.set_my_commands(commands_, scope=BotCommandScopeAllPrivateChats(), language_code=language)


async def prepare_polling(app: TelegramApp) -> None:
    """Long polling and a webhook exclude each other; the command menu is set on every start."""
    await app.bot.delete_webhook(drop_pending_updates=False)
    await set_commands(app.bot, app.foundation.services.catalog)


async def run_polling(app: TelegramApp, *, handle_signals: bool = True, polling_timeout: int = 10) -> None:
    await prepare_polling(app)
    await app.dispatcher.start_polling(
        app.bot,
        handle_signals=handle_signals,
        close_bot_session=False,
        polling_timeout=polling_timeout,
        allowed_updates=app.dispatcher.resolve_used_update_types(),
    )


async def start_webhook(app: TelegramApp, settings: Settings) -> web.AppRunner:
    """Register the webhook with Telegram and start serving it; the caller cleans up the runner."""
    from aiohttp import web

    from bot.telegram.webhook import build_web_app

    await set_commands(app.bot, app.foundation.services.catalog)
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    web_app = build_web_app(app, settings.webhook_secret, path=webhook_path(settings.webhook_url))
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
    await site.start()
    await app.bot.set_webhook(
        settings.webhook_url,
        secret_token=settings.webhook_secret,
        allowed_updates=app.dispatcher.resolve_used_update_types(),
    )
    log.info("webhook server listening on %s:%s", settings.webhook_host, settings.webhook_port)
    return runner


async def run_webhook(app: TelegramApp, settings: Settings) -> None:
    runner = await start_webhook(app, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()  # runs on_shutdown: in-flight updates finish first


def webhook_path(url: str) -> str:
    from urllib.parse import urlparse

    return urlparse(url).path or "/"


async def serve_health(app: TelegramApp, settings: Settings) -> web.AppRunner | None:
    """/healthz and /metrics on HEALTH_HOST:HEALTH_PORT in both modes (HEALTH_PORT=0: not at all). In webhook
    mode the webhook server answers it too, so the same address is not bound twice."""
    from bot.telegram.health_server import start_health_server

    shared = settings.webhook_url and (settings.health_host, settings.health_port) == (
        settings.webhook_host,
        settings.webhook_port,
    )
    if settings.health_port == 0 or shared:
        return None
    return await start_health_server(app.health, settings.health_host, settings.health_port, app.metrics)


async def run(settings: Settings) -> None:
    from bot.scheduling import start_for_telegram
    from bot.web.server import serve_beside_telegram

    app = await build_app(settings)
    jobs = None
    health_server = await serve_health(app, settings)
    web_chat = await serve_beside_telegram(app, settings)  # web people's messages; WEB_PORT: the chat
    freeze_startup_objects()
    loading = app.foundation.services.warm_up_in_background()
    # The model's objects live as long as the process, too.
    loading.add_done_callback(lambda task: None if task.cancelled() else freeze_startup_objects(collect_first=True))
    try:
        jobs = start_for_telegram(app)  # reminders, digest, attendance, purge
        if settings.webhook_url:
            await run_webhook(app, settings)
        else:
            await run_polling(app)
    finally:
        loading.cancel()
        if jobs is not None:
            await jobs.shutdown()
        if health_server is not None:
            await health_server.cleanup()
        if web_chat is not None:
            await web_chat.close()
        await app.close()
