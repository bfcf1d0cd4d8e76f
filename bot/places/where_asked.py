"""Does a text ask where something is ("wo ist das", "а адреса яка", "adres ne", "آدرسش کجاست")?

Pure word lists in the ten languages: a "where" word or an "address" word, as people type them
(no punctuation, Arabic-script letters folded, Turkish and Persian endings on the stem). The
dialogues decide what the "where" is about: an office named in the same text, or the office the
bot showed just before."""

from __future__ import annotations

import re
import unicodedata

# Whole words that ask "where?".
WHERE_WORDS = frozenset(
    {
        "wo",
        "wohin",
        "where",
        "wheres",
        "where's",
        "де",
        "куди",
        "где",
        "куда",
        "къде",
        "nerede",
        "nerde",
        "neresi",
        "neresidir",
        "unde",
        "où",
        "وين",
        "اين",
        "فين",
        "كجا",
        "كجاست",
    }
)
# Word beginnings that mean "address" or "location" (Adresse, address, адреса, adresi, آدرسش, العنوان).
ADDRESS_STEMS = (
    "adress",
    "addres",
    "adres",
    "anschrift",
    "standort",
    "location",
    "адрес",
    "локаці",
    "آدرس",
    "ادرس",
    "عنوان",
    "العنوان",
    "نشاني",
)

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_ARABIC_FOLD = str.maketrans({"ی": "ي", "ى": "ي", "ک": "ك", "أ": "ا", "إ": "ا", "ة": "ه"})


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased, Arabic-script letter variants folded."""
    text = unicodedata.normalize("NFC", text).casefold().replace("’", "'").translate(_ARABIC_FOLD)
    return _WORD.findall(text)


def _is_where_word(word: str) -> bool:
    return word in WHERE_WORDS or word.split("'")[0] in WHERE_WORDS or word.startswith(ADDRESS_STEMS)


def asks_where(text: str) -> bool:
    """True when `text` asks where something is or for its address."""
    return any(_is_where_word(word) for word in words(text))


def without_where_words(text: str) -> str:
    """`text` without its "where" and "address" words ("wo ist die Ausländerbehörde": "ist die
    ausländerbehörde"): what is left tells whether it names a topic of its own."""
    return " ".join(word for word in words(text) if not _is_where_word(word))
