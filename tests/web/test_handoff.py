"""Talking to staff from the web page: the thread opens in the same Telegram staff group (the fake
Bot API, tests/fakebotapi) marked "web", and staff answers appear in the page — live while it is
open, in the transcript when the person comes back. Without Telegram the page says how to reach
the office instead."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from bot.content.locales import html_to_plain
from bot.core.replies import Msg
from bot.web.server import RunningWebChat, serve_beside_telegram
from tests.e2e.harness import STAFF_CHAT_ID, Telegram, running_bot
from tests.web.harness import free_port, running_chat
from tests.web.page import Page, text_of

WEB = "🌐 Web"


def say(tg: Telegram, key: str, lang: str = "de") -> str:
    return html_to_plain(tg.services.catalog.render(Msg(key), lang))


def has(text: str):
    return lambda message: text in (message.text or message.caption or "")


@contextlib.asynccontextmanager
async def bot_with_web_chat(db_url: str, clock: Any) -> AsyncIterator[tuple[Telegram, str]]:
    """`python -m bot run` with WEB_PORT: Telegram and the web chat in one process, one Services."""
    port = free_port()
    async with running_bot(db_url, clock, WEB_PORT=port) as tg:
        assert tg.app is not None
        running: RunningWebChat | None = await serve_beside_telegram(tg.app, tg.settings)
        assert running is not None
        try:
            yield tg, f"http://127.0.0.1:{port}"
        finally:
            await running.close()


async def connect(tg: Telegram, page: Page) -> list[dict[str, Any]]:
    """Open the page, pick German, ask for a person from the menu and agree."""
    await page.open()
    status, data, _ = await page.post("/api/start", {"hint": "de-DE"})
    assert status == 200, data
    consent = await page.press(say(tg, "menu.human"), data["entries"])
    assert "DeepL" not in text_of(consent)  # no translation service configured
    connected = await page.press(say(tg, "handoff.consent_yes"), consent)
    assert say(tg, "handoff.connected") in text_of(connected)
    return connected


def web_topic(tg: Telegram):
    topics = [t for t in tg.server.chat(STAFF_CHAT_ID).topics.values() if t.created_by_bot]
    assert len(topics) == 1, topics
    return topics[0]


async def test_a_web_visitor_talks_with_staff_in_the_telegram_group(db_url: str, clock: Any) -> None:
    async with bot_with_web_chat(db_url, clock) as (tg, url):
        staff = tg.staff_group()
        sabine = tg.person(2901, "Sabine", language_code="de")
        page = Page(url)
        try:
            await connect(tg, page)
            topic = web_topic(tg)
            assert topic.name.startswith(f"{WEB} · ")
            summary = await staff.wait_message(has("Anfrage #"), thread_id=topic.thread_id)
            assert "Deutsch" in summary.text

            sent = await page.say("Ich habe einen Brief vom Jobcenter bekommen und verstehe ihn nicht")
            assert say(tg, "handoff.sent") in text_of(sent)
            await staff.wait_message(has("Brief vom Jobcenter"), thread_id=topic.thread_id)

            # Live: the page's long poll is waiting when staff answer in the thread.
            last = max(entry["id"] for entry in sent)
            poll = asyncio.create_task(page.poll(after=last))
            await asyncio.sleep(0.2)
            assert not poll.done()
            await staff.send(sabine, "Bringen Sie den Brief bitte morgen um 10 Uhr mit.", thread_id=topic.thread_id)
            live = await asyncio.wait_for(poll, 10)
            assert "Bringen Sie den Brief bitte morgen um 10 Uhr mit." in text_of(live)
            assert "Sabine" not in text_of(live)  # staff names only when SHOW_STAFF_NAMES says so

            # Back later (a reload, the same cookie): the answer is in the conversation.
            again = await page.open()
            assert "Bringen Sie den Brief bitte morgen um 10 Uhr mit." in text_of(again["entries"])

            # Staff close the thread: the page is told, the topic keeps its "web" mark.
            last = max(entry["id"] for entry in again["entries"])
            await staff.send(sabine, "/close", thread_id=topic.thread_id)
            closed = await asyncio.wait_for(page.poll(after=last), 10)
            assert say(tg, "handoff.closed") in text_of(closed)
            await tg.settled()
            assert topic.closed and topic.name.startswith(f"{WEB} · ")
        finally:
            await page.close()


async def test_after_a_staff_answer_the_next_typed_text_goes_to_staff(db_url: str, clock: Any) -> None:
    """As on Telegram: the person looked at the menu meanwhile, staff write, the answer typed next
    reaches staff (not the bot's question answering)."""
    async with bot_with_web_chat(db_url, clock) as (tg, url):
        staff = tg.staff_group()
        sabine = tg.person(2901, "Sabine", language_code="de")
        page = Page(url)
        try:
            connected = await connect(tg, page)
            menu = await page.press(say(tg, "common.menu"), connected)
            await staff.send(sabine, "Haben Sie den Bescheid schon?", thread_id=web_topic(tg).thread_id)
            await tg.settled()
            await asyncio.wait_for(page.poll(after=max(e["id"] for e in menu)), 10)
            answer = await page.say("ja habe ich aber nicht verstanden")
            assert say(tg, "handoff.sent") in text_of(answer)
            await staff.wait_message(has("ja habe ich aber nicht verstanden"), thread_id=web_topic(tg).thread_id)
        finally:
            await page.close()


async def test_a_staff_answer_reaches_a_page_served_by_another_process(db_url: str, clock: Any) -> None:
    """`python -m bot web` beside `python -m bot run`: the web process opens the thread with the
    bot token, the bot process receives the staff answer and stores it; the page finds it."""
    async with running_bot(db_url, clock) as tg:
        assert tg.app is not None
        await serve_beside_telegram(tg.app, tg.settings)  # as `run` does without WEB_PORT
        staff = tg.staff_group()
        sabine = tg.person(2901, "Sabine", language_code="de")
        async with running_chat(
            db_url,
            clock=clock,
            BOT_TOKEN=tg.settings.bot_token,
            TELEGRAM_API_URL=tg.settings.telegram_api_url,
            STAFF_CHAT_ID=str(STAFF_CHAT_ID),
        ) as web:
            page = Page(web.url)
            try:
                connected = await connect(tg, page)
                topic = web_topic(tg)
                assert topic.name.startswith(f"{WEB} · ")
                await staff.send(sabine, "Wir rufen Sie gleich zurück.", thread_id=topic.thread_id)
                await tg.settled()
                answer = await asyncio.wait_for(page.poll(after=max(e["id"] for e in connected)), 10)
                assert "Wir rufen Sie gleich zurück." in text_of(answer)
            finally:
                await page.close()


async def test_without_telegram_the_page_says_how_to_reach_the_office(db_url: str) -> None:
    async with running_chat(db_url) as web:
        page = Page(web.url)
        try:
            await page.open()
            status, data, _ = await page.post("/api/start", {"hint": "de"})
            assert status == 200
            catalog = web.foundation.services.catalog
            label = html_to_plain(catalog.render(Msg("menu.human"), "de"))
            answer = await page.press(label, data["entries"])
            text = text_of(answer)
            assert html_to_plain(catalog.render(Msg("handoff.unavailable"), "de")) in text
            assert "anrufen" in text or "Sprechstunde" in text
            finder = await page.press(html_to_plain(catalog.render(Msg("menu.find_office"), "de")), answer)
            assert finder, "the office finder answers"
            assert html_to_plain(catalog.render(Msg("handoff.consent_yes"), "de")) not in text_of(finder)
        finally:
            await page.close()
