"""FakeBotAPI: a Telegram Bot API server on 127.0.0.1 for end-to-end tests of the real aiogram Bot.

The request pipeline, in the order Telegram itself would fail a request:

    token -> method exists -> params valid against the spec and documented limits
    -> injected faults (delay / drop / fail) -> flood limits -> the method's handler

Every request is recorded (``requests``); failures that are the bot's mistakes are
``violations``. The world (chats, messages, topics...) lives in world.py, people in people.py.

    async with FakeBotAPI() as server:
        bot = server.make_bot()
        olena = server.user(1001, first_name="Olena", language_code="uk")
        ...
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aiogram.client.session.aiohttp import AiohttpSession
from aiohttp import web
from aiohttp.web_request import FileField

from . import control
from .compat import TOLERATED_OUTGOING
from .errors import ApiError, Kind, not_found, spec_error, too_many_requests, unauthorized
from .faults import Fault, ScheduledFaults
from .methods import Call, handler_for
from .methods.sending import is_message_method
from .people import FakeChannel, FakeGroup, FakeUser
from .ratelimit import RateLimiter, RateLimits
from .recording import RecordedRequest, Recorder, ViolationExpectation
from .signals import Notifier
from .spec import ApiSpec, Upload, Validator
from .updates import UpdateQueue, WebhookConfig
from .webhook import WebhookDelivery, WebhookPusher
from .world import CallbackQueryRecord, ChatState, FileRecord, StoredMessage, UserState, World

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456789:AAFakeTokenForEndToEndTests_0123456789"
MAX_UPLOAD = 50 * 1024 * 1024  # Telegram's limit for bot uploads


class FakeBotAPI:
    """A fake Telegram Bot API server. Use as ``async with FakeBotAPI() as server``."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        spec: ApiSpec | str | Path | None = None,
        strict_html: bool = True,
        rate_limits: RateLimits | None = None,
        bot_first_name: str = "Lokal Willkommen Test",
        bot_username: str = "lokal_willkommen_test_bot",
        webhook_auto_push: bool = False,
        validate_updates: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.spec = spec if isinstance(spec, ApiSpec) else ApiSpec.load(spec)
        self.validator = Validator(self.spec, strict_html=strict_html)
        self.notifier = Notifier()
        bot_id = int(token.split(":", 1)[0])
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.world = World(self.bot_user, clock)
        self.world.changed = self.notifier.notify
        self.recorder = Recorder()
        self.updates = UpdateQueue(self.notifier)
        self.faults = ScheduledFaults([])
        self.rate_limits = rate_limits or RateLimits()
        self.limiter = RateLimiter(self.rate_limits)
        self.webhook: WebhookConfig | None = None
        self.webhook_auto_push = webhook_auto_push
        self.validate_updates = validate_updates
        self.closing = False
        self._pusher = WebhookPusher(self)
        self._people: dict[int, FakeUser] = {}
        self._groups: dict[int, FakeGroup] = {}
        self._channels: dict[int, FakeChannel] = {}
        self._bots: list[Bot] = []
        self._runner: web.AppRunner | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> FakeBotAPI:
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        control.add_routes(app, self)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.closing = False
        return self

    async def close(self) -> None:
        self.closing = True
        self.notifier.notify()  # long polls return at once
        await self._pusher.close()
        for bot in self._bots:
            # Close the HTTP session directly: AiohttpSession.close() sleeps 250 ms for TLS.
            # create_session() is aiogram's public way to the aiohttp session (the open one).
            if isinstance(bot.session, AiohttpSession):
                session = await bot.session.create_session()
                if not session.closed:
                    await session.close()
        self._bots.clear()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotAPI:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        """For ``TelegramAPIServer.from_base(server.base_url)``."""
        return f"http://{self.host}:{self.port}"

    def make_bot(self, **bot_kwargs: Any) -> Bot:
        """An aiogram Bot talking to this server (its session is closed with the server).

        Keyword arguments go to ``Bot`` (e.g. ``default=DefaultBotProperties(...)``, ``token``),
        except ``timeout``, which goes to the session.
        """
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        session_kwargs = {"timeout": bot_kwargs.pop("timeout")} if "timeout" in bot_kwargs else {}
        session = AiohttpSession(api=TelegramAPIServer.from_base(self.base_url), **session_kwargs)
        bot = Bot(bot_kwargs.pop("token", self.token), session=session, **bot_kwargs)
        self._bots.append(bot)
        return bot

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        record = self.recorder.start(request.match_info["method"])
        try:
            if request.match_info["token"] != self.token:
                raise unauthorized()
            raw, uploads, typed = await _read_params(request)
        except ApiError as error:
            self._failed(record, error)
            self._finish(record)
            return _json(error.status, error.payload())
        outcome = await self._process(
            record, request.match_info["method"], raw, uploads, typed=typed, connected=lambda: _connected(request)
        )
        if outcome is None:
            # Simulated network failure: close the socket without an answer.
            if request.transport is not None:
                request.transport.close()
            raise asyncio.CancelledError
        status, body = outcome
        return _json(status, body)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(unauthorized().payload(), status=401)
        record = self.world.file_by_path(request.match_info["path"])
        if record is None:
            return web.json_response(not_found().payload(), status=404)
        return web.Response(body=record.data, content_type=record.mime_type or "application/octet-stream")

    async def execute(
        self,
        method: str,
        params: Mapping[str, Any],
        *,
        uploads: Mapping[str, Upload] | None = None,
        typed: bool = True,
        via: str = "webhook-response",
    ) -> tuple[int, dict[str, Any]]:
        """Run a Bot API call that did not come over HTTP (webhook replies)."""
        record = self.recorder.start(method, via=via)
        outcome = await self._process(record, method, params, uploads or {}, typed=typed)
        return outcome if outcome is not None else (0, {})

    async def _process(
        self,
        record: RecordedRequest,
        method_name: str,
        raw: Mapping[str, Any],
        uploads: Mapping[str, Upload],
        *,
        typed: bool,
        connected: Callable[[], bool] = lambda: True,
    ) -> tuple[int, dict[str, Any]] | None:
        """The pipeline; None means "drop the connection"."""
        try:
            method = self.spec.method(method_name)
            if method is None:
                raise not_found()
            record.method = method.name
            request = self.validator.decode(method, raw, uploads, typed=typed)
            record.params, record.uploads = request.params, request.uploads
            drop: Fault | None = None
            for fault in self.faults.take(method.name):
                if fault.action == "delay":
                    await asyncio.sleep(fault.seconds)
                elif fault.action == "drop":
                    drop = fault
                else:
                    raise fault.error()
            if drop is not None and not drop.after_processing:
                return self._dropped(record)
            self._check_flood(method.name, method.returns, request.params)
            call = Call(self, method, request, record, connected)
            record.result = await handler_for(method.name)(call)
            if drop is not None:
                return self._dropped(record)
            return 200, {"ok": True, "result": record.result}
        except ApiError as error:
            self._failed(record, error)
            return error.status, error.payload()
        except Exception as exc:  # a bug in the fake itself: make it loud, not a hang
            log.exception("fakebotapi failed on %s", method_name)
            error = ApiError(
                500,
                "Internal Server Error",
                kind=Kind.SPEC,
                detail=f"fakebotapi bug: {exc!r}\n{traceback.format_exc()}",
            )
            self._failed(record, error)
            record.kind = "fake_bug"
            return 500, error.payload()
        finally:
            self._finish(record)

    def _dropped(self, record: RecordedRequest) -> None:
        record.ok, record.status, record.dropped, record.provoked = False, 0, True, True
        record.description = "connection dropped (injected)"
        record.kind = Kind.INJECTED

    def _check_flood(self, method: str, returns: tuple[str, ...], params: dict[str, Any]) -> None:
        if not self.rate_limits.enabled or not is_message_method(method, returns):
            return
        try:
            chat = self.world.chat(params["chat_id"])
        except (ApiError, KeyError):
            return  # the handler answers "chat not found"
        retry_after = self.limiter.check(chat.id, chat.type)
        if retry_after is not None:
            raise too_many_requests(retry_after)

    def _failed(self, record: RecordedRequest, error: ApiError) -> None:
        record.ok = False
        record.status = error.status
        record.description = error.description
        record.detail = error.detail
        record.kind = error.kind
        record.provoked = error.provoked

    def _finish(self, record: RecordedRequest) -> None:
        self.recorder.finish(record)
        if record.violation:
            log.warning("Bot API violation: %s", record.describe())
        self.notifier.notify()

    # -- people and chats --------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "de",
        is_premium: bool | None = None,
        started: bool = True,
    ) -> FakeUser:
        """A person with a private chat (the same id gives the same person again).

        ``started=False``: never wrote to the bot, so sending to them fails with 403 until
        they do.
        """
        if user_id in self._people:
            return self._people[user_id]
        state = UserState(user_id, first_name, last_name, username, language_code, is_premium)
        self.world.add_user(state, started=started)
        person = FakeUser(self, state)
        self._people[user_id] = person
        return person

    def group(
        self,
        chat_id: int,
        title: str = "Test group",
        *,
        is_forum: bool = False,
        type: str = "supergroup",
        username: str | None = None,
        bot_status: str = "administrator",
        members: Mapping[int, str] | None = None,
    ) -> FakeGroup:
        """A group/supergroup the bot is in (``bot_status="left"`` for one it is not in)."""
        if chat_id in self._groups:
            return self._groups[chat_id]
        if is_forum and type != "supergroup":
            raise ValueError("only supergroups can be forums")
        chat = self.world.add_chat(
            ChatState(chat_id, type, title=title, username=username, is_forum=is_forum, bot_status=bot_status)
        )
        chat.members.update(members or {})
        group = FakeGroup(self, chat)
        self._groups[chat_id] = group
        return group

    def channel(
        self,
        chat_id: int,
        title: str = "Test channel",
        *,
        username: str | None = None,
        bot_status: str = "administrator",
    ) -> FakeChannel:
        if chat_id in self._channels:
            return self._channels[chat_id]
        chat = self.world.add_chat(ChatState(chat_id, "channel", title=title, username=username, bot_status=bot_status))
        channel = FakeChannel(self, chat)
        self._channels[chat_id] = channel
        return channel

    def chat(self, chat_id: int) -> ChatState:
        """What is in a chat: ``.messages`` (the bot's), ``.history``, ``.topics``, ``.actions``."""
        chat = self.world.chats.get(chat_id)
        if chat is None:
            raise LookupError(f"no chat {chat_id}; create it with user()/group()/channel()")
        return chat

    def messages_in_thread(self, chat_id: int, thread_id: int | None) -> list[StoredMessage]:
        return self.chat(chat_id).messages_in_thread(thread_id)

    def register_file(
        self,
        kind: str,
        data: bytes = b"",
        *,
        file_id: str | None = None,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> FileRecord:
        """Make a file_id known (e.g. one the bot has in its configuration)."""
        return self.world.add_file(kind, data, file_name=file_name, mime_type=mime_type, file_id=file_id)

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, Any]]:
        """The commands the bot set for this scope and language."""
        key = json.dumps(scope or {"type": "default"}, sort_keys=True)
        return self.world.commands.get((key, language_code), [])

    # -- updates -----------------------------------------------------------------------------

    def add_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue ``{"update_id": n, kind: payload}``, validated against the spec's Update."""
        if self.validate_updates:
            self.validator.check_object(payload, self._update_field_type(kind), kind, tolerated=TOLERATED_OUTGOING)
        return self.updates.put(kind, payload)

    def add_raw_update(self, update: dict[str, Any], *, validate: bool = True) -> dict[str, Any]:
        """Queue any update (poll, chat_join_request, message_reaction...) as given."""
        if validate:
            body = {k: v for k, v in update.items() if k != "update_id"}
            self.validator.check_object(
                {"update_id": update.get("update_id", 1), **body}, "Update", tolerated=TOLERATED_OUTGOING
            )
        return self.updates.put_raw(update)

    def _update_field_type(self, kind: str) -> str:
        field = self.spec.types["Update"].fields.get(kind)
        if field is None:
            raise ValueError(f"{kind!r} is not an update type in {self.spec.version}")
        return field.types[0]

    def webhook_changed(self) -> None:
        if self.webhook is not None and self.webhook_auto_push:
            self._pusher.start_auto()

    async def push_updates_to_webhook(self) -> list[WebhookDelivery]:
        """POST queued updates to the bot's webhook now (needs setWebhook first)."""
        if self.webhook is None:
            raise RuntimeError("the bot has not set a webhook")
        return await self._pusher.push_pending()

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        return self._pusher.deliveries

    # -- fault injection ---------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 500,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> Fault:
        """Answer the next ``times`` calls of ``method`` ("*" = any) with this error."""
        return self.faults.add(Fault(method, "fail", times, status, description, retry_after))

    def drop_connection_next(self, method: str, *, times: int = 1, after_processing: bool = False) -> Fault:
        """Close the socket without answering; ``after_processing``: the call took effect."""
        return self.faults.add(Fault(method, "drop", times, after_processing=after_processing))

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> Fault:
        """Answer late (to provoke client timeouts); the call still takes effect."""
        return self.faults.add(Fault(method, "delay", times, seconds=seconds))

    def clear_faults(self) -> None:
        self.faults.clear()

    def enable_rate_limits(self, **overrides: Any) -> RateLimits:
        """Turn flood control on (fields of RateLimits may be overridden)."""
        for key, value in overrides.items():
            if not hasattr(self.rate_limits, key):
                raise TypeError(f"RateLimits has no field {key!r}")
            setattr(self.rate_limits, key, value)
        self.rate_limits.enabled = True
        self.limiter.reset()
        return self.rate_limits

    # -- what happened -----------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.recorder.requests

    def calls(self, method: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method.lower() == method.lower()]

    @property
    def violations(self) -> list[RecordedRequest]:
        """Failed requests that were the bot's fault (not provoked, not expected)."""
        return self.recorder.violations

    def expect_violation(
        self, pattern: str | re.Pattern[str], *, method: str | None = None, status: int | None = None
    ) -> ViolationExpectation:
        """Mark matching failures as intended; ``with`` it to also assert one happened."""
        return self.recorder.expect(pattern, method, status)

    def assert_no_violations(self) -> None:
        violations = self.violations
        if violations:
            raise AssertionError("the bot broke Bot API rules:\n" + self.recorder.report(violations))

    def reset_records(self) -> None:
        """Forget recorded requests (long benchmark runs); the world stays as it is."""
        self.recorder.requests.clear()

    @property
    def unanswered_callbacks(self) -> list[CallbackQueryRecord]:
        return self.world.unanswered_callbacks

    def assert_all_callbacks_answered(self) -> None:
        missing = self.unanswered_callbacks
        if missing:
            raise AssertionError(
                "callback queries never answered: " + ", ".join(f"{c.id} ({c.data!r})" for c in missing)
            )

    async def wait_for(
        self,
        predicate: Callable[[RecordedRequest], bool],
        timeout: float = 5.0,
        *,
        since: int = 0,
        started: bool = False,
    ) -> RecordedRequest:
        """The first finished request (with seq > since) matching the predicate; with `started`,
        the first that arrived, finished or not (a long poll that is waiting)."""

        def check() -> RecordedRequest | None:
            for request in self.requests:
                done = started or request.finished_at is not None
                if request.seq > since and done and predicate(request):
                    return request
            return None

        found = await self.notifier.wait_until(check, timeout)
        if found is None:
            raise TimeoutError(f"no matching request within {timeout}s; last requests:\n" + self.recorder.recent())
        return found

    async def wait_for_message(
        self,
        predicate: Callable[[StoredMessage], bool] | None = None,
        *,
        chat_id: int | None = None,
        timeout: float = 5.0,
    ) -> StoredMessage:
        """The first message the bot sent (in ``chat_id``, if given) matching the predicate."""

        def check() -> StoredMessage | None:
            chats = [self.world.chats[chat_id]] if chat_id is not None else self.world.chats.values()
            for chat in chats:
                for message in chat.messages:
                    if predicate is None or predicate(message):
                        return message
            return None

        found = await self.notifier.wait_until(check, timeout)
        if found is None:
            raise TimeoutError(f"no matching bot message within {timeout}s; last requests:\n" + self.recorder.recent())
        return found

    async def wait_idle(self, quiet: float = 0.05, timeout: float = 5.0) -> None:
        """Until no update waits for the bot and no call is in flight, for ``quiet`` seconds.

        For asserting that the bot did *not* answer something.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            busy = self.updates.pending or any(
                r.finished_at is None and r.method != "getUpdates" for r in self.requests
            )
            if not busy:
                seen = len(self.requests)
                await asyncio.sleep(quiet)
                if len(self.requests) == seen and not self.updates.pending:
                    return
            else:
                await self.notifier.wait_until(lambda: None, min(quiet, 0.05))
        raise TimeoutError(f"the bot did not become idle within {timeout}s")


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload], bool]:
    """Query string + body (multipart, urlencoded or JSON) -> raw params and file parts."""
    raw: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if not request.body_exists:
        return raw, uploads, False
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise spec_error("can't parse JSON body") from None
        if not isinstance(body, dict):
            raise spec_error("JSON body must be an object")
        raw.update(body)
        return raw, uploads, True
    try:
        form = await request.post()
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, "Request Entity Too Large", kind=Kind.LIMIT) from None
    for key, value in form.items():
        if isinstance(value, FileField):
            uploads[key] = Upload(key, value.filename, value.content_type, value.file.read())
        else:
            raw[key] = value
    return raw, uploads, False


def _connected(request: web.Request) -> bool:
    transport = request.transport
    return transport is not None and not transport.is_closing()


def _json(status: int, body: dict[str, Any]) -> web.Response:
    return web.Response(status=status, text=json.dumps(body, ensure_ascii=False), content_type="application/json")
