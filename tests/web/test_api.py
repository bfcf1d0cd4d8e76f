"""The web chat's HTTP API as a browser uses it: sessions, CSRF, origins, rate limits, privacy,
messages the bot starts itself. On SQLite and PostgreSQL (db_url)."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from bot.core.replies import Msg, Reply
from bot.storage.models import Person, WebMessage, WebSession
from bot.web.server import STATIC_DIR
from tests.web.harness import ChatUnderTest, running_chat
from tests.web.page import Page, text_of


async def count(under_test: ChatUnderTest, model: Any, **where: Any) -> int:
    async with under_test.foundation.services.sessions() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(await session.scalar(query) or 0)


async def test_the_cookie_is_httponly_lax_and_secure_behind_https(db_url: str) -> None:
    async with running_chat(db_url, WEB_TRUST_PROXY="true") as chat:
        async with aiohttp.ClientSession() as http:
            async with http.get(chat.url + "/api/session") as response:
                cookie = response.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
            async with http.get(chat.url + "/api/session", headers={"X-Forwarded-Proto": "https"}) as response:
                assert "Secure" in response.headers["Set-Cookie"]
                assert len(re.search(r"lw_session=([^;]+)", response.headers["Set-Cookie"]).group(1)) >= 40


async def test_every_post_needs_the_session_the_csrf_token_and_our_origin(db_url: str) -> None:
    async with running_chat(db_url, WEB_ALLOWED_ORIGINS="https://www.dortmund.de") as chat:
        page = Page(chat.url)
        try:
            status, data, _ = await page.post("/api/send", {"text": "Hallo"})
            assert (status, data["error"]) == (401, "session")  # no cookie yet
            await page.open()
            status, data, _ = await page.post("/api/send", {"text": "Hallo"}, csrf="")
            assert (status, data["error"]) == (403, "csrf")
            status, data, _ = await page.post("/api/send", {"text": "Hallo"}, csrf="x" * 43)
            assert (status, data["error"]) == (403, "csrf")
            status, data, _ = await page.post("/api/send", {"text": "Hallo"}, origin="https://evil.example")
            assert (status, data["error"]) == (403, "origin")
            status, data, headers = await page.post("/api/start", {"hint": "de"}, origin="https://www.dortmund.de")
            assert status == 200 and data["entries"]  # the city's site may embed the chat
            assert "frame-ancestors 'self' https://www.dortmund.de" in headers["Content-Security-Policy"]
            assert await count(chat, WebMessage) == len(data["entries"])  # nothing refused was stored
        finally:
            await page.close()


async def test_someone_typing_too_fast_is_asked_to_wait(db_url: str) -> None:
    async with running_chat(db_url, WEB_LIMIT_PER_MINUTE="3", WEB_ADDRESS_LIMIT_PER_MINUTE="7") as chat:
        first, second = Page(chat.url), Page(chat.url)
        try:
            await first.open()
            for _ in range(3):
                status, _, _ = await first.post("/api/send", {"text": "/menu"})
                assert status == 200
            status, data, headers = await first.post("/api/send", {"text": "/menu"})
            assert status == 429 and data["error"] == "slow_down" and 10 <= data["retry_after"] <= 20
            assert int(headers["Retry-After"]) >= 10
            # A new session and each request count for the address: 1 + 3 so far, + 1 for this
            # session; two more requests, then the address has to wait too.
            await second.open()
            assert (await second.post("/api/send", {"text": "/menu"}))[0] == 200
            assert (await second.post("/api/send", {"text": "/menu"}))[0] == 200
            assert (await second.post("/api/send", {"text": "/menu"}))[0] == 429
        finally:
            await first.close()
            await second.close()


async def test_two_sessions_never_see_each_other(db_url: str) -> None:
    async with running_chat(db_url) as chat:
        anna, boris = Page(chat.url), Page(chat.url)
        try:
            await anna.open()
            await boris.open()
            await anna.post("/api/start", {"hint": "de"})
            await anna.say("Anna Geheimnis 4711")
            boris_view = await boris.open()
            assert boris_view["entries"] == []
            async with boris.http.get(chat.url + "/api/messages?after=0&wait=0") as response:
                assert (await response.json())["entries"] == []
            anna_view = await anna.open()
            assert "Anna Geheimnis 4711" in text_of(anna_view["entries"])
            ids = [entry["id"] for entry in anna_view["entries"]]
            async with boris.http.get(f"{chat.url}/api/files/{ids[-1]}/x.ics") as response:
                assert response.status == 404
            assert await count(chat, Person, channel="web") == 2
        finally:
            await anna.close()
            await boris.close()


async def test_deletemydata_erases_the_web_session_and_its_conversation(db_url: str) -> None:
    async with running_chat(db_url) as chat:
        page = Page(chat.url)
        try:
            await page.open()
            await page.post("/api/start", {"hint": "de"})
            await page.say("Meine Adresse ist Musterweg 1")
            entries = await page.say("/deletemydata")
            status, data, _ = await page.post("/api/press", {"press": entries[-1]["buttons"][0][0]["press"]})
            assert status == 200 and data["erased"] is True and data["entries"]
            assert await count(chat, Person, channel="web") == 0
            assert await count(chat, WebMessage) == 0 and await count(chat, WebSession) == 0
            fresh = await page.open()  # the old cookie leads nowhere: a new, empty session
            assert fresh["entries"] == []
            assert "Musterweg" not in text_of(fresh["entries"])
        finally:
            await page.close()


async def test_idle_sessions_expire(db_url: str) -> None:
    async with running_chat(db_url) as chat:
        page = Page(chat.url)
        try:
            await page.open()
            await page.post("/api/start", {"hint": "de"})
            assert await chat.chat.store.expire(chat.clock.now() + timedelta(days=29)) == 0
            assert await chat.chat.store.expire(chat.clock.now() + timedelta(days=31)) == 1
            assert await count(chat, Person, channel="web") == 0 and await count(chat, WebMessage) == 0
            assert (await page.post("/api/send", {"text": "Hallo"}))[0] == 401
        finally:
            await page.close()


async def test_a_reminder_waits_for_the_person_and_reaches_an_open_page_at_once(db_url: str) -> None:
    async with running_chat(db_url) as chat:
        page = Page(chat.url)
        try:
            await page.open()
            await page.post("/api/start", {"hint": "uk"})
            async with chat.foundation.services.sessions() as session:
                person = (await session.scalars(select(Person).where(Person.channel == "web"))).one()
            chat.clock.advance(timedelta(hours=20))  # the page is closed; a day later, a reminder
            assert await chat.outbox.to_person(person, [Reply(Msg("web.title"))])
            await chat.outbox.settle()
            chat.clock.advance(timedelta(hours=3))
            back = await page.open()  # the page was closed; the person comes back
            assert back["entries"][-1]["from"] == "bot" and back["entries"][-1]["lang"] == "uk"
            assert text_of(back["entries"][-1:]) == "lokal willkommen – чат"
            assert back["new_after"] is not None and back["new_after"] < back["entries"][-1]["id"]

        finally:
            await page.close()


async def test_a_long_poll_is_answered_as_soon_as_a_message_is_stored(db_url: str) -> None:
    async with running_chat(db_url) as chat:
        page = Page(chat.url)
        try:
            await page.open()
            start = await page.post("/api/start", {"hint": "de"})
            last = start[1]["entries"][-1]["id"]
            async with chat.foundation.services.sessions() as session:
                person = (await session.scalars(select(Person).where(Person.channel == "web"))).one()

            async def poll() -> list[dict[str, Any]]:
                async with page.http.get(f"{chat.url}/api/messages?after={last}") as response:
                    return (await response.json())["entries"]

            polling = asyncio.create_task(poll())
            await asyncio.sleep(0.3)
            assert not polling.done()
            await chat.outbox.to_person(person, [Reply(Msg("web.offline"))])
            entries = await asyncio.wait_for(polling, 2.0)  # woken by the inbox, not the 5 s recheck
            assert "Keine Verbindung" in text_of(entries)
        finally:
            await page.close()


async def test_the_page_has_no_inline_script_and_weighs_under_150_kb(db_url: str) -> None:
    async with running_chat(db_url) as chat:
        async with aiohttp.ClientSession() as http:
            async with http.get(chat.url + "/") as response:
                html = await response.text()
                csp = response.headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            total = len(html.encode())
            for path in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
                async with http.get(chat.url + path) as asset:
                    assert asset.status == 200
                    total += len(await asset.read())
            assert total <= 150 * 1024
    page = (STATIC_DIR / "index.html").read_text()
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []  # every script is a file
    assert not re.search(r"\son\w+=|\sstyle=|https?://", page)  # no handlers, styles or outside URLs
    for asset in ("chat.js", "chat.css"):
        text = (Path(STATIC_DIR) / asset).read_text()
        assert "innerHTML" not in text and "http://" not in text and "https://" not in text.replace("https?", "")


async def test_a_turn_waits_for_the_process_turn_slot_and_reading_does_not(db_url: str) -> None:
    """Web turns queue in the same turn slots as Telegram's (Services.turn_slots: one on SQLite,
    where they would otherwise wait in SQLite's busy handler); the transcript is read meanwhile."""
    async with running_chat(db_url) as chat:
        page = Page(chat.url)
        try:
            await page.open()
            await page.post("/api/start", {"hint": "de"})
            slots = chat.foundation.services.turn_slots
            held = 0
            while not slots.locked():  # every place, whatever the database
                await slots.acquire()
                held += 1
            sending = asyncio.create_task(page.say("/help"))
            await asyncio.sleep(0.3)
            assert not sending.done()
            assert await asyncio.wait_for(page.poll(after=0, wait=0), 2)  # reads go on
            for _ in range(held):
                slots.release()
            assert await asyncio.wait_for(sending, 5)
        finally:
            await page.close()
