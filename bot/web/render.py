"""Replies as JSON for the web page: text as runs of plain strings with a few marks, never markup.

The bot's texts are Telegram HTML (locale strings may hold <b>, <i>, <a href>; arguments are
escaped by Catalog.render). The page must not parse HTML, so the server turns it into runs:
{"t": text, "b": 1, "i": 1, "href": url}. Only http(s) links survive; phone numbers (and 110/112)
in plain text become tel: links, so they can be tapped. The page inserts each run with textContent.
Pure: takes the catalog, returns dicts.
"""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlsplit

from bot.content.locales import RTL_LANGUAGES, Catalog, html_to_plain
from bot.core.actions import pack
from bot.core.replies import Choice, Link, Msg, Reply

Run = dict[str, Any]
MAX_FILE_BYTES = 64 * 1024
# German numbers ("0231 50-2 34 56", "+49 231 ..."), service numbers ("116 016"), and 110/112.
_PHONE = re.compile(r"(?<![\w+/.,:])(?:\+\d[\d ()/-]{6,}\d|0\d[\d ()/-]{4,}\d|116 ?\d{3}|11[02])(?!\w|/|[.,:]\d)")
_MIN_DIGITS = 6


def is_web_url(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class _Runs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[Run] = []
        self.bold = 0
        self.italic = 0
        self.links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("b", "strong"):
            self.bold += 1
        elif tag in ("i", "em"):
            self.italic += 1
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append(href if is_web_url(href) else None)
        elif tag == "br":
            self.handle_data("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("b", "strong"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("i", "em"):
            self.italic = max(0, self.italic - 1)
        elif tag == "a" and self.links:
            self.links.pop()

    def handle_data(self, data: str) -> None:
        if not data:
            return
        href = self.links[-1] if self.links else None
        marks: Run = {}
        if self.bold:
            marks["b"] = 1
        if self.italic:
            marks["i"] = 1
        if href:
            self.runs.append({"t": data, **marks, "href": href})
            return
        for piece, tel in _split_phones(data):
            run: Run = {"t": piece, **marks}
            if tel:
                run["href"] = "tel:" + tel
            self.runs.append(run)


def _split_phones(text: str) -> list[tuple[str, str | None]]:
    pieces: list[tuple[str, str | None]] = []
    last = 0
    for match in _PHONE.finditer(text):
        number = match.group(0)
        digits = re.sub(r"[^\d+]", "", number)
        if len(digits.lstrip("+")) < _MIN_DIGITS and digits not in ("110", "112"):
            continue
        if match.start() > last:
            pieces.append((text[last : match.start()], None))
        pieces.append((number, digits))
        last = match.end()
    if last < len(text):
        pieces.append((text[last:], None))
    return pieces


def runs(html: str) -> list[Run]:
    """Telegram HTML -> runs of text with marks; any other tag keeps only its text."""
    parser = _Runs()
    parser.feed(html)
    parser.close()
    merged: list[Run] = []
    for run in parser.runs:
        if (
            merged
            and {k: v for k, v in merged[-1].items() if k != "t"} == {k: v for k, v in run.items() if k != "t"}
            and "href" not in run
        ):
            merged[-1]["t"] += run["t"]
        else:
            merged.append(run)
    return merged


def direction(lang: str) -> str:
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


def map_url(latitude: float, longitude: float) -> str:
    return (
        f"https://www.openstreetmap.org/?mlat={latitude:.5f}&mlon={longitude:.5f}#map=18/{latitude:.5f}/{longitude:.5f}"
    )


def render_reply(reply: Reply, lang: str, catalog: Catalog) -> dict[str, Any]:
    """One reply as stored and shown: runs, buttons (pressable ones carry their packed action,
    exactly as Telegram's callback data), a map pin, a file, a location request."""

    def label(text: Any) -> str:
        return html_to_plain(catalog.render(text, lang)).strip() or "…"

    buttons: list[list[dict[str, str]]] = []
    for row in reply.choices:
        out: list[dict[str, str]] = []
        for item in row:
            if isinstance(item, Choice):
                out.append({"label": label(item.label), "press": pack(item.action)})
            elif isinstance(item, Link) and is_web_url(item.url):
                out.append({"label": label(item.label), "url": item.url})
        if out:
            buttons.append(out)
    payload: dict[str, Any] = {
        "lang": lang,
        "dir": direction(lang),
        "runs": runs(catalog.render(reply.text, lang)),
        "buttons": buttons,
    }
    if reply.venue is not None:
        v = reply.venue
        payload["venue"] = {
            "title": v.title,
            "address": v.address,
            "map": map_url(v.latitude, v.longitude),
            "label": label(Msg("web.open_map")),
        }
    if reply.document is not None and len(reply.document.content) <= MAX_FILE_BYTES:
        d = reply.document
        payload["file"] = {
            "name": d.filename,
            "mime": d.mime_type,
            "label": label(Msg("web.download_ics")),
            "data": base64.b64encode(d.content).decode("ascii"),
        }
    if reply.ask_location:
        payload["location"] = label(Msg("places.share_location_button"))
    return payload


def person_text(text: str) -> dict[str, Any]:
    return {"runs": [{"t": text}]}


def for_page(entry_id: int, author: str, payload: dict[str, Any], at: str) -> dict[str, Any]:
    """What the page receives: the stored payload without the file's bytes (fetched by URL)."""
    shown = {k: v for k, v in payload.items() if k != "file"}
    if "file" in payload:
        file = payload["file"]
        shown["file"] = {
            "name": file["name"],
            "label": file["label"],
            "url": f"/api/files/{entry_id}/{quote(file['name'])}",
        }
    return {"id": entry_id, "from": author, "at": at, **shown}
