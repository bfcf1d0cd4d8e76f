"""Dortmund's 12 Stadtbezirke (districts) and their Stadtteile, from data/districts.yaml.

    directory = load_districts()                 # cached; re-read when the file changes
    find_district("hoerde")                      # -> [DistrictMatch(district=Hörde, score=1.0, ...)]
    find_district("Хёрде"), find_district("Brakel"), find_district("Scharnhorst-Ost")
    districts_for_postal_code("44149")           # -> [Innenstadt-West, Lütgendortmund]
    district_at(51.4840, 7.5000)                 # -> DistrictHit(district=Hörde, stadtteil=Hörde, ...)

No public boundary polygons exist for the districts, so `district_at` picks the district of the
nearest Stadtteil centre; it returns None outside a coarse outline of the city (plus a buffer) so
Essen, Bochum or Lünen are not mistaken for Dortmund. Results are approximate: say "about".

`find_district` tolerates typos, umlauts typed as ae/oe/ue or without dots, ß/ss, case,
hyphens/spaces, "Dortmund-" prefixes, inflections ("в Евінгу", "Eving'de", "بإيفينغ"), Cyrillic and
(via aliases) Arabic and Persian script; see `bot.places.names`. It returns every plausible
district, best first: with several results, ask.

`read_place` also says what else the text holds: "ich wohne 44147" or "в Евінгу" is only a place
(an answer to "where do you live?"); "wann hat eving offen" names a place inside a question, and
`named_in_sentence` keeps only the names safe to take from a sentence. `says_my_office` finds
"mein Büro", "مكتبي", "мій офіс": never a place. The words around a place and the "my office"
phrases are data (data/districts.yaml), so staff can add what people write.
Every function takes an optional `directory` so tests can pass their own data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, PlainValidator

from bot.content.problems import Problem
from bot.places import names
from bot.places.datafile import (
    DATA_DIR,
    DataModel,
    Source,
    SourcedModel,
    Text,
    parsed_file_loader,
    validate_document,
)
from bot.places.geo import GeoPoint, haversine_km, within_outline

DISTRICTS_FILE = DATA_DIR / "districts.yaml"

# Dortmund's 12 Stadtbezirke. The ids are fixed: offices.yaml and stored user data refer to them.
DISTRICT_IDS = (
    "innenstadt-west",
    "innenstadt-nord",
    "innenstadt-ost",
    "eving",
    "scharnhorst",
    "brackel",
    "aplerbeck",
    "hoerde",
    "hombruch",
    "luetgendortmund",
    "huckarde",
    "mengede",
)

# A point farther than this from every Stadtteil centre is not treated as Dortmund, whatever the outline says.
MAX_CENTRE_DISTANCE_KM = 4.0
# When the nearest centre of another district is at most this much farther away, the point is near a
# border and the answer is uncertain (the dialogue may ask).
NEAR_BORDER_MARGIN_KM = 0.5

# Typo matches below this similarity are dropped ("Essen" is not "Asseln", "Castrop" not "Lanstrop").
MIN_FUZZY_SCORE = 0.8

MatchKind = Literal["district", "stadtteil", "postal_code"]
_KIND_ORDER = {"district": 0, "stadtteil": 1, "postal_code": 2}
_POSTAL_CODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
_ASCII_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True)
class Stadtteil:
    name: str
    district_id: str
    centre: GeoPoint  # approximate
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class District:
    id: str  # "innenstadt-nord", "hoerde", ...
    name: str  # display name "Innenstadt-Nord", "Hörde"
    aliases: tuple[str, ...]
    stadtteile: tuple[Stadtteil, ...]


@dataclass(frozen=True)
class DistrictMatch:
    """One answer of `find_district`."""

    district: District
    score: float  # 1.0: exact after normalising; lower: typo tolerated
    matched: str  # the name, alias or postal code from the data that matched
    kind: MatchKind
    stadtteil: Stadtteil | None = None  # set when a Stadtteil name matched

    @property
    def exact(self) -> bool:
        return self.score >= 1.0


@dataclass(frozen=True)
class DistrictHit:
    """The answer of `district_at`: the district of the nearest Stadtteil centre."""

    district: District
    stadtteil: Stadtteil
    distance_km: float  # to that Stadtteil centre
    runner_up: District | None  # the district with the next-nearest centre
    runner_up_km: float | None

    @property
    def near_border(self) -> bool:
        """True when another district's centre is almost as near: the answer may be wrong."""
        return self.runner_up_km is not None and self.runner_up_km - self.distance_km <= NEAR_BORDER_MARGIN_KM


@dataclass(frozen=True)
class CityOutline:
    points: tuple[tuple[float, float], ...]  # (lat, lon), closed implicitly
    buffer_km: float
    source: Source | None


@dataclass(frozen=True)
class _NameEntry:
    key: str
    written: str
    district: District
    stadtteil: Stadtteil | None


@dataclass(frozen=True)
class PlaceReading:
    """What `read_place` found in a text."""

    matches: tuple[DistrictMatch, ...]  # as find_district: best first, exact ones hide typos
    postal_codes: tuple[str, ...]  # every five-digit number written, known in Dortmund or not
    other_words: tuple[str, ...]  # words that are neither part of a place nor words around one

    @property
    def only_a_place(self) -> bool:
        """The text is an answer to "where do you live?": a place or postal code and nothing else
        ("Eving", "44147", "ich wohne in Eving", "в Евінгу", "plz 44147")."""
        return bool(self.matches or self.postal_codes) and not self.other_words

    @property
    def unknown_postal_codes(self) -> tuple[str, ...]:
        known = {m.matched for m in self.matches if m.kind == "postal_code"}
        return tuple(code for code in self.postal_codes if code not in known)


@dataclass(frozen=True, eq=False)
class DistrictDirectory:
    """Everything in data/districts.yaml."""

    districts: tuple[District, ...]
    postal_codes: dict[str, tuple[str, ...]]
    outline: CityOutline
    membership_source: Source | None
    centres_source: Source | None
    postal_codes_source: Source | None
    # Words people write around a place name ("ich wohne in", "я живу в", "plz"), as keys.
    answer_words: frozenset[str] = frozenset()
    # "my office" phrases, each as the keys of its words as written.
    my_office: tuple[tuple[str, ...], ...] = ()
    # Place names that are also everyday words ("Hafen", "nette"), as keys: never from a sentence.
    everyday_names: frozenset[str] = frozenset()

    @property
    def all(self) -> tuple[District, ...]:
        return self.districts

    def get(self, district_id: str) -> District | None:
        return self._by_id.get(district_id)

    @property
    def stadtteile(self) -> tuple[Stadtteil, ...]:
        return tuple(s for d in self.districts for s in d.stadtteile)

    @cached_property
    def _by_id(self) -> dict[str, District]:
        return {d.id: d for d in self.districts}

    @cached_property
    def _name_index(self) -> tuple[_NameEntry, ...]:
        entries: list[_NameEntry] = []
        for district in self.districts:
            for written in (district.name, district.id, *district.aliases):
                entries.extend(_NameEntry(k, written, district, None) for k in names.name_keys(written))
            for stadtteil in district.stadtteile:
                for written in (stadtteil.name, *stadtteil.aliases):
                    entries.extend(_NameEntry(k, written, district, stadtteil) for k in names.name_keys(written))
        return tuple(e for e in entries if e.key)

    @cached_property
    def _typo_candidates(self) -> dict[int, tuple[tuple[_NameEntry, int, frozenset[str]], ...]]:
        """Entries that tolerate typos, with how many and their letters, by key length.

        Two cheap bounds spare most comparisons (find_district compared every word of a question
        with every name and took 15-35 ms; bench/README.md): a word of length n is within k edits
        only of names whose length differs by at most k, and each letter one has and the other
        lacks costs at least one edit."""
        by_length: dict[int, list[tuple[_NameEntry, int, frozenset[str]]]] = {}
        for entry in self._name_index:
            limit = names.allowed_typos(entry.key)
            if limit:
                by_length.setdefault(len(entry.key), []).append((entry, limit, frozenset(entry.key)))
        return {n: tuple(entries) for n, entries in by_length.items()}

    @cached_property
    def _names_by_key(self) -> dict[str, list[_NameEntry]]:
        by_key: dict[str, list[_NameEntry]] = {}
        for entry in self._name_index:
            by_key.setdefault(entry.key, []).append(entry)
        return by_key


# --- lookups -----------------------------------------------------------------------------------------


def districts_for_postal_code(code: str, directory: DistrictDirectory | None = None) -> list[District]:
    """The districts a Dortmund postal code touches (several where it straddles a border; then ask).
    Empty for unknown codes."""
    directory = directory or load_districts()
    ids = directory.postal_codes.get(code.strip(), ())
    return [d for d in (directory.get(i) for i in ids) if d is not None]


def find_district(text: str, directory: DistrictDirectory | None = None) -> list[DistrictMatch]:
    """Districts named in `text` (a district or Stadtteil name, an alias, or a postal code), best first.

    One entry per district. Exact matches (after normalising, inflections taken off) hide typo
    matches; several exact matches mean the text is ambiguous ("Innenstadt", a postal code on a
    border): ask which one.
    """
    return list(read_place(text, directory).matches)


def read_place(text: str, directory: DistrictDirectory | None = None) -> PlaceReading:
    """The places named in `text` (see find_district) and the words around them.

    Remembered for the last few texts: a turn's dialogues often read the same message twice, and
    a long Cyrillic message has many spellings to compare (tens of ms)."""
    # A place, not an essay: bounds the work. Postal codes in Arabic-Indic or Persian digits too.
    return _read_place(text[:200].translate(_ASCII_DIGITS), directory or load_districts())


@lru_cache(maxsize=64)
def _read_place(text: str, directory: DistrictDirectory) -> PlaceReading:
    best: dict[str, DistrictMatch] = {}

    def offer(match: DistrictMatch) -> None:
        current = best.get(match.district.id)
        if current is None or _rank(match) < _rank(current):
            best[match.district.id] = match

    codes = tuple(_POSTAL_CODE.findall(text))
    for code in codes:
        for district in districts_for_postal_code(code, directory):
            offer(DistrictMatch(district, 1.0, code, "postal_code"))
    text = _POSTAL_CODE.sub(" ", text)

    by_key = directory._names_by_key
    by_length = directory._typo_candidates
    # Spellings of a text share most of their spans: each span is compared once.
    typo_matches: dict[str, list[DistrictMatch]] = {}
    other_words: tuple[str, ...] | None = None

    arabic = names.has_arabic(text)
    for number, words in enumerate(names.spellings(text)):
        used: set[int] = set()
        # A rough Latin reading of Arabic script matches single words only: joined, two short
        # words read as a name ("کور نه" as "korne", Körne).
        longest = 1 if arabic and number > 0 else 4
        for span_key, fuzzy, start, length in _spans(words, by_key, longest):
            if not fuzzy:
                for entry in by_key[span_key]:
                    offer(_match(entry, 1.0))
                used.update(range(start, start + length))
                continue
            if span_key not in typo_matches:
                # A typo in an inflected name ("в Аплербеке": aplerbeke, aplerbek + e) is a typo
                # of its stem; one word at a time, the shortest endings (the likeliest) only.
                stems = names.stems(span_key)[:3] if length == 1 else []
                typo_matches[span_key] = [m for key in (span_key, *stems) for m in _typo_matches(key, by_length)]
            for match in typo_matches[span_key]:
                offer(match)
                used.update(range(start, start + length))
        rest = tuple(w for i, w in enumerate(words) if i not in used and w not in directory.answer_words)
        # The spelling that explains the most words tells what else was written.
        if other_words is None or (used and len(rest) < len(other_words)):
            other_words = rest

    matches = sorted(best.values(), key=_rank)
    if any(m.exact for m in matches):
        matches = [m for m in matches if m.exact]
    return PlaceReading(tuple(matches), codes, other_words or ())


def named_in_sentence(reading: PlaceReading, directory: DistrictDirectory | None = None) -> list[DistrictMatch]:
    """The matches of `reading` safe to take from a question ("wann hat eving offen", "часы
    работы в Хёрде"): exact names (inflections allowed) and postal codes, and typos only of a
    district's own long name ("Aplerbek"). Not the names that are also everyday words ("nette
    Leute", "Hafen"), not typos of Stadtteil names ("holen" is not "Holzen")."""
    directory = directory or load_districts()
    kept: list[DistrictMatch] = []
    for match in reading.matches:
        if match.kind != "postal_code" and names.name_keys(match.matched) & directory.everyday_names:
            continue
        if match.exact or (match.kind == "district" and min(map(len, names.name_keys(match.matched))) >= 6):
            kept.append(match)
    return kept


def says_my_office(text: str, directory: DistrictDirectory | None = None) -> bool:
    """True when `text` says "my office" in one of the phrasings of data/districts.yaml ("mein
    Büro", "mein amt", "مكتبي", "мій офіс", "ofisim"), as written (no transliteration: each
    language lists its own script), a typo allowed in longer Latin words ("ofisimi", "bureua")."""
    directory = directory or load_districts()
    written = names.spellings(text[:200])
    words = written[0] if written else []
    for phrase in directory.my_office:
        for start in range(0, len(words) - len(phrase) + 1):
            if all(_same_word(words[start + i], part) for i, part in enumerate(phrase)):
                return True
    return False


def _same_word(written: str, expected: str) -> bool:
    if written == expected:
        return True
    # Arabic-script words differ by one letter in meaning ("مكتب" an office, "مكتبي" mine).
    return (
        len(expected) >= 6
        and expected.isascii()
        and written.isascii()
        and names.edit_distance(written, expected, 1) <= 1
    )


def _typo_matches(
    span_key: str, by_length: dict[int, tuple[tuple[_NameEntry, int, frozenset[str]], ...]]
) -> list[DistrictMatch]:
    n = len(span_key)
    if n < 4:
        return []
    found: list[DistrictMatch] = []
    letters = frozenset(span_key)
    for length in range(n - names.MAX_TYPOS, n + names.MAX_TYPOS + 1):
        for entry, limit, entry_letters in by_length.get(length, ()):
            if abs(n - length) > limit or len(letters - entry_letters) > limit or len(entry_letters - letters) > limit:
                continue
            distance = names.edit_distance(span_key, entry.key, limit)
            score = 1.0 - distance / max(n, length)
            if distance <= limit and score >= MIN_FUZZY_SCORE:
                found.append(_match(entry, score))
    return found


def district_at(lat: float, lon: float, directory: DistrictDirectory | None = None) -> DistrictHit | None:
    """The district of the nearest Stadtteil centre; None for points outside Dortmund."""
    directory = directory or load_districts()
    outline = directory.outline
    if not within_outline(lat, lon, outline.points, outline.buffer_km):
        return None
    nearest_per_district: dict[str, tuple[float, Stadtteil]] = {}
    for stadtteil in directory.stadtteile:
        km = haversine_km(lat, lon, stadtteil.centre.lat, stadtteil.centre.lon)
        known = nearest_per_district.get(stadtteil.district_id)
        if known is None or km < known[0]:
            nearest_per_district[stadtteil.district_id] = (km, stadtteil)
    ranked = sorted(nearest_per_district.items(), key=lambda item: item[1][0])
    if not ranked or ranked[0][1][0] > MAX_CENTRE_DISTANCE_KM:
        return None
    district_id, (km, stadtteil) = ranked[0]
    district = directory.get(district_id)
    if district is None:
        return None
    runner_up = directory.get(ranked[1][0]) if len(ranked) > 1 else None
    runner_up_km = ranked[1][1][0] if len(ranked) > 1 else None
    return DistrictHit(district, stadtteil, km, runner_up, runner_up_km)


def _spans(words: list[str], by_key: dict[str, list[_NameEntry]], longest: int = 4) -> list[tuple[str, bool, int, int]]:
    """Word spans to look up, longest first; (key, fuzzy, start, length). A span that matched
    exactly (as written or without an inflection) consumes its words, so "Innenstadt Nord" is
    Innenstadt-Nord and not also "Innenstadt" (all three)."""
    max_len = min(longest, len(words))
    used = [False] * len(words)
    found: list[tuple[str, bool, int, int]] = []
    for fuzzy in (False, True):
        for length in range(max_len, 0, -1):
            for start in range(0, len(words) - length + 1):
                if any(used[start : start + length]):
                    continue
                key = "".join(words[start : start + length])
                if fuzzy:
                    found.append((key, True, start, length))
                    continue
                known = key if key in by_key else next((s for s in names.stems(key) if s in by_key), None)
                if known is not None:
                    found.append((known, False, start, length))
                    used[start : start + length] = [True] * length
    return found


def _match(entry: _NameEntry, score: float) -> DistrictMatch:
    kind: MatchKind = "stadtteil" if entry.stadtteil is not None else "district"
    return DistrictMatch(entry.district, round(score, 3), entry.written, kind, entry.stadtteil)


def _rank(match: DistrictMatch) -> tuple[float, int, str]:
    return (-match.score, _KIND_ORDER[match.kind], match.district.name)


# --- loading -----------------------------------------------------------------------------------------


def _pair(value: object) -> tuple[float, float]:
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    ):
        return float(value[0]), float(value[1])
    raise ValueError(f"should be [lat, lon], found {value!r}")


def _language_code(value: object) -> str:
    if isinstance(value, str) and _LANGUAGE.match(value):
        return value
    raise ValueError("should be a language code such as de or ar")


Pair = Annotated[tuple[float, float], PlainValidator(_pair)]
Language = Annotated[str, PlainValidator(_language_code)]
PerLanguage = dict[Language, list[Text]]


class _Stadtteil(DataModel):
    name: Text
    centre: Pair
    aliases: list[Text] = []


class _District(DataModel):
    id: Text
    name: Text
    aliases: list[Text] = []
    stadtteile: list[_Stadtteil]


class _Centres(SourcedModel):
    approximate: bool = True


class _PostalCodes(SourcedModel):
    approximate: bool = True
    codes: dict[Text, Annotated[list[Text], Field(min_length=1)]]


class _CityBoundary(SourcedModel):
    approximate: bool = True
    buffer_km: float
    points: Annotated[list[Pair], Field(min_length=3)]


class _DistrictsFile(DataModel):
    membership: SourcedModel
    centres: _Centres
    districts: list[_District]
    postal_codes: _PostalCodes
    answer_words: PerLanguage = {}
    my_office: PerLanguage = {}
    everyday_names: list[Text] = []
    city_boundary: _CityBoundary


def parse_districts(document: object, file: str, problems: list[Problem]) -> DistrictDirectory | None:
    """Build the directory from a parsed YAML document, appending every problem found to `problems`."""
    parsed = validate_document(_DistrictsFile, document, file, problems)
    if parsed is None:
        return None
    districts: list[District] = []
    seen: set[str] = set()
    for item in parsed.districts:
        if item.id in seen:
            problems.append(Problem(file, f"districts[{item.id}].id", f"district id {item.id!r} is used twice"))
            continue
        seen.add(item.id)
        stadtteile = tuple(
            Stadtteil(s.name, item.id, GeoPoint(s.centre[0], s.centre[1], approximate=True), tuple(s.aliases))
            for s in item.stadtteile
        )
        districts.append(District(item.id, item.name, tuple(item.aliases), stadtteile))

    answer_words = frozenset(
        key
        for words in parsed.answer_words.values()
        for word in words
        for keys in names.spellings(word)
        for key in keys
    )
    my_office = tuple(
        dict.fromkeys(
            tuple(names.spellings(phrase)[0])
            for phrases in parsed.my_office.values()
            for phrase in phrases
            if names.spellings(phrase)
        )
    )
    everyday_names = frozenset(key for name in parsed.everyday_names for key in names.name_keys(name))
    boundary = parsed.city_boundary
    directory = DistrictDirectory(
        districts=tuple(districts),
        postal_codes={code: tuple(ids) for code, ids in parsed.postal_codes.codes.items()},
        outline=CityOutline(tuple(boundary.points), boundary.buffer_km, boundary.fact_source),
        membership_source=parsed.membership.fact_source,
        centres_source=parsed.centres.fact_source,
        postal_codes_source=parsed.postal_codes.fact_source,
        answer_words=answer_words,
        my_office=my_office,
        everyday_names=everyday_names,
    )
    # A "my office" phrase must never read as a place: it would send people to that district.
    for language, phrases in parsed.my_office.items():
        for phrase in phrases:
            if read_place(phrase, directory).matches:
                problems.append(Problem(file, f"my_office.{language}", f"{phrase!r} reads as a place name; reword it"))
    return directory


_load_districts_cached = parsed_file_loader(parse_districts)


def load_districts(path: Path | None = None) -> DistrictDirectory:
    """The districts from data/districts.yaml (or `path`). Cached; re-read when the file changes.

    Raises PlacesDataError (file and key named) when the file is broken."""
    return _load_districts_cached(path or DISTRICTS_FILE)
