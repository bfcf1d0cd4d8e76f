"""What a person typed instead of pressing a booking button: a day, a time, yes or no, a number.

Pure: no database, no Telegram, no clock (today comes in as an argument). The words per language
are in typed_words.yaml (its header explains the phrase syntax); German and English words count in
every language, because people mix them in ("cuma termin"), and the person's own language's words
count as well. Typed text is folded like the understanding's keywords (bot.understanding.normalize),
so "Freitag", "freitag" and "FREITAG" are one word, and a word of six letters or more may carry
one typo ("Frietag", "wensday").

    weekday_in("am freitag bitte", "de")            # 4 (Friday; Monday is 0)
    day_wish("cuma", "tr")                          # DayWish(weekday=4)
    choose_day(day_wish("morgen", "de"), offered, today=date(2026, 11, 23))  # date(2026, 11, 24)
    time_wish("um halb 11")                         # TimeWish(10, 30)
    yes_no("evet", "tr")                            # True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from bot.content.yaml_files import read_yaml
from bot.understanding.normalize import fold, tokens

WORDS_FILE = Path(__file__).with_name("typed_words.yaml")
ALWAYS = ("de", "en")  # understood in every language
GAP = 3  # other words allowed between the words of a phrase
FUZZY_MIN = 6  # a word this long may be typed with one typo
WHOLE_ANSWER_WORDS = 4  # "short" abbreviations and yes/no only in answers this short
_ARABIC_PROCLITICS = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")


# --- phrases --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alternative:
    text: str
    mode: Literal["prefix", "exact", "substring"]

    def matches(self, forms: Sequence[str]) -> bool:
        if self.mode == "exact":
            return self.text in forms
        if self.mode == "substring":
            return any(self.text in form for form in forms)
        return any(form.startswith(self.text) or _one_typo_prefix(form, self.text) for form in forms)


Part = tuple[Alternative, ...]
Phrase = tuple[Part, ...]


@dataclass(frozen=True, order=True)
class Found:
    """Where a phrase matched; compared by weight (more words, then more letters), then earliest."""

    parts: int
    letters: int
    start: int
    end: int


def parse_phrase(raw: str) -> Phrase:
    """One phrase of typed_words.yaml ("=nicht|=nich kommen|komme")."""
    parts: list[Part] = []
    for chunk in str(raw).split():
        alternatives: list[Alternative] = []
        for alt in chunk.split("|"):
            mode: Literal["prefix", "exact", "substring"] = "prefix"
            if alt.startswith("="):
                mode, alt = "exact", alt[1:]
            elif alt.startswith("*"):
                mode, alt = "substring", alt[1:]
            folded = _fold_word(alt)
            if folded:
                alternatives.append(Alternative(folded, mode))
        if alternatives:
            parts.append(tuple(alternatives))
    return tuple(parts)


def words_of(text: str) -> list[list[str]]:
    """The typed words, folded; each with its forms (an Arabic word also without its particles)."""
    return [_forms(token) for token in tokens(_fold_text(text))]


def find(phrases: Iterable[Phrase], words: Sequence[Sequence[str]]) -> Found | None:
    """The weightiest match of any of the phrases in the words."""
    best: Found | None = None
    for phrase in phrases:
        for found in _matches(phrase, words):
            if best is None or (found.parts, found.letters, -found.start) > (best.parts, best.letters, -best.start):
                best = found
    return best


def _matches(phrase: Phrase, words: Sequence[Sequence[str]]) -> Iterable[Found]:
    if not phrase:
        return
    for start, forms in enumerate(words):
        first = next((alt for alt in phrase[0] if alt.matches(forms)), None)
        if first is None:
            continue
        position, letters, complete = start, len(first.text), True
        for part in phrase[1:]:
            for nxt in range(position + 1, min(len(words), position + 2 + GAP)):
                alt = next((a for a in part if a.matches(words[nxt])), None)
                if alt is not None:
                    position, letters = nxt, letters + len(alt.text)
                    break
            else:
                complete = False
                break
        if complete:
            yield Found(len(phrase), letters, start, position + 1)


def _fold_text(text: str) -> str:
    return fold(text).replace("'", "")


def _fold_word(word: str) -> str:
    return _fold_text(word).replace(" ", "")


def _forms(token: str) -> list[str]:
    forms = [token]
    if token and "\u0600" <= token[0] <= "\u06ff":
        forms += [token[len(p) :] for p in _ARABIC_PROCLITICS if token.startswith(p) and len(token) - len(p) >= 2]
    return forms


def _one_typo_prefix(form: str, word: str) -> bool:
    """`form` starts with `word` typed with one letter wrong, missing, extra or swapped."""
    if len(word) < FUZZY_MIN or len(form) < len(word) - 1:
        return False
    return any(_within_one(form[:n], word) for n in (len(word) - 1, len(word), len(word) + 1) if n <= len(form))


def _within_one(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance of at most one."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    for i in range(len(longer)):
        if longer[:i] + longer[i + 1 :] == shorter:
            return True
    return False


# --- the words ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LanguageWords:
    weekdays: tuple[tuple[Phrase, ...], ...]  # Monday first
    short: tuple[tuple[Phrase, ...], ...]  # weekday abbreviations (whole answer only)
    days: tuple[tuple[Phrase, ...], ...]  # today, tomorrow, the day after tomorrow
    yes: tuple[Phrase, ...]
    no: tuple[Phrase, ...]
    appointment: tuple[Phrase, ...]
    cancel: tuple[Phrase, ...]
    move: tuple[Phrase, ...]
    change_needs_appointment: tuple[Phrase, ...]
    late: tuple[Phrase, ...]
    cant_come: tuple[Phrase, ...]


def _entry(raw: Any) -> tuple[Phrase, ...]:
    """One entry: a phrase or a list of phrases."""
    items = raw if isinstance(raw, list) else [raw]
    return tuple(phrase for phrase in (parse_phrase(str(item)) for item in items) if phrase)


def _entries(raw: Any) -> tuple[tuple[Phrase, ...], ...]:
    return tuple(_entry(item) for item in (raw or []))


def _flat(raw: Any) -> tuple[Phrase, ...]:
    return tuple(phrase for entry in _entries(raw) for phrase in entry)


@lru_cache(maxsize=1)
def all_words(path: Path = WORDS_FILE) -> dict[str, LanguageWords]:
    data: dict[str, Any] = read_yaml(path) or {}
    result: dict[str, LanguageWords] = {}
    for lang, section in data.items():
        weekdays, short = _entries(section.get("weekdays")), _entries(section.get("short"))
        if len(weekdays) != 7 or (short and len(short) != 7):
            raise ValueError(f"{path.name}: {lang} needs seven weekdays, Monday first")
        days = _entries(section.get("days"))
        if len(days) != 3:
            raise ValueError(f"{path.name}: {lang} needs three days (today, tomorrow, the day after)")
        result[str(lang)] = LanguageWords(
            weekdays=weekdays,
            short=short,
            days=days,
            yes=_flat(section.get("yes_words")),
            no=_flat(section.get("no_words")),
            appointment=_flat(section.get("appointment")),
            cancel=_flat(section.get("cancel")),
            move=_flat(section.get("move")),
            change_needs_appointment=_flat(section.get("change_needs_appointment")),
            late=_flat(section.get("late")),
            cant_come=_flat(section.get("cant_come")),
        )
    return result


def words_for(lang: str | None) -> list[LanguageWords]:
    """The word lists that count for a person writing in `lang`: theirs, German and English."""
    known = all_words()
    codes = [code for code in (lang, *ALWAYS) if code]
    return [known[code] for code in dict.fromkeys(codes) if code in known]


# --- days -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayWish:
    """A day as typed: a weekday (0 = Monday), days from today, or a date (month may be missing)."""

    weekday: int | None = None
    offset: int | None = None
    day: int | None = None
    month: int | None = None


_DATE = re.compile(r"(?<![\d:])(\d{1,2})\s*[./-]\s*(\d{1,2})(?:\s*[./-]\s*(?:\d{2}|\d{4}))?(?![\d:])")
_DAY_OF_MONTH = re.compile(r"(?<![\d:.])(\d{1,2})\s*(?:\.|-?(?:ten|te|th|st|nd|rd|er|e|ci|si|го|ое|ого|я))?(?![\d:])")


def weekday_in(text: str, lang: str | None, *, whole_answer: bool = False) -> int | None:
    """The weekday named in the text (0 = Monday), or None. Abbreviations ("Fr") only when
    `whole_answer` (at the day step) and the answer is a word or two."""
    words = words_of(text)
    best: tuple[Found, int] | None = None
    for language in words_for(lang):
        lists = [language.weekdays]
        if whole_answer and len(words) <= 2:
            lists.append(language.short)
        for entries in lists:
            for weekday, phrases in enumerate(entries):
                found = find(phrases, words)
                if found is not None and (best is None or found > best[0]):
                    best = (found, weekday)
    return best[1] if best is not None else None


def relative_day_in(text: str, lang: str | None) -> int | None:
    """0 for today, 1 for tomorrow, 2 for the day after tomorrow, as typed; else None."""
    words = words_of(text)
    best: tuple[Found, int] | None = None
    for language in words_for(lang):
        for offset, phrases in enumerate(language.days):
            found = find(phrases, words)
            if found is not None and (best is None or found > best[0]):
                best = (found, offset)
    return best[1] if best is not None else None


def day_wish(text: str, lang: str | None) -> DayWish | None:
    """The day typed at the day step: "Freitag", "morgen", "26.11.", "am 26."; None if none."""
    folded = _fold_text(text)
    match = _DATE.search(folded)
    if match:
        day, month = int(match.group(1)), int(match.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12:
            return DayWish(day=day, month=month)
    offset = relative_day_in(text, lang)
    if offset is not None:
        return DayWish(offset=offset)
    weekday = weekday_in(text, lang, whole_answer=True)
    if weekday is not None:
        return DayWish(weekday=weekday)
    if len(tokens(folded)) <= 3:
        number = _DAY_OF_MONTH.search(folded)
        if number and 1 <= int(number.group(1)) <= 31:
            return DayWish(day=int(number.group(1)))
    return None


def choose_day(wish: DayWish, offered: Sequence[date], *, today: date) -> date | None:
    """The offered day the wish names: the first such weekday, today + offset, or the date
    (the first offered one with that day of the month when the month is missing)."""
    if wish.offset is not None:
        target = today + timedelta(days=wish.offset)
        return target if target in offered else None
    for day in offered:
        if wish.weekday is not None and day.weekday() == wish.weekday:
            return day
        if wish.day is not None and day.day == wish.day and wish.month in (None, day.month):
            return day
    return None


# --- times ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeWish:
    hour: int
    minute: int | None = None  # None: any time in that hour


_HALF = re.compile(r"\bhalb\s*(\d{1,2})\b")
_TIME = re.compile(r"(?<![\d.:/-])(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?(?![\d./-])")
OPENING_HOURS_FROM = 8  # "um 3" at an office means 15:00


def time_wish(text: str) -> TimeWish | None:
    """The time typed at the time step: "10", "10:30", "um 10", "14.30 Uhr", "halb 11", "2 pm"."""
    folded = _fold_text(text)
    half = _HALF.search(folded)
    if half and 1 <= int(half.group(1)) <= 24:
        return TimeWish(_afternoon(int(half.group(1)) - 1, None), 30)
    match = _TIME.search(folded)
    if match is None:
        return None
    hour, minute = int(match.group(1)), match.group(2)
    if hour > 23 or (minute is not None and int(minute) > 59):
        return None
    return TimeWish(_afternoon(hour, match.group(3)), int(minute) if minute is not None else None)


def _afternoon(hour: int, marker: str | None) -> int:
    if marker and marker.startswith("p") and hour < 12:
        return hour + 12
    if marker is None and 1 <= hour < OPENING_HOURS_FROM:
        return hour + 12
    return hour


def choose_time(wish: TimeWish, offered: Sequence[time]) -> time | None:
    """The offered time the wish names (the hour's first one when no minutes were typed)."""
    for start in offered:
        if start.hour == wish.hour and wish.minute in (None, start.minute):
            return start
    return None


# --- yes, no, numbers -----------------------------------------------------------------------


def yes_no(text: str, lang: str | None) -> bool | None:
    """True for yes, False for no, None when the answer is neither or both ("ja aber nicht ...")
    or too long to be a plain answer."""
    words = words_of(text)
    if not words or len(words) > WHOLE_ANSWER_WORDS:
        return None
    lists = words_for(lang)
    yes = any(find(language.yes, words) for language in lists)
    no = any(find(language.no, words) for language in lists)
    if yes == no:
        return None
    return yes


_NUMBER = re.compile(r"(?:(?:nr|no|№|#)\.?\s*)?(\d{1,2})\s*[.)]?")


def number_in(text: str) -> int | None:
    """A number typed as the whole answer ("2", "2.", "Nr 2"); else None."""
    match = _NUMBER.fullmatch(_fold_text(text).strip())
    return int(match.group(1)) if match else None
