"""Machine translation behind our own interface (see base.py)."""

from bot.translation.base import AUTO, Translation, TranslationFailed, Translator
from bot.translation.cache import CachedTranslator, MemoryTranslationCache, TranslationCache, text_hash
from bot.translation.factory import TRANSLATOR_NAMES, build_translator
from bot.translation.fake import FakeCall, FakeTranslator
from bot.translation.providers import (
    DeepLProvider,
    LibreTranslateProvider,
    NoTranslator,
    load_glossary,
    provider_language_code,
)
from bot.translation.resilience import ResilientTranslator

__all__ = [
    "AUTO",
    "CachedTranslator",
    "DeepLProvider",
    "FakeCall",
    "FakeTranslator",
    "LibreTranslateProvider",
    "MemoryTranslationCache",
    "NoTranslator",
    "ResilientTranslator",
    "TRANSLATOR_NAMES",
    "Translation",
    "TranslationCache",
    "TranslationFailed",
    "Translator",
    "build_translator",
    "load_glossary",
    "provider_language_code",
    "text_hash",
]
