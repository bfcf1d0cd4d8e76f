"""Build the configured translator from the settings (TRANSLATOR, TRANSLATOR_API_KEY, TRANSLATOR_URL)."""

from __future__ import annotations

from bot.translation.base import Translator
from bot.translation.providers import PROVIDERS, WITHDRAWN, NoTranslator, build_provider
from bot.translation.resilience import ResilientTranslator

TRANSLATOR_NAMES = ("none", *PROVIDERS)
WITHDRAWN_MESSAGE = (
    "{name} translates through public web pages without a key, which is not fit for what people "
    "write to staff; use deepl (with TRANSLATOR_API_KEY) or libre (TRANSLATOR_URL of your "
    "LibreTranslate server), or none"
)


def build_translator(
    name: str, *, api_key: str | None = None, base_url: str | None = None, timeout: float = 5.0
) -> Translator:
    """The translator for TRANSLATOR=`name`, with retries and a circuit breaker around the service;
    ValueError names the variable that is wrong."""
    normalized = (name or "none").strip().lower()
    if normalized in WITHDRAWN:
        raise ValueError("TRANSLATOR: " + WITHDRAWN_MESSAGE.format(name=normalized))
    if normalized not in TRANSLATOR_NAMES:
        raise ValueError(f"TRANSLATOR: unknown translator {name!r}; use one of {', '.join(TRANSLATOR_NAMES)}")
    if timeout <= 0:
        raise ValueError("translator timeout must be positive")
    if normalized == "none":
        return NoTranslator()
    if normalized == "deepl" and not api_key:
        raise ValueError("TRANSLATOR_API_KEY: required for TRANSLATOR=deepl")
    if normalized == "libre" and not (api_key or base_url):
        raise ValueError(
            "TRANSLATOR_URL: required for TRANSLATOR=libre (your LibreTranslate server), "
            "or set TRANSLATOR_API_KEY to use libretranslate.com"
        )
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise ValueError("TRANSLATOR_URL: must start with http:// or https://")
    provider = build_provider(normalized, api_key=api_key, base_url=base_url, timeout=timeout)
    return ResilientTranslator(provider, budget=timeout)
