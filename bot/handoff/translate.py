"""Machine translation for the handoff: only with consent, never blocking, never dropping.

A text goes to the translation service only if the city configured one (TRANSLATOR != none) AND
the person agreed (Person.translation_consent, asked before the first handoff). Every call has a
time limit on top of the provider's own; whatever goes wrong, the caller gets `failed=True` and
relays the original with a note instead. The provider runs in a thread (bot.translation.providers),
so the event loop is never blocked, and the CachedTranslator built by the bootstrap keeps results
in the database.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bot.core.services import Services
from bot.storage.models import Person
from bot.translation import TranslationFailed

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 8.0  # the providers give up after TRANSLATOR_TIMEOUT (5 s); this bounds any translator
SOURCE_LANGUAGE = "de"  # what staff write

# How the services are called in the consent text (proper names, the same in every language).
SERVICE_NAMES = {
    "deepl": "DeepL",
    "libre": "LibreTranslate",
}


@dataclass(frozen=True)
class Relayed:
    """The outcome for one text: `text` is the machine translation, or None (then relay the
    original). `failed`: a translation was attempted and did not work (add a note)."""

    text: str | None
    failed: bool = False

    @property
    def translated(self) -> bool:
        return self.text is not None


def service_name(services: Services) -> str | None:
    """The configured translation service's name, or None when none is configured."""
    name = services.settings.translator
    if name == "none":
        return None
    return SERVICE_NAMES.get(name, name)


def allowed(services: Services, person: Person) -> bool:
    return service_name(services) is not None and bool(person.translation_consent)


async def translate(
    services: Services, person: Person, text: str, *, source: str, target: str, handoff_id: int | None = None
) -> Relayed:
    if not text.strip() or source == target or not allowed(services, person):
        return Relayed(None)
    try:
        result = await asyncio.wait_for(
            services.translator.translate(text, source=source, target=target), TIMEOUT_SECONDS
        )
    except TranslationFailed as exc:
        # An outage of the service is logged once by the provider, not for every relayed message.
        log.log(
            logging.DEBUG if exc.unreachable else logging.WARNING,
            "handoff %s (person %s): translation failed: %s",
            handoff_id,
            person.id,
            exc,
        )
        return Relayed(None, failed=True)
    except TimeoutError:
        log.warning("handoff %s (person %s): translation timed out", handoff_id, person.id)
        return Relayed(None, failed=True)
    except Exception as exc:  # noqa: BLE001 - a broken translator must never drop a message
        log.warning("handoff %s (person %s): translator error %s", handoff_id, person.id, type(exc).__name__)
        return Relayed(None, failed=True)
    if not result.machine or not result.text.strip():
        return Relayed(None)
    return Relayed(result.text)
