"""Update delivery settings: getUpdates (real long polling), setWebhook, deleteWebhook."""

from __future__ import annotations

from typing import Any

from ..errors import conflict
from ..updates import WebhookConfig
from .base import Call, handles


@handles("getUpdates")
async def get_updates(call: Call) -> list[dict[str, Any]]:
    server = call.server
    queue = server.updates
    if server.webhook is not None:
        raise conflict(
            "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
        )
    params = call.params
    if "allowed_updates" in params:
        queue.allowed_updates = params["allowed_updates"] or None
    if "offset" in params:
        queue.confirm(params["offset"])
    limit = params.get("limit", 100)
    timeout = max(0, params.get("timeout", 0))

    # A newer getUpdates ends this one with 409, as Telegram does for two pollers.
    queue.poll_generation += 1
    generation = queue.poll_generation
    server.notifier.notify()

    def ready() -> list[dict[str, Any]] | str | None:
        if queue.poll_generation != generation:
            return "superseded"
        if server.closing or not call.connected():
            return []
        return queue.take(limit) or None

    outcome = await server.notifier.wait_until(ready, timeout) if timeout else ready()
    if outcome == "superseded":
        if not call.connected():
            return []  # nobody listens any more; not the bot's mistake
        raise conflict("terminated by other getUpdates request; make sure that only one bot instance is running")
    return list(outcome or [])


@handles("setWebhook")
async def set_webhook(call: Call) -> bool:
    params = call.params
    server = call.server
    if params.get("drop_pending_updates"):
        server.updates.clear()
    if not params.get("url"):
        server.webhook = None
        return True
    server.webhook = WebhookConfig(
        url=params["url"],
        secret_token=params.get("secret_token"),
        max_connections=params.get("max_connections", 40),
        allowed_updates=params.get("allowed_updates"),
        ip_address=params.get("ip_address"),
        has_custom_certificate="certificate" in params,
    )
    if "allowed_updates" in params:
        server.updates.allowed_updates = params["allowed_updates"] or None
    server.webhook_changed()
    return True


@handles("deleteWebhook")
async def delete_webhook(call: Call) -> bool:
    if call.params.get("drop_pending_updates"):
        call.server.updates.clear()
    call.server.webhook = None
    call.server.webhook_changed()
    return True


@handles("getWebhookInfo")
async def get_webhook_info(call: Call) -> dict[str, Any]:
    webhook = call.server.webhook
    info: dict[str, Any] = {
        "url": webhook.url if webhook else "",
        "has_custom_certificate": bool(webhook and webhook.has_custom_certificate),
        "pending_update_count": len(call.server.updates.pending),
    }
    if webhook is not None:
        info["max_connections"] = webhook.max_connections
        if webhook.allowed_updates:
            info["allowed_updates"] = webhook.allowed_updates
        if webhook.ip_address:
            info["ip_address"] = webhook.ip_address
        if webhook.last_error_date:
            info["last_error_date"] = webhook.last_error_date
            info["last_error_message"] = webhook.last_error_message
    return info
