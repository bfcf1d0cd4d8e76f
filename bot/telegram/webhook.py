"""Webhook mode: Telegram POSTs updates here. Requests without the right secret header get 401 and
have no effect; /healthz answers the load balancer and /metrics Prometheus
(bot.telegram.health_server); shutdown lets
in-flight updates finish."""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import TYPE_CHECKING

from aiogram.types import Update
from aiohttp import web

from bot.telegram.health_server import add_health_route

if TYPE_CHECKING:
    from bot.telegram.app import TelegramApp

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def build_web_app(app: TelegramApp, secret: str, *, path: str = "/webhook") -> web.Application:
    in_flight: set[asyncio.Task[None]] = set()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.json_response({"ok": False, "error": "unauthorized"}, status=401)
        try:
            update = Update.model_validate(await request.json(), context={"bot": app.bot})
        except Exception:  # noqa: BLE001 - whatever the body is, it is not an update
            return web.json_response({"ok": False, "error": "bad update"}, status=400)
        # Answer Telegram at once; handle in the background (Telegram retries slow webhooks).
        task = asyncio.create_task(_feed(app, update))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
        return web.json_response({"ok": True})

    async def finish_in_flight(_app: web.Application) -> None:
        if in_flight:
            log.info("shutting down: waiting for %d updates in flight", len(in_flight))
            await asyncio.wait(in_flight, timeout=30)

    web_app = web.Application()
    web_app.router.add_post(path, receive)
    add_health_route(web_app, app.health, app.metrics)
    web_app.on_shutdown.append(finish_in_flight)
    return web_app


async def _feed(app: TelegramApp, update: Update) -> None:
    try:
        await app.dispatcher.feed_update(app.bot, update)
    except Exception:
        log.exception("update %s failed", update.update_id)
