"""Which language to answer a typed message in: pure decisions on a `DetectedLanguage`.

A message that is not confidently one of the ten (unknown, or a language beyond them) is never
answered in the nearest of them. Before a person has a language, their first message decides it
when it is one of the ten. Once they have one, it changes only for a sentence in another of the
ten: markup, numbers, names ("Eving", "Hörde") and a word or two ("ok", "ok danke") never switch
it, because a wrong switch costs more than an answer in the language they already read. A few
words in another script are a sentence of their own: Arabic letters are not English.
"""

from __future__ import annotations

from collections.abc import Collection

from bot.understanding.language import ARABIC_SCRIPT, CYRILLIC_SCRIPT, LATIN_SCRIPT, DetectedLanguage

# Words with letters (not names, not numbers) a message needs to switch within one script.
SWITCH_MIN_WORDS = 3
# ... and in another script than the person's language.
OTHER_SCRIPT_MIN_WORDS = 2

_SCRIPT_OF = {code: group for group in (ARABIC_SCRIPT, CYRILLIC_SCRIPT, LATIN_SCRIPT) for code in group}


def first_message_language(detected: DetectedLanguage, supported: Collection[str]) -> str | None:
    """The language to answer a first message in (no language known yet), or None: not
    confidently one of ours, so German and English, the list of our languages, and the picker."""
    if detected.code is not None and detected.beyond is None and detected.code in supported:
        return detected.code
    return None


def switched_language(current: str, detected: DetectedLanguage, supported: Collection[str]) -> str | None:
    """Another of our languages the person wrote a real sentence in, or None (keep `current`)."""
    code = detected.code
    if code is None or detected.beyond is not None or code == current or code not in supported:
        return None
    if detected.words >= SWITCH_MIN_WORDS:
        return code
    current_script = _SCRIPT_OF.get(current)
    if (
        current_script is not None
        and current_script != _SCRIPT_OF.get(code)
        and detected.words >= OTHER_SCRIPT_MIN_WORDS
    ):
        return code
    return None
