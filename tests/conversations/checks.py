"""What a person sees in the bot's answer, and whether it meets a script's expectations (pure).

Named texts are read from locales/<lang>.yaml at run time, in all ten languages, so a check such as
"not the 'not sure' answer" follows the wording the bot actually uses. The language of an answer
is judged here by letters and common words, independently of the bot's own language detection."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tests.conversations.script_format import LANGUAGES, Expect

LOCALES = Path(__file__).resolve().parents[2] / "locales"

# Locale keys behind each named text.
NAMED_KEYS: dict[str, tuple[str, ...]] = {
    "picker": ("start.pick_language", "language.pick"),
    "not_sure": ("understanding.not_sure",),
    "not_understood": ("understanding.not_understood",),
    "error": ("errors.apology", "errors.unavailable", "errors.outdated_button", "errors.outdated_button_short"),
    "place_not_found": ("places.not_found",),
    "ask_place": ("places.ask_place",),
    "which_office": ("places.hours_which_office", "booking.which_office"),
    "ask_age": ("flow.school.ask_age",),
    "offer_switch": ("language.offer_switch",),
    "urgent_letter": ("flow.letters.urgent",),
    "my_bookings": ("booking.my_title",),
    "cancel_question": ("booking.cancel_question",),
    "which_topic": ("booking.which_topic",),
    "which_day": ("booking.which_day",),
    "which_time": ("booking.which_time",),
    "booked": ("booking.booked",),
    "interpreter_question": ("booking.interpreter_question",),
    "note_question": ("booking.note_question",),
    "postcode_several": ("places.postal_code_several",),
}

_INVISIBLE = re.compile("[\u2066-\u2069\u200e\u200f\u061c\u202a-\u202e\u200b]")
_TAG = re.compile(r"<[^>]+>")


def normalize(text: str) -> str:
    """Visible text for comparison: no bidi marks, NFC, plain spaces, case folded."""
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split()).casefold()


@dataclass(frozen=True)
class Seen:
    """One message the person saw: its visible text and its buttons."""

    text: str
    buttons: tuple[str, ...] = ()
    callback_data: tuple[str, ...] = ()


def seen_from_message(message: Any) -> Seen:
    """A fake Bot API StoredMessage as the person sees it (text or caption, venue, buttons)."""
    parts = [message.text or "", message.caption or ""]
    venue = message.content.get("venue") if message.content else None
    if venue:
        parts += [venue.get("title", ""), venue.get("address", "")]
    markup = message.reply_markup or {}
    inline = [b for row in markup.get("inline_keyboard", []) for b in row]
    keyboard = [b if isinstance(b, str) else b.get("text", "") for row in markup.get("keyboard", []) for b in row]
    return Seen(
        text="\n".join(p for p in parts if p),
        buttons=tuple([b["text"] for b in inline] + keyboard),
        callback_data=tuple(b.get("callback_data", "") for b in inline),
    )


# ---------------------------------------------------------------- named texts


def _literal_runs(template: str) -> list[str]:
    """The parts of a locale template outside {placeholders} (ICU blocks nest), tags removed."""
    runs: list[str] = []
    current: list[str] = []
    depth = 0
    for char in template:
        if char == "{":
            if depth == 0:
                runs.append("".join(current))
                current = []
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif depth == 0:
            current.append(char)
    runs.append("".join(current))
    lines = [line for run in runs for line in _TAG.sub("", run).split("\n")]
    return [line.strip(" .,:;!?«»„“”\"'()•–-\u00a0") for line in lines]


@cache
def _locale(lang: str) -> dict[str, Any]:
    return yaml.safe_load((LOCALES / f"{lang}.yaml").read_text(encoding="utf-8")) or {}


def _lookup(lang: str, key: str) -> str | None:
    node: Any = _locale(lang)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, str) else None


def _all_strings(node: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [item for key, value in node.items() for item in _all_strings(value, f"{path}.{key}".lstrip("."))]
    return [(path, node)] if isinstance(node, str) else []


@cache
def _lines_elsewhere(lang: str, keys: tuple[str, ...]) -> str:
    """Every other string of a locale, normalized and joined: a marker must not occur in it."""
    return "\n".join(
        normalize(" ".join(_literal_runs(text))) for path, text in _all_strings(_locale(lang)) if path not in keys
    )


@cache
def named_markers(name: str) -> tuple[str, ...]:
    """Normalized pieces that identify a named text in any of the ten languages: the literal lines
    (at least 16 characters) of the locale strings behind it that no other string of that locale
    contains, so that a text quoting a shared line is not taken for this one (else its longest line)."""
    markers: list[str] = []
    for lang in LANGUAGES:
        elsewhere = _lines_elsewhere(lang, NAMED_KEYS[name])
        for key in NAMED_KEYS[name]:
            template = _lookup(lang, key)
            if template is None:
                continue
            lines = [normalize(r) for r in _literal_runs(template) if len(r) >= 8]
            # A text made only of shared lines ("Ihre Termine:") is known by its longest line.
            markers += [line for line in lines if len(line) >= 16 and line not in elsewhere] or sorted(lines, key=len)[
                -1:
            ]
    return tuple(dict.fromkeys(markers))


@cache
def language_names() -> tuple[str, ...]:
    return tuple(str(_locale(lang)["_meta"]["name"]) for lang in LANGUAGES)


def is_picker(seen: Seen) -> bool:
    """The language picker: its text, or most of the ten language names as buttons that set the
    language (not, say, the interpreter languages of a booking)."""
    names = [normalize(n) for n in language_names()]
    pressable = zip(seen.buttons, seen.callback_data, strict=False)  # reply-keyboard buttons have none
    labels = [normalize(b) for b, data in pressable if data.startswith("lang")]
    offered = sum(1 for n in names if any(n in label for label in labels))
    return offered >= 5 or shows(seen, "picker", by_text_only=True)


def shows(seen: Seen, name: str, *, by_text_only: bool = False) -> bool:
    if name == "picker" and not by_text_only:
        return is_picker(seen)
    text = normalize(seen.text)
    return any(marker in text for marker in named_markers(name))


# ---------------------------------------------------------------- language of an answer

_WORDS: dict[str, frozenset[str]] = {
    "de": frozenset(
        [
            "und",
            "der",
            "die",
            "das",
            "sie",
            "ihr",
            "ihre",
            "ihren",
            "ihrem",
            "ist",
            "nicht",
            "mit",
            "für",
            "zu",
            "wir",
            "ein",
            "eine",
            "einen",
            "den",
            "dem",
            "auf",
            "bei",
            "oder",
            "es",
            "im",
            "von",
            "uhr",
            "heute",
            "bitte",
            "können",
            "sind",
            "haben",
            "ich",
            "auch",
            "wenn",
            "wie",
            "was",
            "wo",
            "am",
            "zum",
            "zur",
            "noch",
            "schon",
            "nur",
            "hier",
            "dann",
        ]
    ),
    "en": frozenset(
        [
            "the",
            "and",
            "you",
            "your",
            "is",
            "to",
            "of",
            "for",
            "with",
            "are",
            "we",
            "at",
            "on",
            "this",
            "in",
            "or",
            "can",
            "will",
            "please",
            "if",
            "it",
            "be",
            "not",
            "there",
            "do",
            "have",
            "a",
            "an",
            "from",
            "which",
            "what",
            "when",
            "where",
            "today",
            "our",
            "here",
            "then",
        ]
    ),
    "fr": frozenset(
        [
            "vous",
            "le",
            "la",
            "les",
            "et",
            "de",
            "des",
            "est",
            "pour",
            "une",
            "un",
            "votre",
            "vos",
            "au",
            "du",
            "avec",
            "pas",
            "nous",
            "en",
            "à",
            "sur",
            "ou",
            "il",
            "ce",
            "qui",
            "que",
            "si",
            "dans",
            "êtes",
            "aujourd'hui",
            "ici",
        ]
    ),
    "tr": frozenset(
        [
            "ve",
            "bir",
            "için",
            "bu",
            "size",
            "sizin",
            "mi",
            "mı",
            "mu",
            "ile",
            "veya",
            "olarak",
            "çok",
            "daha",
            "nerede",
            "bugün",
            "lütfen",
            "saat",
            "ofis",
            "ofisi",
            "gün",
            "var",
            "yok",
            "kadar",
            "sonra",
            "önce",
            "her",
            "sizi",
            "siz",
            "değil",
            "ya",
            "da",
        ]
    ),
    "ro": frozenset(
        [
            "și",
            "de",
            "la",
            "în",
            "pentru",
            "vă",
            "dumneavoastră",
            "este",
            "cu",
            "sau",
            "nu",
            "un",
            "o",
            "ce",
            "care",
            "biroul",
            "mai",
            "sunt",
            "dacă",
            "azi",
            "din",
            "pe",
            "să",
            "rog",
        ]
    ),
}
_LETTERS: dict[str, tuple[str, float]] = {
    "tr": ("ışğİ", 2.0),
    "ro": ("șțăâî", 2.0),
    "fr": ("éèêçàùœ", 1.0),
    "de": ("äöüß", 0.3),
}
_LATIN = ("de", "en", "fr", "tr", "ro")
_CYRILLIC_WORDS: dict[str, frozenset[str]] = {
    "ru": frozenset(
        [
            "вы",
            "вас",
            "вам",
            "ваш",
            "ваша",
            "ваши",
            "что",
            "это",
            "для",
            "как",
            "когда",
            "где",
            "если",
            "ли",
            "все",
            "есть",
            "можно",
            "пожалуйста",
            "сегодня",
            "завтра",
            "здесь",
            "сейчас",
            "нужно",
            "чтобы",
            "или",
        ]
    ),
    "uk": frozenset(
        [
            "ви",
            "вас",
            "вам",
            "ваш",
            "ваша",
            "ваші",
            "що",
            "це",
            "як",
            "та",
            "або",
            "для",
            "коли",
            "де",
            "якщо",
            "щоб",
            "будь",
            "ласка",
            "сьогодні",
            "завтра",
            "тут",
            "зараз",
            "треба",
        ]
    ),
    "bg": frozenset(
        [
            "ще",
            "се",
            "за",
            "е",
            "са",
            "във",
            "със",
            "които",
            "която",
            "което",
            "това",
            "моля",
            "ви",
            "вие",
            "ако",
            "къде",
            "кога",
            "има",
            "няма",
            "при",
            "към",
            "след",
            "тук",
            "сега",
            "днес",
            "утре",
            "ми",
            "си",
            "тази",
            "този",
            "мога",
            "да",
            "благодаря",
        ]
    ),
}
_CYRILLIC_LETTERS: dict[str, tuple[str, float]] = {"uk": ("іїєґ", 2.0), "ru": ("ыэё", 2.0), "bg": ("ъ", 1.0)}


def _script_counts(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for char in text:
        if not char.isalpha():
            continue
        code = ord(char)
        if 0x0400 <= code <= 0x04FF:
            counts["cyrillic"] += 1
        elif 0x0600 <= code <= 0x06FF or 0xFB50 <= code <= 0xFEFF:
            counts["arabic"] += 1
        elif code < 0x0250 or 0x1E00 <= code <= 0x1EFF:
            counts["latin"] += 1
    return counts


def guess_language(text: str) -> str | None:
    """One of the ten languages, or None when the text says too little."""
    text = normalize(text)
    counts = _script_counts(text)
    if counts["cyrillic"] >= 12 and counts["cyrillic"] >= counts["arabic"]:
        words = re.findall(r"[^\W\d_]+", text)
        cyrillic = {lang: float(sum(1 for w in words if w in _CYRILLIC_WORDS[lang])) for lang in _CYRILLIC_WORDS}
        for lang, (letters, weight) in _CYRILLIC_LETTERS.items():
            cyrillic[lang] += weight * sum(text.count(c) for c in letters)
        # Polite imperatives: Bulgarian "напишете", Russian "напишите".
        cyrillic["bg"] += 0.5 * sum(1 for w in words if w.endswith("ете"))
        cyrillic["ru"] += 0.5 * sum(1 for w in words if w.endswith("ите"))
        return max(cyrillic, key=lambda lang: cyrillic[lang])
    if counts["arabic"] >= 12:
        fa = sum(text.count(c) for c in "پچژگیک")
        ar = sum(text.count(c) for c in "يكةى")
        return "fa" if fa > ar else "ar"
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text)
    scores = {lang: float(sum(1 for w in words if w in _WORDS[lang])) for lang in _LATIN}
    for lang, (letters, weight) in _LETTERS.items():
        scores[lang] += weight * sum(text.count(c) for c in letters)
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] >= 2 else None


def answer_language(seen: list[Seen]) -> str | None:
    """The language of the answer as a whole: the language most of its text is in."""
    votes: Counter[str] = Counter()
    for message in seen:
        for paragraph in re.split(r"\n\s*\n|\n(?=•)", message.text):
            lang = guess_language(paragraph)
            if lang is not None:
                votes[lang] += len(paragraph)
    return votes.most_common(1)[0][0] if votes else None


def languages_present(seen: list[Seen]) -> set[str]:
    """Every language that some line of at least four words is written in."""
    found: set[str] = set()
    for message in seen:
        for line in message.text.split("\n"):
            if len(line.split()) >= 4:
                lang = guess_language(line)
                if lang is not None:
                    found.add(lang)
    return found


# ---------------------------------------------------------------- expectations


def _buttons(seen: list[Seen]) -> list[str]:
    return [normalize(b) for s in seen for b in s.buttons]


def _excerpt(seen: list[Seen], limit: int = 300) -> str:
    text = " | ".join(" ".join(s.text.split()) for s in seen if s.text)
    buttons = [b for s in seen for b in s.buttons]
    shown = text if len(text) <= limit else text[:limit] + "…"
    return f"saw: {shown!r}; buttons: {buttons}"


def unmet(expect: Expect, seen: list[Seen]) -> str | None:
    """The first expectation that does not hold, in words, or None when all hold."""
    text = normalize("\n".join(s.text for s in seen))
    buttons = _buttons(seen)
    for options in expect.has:
        if not any(normalize(o) in text for o in options):
            wanted = options[0] if len(options) == 1 else " or ".join(repr(o) for o in options)
            return f"expected {wanted!r} in the answer; {_excerpt(seen)}"
    for forbidden in expect.not_:
        if normalize(forbidden) in text:
            return f"did not expect {forbidden!r}; {_excerpt(seen)}"
    for name in expect.sees:
        if not any(shows(s, name) for s in seen):
            return f"expected the bot's {name} text; {_excerpt(seen)}"
    for name in expect.never:
        if any(shows(s, name) for s in seen):
            return f"the answer is the bot's {name} text, which this turn must not get; {_excerpt(seen)}"
    for wanted in expect.button:
        if not any(normalize(wanted) in b for b in buttons):
            return f"expected a button with {wanted!r}; {_excerpt(seen)}"
    if expect.button_any and not any(normalize(w) in b for w in expect.button_any for b in buttons):
        return f"expected a button with one of {list(expect.button_any)}; {_excerpt(seen)}"
    if expect.lang is not None:
        lang = answer_language(seen)
        if lang != expect.lang:
            return f"expected the answer in {expect.lang}, it is in {lang}; {_excerpt(seen)}"
    if expect.langs:
        present = languages_present(seen)
        missing = [lang for lang in expect.langs if lang not in present]
        if missing:
            return f"expected text in {missing} too (found {sorted(present)}); {_excerpt(seen)}"
    if expect.either:
        problems = [unmet(option, seen) for option in expect.either]
        if all(problems):
            return (
                "none of the alternatives holds: "
                + " / ".join(p.split("; saw:")[0] for p in problems if p)
                + f"; {_excerpt(seen)}"
            )
    return None


def dead_end(seen: list[Seen], allow: tuple[str, ...]) -> str | None:
    """The dead end this answer is (the picker again, 'not sure', an error, silence), or None."""
    if not seen:
        return None if "no_reply" in allow else "dead end: no answer at all"
    for name in ("picker", "not_sure", "not_understood", "error"):
        if name not in allow and any(shows(s, name) for s in seen):
            return f"dead end: the bot's {name} text; {_excerpt(seen)}"
    return None
