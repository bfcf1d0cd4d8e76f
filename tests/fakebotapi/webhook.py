"""Webhook delivery: POST queued updates to the URL the bot set, like Telegram does.

Each update is POSTed as JSON with ``X-Telegram-Bot-Api-Secret-Token`` when the bot set a secret.
A 2xx answer confirms the update; any other answer (or a connection error) keeps it queued and
stops the round, since Telegram delivers in order. A JSON answer with a "method" key is executed
as a Bot API call (aiogram's "reply into webhook"), and recorded with ``via="webhook-response"``.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp

from .spec import Upload

if TYPE_CHECKING:
    from .server import FakeBotAPI

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class WebhookDelivery:
    update_id: int
    url: str
    status: int | None  # HTTP status of the bot's answer, None if the connection failed
    secret_token: str | None  # the header we sent
    response_body: str = ""
    error: str | None = None
    reply_method: str | None = None  # Bot API method answered inside the webhook response

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class WebhookPusher:
    def __init__(self, server: FakeBotAPI, *, timeout: float = 10.0, retry_delay: float = 0.2) -> None:
        self._server = server
        self.timeout = timeout
        self.retry_delay = retry_delay
        self.deliveries: list[WebhookDelivery] = []
        self._session: aiohttp.ClientSession | None = None
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    async def push_pending(self) -> list[WebhookDelivery]:
        """Deliver queued updates now; returns this round's deliveries."""
        async with self._lock:
            round_: list[WebhookDelivery] = []
            queue = self._server.updates
            while self._server.webhook is not None and queue.pending:
                update = queue.pending[0]
                delivery = await self._deliver(update)
                round_.append(delivery)
                self.deliveries.append(delivery)
                self._server.notifier.notify()
                if not delivery.ok:
                    webhook = self._server.webhook
                    if webhook is not None:
                        webhook.last_error_date = self._server.world.now()
                        webhook.last_error_message = delivery.error or (
                            f"Wrong response from the webhook: {delivery.status}"
                        )
                    break
                queue.remove(update)
            return round_

    async def _deliver(self, update: dict[str, Any]) -> WebhookDelivery:
        webhook = self._server.webhook
        assert webhook is not None
        headers = {"Content-Type": "application/json"}
        if webhook.secret_token:
            headers[SECRET_HEADER] = webhook.secret_token
        delivery = WebhookDelivery(update["update_id"], webhook.url, None, webhook.secret_token)
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        reply: tuple[dict[str, Any], dict[str, Upload], bool] | None = None
        try:
            async with self._session.post(
                webhook.url,
                data=json.dumps(update),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                delivery.status = response.status
                if delivery.ok and response.content_type.startswith("multipart/"):
                    reply = await _read_multipart(response)
                    delivery.response_body = f"<multipart: {sorted(reply[0])}>"
                else:
                    delivery.response_body = await response.text()
                    if delivery.ok:
                        reply = _read_json(delivery.response_body)
        except (aiohttp.ClientError, TimeoutError) as exc:
            delivery.error = f"{type(exc).__name__}: {exc}"
            return delivery
        if reply is not None and isinstance(reply[0].get("method"), str):
            params, uploads, typed = reply
            method = params.pop("method")
            delivery.reply_method = method
            await self._server.execute(method, params, uploads=uploads, typed=typed, via="webhook-response")
        return delivery

    # -- automatic mode ---------------------------------------------------------------------

    def start_auto(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._auto_loop(), name="fakebotapi-webhook")

    async def _auto_loop(self) -> None:
        server = self._server
        while not server.closing:
            has_work = await server.notifier.wait_until(
                lambda: True if server.webhook is not None and server.updates.pending else None,
                None,
            )
            if has_work and not server.closing:
                round_ = await self.push_pending()
                if round_ and not round_[-1].ok:
                    await asyncio.sleep(self.retry_delay)  # Telegram retries later, not at once

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None


def _read_json(body: str) -> tuple[dict[str, Any], dict[str, Upload], bool] | None:
    try:
        reply = json.loads(body) if body.strip() else None
    except ValueError:
        return None
    return (reply, {}, True) if isinstance(reply, dict) else None


async def _read_multipart(
    response: aiohttp.ClientResponse,
) -> tuple[dict[str, Any], dict[str, Upload], bool]:
    """aiogram answers a webhook with the method as multipart/form-data (like a request)."""
    params: dict[str, Any] = {}
    uploads: dict[str, Upload] = {}
    reader = aiohttp.MultipartReader.from_response(response)
    while True:
        part = await reader.next()
        if part is None:
            break
        assert isinstance(part, aiohttp.BodyPartReader)
        name = part.name or ""
        if part.filename is not None:
            data = await part.read()
            uploads[name] = Upload(
                name, part.filename, part.headers.get("Content-Type", "application/octet-stream"), bytes(data)
            )
        else:
            params[name] = await part.text()
    return params, uploads, False
