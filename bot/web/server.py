"""The web chat server (aiohttp): the page, its JSON API, and one turn per request.

    GET  /                      the page (static/index.html; CSS and JS from /static/, no CDN)
    GET  /api/session           the session (created on first visit: cookie), CSRF token, texts, transcript
    POST /api/start             {"hint": "uk-UA"}   /start, in the browser's language when it is one of ours
    POST /api/send              {"text": "..."}     typed text (or a /command)
    POST /api/press             {"press": "..."}    a button (its packed action, checked by unpack)
    POST /api/location          {"lat": .., "lon": ..}
    GET  /api/messages?after=N  long poll: entries after N (reminders, staff answers), waits up to 25 s
    GET  /api/files/<id>/<name> a file of an entry (the .ics of a booking)

Every POST needs the session cookie, the session's CSRF token in X-CSRF-Token, a JSON body, and
an Origin that is this site or one of WEB_ALLOWED_ORIGINS. A turn runs as in the other adapters
(open_turn with channel "web"); its replies are stored with the person's message in the turn's
transaction, so a reload shows the same conversation.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.fsm.storage.base import StorageKey
from aiohttp import web
from aiohttp.typedefs import Middleware
from sqlalchemy import select

from bot.bootstrap import Foundation
from bot.clock import Clock
from bot.config import Settings
from bot.content.locales import CURATED_LANGUAGES, html_to_plain
from bot.core.actions import unpack
from bot.core.conversation import Conversation
from bot.core.events import CommandIn, Event, LocationIn, PressIn, TextIn
from bot.core.replies import Msg
from bot.core.services import Services
from bot.core.turn import open_turn, understand_first
from bot.dialogues import registry
from bot.dialogues.basics import apology
from bot.handoff import notes
from bot.storage.conversation_storage import DatabaseConversation, DatabaseStorage
from bot.storage.database import reading
from bot.storage.models import WebMessage
from bot.translation import Translator
from bot.web.desk import hand_web_over_to
from bot.web.limits import RateLimit, WebLimits
from bot.web.outbox import Inbox, WebOutbox
from bot.web.render import direction, for_page, person_text, render_reply
from bot.web.sessions import CHANNEL, COOKIE, SessionStore, WebVisitor

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
STATIC_TYPES = {"index.html": "text/html", "chat.css": "text/css", "chat.js": "text/javascript"}
UI_KEYS = ("title", "conversation", "input_label", "send", "offline", "since_last_visit", "you", "bot")
LONG_POLL = 25.0  # seconds a poll waits for something new
RECHECK = 5.0  # ...looking in the database this often (a message stored by another process)
TRANSCRIPT = 200  # entries a page receives at once
MAX_BODY = 16 * 1024
EXPIRE_EVERY = 3600.0
STATE_BOT_ID = 0  # conversation state keys of the web: destiny "web", chat = the person's id


def state_key(person_id: int) -> StorageKey:
    return StorageKey(bot_id=STATE_BOT_ID, chat_id=person_id, user_id=person_id, destiny=CHANNEL)


def conversation_state(services: Services, person_id: int) -> DatabaseConversation:
    """A web person's conversation state, always in the database (whatever storage Telegram's
    conversations use): the staff side of a handoff moves its step too."""
    return DatabaseConversation(DatabaseStorage(services.sessions), state_key(person_id))


_REFUSALS: dict[int, type[web.HTTPException]] = {
    400: web.HTTPBadRequest,
    401: web.HTTPUnauthorized,
    403: web.HTTPForbidden,
    415: web.HTTPUnsupportedMediaType,
    429: web.HTTPTooManyRequests,
}


def refused(status: int, reason: str, *, retry_after: float | None = None) -> web.HTTPException:
    """A JSON error for the page: {"error": reason} (and how long to wait, for 429)."""
    body: dict[str, Any] = {"error": reason}
    headers = {}
    if retry_after is not None:
        body["retry_after"] = round(retry_after, 1)
        headers["Retry-After"] = str(max(1, round(retry_after)))
    return _REFUSALS[status](text=json.dumps(body), content_type="application/json", headers=headers)


@dataclass(frozen=True)
class StaticFile:
    body: bytes
    content_type: str
    etag: str


def load_static() -> dict[str, StaticFile]:
    files = {}
    for name, content_type in STATIC_TYPES.items():
        body = (STATIC_DIR / name).read_bytes()
        files[name] = StaticFile(body, content_type, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')
    return files


@dataclass
class WebChat:
    services: Services
    settings: Settings
    inbox: Inbox
    conversation: Conversation = field(default_factory=lambda: Conversation(registry()))
    store: SessionStore = field(init=False)
    limits: WebLimits = field(init=False)
    storage: DatabaseStorage = field(init=False)
    static: dict[str, StaticFile] = field(default_factory=load_static)
    ui: dict[str, dict[str, str]] = field(init=False)
    _locks: dict[int, asyncio.Lock] = field(default_factory=dict)

    def __post_init__(self) -> None:
        settings = self.settings
        self.store = SessionStore(
            self.services.sessions, timedelta(days=settings.web_session_idle_days), self.services.turn_slot
        )
        self.limits = WebLimits(
            RateLimit(settings.web_limit_per_minute), RateLimit(settings.web_address_limit_per_minute)
        )
        self.storage = DatabaseStorage(self.services.sessions)
        catalog = self.services.catalog

        def plain(key: str, lang: str) -> str:
            return html_to_plain(catalog.render(Msg(key), lang)).strip()

        self.ui = {
            lang: {
                **{key: plain(f"web.{key}", lang) for key in UI_KEYS},
                "menu": plain("common.menu", lang),
                "slow_down": plain("errors.slow_down", lang),
                "location": plain("places.share_location_button", lang),
            }
            for lang in CURATED_LANGUAGES
            if catalog.supports(lang)
        }

    # --- request helpers ---------------------------------------------------------------------

    def address(self, request: web.Request) -> str:
        if self.settings.web_trust_proxy:
            forwarded = request.headers.get("X-Forwarded-For", "").split(",")[0].strip()
            if forwarded:
                return forwarded
        return request.remote or "-"

    def https(self, request: web.Request) -> bool:
        if self.settings.web_trust_proxy and request.headers.get("X-Forwarded-Proto", "").lower() == "https":
            return True
        return request.secure

    def own_host(self, request: web.Request) -> str:
        if self.settings.web_trust_proxy and request.headers.get("X-Forwarded-Host"):
            return request.headers["X-Forwarded-Host"].split(",")[0].strip().lower()
        return request.host.lower()

    def origin_allowed(self, request: web.Request) -> bool:
        """A browser names the page that sends a POST; it must be ours or an allowed embedder's."""
        origin = request.headers.get("Origin")
        if origin is None:
            # Browsers send Origin on every fetch POST; without it, the request must at least not
            # say it came from another site.
            return request.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")
        origin = origin.lower().rstrip("/")
        return urlsplit(origin).netloc == self.own_host(request) or origin in self.settings.web_origins

    async def visitor(self, request: web.Request) -> WebVisitor | None:
        return await self.store.find(request.cookies.get(COOKIE), self.services.clock.now())

    async def known_visitor(self, request: web.Request) -> WebVisitor:
        """The request's session, or a 401 for the page."""
        visitor = await self.visitor(request)
        if visitor is None:
            raise refused(401, "session")
        return visitor

    def set_cookie(self, request: web.Request, response: web.StreamResponse, token: str) -> None:
        response.set_cookie(
            COOKIE,
            token,
            max_age=self.settings.web_session_idle_days * 86400,
            path="/",
            httponly=True,
            samesite="Lax",
            secure=self.https(request),
        )

    def lang_of(self, lang: str | None) -> str:
        return lang if lang in self.ui else "de"

    def frame(self, lang: str | None) -> dict[str, Any]:
        shown = self.lang_of(lang)
        return {"lang": shown, "dir": direction(shown), "ui": self.ui[shown]}

    # --- the transcript ----------------------------------------------------------------------

    async def entries_after(self, person_id: int, after: int, limit: int = TRANSCRIPT) -> list[dict[str, Any]]:
        async with reading(self.services.sessions) as session:
            rows = (
                await session.scalars(
                    select(WebMessage)
                    .where(WebMessage.person_id == person_id, WebMessage.id > after)
                    .order_by(WebMessage.id)
                    .limit(limit)
                )
            ).all()
        return [for_page(row.id, row.author, row.payload, row.created_at.isoformat()) for row in rows]

    async def last_entries(self, person_id: int) -> list[dict[str, Any]]:
        async with reading(self.services.sessions) as session:
            rows = (
                await session.scalars(
                    select(WebMessage)
                    .where(WebMessage.person_id == person_id)
                    .order_by(WebMessage.id.desc())
                    .limit(TRANSCRIPT)
                )
            ).all()
        return [for_page(row.id, row.author, row.payload, row.created_at.isoformat()) for row in reversed(rows)]

    async def person_language(self, person_id: int) -> str | None:
        from bot.storage.models import Person

        async with reading(self.services.sessions) as session:
            return await session.scalar(select(Person.language).where(Person.id == person_id))

    # --- one turn ----------------------------------------------------------------------------

    def _lock(self, person_id: int) -> asyncio.Lock:
        lock = self._locks.get(person_id)
        if lock is None:
            lock = self._locks[person_id] = asyncio.Lock()
        return lock

    async def turn(
        self, visitor: WebVisitor, event: Event, *, shown: str | None = None, hint: str | None = None
    ) -> dict[str, Any]:
        """Handle one event of this person (one at a time per person, as on Telegram)."""
        lock = self._lock(visitor.person_id)
        try:
            async with lock:
                return await self._turn(visitor, event, shown=shown, hint=hint)
        finally:
            if not lock.locked() and self._locks.get(visitor.person_id) is lock:
                del self._locks[visitor.person_id]

    async def _turn(self, visitor: WebVisitor, event: Event, *, shown: str | None, hint: str | None) -> dict[str, Any]:
        services = self.services
        state = DatabaseConversation(self.storage, state_key(visitor.person_id))
        lang = "de"
        typed = event.text if isinstance(event, TextIn) else None
        try:
            understood = await understand_first(services, typed)  # before the wait for a turn slot
            async with (
                services.turn_slot() as slot,
                open_turn(services, CHANNEL, visitor.external_id, state, understood=understood) as turn,
            ):
                turn.after_commit.append(slot.release)
                replies = await self.conversation.handle(turn, event, language_hint=hint)
                lang = turn.lang
                if turn.extra.get(notes.ERASED):
                    # The person and all of theirs are gone with this turn: show, store nothing.
                    entries = [for_page(0, "bot", render_reply(r, lang, services.catalog), "") for r in replies]
                    return {**self.frame(lang), "entries": entries, "erased": True}
                rows = (
                    [
                        WebMessage(
                            person_id=turn.person.id, author="person", payload=person_text(shown), created_at=turn.now
                        )
                    ]
                    if shown is not None
                    else []
                )
                rows += [
                    WebMessage(
                        person_id=turn.person.id,
                        author="bot",
                        created_at=turn.now,
                        payload=render_reply(reply, lang, services.catalog),
                    )
                    for reply in replies
                ]
                turn.session.add_all(rows)
                await turn.session.flush()
                entries = [for_page(row.id, row.author, row.payload, row.created_at.isoformat()) for row in rows]
        except Exception:
            # Same promise as on Telegram: an apology, a log line (the id, never the text).
            log.exception("web turn failed (person %s)", visitor.person_id)
            entries = [for_page(0, "bot", render_reply(apology(), lang, services.catalog), "")]
        return {**self.frame(lang), "entries": entries, "erased": False}


# --- the aiohttp application -------------------------------------------------------------------

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CHAT: web.AppKey[WebChat] = web.AppKey("chat", WebChat)


def security_headers(chat: WebChat) -> Middleware:
    embedders = " ".join(chat.settings.web_origins)
    csp = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'self'" + (f" {embedders}" if embedders else "")
    )

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        def protect(headers: Any) -> None:
            headers["Content-Security-Policy"] = csp
            headers["X-Content-Type-Options"] = "nosniff"
            headers["Referrer-Policy"] = "no-referrer"
            headers["Permissions-Policy"] = "geolocation=(self), camera=(), microphone=()"
            headers["Cross-Origin-Resource-Policy"] = "same-origin"
            if not embedders:
                headers["X-Frame-Options"] = "SAMEORIGIN"
            if request.path.startswith("/api/"):
                headers["Cache-Control"] = "no-store"

        try:
            response = await handler(request)
        except web.HTTPException as exc:
            protect(exc.headers)
            raise
        protect(response.headers)
        return response

    return middleware


async def page(request: web.Request) -> web.StreamResponse:
    return _static(request, "index.html")


async def static_file(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in STATIC_TYPES or name == "index.html":
        raise web.HTTPNotFound()
    return _static(request, name)


def _static(request: web.Request, name: str) -> web.StreamResponse:
    file = request.app[CHAT].static[name]
    if request.headers.get("If-None-Match") == file.etag:
        return web.Response(status=304, headers={"ETag": file.etag})
    return web.Response(
        body=file.body,
        content_type=file.content_type,
        charset="utf-8",
        headers={"ETag": file.etag, "Cache-Control": "no-cache"},
    )


async def session_info(request: web.Request) -> web.StreamResponse:
    chat = request.app[CHAT]
    visitor = await chat.visitor(request)
    token = None
    if visitor is None:
        wait = chat.limits.wait(None, chat.address(request), time.monotonic())
        if wait:
            raise refused(429, "slow_down", retry_after=wait)
        token, visitor = await chat.store.create(chat.services.clock.now())
    entries = await chat.last_entries(visitor.person_id)
    before = visitor.seen_at.isoformat()
    new_after = max((e["id"] for e in entries if e["at"] <= before), default=0)
    body = {
        **chat.frame(await chat.person_language(visitor.person_id)),
        "csrf": visitor.csrf_token,
        "entries": entries,
        "new_after": new_after if token is None else None,
    }
    response = web.json_response(body)
    if token is not None:
        chat.set_cookie(request, response, token)
    return response


async def _guarded(request: web.Request) -> tuple[WebChat, WebVisitor, dict[str, Any]]:
    """The checks of every state-changing request: origin, session, CSRF token, JSON, rate."""
    chat = request.app[CHAT]
    if not chat.origin_allowed(request):
        raise refused(403, "origin")
    visitor = await chat.known_visitor(request)
    if not visitor.csrf_ok(request.headers.get("X-CSRF-Token")):
        raise refused(403, "csrf")
    if request.content_type != "application/json":
        raise refused(415, "json")
    try:
        body = await request.json()
    except ValueError:
        raise refused(400, "json") from None
    if not isinstance(body, dict):
        raise refused(400, "json")
    wait = chat.limits.wait(visitor.id_hash, chat.address(request), time.monotonic())
    if wait:
        raise refused(429, "slow_down", retry_after=wait)
    return chat, visitor, body


async def start(request: web.Request) -> web.StreamResponse:
    chat, visitor, body = await _guarded(request)
    hint = str(body.get("hint") or "")[:35].split("-")[0].lower()
    return web.json_response(await chat.turn(visitor, CommandIn("start"), hint=hint if hint in chat.ui else None))


async def send(request: web.Request) -> web.StreamResponse:
    chat, visitor, body = await _guarded(request)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise refused(400, "text")
    text = text[:4096]
    event: Event
    if text.startswith("/") and len(text) > 1:
        head, _, args = text.partition(" ")
        event = CommandIn(head[1:].lower(), args.strip())
    else:
        event = TextIn(text)
    return web.json_response(await chat.turn(visitor, event, shown=text))


async def press(request: web.Request) -> web.StreamResponse:
    chat, visitor, body = await _guarded(request)
    data = body.get("press")
    if not isinstance(data, str) or len(data) > 64:
        raise refused(400, "press")
    try:
        action = unpack(data)
    except ValueError:
        raise refused(400, "press") from None
    return web.json_response(await chat.turn(visitor, PressIn(action)))


async def location(request: web.Request) -> web.StreamResponse:
    chat, visitor, body = await _guarded(request)
    try:
        lat, lon = float(body["lat"]), float(body["lon"])
    except (KeyError, TypeError, ValueError):
        raise refused(400, "location") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise refused(400, "location")
    return web.json_response(await chat.turn(visitor, LocationIn(lat, lon)))


async def messages(request: web.Request) -> web.StreamResponse:
    chat = request.app[CHAT]
    visitor = await chat.known_visitor(request)
    try:
        after = max(0, int(request.query.get("after", "0")))
        wait = min(LONG_POLL, max(0.0, float(request.query.get("wait", LONG_POLL))))
    except ValueError:
        raise refused(400, "after") from None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        entries = await chat.entries_after(visitor.person_id, after)
        remaining = deadline - loop.time()
        if entries or remaining <= 0:
            return web.json_response({"entries": entries})
        await chat.inbox.wait(visitor.person_id, min(RECHECK, remaining))


async def file(request: web.Request) -> web.StreamResponse:
    chat = request.app[CHAT]
    visitor = await chat.known_visitor(request)
    try:
        entry_id = int(request.match_info["entry"])
    except ValueError:
        raise web.HTTPNotFound() from None
    async with reading(chat.services.sessions) as session:
        payload = await session.scalar(
            select(WebMessage.payload).where(WebMessage.id == entry_id, WebMessage.person_id == visitor.person_id)
        )
    attached = (payload or {}).get("file")
    if not attached:
        raise web.HTTPNotFound()
    content = base64.b64decode(attached["data"])
    name = "".join(c for c in attached["name"] if c.isalnum() or c in "-_.") or "file"
    return web.Response(
        body=content,
        headers={
            "Content-Type": attached["mime"] if attached["mime"] == "text/calendar" else "application/octet-stream",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


def build_web_app(chat: WebChat) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY, middlewares=[security_headers(chat)])
    app[CHAT] = chat
    app.router.add_get("/", page)
    app.router.add_get("/static/{name}", static_file)
    app.router.add_get("/api/session", session_info)
    app.router.add_post("/api/start", start)
    app.router.add_post("/api/send", send)
    app.router.add_post("/api/press", press)
    app.router.add_post("/api/location", location)
    app.router.add_get("/api/messages", messages)
    app.router.add_get("/api/files/{entry}/{name}", file)
    return app


@dataclass
class RunningWebChat:
    chat: WebChat
    runner: web.AppRunner
    expiry: asyncio.Task[None]

    async def close(self) -> None:
        # Awaited, not only cancelled: a task still in a query when the engine is disposed would
        # wait for a database thread that is gone, and nothing could end it.
        self.expiry.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.expiry
        await self.runner.cleanup()


async def _expire_regularly(chat: WebChat) -> None:
    while True:
        try:
            erased = await chat.store.expire(chat.services.clock.now())
            if erased:
                log.info("web chat: %d idle sessions expired", erased)
        except Exception:
            log.exception("web chat: expiring idle sessions failed; trying again later")
        await asyncio.sleep(EXPIRE_EVERY)


async def start_web_chat(chat: WebChat, host: str, port: int) -> RunningWebChat:
    runner = web.AppRunner(build_web_app(chat), access_log=None)  # addresses and paths stay out of logs
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("web chat listening on http://%s:%s/", host, port)
    return RunningWebChat(chat, runner, asyncio.create_task(_expire_regularly(chat)))


async def serve_beside_telegram(app: Any, settings: Settings) -> RunningWebChat | None:
    """For `python -m bot run`: web people's reminders and staff answers go to the web outbox
    (always: a web chat of another process may show them); with WEB_PORT, the chat is served too."""
    from bot.web.outbox import ChannelOutbox

    services: Services = app.foundation.services
    inbox = Inbox()
    services.outbox = ChannelOutbox(WebOutbox(inbox, services), services.outbox)
    if not settings.web_port:
        return None
    return await start_web_chat(WebChat(services, settings, inbox), settings.web_host, settings.web_port)


@dataclass
class WebProcess:
    """What `python -m bot web` runs: the chat on its foundation and, with BOT_TOKEN and
    STAFF_CHAT_ID, the Telegram bot its handoffs and staff notes go through."""

    chat: WebChat
    outbox: WebOutbox
    foundation: Foundation
    bot: Bot | None

    async def close(self) -> None:
        await self.outbox.settle()
        if self.bot is not None:
            await self.bot.session.close()
        await self.foundation.close()


async def compose_web_process(
    settings: Settings, *, clock: Clock | None = None, translator: Translator | None = None, db_attempts: int = 5
) -> WebProcess:
    """With a bot token and a staff chat, handoffs open in the Telegram staff group (staff answers
    arrive through `python -m bot run`, which receives the group's updates, and are stored for
    the page there); without, web people are told how to reach their office instead."""
    from bot.bootstrap import build_foundation
    from bot.web.outbox import ChannelOutbox

    inbox = Inbox()
    web_outbox = WebOutbox(inbox)
    telegram = None
    bot = None
    if settings.bot_token and settings.staff_chat_id is not None:
        from bot.telegram.app import build_bot
        from bot.telegram.outbox import TelegramOutbox

        bot = build_bot(settings)
        telegram = TelegramOutbox(settings.staff_chat_id)
    foundation = await build_foundation(
        settings, ChannelOutbox(web_outbox, telegram), clock=clock, translator=translator, db_attempts=db_attempts
    )
    services = foundation.services
    web_outbox.services = services
    if telegram is not None and bot is not None:
        from bot.telegram.render import TelegramRenderer
        from bot.telegram.staff_desk import TelegramStaffDesk

        telegram.renderer = TelegramRenderer(bot, services.catalog)
        telegram.services = services
        hand_web_over_to(services, TelegramStaffDesk(bot, settings.staff_chat_id))
    return WebProcess(WebChat(services, settings, inbox), web_outbox, foundation, bot)


async def serve(settings: Settings, host: str, port: int) -> None:
    """`python -m bot web`: the web chat on its own; without a bot token, this process also
    sends the reminders."""
    from bot.scheduling import Scheduling

    process = await compose_web_process(settings)
    services = process.chat.services
    running = await start_web_chat(process.chat, host, port)
    jobs = None if settings.bot_token else Scheduling(services)
    if jobs is not None:
        jobs.start()
    warm_up = services.warm_up_in_background()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(f"web chat: http://{host}:{port}/", flush=True)
    try:
        await stop.wait()
    finally:
        warm_up.cancel()
        if jobs is not None:
            await jobs.shutdown()
        await running.close()
        await process.close()
