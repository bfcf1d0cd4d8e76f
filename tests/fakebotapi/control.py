"""A small HTTP control API under /_fake/ for trying a bot by hand (``python -m tests.fakebotapi``).

    curl -X POST 'http://127.0.0.1:8081/_fake/users/1001/send' -d 'text=/start'
    curl 'http://127.0.0.1:8081/_fake/chats/1001'
    curl -X POST 'http://127.0.0.1:8081/_fake/users/1001/press' -d 'button=Termin buchen'
    curl 'http://127.0.0.1:8081/_fake/violations'

Tests use the Python API instead; this is only a thin layer over it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from .server import FakeBotAPI


def add_routes(app: web.Application, server: FakeBotAPI) -> None:
    async def params(request: web.Request) -> dict[str, Any]:
        values: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            values.update(await request.json())
        elif request.body_exists:
            values.update(await request.post())
        return values

    def person(request: web.Request) -> Any:
        data = request.match_info
        return server.user(int(data["user_id"]))

    async def send(request: web.Request) -> web.Response:
        values = await params(request)
        message = await person(request).send(str(values["text"]))
        return web.json_response(message.to_api())

    async def press(request: web.Request) -> web.Response:
        values = await params(request)
        record = await person(request).press(str(values["button"]))
        return web.json_response({"callback_query_id": record.id, "data": record.data})

    async def location(request: web.Request) -> web.Response:
        values = await params(request)
        message = await person(request).share_location(float(values["latitude"]), float(values["longitude"]))
        return web.json_response(message.to_api())

    async def chat(request: web.Request) -> web.Response:
        state = server.chat(int(request.match_info["chat_id"]))
        return web.json_response(
            [
                {
                    **m.to_api(),
                    "from_bot": m.from_bot,
                    "deleted": m.deleted,
                    "edits": len(m.edits),
                    "raw_text": m.raw_text,
                }
                for m in state.history.values()
            ]
        )

    def describe(records: list[Any]) -> list[dict[str, Any]]:
        return [
            {
                "seq": r.seq,
                "method": r.method,
                "ok": r.ok,
                "status": r.status,
                "description": r.description,
                "detail": r.detail,
                "params": _jsonable(r.params),
            }
            for r in records
        ]

    async def requests(request: web.Request) -> web.Response:
        return web.json_response(describe(server.requests[-200:]))

    async def violations(request: web.Request) -> web.Response:
        return web.json_response(describe(server.violations))

    async def raw_update(request: web.Request) -> web.Response:
        return web.json_response(server.add_raw_update(await request.json()))

    async def summary(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "base_url": server.base_url,
                "bot": server.bot_user,
                "chats": sorted(server.world.chats),
                "pending_updates": len(server.updates.pending),
                "requests": len(server.requests),
                "violations": len(server.violations),
            }
        )

    app.router.add_get("/_fake", summary)
    app.router.add_post("/_fake/users/{user_id}/send", send)
    app.router.add_post("/_fake/users/{user_id}/press", press)
    app.router.add_post("/_fake/users/{user_id}/location", location)
    app.router.add_get("/_fake/chats/{chat_id}", chat)
    app.router.add_get("/_fake/requests", requests)
    app.router.add_get("/_fake/violations", violations)
    app.router.add_post("/_fake/updates", raw_update)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)
