"""The safety layer: emergencies recognised in every language, at every step (pure logic).

`detect(text, understanding)` -> SafetyAlert | None; the lexicon is data/safety/*.yaml. The
conversation core runs it first on every typed text (bot.core.conversation); the answers are
built in bot.safety.answers."""

from bot.safety.detect import Reading, SafetyAlert, detect, read, with_model
from bot.safety.lexicon import CATEGORIES, GENERAL, Lexicon, check_lexicon, default_lexicon, load_lexicon

__all__ = [
    "CATEGORIES",
    "GENERAL",
    "Lexicon",
    "Reading",
    "SafetyAlert",
    "check_lexicon",
    "default_lexicon",
    "detect",
    "load_lexicon",
    "read",
    "with_model",
]
