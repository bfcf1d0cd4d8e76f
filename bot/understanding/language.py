"""Which of the ten supported languages a message is written in.

Script and letter heuristics decide first, because they are exact where they apply (a Persian
"گ" or a Ukrainian "ї" settles the question) and statistical models are weak on the short, mixed
messages people send. Frequent function words and endings add evidence; lingua breaks the
remaining ties. Short or ambiguous input gives ``code=None``: the caller then keeps the language it
already knows, which is better than switching a person to a wrong language.

A message in a language we do not speak is not the nearest of the ten: ``code=None`` with
``beyond`` set (an ISO 639 code, or "und" when only the script tells). Three signs: a script
that none of the ten uses (Ethiopic for Tigrinya and Amharic, ...); letters of Arabic script
that Persian and Arabic do not use (Pashto, Urdu, Sorani); and, for Latin and Cyrillic script,
a second lingua detector that also knows the other languages newcomers write (Somali, Albanian,
Polish, Serbian, ...) and Kurmanji's frequent words (lingua has no Kurdish). The ten still win
whenever their own words or letters are decisive ("Termin bitte" is German whatever lingua says).

lingua runs in low-accuracy mode (trigram models): measured here, preloading all ten languages
takes ~0.1 s and ~25 MB, against ~2.3 s and ~300 MB for high accuracy, which was right on 2 more
of the ~950 example sentences (Cyrillic only). ``LanguageDetector(high_accuracy=...)`` switches
it on per script if that trade ever changes.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.understanding.normalize import fold

if TYPE_CHECKING:
    from lingua import LanguageDetector as LinguaDetector

SUPPORTED: tuple[str, ...] = ("de", "en", "ar", "uk", "ru", "tr", "fa", "ro", "bg", "fr")

ARABIC_SCRIPT = ("ar", "fa")
CYRILLIC_SCRIPT = ("uk", "ru", "bg")
LATIN_SCRIPT = ("de", "en", "tr", "ro", "fr")

# Below this probability we answer None instead of guessing.
MIN_CONFIDENCE = 0.6
# Weight of lingua's log-probabilities against the letter/word evidence.
PRIOR_WEIGHT = 1.0
# The three Cyrillic languages share most trigrams and low-accuracy lingua is overconfident
# there ("хочу поговорить с сотрудником" came out 0.91 Ukrainian): its vote counts half.
CYRILLIC_PRIOR_WEIGHT = 0.5


@dataclass(frozen=True)
class DetectedLanguage:
    code: str | None
    confidence: float
    # A language beyond the ten that the message is in ("so", "ps", "ku", ...; "und" when only
    # its script tells); then `code` is None.
    beyond: str | None = None
    # Words with letters the decision rests on: markup, links, numbers and German names
    # ("Jobcenter", "Eving") left out. A switch of language wants a sentence, not a word.
    words: int = 0


# Letters of Arabic script that Arabic and Persian do not use: whoever types them writes another
# language. Counted on the text as typed.
_FOREIGN_ARABIC_LETTERS: dict[str, str] = {
    **dict.fromkeys("ټډړږښګڼېۍځڅ", "ps"),
    **dict.fromkeys("ٹڈڑںےھہ", "ur"),
    **dict.fromkeys("ێۆڵڕە", "ckb"),
}
# Pashto written without its own letters still has its own small words ("زه", "د", "په" ...).
_PASHTO_WORDS = frozenset(
    fold(w)
    for w in (
        "زه ته دی دي یم یې په کې د له څخه سره ته زما ستاسو تاسو مننه ډېره نشم کړم وکړم غواړم څه چې هم وي شئ"
    ).split()
)
# Kurmanji (Latin script; lingua has no Kurdish): frequent words, folded. Short words it shares
# with Albanian, French or Romanian ("te", "me", "tu", "de") are left out.
_KURMANJI_WORDS = frozenset(
    fold(w)
    for w in (
        "ez hûn ji bi di li ku çi çawa kengê kî heye hene nîne tune dixwazim dikarim nikarim "
        "min wî wê jî û xwe yê ya yên zarok zarokê keça kurê mala xanî alîkarî alîkariya "
        "spas silav kerema zimanê kurdî almanî nameyek fam nakim tênagihim werim bikim bikin "
        "bigirim diaxive vekirî derê zêde gelek baş roj"
    ).split()
)
# Other languages of newcomers per script, for the second lingua detector (besides the ten).
# Left out on purpose: Azerbaijani (Turkish typed without its letters reads like it) and
# Macedonian (too close to Bulgarian): both are rare here, Turkish and Bulgarian are not.
# Each language costs ~1.6 MB of lingua's models: the Latin list keeps those newcomers to Dortmund
# write most (besides Somali and Albanian, the EU languages of the largest groups); with 18 the
# figures of bench/languages_beyond.py were the same (tuning 0/48, our ten 407/412) for 23 MB more.
_OTHER_LATIN = ("SOMALI", "ALBANIAN", "POLISH", "SPANISH", "ITALIAN", "CROATIAN", "HUNGARIAN", "CZECH")
_OTHER_CYRILLIC = ("SERBIAN", "BELARUSIAN", "KAZAKH", "MONGOLIAN")
# How sure the second detector must be of another language, and how many function words of
# their own let the ten keep a message anyway.
BEYOND_CONFIDENCE = 0.6
OWN_WORDS_WIN = 2
OWN_CYRILLIC_LETTERS_WIN = 3.0


# Letters that (nearly) only one candidate language of its script uses, with a weight in
# "evidence units" (one unit multiplies the odds by e). Counted on lowercased NFC text, before
# folding, because folding deliberately merges exactly these letters.
_LETTERS: dict[str, dict[str, float]] = {
    "fa": {"پ": 3, "چ": 3, "ژ": 3, "گ": 3, "ی": 3, "ک": 3},
    "ar": {"ة": 3, "ى": 2, "ي": 2, "ك": 2, "إ": 1, "أ": 0.5, "ؤ": 1},
    "uk": {"і": 3, "ї": 3, "є": 3, "ґ": 3},
    "ru": {"ы": 3, "э": 3, "ё": 3},
    "bg": {"ъ": 2, "ѝ": 3},
    "tr": {"ğ": 3, "ı": 3, "ş": 1},
    "ro": {"ă": 3, "ș": 3, "ț": 3, "ţ": 2, "â": 1, "î": 1, "ş": 0.5},
    "fr": {"é": 1.5, "è": 2, "ê": 2, "à": 1.5, "ù": 2, "œ": 3, "ç": 0.5, "ë": 1, "ï": 1, "û": 1},
    "de": {"ä": 2, "ß": 3, "ö": 0.5, "ü": 0.5},
}
_MAX_LETTER_EVIDENCE = 6.0

# Frequent function words that belong to one candidate only (folded spelling, see normalize.fold).
# Words shared between candidates of one script ("как" ru/bg, "مكتب" ar/fa) are left out on
# purpose; loanwords such as "Jobcenter" are handled by _LOANWORDS instead.
_WORDS: dict[str, frozenset[str]] = {
    "de": frozenset(
        "ich ist nicht und der das ein eine einen einem mein meine meinen meinem wo wann wie "
        "brauche habe hab kann konnen bitte fur mir mich gibt wir auf bei beim vom zum zur heute "
        "morgen hilfe sohn tochter wohnung arbeit schule geld brief jetzt noch auch oder aber "
        "haben sind wer welche welches welcher gehen machen sprechen deutsch kein keine nein danke "
        "mochte suche zahlen ihr uns unser unsere mann frau kinder offen geoffnet hat muss mussen "
        "soll konnte wurde sich sein seine etwas jemand niemand verstehe".split()
    ),
    "en": frozenset(
        "i the is are my where when how what need want can could please help appointment does to "
        "for with and have has it this that me you your of get find open office who which there "
        "here speak talk someone somebody person don doesn isn didn can't cannot would should our "
        "we they he she his her kid kids son daughter husband wife child children school job work "
        "flat rent ticket doctor letter course english german language hi hello thanks thank from "
        "at be been do any some much many about don't doesn't i'm what's isn't".split()
    ),
    "tr": frozenset(
        "bir ben benim bu ne nasil nerede nerde neresi istiyorum var yok mi mu icin ile ve yardim "
        "lazim cocuk cocugum kizim oglum okul hangi kac kadar nereye yapmam yapabilirim gerek "
        "gerekiyor acik kapali bugun yarin saat degil olur musunuz misiniz miyim ediyorum almak "
        "alabilirim merhaba tesekkur lutfen abi abla hocam kira fatura randevu sigorta hastane "
        "acil calismak almanca dil hemen cok ama daha simdi kimse biri birisi konusmak istiyoruz "
        "evim evde esim kocam karim annem babam geldi gelmek gitmek yaziyor anlamadim anlamiyorum "
        "ariyorum bulamiyorum mektup".split()
    ),
    "ro": frozenset(
        "eu este sunt unde cum cand vreau nevoie pentru copilul copil fiica fiul meu mea mei mele "
        "nu cu sa ajutor programare scoala gradinita locuinta chirie factura curent lucru munca "
        "serviciu asigurare bilet abonament acum azi maine deschis inchis rog multumesc buna ziua "
        "limba germana sotul sotia imi trebuie pot poate putem aveti avem daca primit scrisoare "
        "inteleg vorbesc vorbi cineva persoana biroul apartament acte permis sedere cat cine ceva "
        "sau dar si".split()
    ),
    "fr": frozenset(
        "je suis est mon mes les des du une pour avec ou quand comment quel quelle quels besoin "
        "veux voudrais rendez vous cherche aide aider fils fille enfant ecole creche logement "
        "loyer travail emploi medecin facture electricite billet cours allemand parler quelqu pas "
        "bonjour merci plait aujourd hui demain ouvert ferme bureau lettre comprends dois faire "
        "avoir ai nous mari femme appeler pompiers au aux et dans peux peut c'est j'ai qu'est "
        "notre votre".split()
    ),
    "uk": frozenset(
        "що як де коли чи будь ласка дякую дитина дитину сина донька доньку працює треба можна "
        "якщо який яка яке скільки вона хтось щось або але лікар робота роботу оренда записатися "
        "допоможіть допомога допомогти розумію людиною людина пожежа швидку світло рахунок "
        "терміново мені мене мій моя моє мої потрібно потрібен потрібна садок садочок квиток "
        "німецька німецької мову мова лист листа говорити чоловік дружина зараз сьогодні завтра "
        "привіт добрий нам вже тут гарний гарна гарно дуже також ти ви він вони його її ще тобі "
        "добраніч порадь порадьте з зі із куди чому навіщо тільки щоб немає нема був була було "
        "буде шукаю шукаємо шукати сюди йти дітей діти дитині зробити отримати знайти можете шо "
        "шось хто".split()
    ),
    "ru": frozenset(
        "что где мне меня нужно надо когда можно пожалуйста спасибо это ребенок ребенка дочь дочка "
        "есть записаться запись помогите помощь садик работает врач врача язык письмо понимаю "
        "человек человеком скорую полицию свет счет если какой какая какое сколько срочно "
        "здравствуйте кто нужен нужна муж сейчас сегодня завтра привет хочу хотим ли немецкий "
        "немецкого билет работу ты вы мы он они его очень тоже этот эта уже еще вам доброе хочет "
        "хотите с со куда почему зачем только который которая которые чтобы нибудь нет был была "
        "было будет сюда туда идти ребенку детей дети понятно говорит делать сделать получить "
        "найти помочь можете".split()
    ),
    "bg": frozenset(
        "къде какво кога искам трябва може моля благодаря детето дете има няма съм ще помогнете "
        "помощ наем лекар немски език писмо разбирам говоря човек линейка ток сметка ако кой коя "
        "кое колко тя мъж съпруг съпруга спешно здравей здравейте някой нещо сега днес утре "
        "училище училището детска градина часа работи офиса искаме нашия моят моята се ми ме го му "
        "сте сме са да това този тази тук вече още със във към мирише е с защо само който която "
        "които нямам беше бяха деца децата направя получа намеря помогна можете накъде "
        "отида".split()
    ),
    "ar": frozenset(
        "في هل وين شو بدي بدنا بدك كيف ماذا متي ايمتي امتي لماذا ليش الذي اللي هذا هذه هاد هاي "
        "عندي عنا اريد ابغي ابي لو سمحت مرحبا شكرا انا نحن احنا الي علي عن مع ما لا يا كان يوجد "
        "فيه الان هلق اليوم بكره بكرا موعد ابني بنتي زوجي زوجتي طفل اطفال مساعده رساله روضه حضانه "
        "كهرباء فاتوره عمل شغل بيت شقه ايجار تذكره طبيب دكتور تامين مستشفي اسعاف حريق شرطه لغه "
        "الالمانيه اقامه جواز افهم ساعدني ساعدوني المكتب الدوام مفتوح".split()
    ),
    "fa": frozenset(
        "است هست هستم هستيم ميخواهم ميخوام ميخواستم نمي نميدانم نميفهمم را كجا كجاست كجاس چطور "
        "چگونه براي دارم ندارم كنم كنيد كند بايد چي چه از با يك شما چند چقدر خانه خونه كار بچه "
        "دخترم پسرم شوهرم زنم همسرم مهدكودك كودكستان قبض برق گاز اجاره صاحبخانه بليط بليت دكتر "
        "بيمه بيمارستان امبولانس اتش پليس زبان نامه ميفهمم بفهمم اداره نوبت بگيرم ممنون كمك خواهش "
        "ميشه ميتوانم ميتونم ميكنم كسي بزنم اقامت پاسپورت كه نه بله اره ميخواهيم ميخواهد".split()
    ),
}
_FOLDED_WORDS = {lang: frozenset(fold(w) for w in words) for lang, words in _WORDS.items()}

# Word endings that give away agglutinative Turkish and Romanian articles even when typed without
# special letters ("kaydettirmek istiyorum", "copilului"). Folded; only tokens of 5+ letters.
_SUFFIXES: dict[str, tuple[str, ...]] = {
    "tr": (
        "iyor",
        "iyorum",
        "iyoruz",
        "uyor",
        "uyorum",
        "yorsunuz",
        "misiniz",
        "musunuz",
        "miyim",
        "abilir",
        "ebilir",
        "abilirim",
        "ebilirim",
        "amiyorum",
        "emiyorum",
        "madim",
        "medim",
        "mak",
        "mek",
        "lari",
        "leri",
        "imiz",
        "umuz",
        "iniz",
        "unuz",
        "sunuz",
        "siniz",
        "yim",
        "dir",
        "dur",
        "acak",
        "ecek",
        "mali",
        "meli",
        "malyim",
    ),
    "ro": ("ului", "ilor", "urile", "elor", "easca", "eaza", "atia", "itia", "ndu"),
}
_MAX_SUFFIX_EVIDENCE = 3.0
# Cyrillic endings, checked on unfolded lowercase words (folding would turn "й" into "и"):
# Russian infinitives in -ать/-еть (Ukrainian -ати/-ети), Ukrainian -ння and -ити/-ати.
_CYRILLIC_SUFFIXES: dict[str, tuple[str, ...]] = {
    "ru": ("ать", "еть", "ешь", "ение", "ание"),
    "uk": ("ння", "ити", "ати", "ються"),
}

# German names and administrative terms that newcomers use inside every language
# ("Jobcenter'dan mektup geldi"): they say nothing about the language of the sentence.
_LOANWORDS = frozenset(
    fold(w)
    for w in (
        "kita jobcenter termin ausländerbehörde auslaenderbehoerde anmeldung deutschlandticket "
        "integrationskurs sprachkurs willkommensbüro lokal willkommen bürgeramt sozialamt "
        "jugendamt wohngeld bürgergeld aufenthaltstitel ausbildung praktikum schufa nebenkosten "
        "krankenkasse aok dew21 dortmund dlzb vrr bamf meinticket dortmund-pass eving scharnhorst "
        "hörde hombruch brackel aplerbeck mengede huckarde lütgendortmund nordstadt innenstadt "
        "westerfilde nette dorstfeld lanstrop derne deutschland kindergeld kinderzuschlag "
        "familienkasse elterngeld"
    ).split()
)

_LOANWORD_PREFIXES = tuple(w for w in _LOANWORDS if len(w) >= 6)

_WORD_RE = re.compile(r"[\w']+")
# Markup, links and addresses say nothing about the language the person writes in.
_NOT_LANGUAGE = re.compile(r"</?[a-z][^<>]*>|https?://\S+|www\.\S+|\S+@\S+\.\S+", re.IGNORECASE)


def _is_loanword(word: str) -> bool:
    """Also with an elided article or a suffix: "l'Ausländerbehörde", "Jobcenter'dan",
    "jobcenterdan", "nordstadttaki" (Turkish attaches case endings to names)."""
    for part in word.split("'"):
        folded = fold(part)
        if folded in _LOANWORDS or folded.startswith(_LOANWORD_PREFIXES):
            return True
    return False


# A message of capitalised words and no function word is a name ("Mohammed Al-Hassan", "Olena
# Kovalenko"), whatever lingua makes of its letters: it says nothing about the language.
MAX_NAME_WORDS = 5


def _only_names(as_typed: str, candidates: tuple[str, ...]) -> bool:
    """Every word with letters capitalised (a cased script) and none a function word of ours."""
    words = [w for w in _WORD_RE.findall(as_typed) if any(ch.isalpha() for ch in w) and not _is_loanword(w)]
    if not words or len(words) > MAX_NAME_WORDS:
        return False
    ours = frozenset().union(*(_FOLDED_WORDS[lang] for lang in candidates))
    return all(_capitalised(w) and fold(w) not in ours for w in words)


def _capitalised(word: str) -> bool:
    letters = [ch for ch in word.strip("'") if ch.isalpha()]
    return bool(letters) and letters[0].isupper() and (len(letters) == 1 or any(ch.islower() for ch in letters[1:]))


def _script_counts(text: str) -> tuple[int, int, int, int]:
    """Letters of Arabic, Cyrillic, Latin and any other script."""
    arabic = cyrillic = latin = other = 0
    for ch in text:
        if not ch.isalpha():
            continue
        code = ord(ch)
        if 0x0600 <= code <= 0x06FF or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
            arabic += 1
        elif 0x0400 <= code <= 0x04FF:
            cyrillic += 1
        elif code < 0x0250 or 0x1E00 <= code <= 0x1EFF:
            latin += 1
        else:
            other += 1
    return arabic, cyrillic, latin, other


def _candidates(text: str) -> tuple[str, ...] | None:
    arabic, cyrillic, latin, _other = _script_counts(text)
    total = arabic + cyrillic + latin
    if total == 0:
        return None
    # German names inside Arabic or Cyrillic text are common ("موعد Jobcenter"): a non-Latin
    # script wins as soon as it carries a real part of the message.
    other, group = max((arabic, ARABIC_SCRIPT), (cyrillic, CYRILLIC_SCRIPT))
    if other >= 3 and other >= 0.2 * total:
        return group
    if latin >= other:
        return LATIN_SCRIPT
    return group


def _letter_evidence(text: str, candidates: tuple[str, ...]) -> dict[str, float]:
    evidence: dict[str, float] = {}
    for lang in candidates:
        table = _LETTERS.get(lang, {})
        score = sum(weight * text.count(letter) for letter, weight in table.items())
        evidence[lang] = min(score, _MAX_LETTER_EVIDENCE)
    return evidence


class LanguageDetector:
    """Detector for the ten supported languages; thread-safe after construction."""

    def __init__(
        self,
        *,
        preload: bool = True,
        high_accuracy: tuple[tuple[str, ...], ...] = (),
        beyond: bool = True,
    ) -> None:
        """One lingua detector per script, each knowing only that script's candidates.

        ``high_accuracy`` lists the script groups (e.g. ``(CYRILLIC_SCRIPT,)``) that get lingua's
        high-accuracy models; the others use the small low-accuracy ones. ``beyond=False`` leaves
        out the signs of languages beyond the ten (the benchmark's baseline).
        """
        from lingua import Language, LanguageDetectorBuilder

        to_lingua = {
            "de": Language.GERMAN,
            "en": Language.ENGLISH,
            "ar": Language.ARABIC,
            "uk": Language.UKRAINIAN,
            "ru": Language.RUSSIAN,
            "tr": Language.TURKISH,
            "fa": Language.PERSIAN,
            "ro": Language.ROMANIAN,
            "bg": Language.BULGARIAN,
            "fr": Language.FRENCH,
        }
        self._from_lingua = {lingua: code for code, lingua in to_lingua.items()}
        self._look_beyond = beyond
        # The second opinion: the same script's ten-language candidates and its other languages.
        self._wide: dict[tuple[str, ...], LinguaDetector] = {}
        wide: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
            (LATIN_SCRIPT, _OTHER_LATIN),
            (CYRILLIC_SCRIPT, _OTHER_CYRILLIC),
        )
        for group, others in wide:
            languages = [to_lingua[c] for c in group] + [getattr(Language, name) for name in others]
            builder = LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode()
            if preload:
                builder = builder.with_preloaded_language_models()
            self._wide[group] = builder.build()
        self._lingua: dict[tuple[str, ...], LinguaDetector] = {}
        scripts: tuple[tuple[str, ...], ...] = (ARABIC_SCRIPT, CYRILLIC_SCRIPT, LATIN_SCRIPT)
        for group in scripts:
            builder = LanguageDetectorBuilder.from_languages(*(to_lingua[c] for c in group))
            if group not in high_accuracy:
                builder = builder.with_low_accuracy_mode()
            if preload:
                # Loading on the first message would stall that message instead.
                builder = builder.with_preloaded_language_models()
            self._lingua[group] = builder.build()

    def detect(self, text: str) -> DetectedLanguage:
        as_typed = _NOT_LANGUAGE.sub(" ", unicodedata.normalize("NFC", text))
        text = as_typed.lower()
        candidates = _candidates(text)
        if candidates is None:
            # Letters of a script none of the ten uses (Ethiopic, ...): a language beyond them.
            other = _script_counts(text)[3]
            return DetectedLanguage(None, 0.0, "und" if other >= 3 and self._look_beyond else None)

        words = _WORD_RE.findall(text)
        content = [w for w in words if not _is_loanword(w)]
        said = sum(1 for w in content if any(ch.isalpha() for ch in w))
        if _only_names(as_typed, candidates):
            return DetectedLanguage(None, 0.0)
        folded_tokens = {fold(w) for w in content}
        letters = sum(ch.isalpha() for ch in " ".join(content))

        evidence = _letter_evidence(" ".join(content), candidates)
        letter_evidence = dict(evidence)
        word_hits: dict[str, int] = {}
        for lang in candidates:
            hits = word_hits[lang] = len(folded_tokens & _FOLDED_WORDS[lang])
            evidence[lang] += min(hits, 4) * 1.0
            suffixes = _SUFFIXES.get(lang)
            if suffixes:
                endings = sum(1 for t in folded_tokens if len(t) >= 5 and t.endswith(suffixes))
                evidence[lang] += min(endings * 0.75, _MAX_SUFFIX_EVIDENCE)
            cyrillic = _CYRILLIC_SUFFIXES.get(lang)
            if cyrillic:
                endings = sum(1 for w in content if len(w) >= 5 and w.endswith(cyrillic))
                evidence[lang] += min(endings * 0.75, _MAX_SUFFIX_EVIDENCE)

        # lingua's probabilities (among this script's candidates) are the prior.
        prior = self._lingua_prior(" ".join(content), candidates) if letters >= 3 else {}
        weight = CYRILLIC_PRIOR_WEIGHT if candidates == CYRILLIC_SCRIPT else PRIOR_WEIGHT
        logits = {
            lang: weight * math.log(prior.get(lang, 1.0 / len(candidates)) + 0.02) + evidence[lang]
            for lang in candidates
        }
        best = max(logits, key=logits.__getitem__)
        norm = sum(math.exp(v - logits[best]) for v in logits.values())
        confidence = 1.0 / norm

        decisive = evidence[best] >= 2.0 and all(
            evidence[best] - evidence[other] >= 2.0 for other in candidates if other != best
        )
        # One word or a few letters without a decisive marker: lingua's trigram guess on "hallo"
        # or "ok" is noise, so we do not switch languages on it. (Two words stay: "sambata
        # lucrati?" is Romanian, even if "Anna Schmidt" then comes out German.)
        if not decisive and (len(content) < 2 or letters < 6):
            return DetectedLanguage(None, round(confidence, 3), words=said)
        # Latin and Arabic letters are shared with the languages beyond (Albanian "ë", Urdu "ی"):
        # there the ten keep a message against a sign of another language only with words of
        # their own. Ukrainian "і/ї/є", Russian "ы/э" and Bulgarian "ъ" are theirs alone.
        own = word_hits[best] >= OWN_WORDS_WIN or (
            candidates == CYRILLIC_SCRIPT and letter_evidence[best] >= OWN_CYRILLIC_LETTERS_WIN
        )
        if not own and self._look_beyond and (beyond := self._beyond(text, content, candidates)):
            return DetectedLanguage(None, round(confidence, 3), beyond, said)
        if confidence < MIN_CONFIDENCE:
            return DetectedLanguage(None, round(confidence, 3), words=said)
        return DetectedLanguage(best, round(confidence, 3), words=said)

    def _beyond(self, text: str, content: list[str], candidates: tuple[str, ...]) -> str | None:
        """The language beyond the ten that the message is in, if there is clear sign of one."""
        folded = [fold(w) for w in content]
        if candidates == ARABIC_SCRIPT:
            found = [_FOREIGN_ARABIC_LETTERS[ch] for ch in text if ch in _FOREIGN_ARABIC_LETTERS]
            if found:
                return max(set(found), key=found.count)
            return "ps" if sum(w in _PASHTO_WORDS for w in folded) >= max(2, len(folded) // 3) else None
        if candidates == LATIN_SCRIPT and sum(w in _KURMANJI_WORDS for w in folded) >= max(2, len(folded) // 3):
            return "ku"
        values = self._wide[candidates].compute_language_confidence_values(" ".join(content))
        top = values[0] if values else None
        if top is None or top.value < BEYOND_CONFIDENCE or top.language in self._from_lingua:
            return None
        return top.language.iso_code_639_1.name.lower()

    def _lingua_prior(self, text: str, candidates: tuple[str, ...]) -> dict[str, float]:
        values = {
            self._from_lingua[cv.language]: cv.value
            for cv in self._lingua[candidates].compute_language_confidence_values(text)
        }
        total = sum(values.values())
        if total <= 0:
            return {}
        return {lang: values.get(lang, 0.0) / total for lang in candidates}


_default: LanguageDetector | None = None
_default_lock = threading.Lock()


def get_detector() -> LanguageDetector:
    """The process-wide detector, built on first use (not at import time)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = LanguageDetector()
    return _default


def detect_language(text: str) -> DetectedLanguage:
    return get_detector().detect(text)
