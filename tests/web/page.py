"""A browser tab as the API tests meet the web chat: cookies, the CSRF token, posts and the long poll."""

from __future__ import annotations

from typing import Any

import aiohttp


class Page:
    """One browser tab: its own cookie jar, the CSRF token from /api/session."""

    def __init__(self, base: str, origin: str | None = None) -> None:
        self.base = base
        self.origin = origin or base
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf = ""
        self.last_id = 0

    async def open(self) -> dict[str, Any]:
        async with self.http.get(self.base + "/api/session") as response:
            assert response.status == 200
            data = await response.json()
        self.csrf = data["csrf"]
        return data

    async def post(
        self, path: str, body: dict[str, Any], *, csrf: str | None = None, origin: str | None = None
    ) -> tuple[int, dict[str, Any], Any]:
        headers = {"X-CSRF-Token": self.csrf if csrf is None else csrf, "Origin": origin or self.origin}
        async with self.http.post(self.base + path, json=body, headers=headers) as response:
            return response.status, await response.json(), response.headers

    async def say(self, text: str) -> list[dict[str, Any]]:
        status, data, _ = await self.post("/api/send", {"text": text})
        assert status == 200, data
        return data["entries"]

    async def press(self, label_part: str, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for entry in reversed(entries):
            for row in entry.get("buttons", []):
                for button in row:
                    if label_part in button["label"] and "press" in button:
                        status, data, _ = await self.post("/api/press", {"press": button["press"]})
                        assert status == 200, data
                        return data["entries"]
        raise AssertionError(f"no button with {label_part!r}")

    async def poll(self, after: int, wait: float = 25.0) -> list[dict[str, Any]]:
        """The page's long poll: entries after `after`, waiting up to `wait` s for one."""
        params = {"after": str(after), "wait": str(wait)}
        async with self.http.get(self.base + "/api/messages", params=params) as response:
            assert response.status == 200
            return (await response.json())["entries"]

    async def close(self) -> None:
        await self.http.close()


def text_of(entries: list[dict[str, Any]]) -> str:
    return "\n".join("".join(run["t"] for run in entry["runs"]) for entry in entries)
