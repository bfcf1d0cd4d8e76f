"""Text normalisation shared by language detection, keyword matching and the benchmark.

The folded form is only used for *comparing* strings (keywords, duplicate checks); the model
always sees the original text, because e5 was trained on ordinary spelling.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that are variants of one another in everyday typing: Arabic vs Persian keyboards
# (ی/ي, ک/ك), teh marbuta written as heh, alef maqsura as yeh, Cyrillic ё as е, Turkish dotless ı.
_CHAR_FOLD = str.maketrans(
    {
        "ی": "ي",
        "ى": "ي",
        "ئ": "ي",
        "ک": "ك",
        "ة": "ه",
        "ۀ": "ه",
        "ؤ": "و",
        "ـ": "",  # tatweel (decorative stretching)
        "\u200c": "",  # zero-width non-joiner: "می‌خواهم" and "میخواهم" are the same word
        "\u200d": "",
        "ı": "i",
        "ё": "е",
        "ß": "ss",
        "’": "'",
        "ʼ": "'",
        "`": "'",
        # Arabic-Indic and Persian digits -> ASCII, so "١١٢" and "۱۱۲" match "112"
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)

# Umlauts are typed as ä, ae or plain a (and Turkish ö/ü as plain o/u); folding all three to the
# bare vowel makes "Büro", "Buero" and "Buro" one word. Applied on both sides of every comparison,
# so the occasional odd result ("feuer" -> "feur") is harmless.
_DIGRAPHS = re.compile(r"(?<=[a-z])(?:ae|oe|ue)|^(?:ae|oe|ue)")
_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")


def _fold_digraph(match: re.Match[str]) -> str:
    return match.group(0)[0]


def fold(text: str) -> str:
    """Lowercase, NFKC, strip combining marks (accents, tashkeel, hamza), unify look-alikes."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_CHAR_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", stripped)
    text = " ".join(_DIGRAPHS.sub(_fold_digraph, word) for word in text.split())
    return _SPACES.sub(" ", text).strip()


def tokens(folded: str) -> list[str]:
    """Word tokens of an already folded text (digits included: "112" is a token)."""
    return _WORD.findall(folded)


def letters_only(text: str) -> str:
    return "".join(ch for ch in text if ch.isalpha())
