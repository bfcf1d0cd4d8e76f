"""People whose app language is not one of the ten curated ones."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.content.locales import html_to_plain
from bot.content.machine_locale import closest_curated
from bot.core.replies import Msg
from bot.storage.models import CachedTranslation
from bot.text.bidi import FSI, PDI
from tests.e2e.harness import buttons, running_bot


async def test_german_texts_are_machine_translated_labelled_and_cached(db_url: str, clock: FakeClock) -> None:
    async with running_bot(db_url, clock, TRANSLATOR="deepl") as tg:
        tesfay = tg.person(4001, "Tesfay", language_code="ti")
        await tesfay.send("/start")
        reply = (await tg.replies(tesfay))[0]
        assert reply.text.startswith("[de→ti] Willkommen bei lokal willkommen")
        assert "machine translation" in reply.text
        labels = buttons(reply)
        assert "[de→ti] 🎒 Schule" in labels
        assert labels[-1].startswith("🌐 Deutsch · English")
        calls = len(tg.translator.calls)
        await tesfay.send("/start")
        await tg.replies(tesfay)
        assert len(tg.translator.calls) == calls  # the second time everything came from the cache
        async with tg.services.sessions() as session:
            cached = await session.scalar(select(func.count()).select_from(CachedTranslation))
        assert cached and cached >= len(labels) - 1
        await tesfay.press(labels[-1])
        picker = (await tg.replies(tesfay))[0]
        assert "Deutsch" in buttons(picker) and "English" in buttons(picker)


async def test_when_translation_fails_the_closest_curated_language_answers(db_url: str, clock: FakeClock) -> None:
    async with running_bot(db_url, clock, TRANSLATOR="deepl") as tg:
        tg.translator.fail_next(1000)
        ahmad = tg.person(4002, "Ahmad", language_code="ps")  # Pashto: Farsi/Dari is the closest
        await ahmad.send("/start")
        reply = (await tg.replies(ahmad))[0]
        greeting = Msg("menu.with_greeting", greeting=Msg("start.greeting"))
        language = closest_curated("ps", tg.services.catalog)
        assert language == "fa"
        expected = html_to_plain(tg.services.catalog.render(greeting, language))
        assert strip_isolates(reply.text) == strip_isolates(expected)


def strip_isolates(text: str) -> str:
    return text.replace(FSI, "").replace(PDI, "")
