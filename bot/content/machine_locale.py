"""Languages beyond the ten curated ones (Tigrinya, Kurdish, Pashto, ...).

When the city configured a translation service, the German texts are machine-translated for such a
person (cached in the database by the CachedTranslator), marked as machine translation, and every
message offers the curated languages. Without a service, or when translation fails, the person gets
the closest curated language instead — never an error. Only our own texts are sent to the service
here, never what the person wrote."""

from __future__ import annotations

import asyncio
import html
import logging

from bot.content.locales import SOURCE_LANGUAGE, Catalog, html_to_plain
from bot.core.actions import SetLanguage
from bot.core.replies import Choice, Link, Plain, Raw, Reply, Text
from bot.translation import TranslationFailed, Translator

log = logging.getLogger(__name__)

# The curated language most speakers of a language also read; English where nothing is closer.
CLOSEST_CURATED = {
    "ps": "fa",
    "prs": "fa",
    "tg": "fa",
    "ckb": "ar",
    "ku": "tr",
    "kmr": "tr",
    "az": "tr",
    "ku-iq": "ar",
    "be": "ru",
    "kk": "ru",
    "ky": "ru",
    "uz": "ru",
    "hy": "ru",
    "ka": "ru",
    "mo": "ro",
    "mk": "bg",
    "sr": "bg",
    "ur": "en",
    "hi": "en",
    "ti": "en",
    "am": "en",
    "so": "en",
    "sw": "en",
    "es": "en",
    "it": "en",
    "pt": "en",
    "sq": "en",
    "pl": "en",
    "ln": "fr",
    "wo": "fr",
    "ff": "fr",
    "bm": "fr",
    "ber": "fr",
    "kab": "fr",
    "he": "en",
}
# Their own names, for a button that offers machine translation into one of them.
NATIVE_NAMES = {
    "so": "Soomaali",
    "ti": "ትግርኛ",
    "am": "አማርኛ",
    "ps": "پښتو",
    "ur": "اردو",
    "ckb": "کوردی",
    "ku": "Kurdî",
    "kmr": "Kurdî",
    "sq": "Shqip",
    "pl": "Polski",
    "sr": "Srpski",
    "es": "Español",
    "it": "Italiano",
    "pt": "Português",
    "sw": "Kiswahili",
    "hi": "हिन्दी",
    "be": "Беларуская",
    "kk": "Қазақша",
    "az": "Azərbaycanca",
    "hy": "Հայերեն",
    "ka": "ქართული",
    "tg": "Тоҷикӣ",
    "uz": "Oʻzbekcha",
    "mk": "Македонски",
    "he": "עברית",
}
MACHINE_NOTE = "🤖 Maschinelle Übersetzung · machine translation"
# A reply is several texts (message, buttons), each bounded by the provider's TRANSLATOR_TIMEOUT;
# a provider that answers each just in time must not hold the person up for all of them in a row.
MAX_SECONDS = 10.0
CHOOSE_LANGUAGE = "🌐 Deutsch · English · العربية · Українська · Türkçe · فارسی …"


def closest_curated(language: str, catalog: Catalog) -> str:
    code = language.lower()
    for candidate in (code, code.split("-")[0], CLOSEST_CURATED.get(code), CLOSEST_CURATED.get(code.split("-")[0])):
        if candidate and catalog.supports(candidate):
            return candidate
    return "en" if catalog.supports("en") else SOURCE_LANGUAGE


def machine_locale_name(language: str | None) -> str | None:
    """The own name of a language beyond the ten that machine translation can serve, else None
    (one of the ten, a code we know nothing of, or "und")."""
    return NATIVE_NAMES.get(language) if language else None


async def localize(
    replies: list[Reply], language: str, catalog: Catalog, translator: Translator, *, service_configured: bool
) -> tuple[list[Reply], str]:
    """The replies ready for `language`, and the language to render them in."""
    if catalog.supports(language):
        return replies, language
    if not service_configured:
        return replies, closest_curated(language, catalog)
    try:
        async with asyncio.timeout(MAX_SECONDS):
            return [await _translate(reply, language, catalog, translator) for reply in replies], language
    except TranslationFailed as failure:
        if not failure.unreachable:  # an outage is logged once by the provider
            log.warning("machine translation to %s failed (%s); using a curated language", language, failure.reason)
        return replies, closest_curated(language, catalog)
    except TimeoutError:
        log.warning("machine translation to %s took over %g s; using a curated language", language, MAX_SECONDS)
        return replies, closest_curated(language, catalog)


async def _translate(reply: Reply, language: str, catalog: Catalog, translator: Translator) -> Reply:
    async def text_of(text: Text) -> str:
        plain = html_to_plain(catalog.render(text, SOURCE_LANGUAGE))
        translated = await translator.translate(plain, source=SOURCE_LANGUAGE, target=language)
        return translated.text

    body = html.escape(await text_of(reply.text), quote=False)
    rows = []
    for row in reply.choices:
        new_row = []
        for item in row:
            # Plain labels are names (languages in their own script, offices): kept as they are.
            label = item.label if isinstance(item.label, Plain) else Plain(await text_of(item.label))
            new_row.append(Link(label, item.url) if isinstance(item, Link) else Choice(label, item.action))
        rows.append(tuple(new_row))
    rows.append((Choice(Plain(CHOOSE_LANGUAGE), SetLanguage("?")),))
    return Reply(
        text=Raw(f"{body}\n\n<i>{MACHINE_NOTE}</i>"),
        choices=tuple(rows),
        ask_location=reply.ask_location,
        remove_keyboard=reply.remove_keyboard,
        venue=reply.venue,
        document=reply.document,
    )
