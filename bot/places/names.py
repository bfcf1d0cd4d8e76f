"""Turning what people type into comparable keys for place names, and comparing them.

People write "Hörde", "Hoerde", "horde", "HÖRDE", "Dortmund-Hörde", "Хёрде" or "هورده". We compare
*keys*: lower case, umlauts folded (ä/ae -> a, ö/oe -> o, ü/ue -> u), ß -> ss, other accents
dropped, no spaces or hyphens. Cyrillic is transliterated the German way (ш -> sch, ц -> z,
шт -> st) with a few letters that have two plausible readings (г: g/h, в: w/v, х: h/ch) producing
several variants. Arabic-script text keeps an Arabic key (matched against Arabic aliases in the data)
and also gets a rough Latin transliteration; short vowels are not written in Arabic, so that only
helps for names spelled out with long vowels — the data lists Arabic aliases for the big names.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

# Words that carry no place information ("Stadtbezirk Hörde", "Dortmund-Eving", "حي هورده").
STOP_TOKENS = frozenset(
    {
        "dortmund",
        "do",
        "stadtbezirk",
        "bezirk",
        "stadtteil",
        "ortsteil",
        "district",
        "in",
        "دورتموند",
        "منطقه",
        "حي",
    }
)

_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
# \w keeps letters of any script and digits; Arabic short vowels and other marks stay inside a
# word, Arabic punctuation ("؟", "،", "؛", "۔") splits like any other.
_TOKEN_SPLIT = re.compile(r"[^\w\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED]+")
# An apostrophe inside a word joins a suffix to a name ("Eving'de", "Hörde’deki"): one word, whose
# suffix `stems` takes off again.
_INNER_APOSTROPHE = re.compile(r"(?<=\w)['’ʼ`´](?=\w)")

# --- Latin ---------------------------------------------------------------------------------------

_LATIN_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ı": "i", "ø": "o", "æ": "a", "đ": "d", "ł": "l"})


def _fold_latin(token: str) -> str:
    token = token.casefold().translate(_LATIN_FOLD)  # casefold also turns ß into ss
    token = "".join(c for c in unicodedata.normalize("NFKD", token) if not unicodedata.combining(c))
    # "Hoerde" and "Hörde" must meet: typed umlaut replacements fold to the plain vowel.
    return token.replace("ae", "a").replace("oe", "o").replace("ue", "u")


# --- Arabic script ---------------------------------------------------------------------------------

_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ک": "ك",
        "گ": "غ",
        "ج": "غ",
        "ق": "غ",
        "ڤ": "ف",
        "ـ": None,
    }
)
_ARABIC_MARKS = re.compile(r"[\u064B-\u065F\u0670\u06D6-\u06ED]")  # short vowels and other marks


def _fold_arabic(token: str) -> str:
    # German g is written غ, ج, ق or Persian گ: treat them as one letter for matching.
    return _ARABIC_MARKS.sub("", token).translate(_ARABIC_FOLD)


_ARABIC_TO_LATIN = {
    "ا": "a",
    "ب": "b",
    "ت": "t",
    "ث": "s",
    "ح": "h",
    "خ": "ch",
    "د": "d",
    "ذ": "z",
    "ر": "r",
    "ز": "s",
    "س": "s",
    "ش": "sch",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "ع": "",
    "غ": "g",
    "ف": "f",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "و": "o",
    "ي": "i",
    "ء": "",
    "پ": "p",
    "چ": "tsch",
    "ژ": "sch",
}


def _arabic_to_latin(token: str) -> list[str]:
    folded = _fold_arabic(token)
    folded = folded.replace("شت", "st").replace("شب", "sp")
    out = []
    for i, ch in enumerate(folded):
        if ch == "ه" and i == len(folded) - 1 and i > 0:
            out.append("e")  # a final ه usually writes a final -e ("هورده" = Hörde)
        else:
            out.append(_ARABIC_TO_LATIN.get(ch, ch))
    latin = "".join(out)
    variants = {latin, latin.replace("o", "u")}  # و is o or u
    return sorted(variants)


# --- Cyrillic --------------------------------------------------------------------------------------

_CYRILLIC_TO_LATIN = {
    "а": "a",
    "б": "b",
    "д": "d",
    "е": "e",
    "ё": "o",
    "є": "e",
    "ж": "sch",
    "з": "s",
    "и": "i",
    "і": "i",
    "ї": "i",
    "й": "j",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "ц": "z",
    "ч": "tsch",
    "ш": "sch",
    "щ": "schtsch",
    "ъ": "",
    "ы": "i",
    "ь": "",
    "э": "e",
    "ю": "u",
    "я": "ja",
    "ґ": "g",
}
# Letters with two readings when writing German names: (letter, choices).
_CYRILLIC_AMBIGUOUS = (("г", ("g", "h")), ("в", ("w", "v")))


def _cyrillic_to_latin(text: str) -> list[str]:
    text = text.casefold()
    # German "st"/"sp" at a syllable start is spoken and written "шт"/"шп" ("Нордштадт").
    text = text.replace("шт", "st").replace("шп", "sp")
    # х at the start of a word is German h ("Хёрде"); inside a word usually ch ("Хомбрух"), but
    # also h after a consonant ("Бергхофен"): keep both readings there.
    text = re.sub(r"(?<![\w])х", "h", text)
    choices: list[tuple[str, tuple[str, ...]]] = [*_CYRILLIC_AMBIGUOUS, ("х", ("ch", "h"))]
    present = [(letter, options) for letter, options in choices if letter in text]
    variants: list[str] = []
    for picks in itertools.product(*(options for _, options in present)):
        mapping = dict(_CYRILLIC_TO_LATIN)
        mapping.update({letter: pick for (letter, _), pick in zip(present, picks, strict=False)})
        variants.append("".join(mapping.get(ch, ch) for ch in text))
    return variants


# --- public helpers --------------------------------------------------------------------------------


def has_arabic(text: str) -> bool:
    return bool(_ARABIC.search(text))


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC.search(text))


def tokens(text: str) -> list[str]:
    """Words of `text` (split on spaces, hyphens, punctuation), stop words removed."""
    text = _INNER_APOSTROPHE.sub("", text)
    return [t for t in _TOKEN_SPLIT.split(text) if t and t.casefold() not in STOP_TOKENS]


def token_key(token: str) -> str:
    """The comparable form of one word: Arabic folded, or Latin lower-cased and umlaut-folded."""
    if has_arabic(token):
        return _fold_arabic(token)
    return _fold_latin(token)


def spellings(text: str) -> list[list[str]]:
    """The token lists to try for `text`: as written, plus transliterations of Cyrillic/Arabic.

    Each list holds folded keys of the words, stop words removed."""
    text = unicodedata.normalize("NFC", text)
    candidates: list[str] = [text]
    if has_cyrillic(text):
        candidates.extend(_cyrillic_to_latin(text))
    if has_arabic(text):
        latin_words = []
        for word in _TOKEN_SPLIT.split(text):
            if not word or token_key(word) in STOP_TOKENS:
                continue
            latin_words.append(_arabic_to_latin(word) if has_arabic(word) else [word])
        # Transliterate word by word; cap the combinations (two readings of و per word).
        for combo in itertools.islice(itertools.product(*latin_words), 16):
            candidates.append(" ".join(combo))
    result: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    for candidate in candidates:
        keys = [k for k in (token_key(t) for t in tokens(candidate)) if k and k not in STOP_TOKENS]
        if keys and tuple(keys) not in seen:
            seen.add(tuple(keys))
            result.append(keys)
    return result


def name_keys(name: str) -> set[str]:
    """All keys under which a name or alias from the data can be found (one per spelling).

    An Arabic-script alias is kept in Arabic only: its rough Latin transliteration would just add
    noise next to the real Latin names."""
    if has_arabic(name):
        return {
            "".join(token_key(t) for t in tokens(unicodedata.normalize("NFC", name)) if token_key(t) not in STOP_TOKENS)
        }
    return {"".join(keys) for keys in spellings(name)}


# Endings that inflect a name without changing it, on Latin keys (Cyrillic already transliterated):
# Turkish cases and "I am" ("Eving'de", "Hörde'deki", "Brackel'den", "Eving'e", "Hörde'nin",
# "Hörde'deyim", "Evingliyim"), Ukrainian and
# Russian cases ("в Евінгу" -> ewingu, "в Эвинге", "Эвингом", "з Евінга"), the Romanian article
# ("Evingul"). Shortest first: the least taken off that leaves a known name wins.
_LATIN_ENDINGS = tuple(
    sorted(
        {
            "deki",
            "daki",
            "teki",
            "taki",
            "nden",
            "ndan",
            "den",
            "dan",
            "ten",
            "tan",
            "de",
            "da",
            "te",
            "ta",
            "ye",
            "ya",
            "yi",
            "yu",
            "nin",
            "nun",
            "in",
            "un",
            "ne",
            "na",
            "e",
            "a",
            "i",
            "u",
            "deyim",
            "dayim",
            "teyim",
            "tayim",
            "yim",
            "yum",
            "im",
            "um",
            "li",
            "lu",
            "liyim",
            "luyum",
            "liyiz",
            "ja",
            "om",
            "em",
            "owi",
            "ewi",
            "ovi",
            "evi",
            "oj",
            "oju",
            "ach",
            "am",
            "ul",
            "ului",
        },
        key=len,
    )
)
# Particles Arabic writes onto the next word: و (and), ف, ب (in/at), ل (for), ك (like), ال and
# their combinations ("بإيفينغ", "والهورده", "لهورده").
_ARABIC_PREFIXES = tuple(
    sorted(
        {
            "و",
            "ف",
            "ب",
            "ل",
            "ك",
            "ال",
            "لل",
            "وال",
            "بال",
            "فال",
            "كال",
            "وبال",
            "وب",
            "فب",
            "ول",
            "فل",
            "وك",
        },
        key=len,
    )
)
MIN_LATIN_STEM = 4
MIN_ARABIC_STEM = 3


def stems(key: str) -> list[str]:
    """What a key may be without an inflection, the least taken off first: "evingde" -> "eving"
    (among others), "بايفينغ" -> "ايفينغ". Only ever compared exactly with the names in the data."""
    if has_arabic(key):
        return [key[len(p) :] for p in _ARABIC_PREFIXES if key.startswith(p) and len(key) - len(p) >= MIN_ARABIC_STEM]
    return [key[: -len(e)] for e in _LATIN_ENDINGS if key.endswith(e) and len(key) - len(e) >= MIN_LATIN_STEM]


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Optimal string alignment distance (Levenshtein plus swaps of neighbours: "Hörde"/"Hödre").

    With `limit`, returns limit + 1 as soon as the distance is known to exceed it (cheap rejection)."""
    if a == b:
        return 0
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if limit is not None and min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[len(b)]


MAX_TYPOS = 3  # the most allowed_typos ever allows


def allowed_typos(key: str) -> int:
    """How many edits a key of this length tolerates: short names must be (almost) exact."""
    n = len(key)
    if has_arabic(key):  # Arabic keys are short: no short vowels written
        return 0 if n <= 3 else 1 if n <= 6 else 2
    return 0 if n <= 3 else 1 if n <= 5 else 2 if n <= 10 else MAX_TYPOS
