"""Checks of the locale files against German, the source language."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.content.locales import (
    CURATED_LANGUAGES,
    LOCALES_DIR,
    SOURCE_LANGUAGE,
    TEXT_TREE,
    LocaleMetaFile,
    choice_blocks,
    flatten,
    placeholders,
    plural_categories,
)
from bot.content.model_problems import key_path, problems_from
from bot.content.problems import Problem
from bot.content.yaml_files import read_yaml

ALLOWED_STATUS_HINT = "e.g. 'drafted, needs native review' or 'reviewed by <who> on <date>'"


def validate_locales(directory: Path = LOCALES_DIR) -> list[Problem]:
    problems: list[Problem] = []
    trees: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            tree = read_yaml(path) or {}
        except yaml.YAMLError as exc:
            problems.append(Problem(path.name, "-", f"not valid YAML: {exc}"))
            continue
        if not isinstance(tree, dict):
            problems.append(Problem(path.name, "-", "must be a mapping of keys to texts"))
            continue
        trees[path.stem] = (path, tree)
    for code in CURATED_LANGUAGES:
        if code not in trees:
            problems.append(Problem(f"{code}.yaml", "-", "curated language has no locale file"))
    if SOURCE_LANGUAGE not in trees:
        return problems
    source = flatten({k: v for k, v in trees[SOURCE_LANGUAGE][1].items() if k != "_meta"})
    for code, (path, tree) in trees.items():
        meta = tree.get("_meta") or {}
        try:
            LocaleMetaFile.model_validate(meta)
        except ValidationError as exc:
            problems += problems_from(exc, path.name, LocaleMetaFile, at=("_meta",))
        if meta.get("language") and meta["language"] != code:
            problems.append(Problem(path.name, "_meta.language", f"says {meta['language']!r}, file is {code!r}"))
        texts = {k: v for k, v in tree.items() if k != "_meta"}
        try:
            TEXT_TREE.validate_python(texts)
        except ValidationError as exc:
            problems += _text_tree_problems(exc, path.name)
            continue
        strings = flatten(texts)
        for key, text in strings.items():
            if not text.strip():
                problems.append(Problem(path.name, key, "empty text"))
        problems += plural_problems(code, path.name, strings)
        if code == SOURCE_LANGUAGE:
            continue
        for key in sorted(source.keys() - strings.keys()):
            problems.append(Problem(path.name, key, "missing key (present in de.yaml)"))
        for key in sorted(strings.keys() - source.keys()):
            problems.append(Problem(path.name, key, "extra key (not in de.yaml)"))
        for key in sorted(source.keys() & strings.keys()):
            try:
                want, got = placeholders(source[key]), placeholders(strings[key])
            except ValueError:
                continue  # reported by plural_problems
            if want != got:
                problems.append(
                    Problem(path.name, key, f"placeholders {sorted(got)} differ from German {sorted(want)}")
                )
    return problems


# --- formal address -------------------------------------------------------------------------
# A city service addresses adults formally: German "Sie", uk/ru "Ви/Вы", bg "Вие", ro
# "dumneavoastră", fr "vous", tr "siz", Farsi "شما" with plural verbs, Arabic the respectful
# plural ("يمكنكم", "اكتبوا"). These are the informal words that would break that voice: pronouns,
# possessives and the singular imperatives the texts use. English has no such distinction.
# Staff texts (staff.*) are the team's own chat and are left out.
INFORMAL_WORDS: dict[str, tuple[str, ...]] = {
    "de": (
        "du",
        "dich",
        "dir",
        "dein",
        "deine",
        "deinen",
        "deinem",
        "deiner",
        "deines",
        "schreib",
        "tippe",
        "wähle",
        "frag",
        "bring",
        "ruf",
        "geh",
        "schick",
        "prüf",
        "prüfe",
        "versuche es",
        "warte",
        "öffne",
        "handle",
        "sag",
        "mach",
        "lass",
        "zieh",
        "achte",
        "heb",
        "komm",
        "hab",
        "sende",
        "nutze",
        "sprich",
        "buch einen",
        "zahl die",
        "zahl kein",
    ),  # "melde" is also "melde ich"
    "fr": (
        "tu",
        "te",
        "toi",
        "ton",
        "ta",
        "tes",
        "choisis",
        "réessaie",
        "attends",
        "écris-moi",
        "écris-nous",
        "envoie-nous",
        "as-tu",
        "es-tu",
        "veux-tu",
        "peux-tu",
        "renseigne-toi",
        "adresse-toi",
        "inscris-toi",
        "fais-toi",
    ),  # "écris", "peux": also "je vous écris", "je peux"
    "uk": (
        "ти",
        "тебе",
        "тобі",
        "тобою",
        "твій",
        "твоя",
        "твоє",
        "твої",
        "твого",
        "твоєї",
        "твоєму",
        "твоїй",
        "твоїм",
        "твоїх",
        "твою",
        "напиши",
        "обери",
        "натисни",
        "спробуй",
        "зачекай",
        "відкрий",
        "надішли",
        "принеси",
        "зателефонуй",
        "звернися",
        "перевір",
        "скасуй",
        "запитай",
        "приходь",
        "візьми",
        "можеш",
        "хочеш",
        "маєш",
        "вибач",
        "пиши",
        "бери",
        "йди",
        "зверни",
        "збережи",
        "запиши",
        "повідом",
        "зроби",
        "подзвони",
        "поговори",
        "скористайся",
        "уточни",
        "надсилай",
        "скороти",
        "знаєш",
        "пишеш",
        "живеш",
        "отримуєш",
        "розумієш",
        "погоджуєшся",
    ),
    "ru": (
        "ты",
        "тебя",
        "тебе",
        "тобой",
        "твой",
        "твоя",
        "твоё",
        "твое",
        "твои",
        "твоего",
        "твоей",
        "твоему",
        "твоим",
        "твоих",
        "твою",
        "напиши",
        "выбери",
        "нажми",
        "попробуй",
        "подожди",
        "открой",
        "отправь",
        "принеси",
        "позвони",
        "обратись",
        "проверь",
        "отмени",
        "спроси",
        "приходи",
        "возьми",
        "можешь",
        "хочешь",
        "извини",
        "пиши",
        "бери",
        "иди",
        "обрати",
        "сохрани",
        "запиши",
        "сообщи",
        "сделай",
        "поговори",
        "воспользуйся",
        "уточни",
        "отправляй",
        "сократи",
        "давай",
        "знаешь",
        "пишешь",
        "живёшь",
        "получаешь",
        "понимаешь",
    ),
    "bg": (
        "ти",
        "теб",
        "тебе",
        "твой",
        "твоя",
        "твоето",
        "твоят",
        "твоите",
        "твои",
        "напиши",
        "избери",
        "натисни",
        "опитай",
        "изчакай",
        "отвори",
        "изпрати",
        "донеси",
        "обади",
        "провери",
        "попитай",
        "ела",
        "вземи",
        "можеш",
        "искаш",
        "извинявай",
        "пиши",
        "кажи",
        "отиди",
        "обърни",
        "изпращай",
        "действай",
        "продължавай",
        "имаш",
        "нямаш",
        "знаеш",
        "пишеш",
        "живееш",
        "получаваш",
        "разбираш",
        "търсиш",
    ),
    "ro": (
        "tu",
        "te",
        "ți",
        "ţi",
        "îți",
        "îţi",
        "tău",
        "ta",
        "tale",
        "tăi",
        "ție",
        "ţie",
        "poți",
        "poţi",
        "vrei",
        "ai nevoie",
        "ești",
        "eşti",
        "știi",
        "ştii",
        "dorești",
        "doreşti",
        "te rog",
        "scrie-mi",
        "scrie-ne",
        "trimite-ne",
        "alege-ți",
        "atinge",
        "vino",
        "fă",
    ),
    "tr": (
        "sen",
        "seni",
        "sana",
        "senin",
        "sende",
        "senden",
        "seninle",
        "yaz",
        "seç",
        "dokun",
        "dene",
        "bekle",
        "bize gönder",
        "fotoğrafını gönder",
        "konumunu gönder",
        "getir",
        "sor",
        "gel",
        "istersen",
        "istiyorsan",
        "yazabilirsin",
        "seçebilirsin",
        "alabilirsin",
        "edebilirsin",
        "gönderebilirsin",
        "randevun",
        "randevuların",
        "bağlantın",
    ),  # a bare "Gönder" is the chat's send button
    "fa": (
        "تو",
        "بنویس",
        "انتخاب کن",
        "بزن",
        "بفرست",
        "بیاور",
        "صبر کن",
        "امتحان کن",
        "تماس بگیر",
        "می‌توانی",
        "نمی‌توانی",
        "می‌خواهی",
        "نمی‌خواهی",
        "می‌دانی",
        "نمی‌دانی",
        "داری",
        "نداری",
        "هستی",
        "برایت",
        "وصل کن",
    ),
    "ar": (
        "أنتَ",
        "يمكنك",
        "لديك",
        "عليك",
        "اكتب",
        "اختر",
        "اضغط",
        "أرسل",
        "انتظر",
        "حاول",
        "اسأل",
        "اذهب",
        "تعال",
        "أحضر",
        "ألغِ",
        "احذف",
        "أخبر",
        "سؤالك",
        "لغتك",
        "مكتبك",
        "موعدك",
        "مواعيدك",
        "رسالتك",
        "رسائلك",
        "طفلك",
        "بياناتك",
    ),  # "تريد", "تحتاج" are also "she wants/needs" (الشركة تريد)
}
EXEMPT_PREFIXES = ("staff.",)
# Languages whose older texts still say "you" informally: new texts in them are formal, the rest
# waits for its rewrite (docs/LOCALE_REVIEW.md). `python -m bot check` warns about them instead of
# failing; tests/content/test_address.py fails once one of them is clean and still listed here.
ADDRESS_REWRITE_PENDING: frozenset[str] = frozenset()
_WORD_EDGE = r"(?<![\w-]){}(?![\w-])"
_informal_patterns = {
    lang: re.compile("|".join(_WORD_EDGE.format(re.escape(word)) for word in words), re.IGNORECASE)
    for lang, words in INFORMAL_WORDS.items()
}
_PLACEHOLDER_OR_TAG = re.compile(r"\{[^{}]*\}|<[^>]+>")


def informal_words(language: str, text: str) -> list[str]:
    """The informal words of `language` found in `text` (outside placeholders and HTML tags)."""
    pattern = _informal_patterns.get(language)
    if pattern is None:
        return []
    return [m.group(0) for m in pattern.finditer(_PLACEHOLDER_OR_TAG.sub(" ", text))]


def address_problems(directory: Path = LOCALES_DIR, *, pending: bool = False) -> list[Problem]:
    """Every text that addresses the person informally: in the languages that must be formal
    already, or (`pending=True`) in those still waiting for their rewrite."""
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")):
        if (path.stem in ADDRESS_REWRITE_PENDING) != pending:
            continue
        tree = read_yaml(path) or {}
        strings = flatten({k: v for k, v in tree.items() if k != "_meta"})
        for key, text in strings.items():
            if key.startswith(EXEMPT_PREFIXES):
                continue
            found = informal_words(path.stem, text)
            if found:
                problems.append(Problem(path.name, key, f"informal address: {', '.join(sorted(set(found)))}"))
    return problems


# --- punctuation and plurals -----------------------------------------------------------------
RTL_PUNCTUATION = {",": "،", ";": "؛", "?": "؟"}
_LATIN_PUNCTUATION = re.compile(r"[,;?]")
_URL = re.compile(r"https?://\S+|/\w+")


def punctuation_problems(directory: Path = LOCALES_DIR) -> list[Problem]:
    """Arabic and Farsi texts use their own comma, semicolon and question mark."""
    problems: list[Problem] = []
    for code in ("ar", "fa"):
        path = directory / f"{code}.yaml"
        if not path.exists():
            continue
        tree = read_yaml(path) or {}
        for key, text in flatten({k: v for k, v in tree.items() if k != "_meta"}).items():
            if key.startswith(EXEMPT_PREFIXES):
                continue
            bare = _URL.sub(" ", _PLACEHOLDER_OR_TAG.sub(" ", _without_choice_syntax(text)))
            found = sorted(set(_LATIN_PUNCTUATION.findall(bare)))
            if found:
                want = " ".join(f"{mark} -> {RTL_PUNCTUATION[mark]}" for mark in found)
                problems.append(Problem(path.name, key, f"Latin punctuation in a right-to-left text: {want}"))
    return problems


def _without_choice_syntax(text: str) -> str:
    """The words of a text with plural/select blocks reduced to their options' texts."""
    try:
        blocks = choice_blocks(text)
    except ValueError:
        return text
    out, pos = [], 0
    for block in blocks:
        out.append(text[pos : block.start])
        out.append(" ".join(_without_choice_syntax(option) for option in block.options.values()))
        pos = block.end
    out.append(text[pos:])
    return "".join(out)


def plural_problems(code: str, file: str, strings: dict[str, str]) -> list[Problem]:
    """Each plural block spells out every CLDR category of its language, and no foreign ones."""
    problems: list[Problem] = []
    need = plural_categories(code)
    for key, text in strings.items():
        try:
            blocks = choice_blocks(text)
        except ValueError as exc:
            problems.append(Problem(file, key, str(exc)))
            continue
        for block in blocks:
            if block.kind != "plural":
                continue
            have = {option for option in block.options if not option.startswith("=")}
            if need - have:
                problems.append(
                    Problem(
                        file,
                        key,
                        f"{{{block.name}, plural}} lacks {', '.join(sorted(need - have))} "
                        f"(CLDR categories for {code}: {', '.join(sorted(need))})",
                    )
                )
            if have - need:
                problems.append(
                    Problem(
                        file,
                        key,
                        f"{{{block.name}, plural}}: {', '.join(sorted(have - need))} "
                        f"is not a plural category in {code}",
                    )
                )
    return problems


def _text_tree_problems(error: ValidationError, file: str) -> list[Problem]:
    """One problem per key that is neither a text nor keys with texts. pydantic tries both sides
    of the union and names them in the error's path (`str`, `dict[str,...]`): those are left out."""
    keys: dict[str, None] = {}
    for details in error.errors(include_url=False):
        loc = [p for p in details["loc"] if not (isinstance(p, str) and (p in ("str", "none") or "[" in p))]
        keys[key_path(loc)] = None
    # "nested" fails as a text because "nested.deeper" fails as a mapping: name only the deepest.
    deepest = [key for key in keys if not any(other.startswith(key + ".") for other in keys)]
    return [Problem(file, key, "must be a text, or keys with texts under them") for key in deepest]
