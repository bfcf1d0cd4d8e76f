"""Webhook mode: Telegram POSTs updates; only requests with the right secret have any effect."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest

from bot.clock import FakeClock
from bot.config import load_settings
from bot.telegram.app import TelegramApp, build_app, start_webhook
from tests.fakebotapi import SECRET_HEADER, FakeBotAPI

SECRET = "s3cret-Token_for-tests"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class WebhookBot:
    server: FakeBotAPI
    app: TelegramApp
    url: str


@pytest.fixture
async def webhook_bot(db_url: str, clock: FakeClock) -> AsyncIterator[WebhookBot]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    async with FakeBotAPI(webhook_auto_push=True) as server:
        settings = load_settings(
            BOT_TOKEN=server.token,
            TELEGRAM_API_URL=server.base_url,
            DATABASE_URL=db_url,
            WEBHOOK_URL=url,
            WEBHOOK_SECRET=SECRET,
            WEBHOOK_HOST="127.0.0.1",
            WEBHOOK_PORT=port,
        )
        app = await build_app(settings, clock=clock, db_attempts=1)
        runner = await start_webhook(app, settings)
        try:
            yield WebhookBot(server, app, url)
            server.assert_no_violations()
        finally:
            await runner.cleanup()
            await app.close()


async def test_updates_arrive_by_webhook_with_the_secret(webhook_bot: WebhookBot) -> None:
    set_webhook = webhook_bot.server.calls("setWebhook")[-1]
    assert set_webhook.params["url"] == webhook_bot.url
    assert set_webhook.params["secret_token"] == SECRET
    person = webhook_bot.server.user(2001, "Olena", language_code="de")
    await person.send("/start")
    reply = await person.wait_reply(timeout=15)
    assert "Willkommen bei lokal willkommen" in reply.text
    assert all(d.status == 200 for d in webhook_bot.server.webhook_deliveries)


async def test_requests_without_the_right_secret_are_rejected_with_no_effect(webhook_bot: WebhookBot) -> None:
    person = webhook_bot.server.user(2002, "Ahmad", language_code="de")
    update = {
        "update_id": 777,
        "message": {
            "message_id": 1,
            "date": 1795359999,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            "chat": {"id": 2002, "type": "private", "first_name": "Ahmad"},
            "from": person.to_api(),
        },
    }
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {SECRET_HEADER: "wrong"}):
            async with http.post(webhook_bot.url, json=update, headers=headers) as response:
                assert response.status == 401
        async with http.get(webhook_bot.url.rsplit("/", 2)[0] + "/healthz") as response:
            assert response.status == 200 and (await response.json())["status"] == "ok"
    await webhook_bot.server.wait_idle(quiet=0.3)
    assert person.replies == []
