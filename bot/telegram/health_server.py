"""GET /healthz and GET /metrics over HTTP (HEALTH_HOST:HEALTH_PORT, and on the webhook server in
webhook mode). /healthz: 200 with {"status": "ok", "database": "ok", "redis": "ok" | "not
configured"}, or 503 naming what failed; each service asked with a real call at most once a
second (bot.health). /metrics: Prometheus' text format (bot.metrics)."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.health import Health
from bot.metrics import CONTENT_TYPE_LATEST, MetricsPage

log = logging.getLogger(__name__)


def add_health_route(web_app: web.Application, health: Health, metrics: MetricsPage | None = None) -> None:
    async def healthz(_request: web.Request) -> web.Response:
        report = await health.check()
        return web.json_response(report.as_json(), status=report.http_status)

    async def metrics_text(_request: web.Request) -> web.Response:
        assert metrics is not None
        body = await metrics.render()
        # CONTENT_TYPE_LATEST carries its charset; aiohttp wants it in the header, not as an argument.
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    web_app.router.add_get("/healthz", healthz)
    if metrics is not None:
        web_app.router.add_get("/metrics", metrics_text)


async def start_health_server(
    health: Health, host: str, port: int, metrics: MetricsPage | None = None
) -> web.AppRunner | None:
    """Serve /healthz and /metrics on host:port; None when the port is taken: the bot goes on
    serving people, and the monitoring that finds no answer there is told why by the log."""
    web_app = web.Application()
    add_health_route(web_app, health, metrics)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as error:
        log.error(
            "health server cannot listen on %s:%s (%s); /healthz and /metrics are not served there",
            host,
            port,
            error.strerror or type(error).__name__,
        )
        await runner.cleanup()
        return None
    log.info("health server listening on %s:%s", host, port)
    return runner
