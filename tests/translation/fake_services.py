"""Local stand-ins for DeepL's API and a LibreTranslate server on 127.0.0.1, speaking their request
and response formats (DeepL: /v2/translate and /v2/glossaries with `Authorization: DeepL-Auth-Key`;
LibreTranslate: /translate with q, source, target, format, api_key; /languages).

They "translate" by writing every word in capitals after a [TARGET] mark, except the terms of the
glossary a DeepL request names, which stay as they are: so a test sees whether a glossary was used.
`fail_next(status, times)` answers the next requests with that status; `delay` makes them slow.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

DEEPL_LANGUAGES = {"AR", "BG", "DE", "EN", "EN-GB", "EN-US", "FR", "RO", "RU", "TR", "UK"}  # no Persian
LIBRE_LANGUAGES = ("de", "en", "ar", "fa", "uk", "ru", "tr", "fr")  # no ro, no bg on this server


def capitals(text: str, target: str, keep: tuple[str, ...] = ()) -> str:
    protected: dict[str, str] = {}
    for index, term in enumerate(sorted(keep, key=len, reverse=True)):
        marker = f"\x00{index}\x00"
        text, found = re.subn(re.escape(term), marker, text)
        if found:
            protected[marker] = term
    text = text.upper()
    for marker, term in protected.items():
        text = text.replace(marker, term)
    return f"[{target}] {text}"


@dataclass
class FakeService:
    """What both fakes share: the requests they saw, faults and delays to provoke."""

    port: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    delay: float = 0.0
    faults: list[int] = field(default_factory=list)
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail_next(self, status: int, times: int = 1) -> None:
        self.faults.extend([status] * times)

    async def _fault(self) -> web.Response | None:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.faults:
            status = self.faults.pop(0)
            return web.json_response({"message": "fault", "error": "fault"}, status=status)
        return None

    def build(self) -> web.Application:
        raise NotImplementedError

    async def start(self) -> None:
        self._runner = web.AppRunner(self.build(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@dataclass
class FakeDeepL(FakeService):
    key: str = "test-key:fx"
    glossaries: dict[str, dict[str, Any]] = field(default_factory=dict)

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"DeepL-Auth-Key {self.key}"

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        form = await request.post()
        params: dict[str, Any] = {k: v for k, v in form.items() if k != "text"}
        params["text"] = form.getall("text", [])
        return params

    def build(self) -> web.Application:
        async def translate(request: web.Request) -> web.Response:
            if not self._authorized(request):
                return web.json_response({"message": "Authorization failure, check auth_key"}, status=403)
            params = await self._params(request)
            self.requests.append({"path": request.path, **params, "user_agent": request.headers.get("User-Agent", "")})
            fault = await self._fault()
            if fault is not None:
                return fault
            texts = params.get("text")
            target = str(params.get("target_lang", "")).upper()
            source = params.get("source_lang")
            if not isinstance(texts, list) or not texts or not target:
                return web.json_response({"message": "Parameter 'text' or 'target_lang' not specified."}, status=400)
            if target not in DEEPL_LANGUAGES or (source is not None and str(source).upper() not in DEEPL_LANGUAGES):
                return web.json_response({"message": "Value for 'target_lang' not supported."}, status=400)
            keep: tuple[str, ...] = ()
            glossary_id = params.get("glossary_id")
            if glossary_id is not None:
                if source is None:
                    return web.json_response(
                        {"message": "Use of a glossary requires the source_lang parameter"}, status=400
                    )
                glossary = self.glossaries.get(str(glossary_id))
                if glossary is None:
                    return web.json_response({"message": "Glossary not found"}, status=404)
                keep = tuple(glossary["entries"])
            return web.json_response(
                {
                    "translations": [
                        {
                            "detected_source_language": str(source or "DE").upper(),
                            "text": capitals(text, target, keep),
                            "billed_characters": len(text),
                        }
                        for text in texts
                    ]
                }
            )

        async def list_glossaries(request: web.Request) -> web.Response:
            if not self._authorized(request):
                return web.json_response({"message": "Authorization failure, check auth_key"}, status=403)
            self.requests.append({"path": request.path, "method": "GET"})
            return web.json_response(
                {"glossaries": [{k: v for k, v in g.items() if k != "entries"} for g in self.glossaries.values()]}
            )

        async def create_glossary(request: web.Request) -> web.Response:
            if not self._authorized(request):
                return web.json_response({"message": "Authorization failure, check auth_key"}, status=403)
            params = await self._params(request)
            self.requests.append({"path": request.path, "method": "POST", **params})
            if params.get("entries_format") != "tsv":
                return web.json_response({"message": "Unsupported entries format"}, status=400)
            entries = dict(line.split("\t", 1) for line in str(params["entries"]).splitlines() if line)
            glossary_id = str(uuid.uuid4())
            self.glossaries[glossary_id] = {
                "glossary_id": glossary_id,
                "name": params["name"],
                "ready": True,
                "source_lang": str(params["source_lang"]).lower(),
                "target_lang": str(params["target_lang"]).lower(),
                "creation_time": "2026-01-05T10:00:00.000000+00:00",
                "entry_count": len(entries),
                "entries": entries,
            }
            return web.json_response(
                {k: v for k, v in self.glossaries[glossary_id].items() if k != "entries"}, status=201
            )

        app = web.Application()
        app.router.add_post("/v2/translate", translate)
        app.router.add_get("/v2/glossaries", list_glossaries)
        app.router.add_post("/v2/glossaries", create_glossary)
        return app


@dataclass
class FakeLibreTranslate(FakeService):
    api_key: str | None = None  # set: the server was started with --api-keys and wants this one

    def build(self) -> web.Application:
        async def translate(request: web.Request) -> web.Response:
            # LibreTranslate reads its parameters from the query string, a form or a JSON body.
            params: dict[str, Any] = dict(request.query)
            if request.content_type == "application/json":
                params.update(await request.json())
            elif request.can_read_body:
                params.update(await request.post())
            self.requests.append({"path": request.path, "query": dict(request.query), **params})
            fault = await self._fault()
            if fault is not None:
                return fault
            if self.api_key is not None and params.get("api_key") != self.api_key:
                return web.json_response({"error": "Invalid API key"}, status=403)
            for name in ("q", "source", "target"):
                if not params.get(name):
                    return web.json_response({"error": f"Invalid request: missing {name} parameter"}, status=400)
            source, target = params["source"], params["target"]
            for code in (source, target):
                if code != "auto" and code not in LIBRE_LANGUAGES:
                    return web.json_response({"error": f"{code} is not supported"}, status=400)
            return web.json_response({"translatedText": capitals(str(params["q"]), target.upper())})

        async def languages(_request: web.Request) -> web.Response:
            return web.json_response(
                [{"code": c, "name": c, "targets": [t for t in LIBRE_LANGUAGES if t != c]} for c in LIBRE_LANGUAGES]
            )

        app = web.Application()
        app.router.add_post("/translate", translate)
        app.router.add_get("/languages", languages)
        return app
