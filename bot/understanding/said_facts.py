"""What a person said about themselves, read from any typed text in the ten languages.

    read_said_facts("mein sohn ist 8 und braucht schule")        # child_age=8
    read_said_facts("ابني عمره ١٢ سنة")                         # child_age=12 (Arabic-Indic digits)
    read_said_facts("j'habite à Eving", directory)               # district="eving"
    read_said_facts("sunt din România, caut de lucru")           # from_eu=True
    read_said_facts("Brief vom Jobcenter, Frist morgen!!")       # deadline_soon, about_letter

The dialogues keep these facts for the conversation (bot.core.kept_facts) so no flow asks for what
it was just told. Conservative on purpose: a fact is taken only with its cue (a child word with the
age, "I live" with the place, "I am from" with the country); a missed fact costs one question, a
wrong one a wrong answer.

Pure: no database, no Telegram. Word lists are casefolded; a list entry ending in "*" is a prefix.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.places.districts import DistrictDirectory

MAX_CHILD_AGE = 25  # the school flow covers 6-25; older people are not "the child"
_MAX_TEXT = 500  # a message, not an essay: bounds the work

# Arabic-Indic (٠-٩) and Extended Arabic-Indic (Persian ۰-۹) digits as ASCII.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True)
class SaidFacts:
    """Facts found in one text; None (or False) where the text said nothing about it."""

    child_age: int | None = None
    district: str | None = None  # a district id, said as where the person lives
    postal_code: str | None = None  # a Dortmund postal code, said as where the person lives
    from_eu: bool | None = None  # "I am from Romania" True, "I am from Syria" False
    interpreter_language: str | None = None  # "an interpreter for Arabic": "ar"
    deadline_soon: bool = False  # "Frist morgen", "deadline tomorrow", "до завтра"
    about_letter: bool = False  # a letter or an authority is named ("Brief", "Jobcenter", "письмо")

    def kept(self) -> dict[str, object]:
        """The facts worth keeping for the conversation (the ones about the person)."""
        values = {
            "child_age": self.child_age,
            "district": self.district,
            "postal_code": self.postal_code,
            "from_eu": self.from_eu,
            "interpreter_language": self.interpreter_language,
        }
        return {key: value for key, value in values.items() if value is not None}


def normalise(text: str) -> str:
    """NFKC, casefolded, ASCII digits, bounded. Turkish dotted capital I (İ) becomes i, not i̇."""
    text = unicodedata.normalize("NFKC", text[:_MAX_TEXT]).translate(_DIGITS)
    return text.replace("İ", "i").casefold().replace("i\u0307", "i")


def plain(text: str) -> str:
    """A normalised text with the marks on Latin letters taken off, as typed on phones without
    Turkish, Romanian, French or German letters ("yaşında" "yasinda", "délai" "delai", "oğlum"
    "oglum"). One letter stays one letter, so positions match; Cyrillic and Arabic stay as they are
    ("й" is not "и")."""
    return "".join(_PLAIN.get(ch) or _plain_letter(ch) for ch in text)


_PLAIN = {"ı": "i"}  # Turkish dotless i has no mark to take off


def _plain_letter(ch: str) -> str:
    if ord(ch) < 0x80 or not ("a" <= unicodedata.normalize("NFKD", ch)[:1] <= "z"):
        return ch
    return unicodedata.normalize("NFKD", ch)[0]


def words_of(text: str) -> list[str]:
    """The words of a normalised text. A word with an apostrophe comes whole and in parts:
    "j'habite" is also "habite", "romanya'dan" also "romanya"."""
    found: list[str] = []
    for word in _WORD.findall(text):
        found.append(word)
        if "'" in word or "’" in word:
            found += [part for part in re.split(r"['’]", word) if part]
    return found


def _has(words: Iterable[str], vocabulary: frozenset[str]) -> bool:
    return any(_in(word, vocabulary) for word in words)


def _in(word: str, vocabulary: frozenset[str]) -> bool:
    word = word.replace("’", "'")
    if word in vocabulary:
        return True
    return any(entry.endswith("*") and word.startswith(entry[:-1]) for entry in vocabulary)


def _words(*entries: str) -> frozenset[str]:
    """A vocabulary: each entry also in its plain spelling ("oğlum" and "oglum")."""
    found = {e.casefold() for entry in entries for e in entry.split()}
    return frozenset(found | {plain(e) for e in found})


# --- a child's age --------------------------------------------------------------------------

CHILD_WORDS = _words(
    "sohn sohnes söhne sohnemann tochter töchter kind kinder kindern kindes junge jungen mädchen enkel "
    "enkelin baby",  # de
    "son sons daughter daughters child children kid kids boy boys girl girls baby",  # en
    "ابني ابنتي بنتي طفلي طفلتي ولدي ابن بنت طفل طفلة ولد اولادي أولادي ابنى ولادي بناتي اطفالي أطفالي "
    "ابنائي أبنائي ابنتى بنتى الولد البنت الطفل الطفلة",  # ar
    "پسرم دخترم بچه‌ام بچه بچم بچه‌هام فرزندم فرزند پسر دختر کودکم کودک پسرمون دخترمون",  # fa
    "син сина сину синові синок синочок сином донька доньки доньці доньку донечка дочка дочки дочці "
    "дочку дитина дитини дитині дитину дитиною діти дітей дітям хлопчик хлопчику дівчинка дівчинці "
    "онук онука",  # uk
    "сын сына сыну сынок сыночек сыночку сыном дочь дочери дочка дочке дочку дочкой доченька ребёнок "
    "ребенок ребёнку ребенку ребёнка ребенка ребёнком ребенком дети детей детям мальчик мальчику "
    "девочка девочке внук внучка",  # ru
    "oğlum oğlu oğlumuz oğlumun kızım kızı kızımız kızımın çocuğum çocuk çocuğu çocuğumuz çocuklarım "
    "çocuklar bebeğim torunum",  # tr
    "fiul fiu fiica fiică copil copilul copilului copiii copiilor băiat băiatul fata fetița fiica mea",  # ro
    "син синът сина синчето дъщеря дъщерята дете детето деца децата момче момчето момиче момичето",  # bg
    "fils fille filles enfant enfants garçon garçons bébé",  # fr
)
# Written on the plain text (see `plain`): "yaşında" is read as "yasinda", "jährig" as "jahrig".
# An age word after the number: "8 Jahre alt", "8 years old", "8 yaşında", "8 ans", "۸ ساله".
_AGE_UNIT = re.compile(
    r"(?<![\d/])(?<!\d[:.,])(\d{1,2})\s*-?\s*(?:"
    r"jahre?n?\s+alt|j\.?\s+alt|ja?e?hrig\w*"  # de
    r"|years?[\s-]*old|yrs?[\s-]*old|y/?o\b|years?\b"  # en
    r"|yas(?:i|lari)nda\w*|yas\b"  # tr
    r"|ans\b|an\b"  # fr
    r"|ani\b"  # ro
    r"|سنوات|سنين|سنة|سنه|عام|أعوام|اعوام"  # ar
    r"|ساله|سالش\w*|سال"  # fa
    r"|рок[іi]в|роки|р[іi]к|р[іi]чн\w*|рочк\w*"  # uk ("рокiв" with a Latin i)
    r"|лет\b|летн\w*|года|год\b"  # ru
    r"|години|годишн\w*|годинки)"  # bg
)
# Units that say "age" on their own; "3 Jahre" or "3 года" may also be "for 3 years".
_STRONG_UNIT = re.compile(r"alt|old|jahrig|hrig|y/?o|yas(?:i|lari)nda|ساله|سالش|годишн|летн|р[іi]чн")
# The number after a word that says "age" or "he/she is": "عمرها 8", "Alter: 8", "ему 8 лет",
# "yaşı 8", "are 9 ani", "е на 8 години", "il a 8 ans".
_AGE_AFTER_AGE_WORD = re.compile(
    r"(?:عمره|عمرها|عمر|سنه|سن|سنها)\s*:?\s*(\d{1,2})(?![\d:.,]\d)"
    r"|(?<!\w)(?:age|varsta|возраст|вік|възраст|alter|yasi)\s*:?\s*(\d{1,2})(?![\d:.,]\d)"
    r"|(?<!\w)(?:ему|ей|йому|їй)\s+(\d{1,2})(?=\s*(?:лет|год|рок|р[іi]к|рочк)|\s*$)"
    r"|(?<!\w)are\s+(\d{1,2})\s*ani\b"
    r"|(?<!y )(?<!\w)a\s+(\d{1,2})\s*ans\b"  # "il a 8 ans", not "il y a 2 ans"
    r"|(?<!\w)на\s+(\d{1,2})\s*(?:години|годинки|г\.)"
)
_NUMBER = re.compile(
    r"(?<![\d/€$])(?<!\d[:.,])(\d{1,2})(?![\d/]|[:.,]\d|\s*(?:uhr|h\b|€|eur|euro|%|:\d|min|минут|дак|dk|دقيقة))"
)
# A number written as a word inside an age word: "achtjährig", "eight-year-old" (a bare "eight"
# is not read: the flow asks).
_NUMBER_WORDS = {
    word: value
    for value, words in enumerate(
        (
            (),
            ("ein", "one"),
            ("zwei", "two"),
            ("drei", "three"),
            ("vier", "four"),
            ("funf", "five"),
            ("sechs", "six"),
            ("sieben", "seven"),
            ("acht", "eight"),
            ("neun", "nine"),
            ("zehn", "ten"),
            ("elf", "eleven"),
            ("zwolf", "twelve"),
            ("dreizehn", "thirteen"),
            ("vierzehn", "fourteen"),
            ("funfzehn", "fifteen"),
            ("sechzehn", "sixteen"),
            ("siebzehn", "seventeen"),
            ("achtzehn", "eighteen"),
            ("neunzehn", "nineteen"),
        )
    )
    for word in words
}
_WORD_AGE = re.compile(
    r"(?<!\w)(" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
    r"(?:\s*-?\s*ja?e?hrig\w*|[\s-]*years?[\s-]*old)"
)


def child_age(text: str) -> int | None:
    """The age of a child the text talks about, or None. Needs a child word ("my son is 8") or an
    age word ("8 Jahre alt", "8 yaşında", "8-летний"); a bare number in a sentence is a time, a
    count or a date. Read on the plain text: phones often type no special letters."""
    norm = plain(normalise(text))
    words = words_of(norm)
    with_child = _has(words, CHILD_WORDS)
    for match in _AGE_AFTER_AGE_WORD.finditer(norm):
        age = int(next(group for group in match.groups() if group is not None))
        if age <= MAX_CHILD_AGE:
            return age
    units = [m for m in _AGE_UNIT.finditer(norm) if int(m.group(1)) <= MAX_CHILD_AGE]
    for match in units:
        if _STRONG_UNIT.search(match.group(0)):
            return int(match.group(1))
    for match in _WORD_AGE.finditer(norm):
        return _NUMBER_WORDS[match.group(1)]
    if with_child:
        start = _first_child_word_at(norm, words)
        # A number before the child word is a count ("3 Kinder"), after it an age ("Sohn ist 8").
        after = [int(m.group(1)) for m in _NUMBER.finditer(norm, start) if int(m.group(1)) <= MAX_CHILD_AGE]
        if after:
            return after[0]
        if units:  # "8 лет моему сыну"
            return int(units[0].group(1))
    return None


def _first_child_word_at(norm: str, words: list[str]) -> int:
    for word in words:
        if _in(word, CHILD_WORDS):
            return norm.find(word)
    return 0


def age_answer(text: str) -> int | None:
    """A typed answer to "How old is the child?": a child's age as above, or a lone number ("8",
    "٨", "8 jahre", "8j")."""
    said = child_age(text)
    if said is not None:
        return said
    norm = normalise(text).strip()
    match = re.fullmatch(r"(\d{1,2})\s*[^\d\s]{0,12}(?:\s+[^\d\s]{1,12})?[.!]*", norm)
    if match and int(match.group(1)) <= MAX_CHILD_AGE:
        return int(match.group(1))
    return None


# --- yes / no ------------------------------------------------------------------------------

YES_WORDS = _words(
    "ja jaa jo jup genau stimmt klar doch jawohl yes yeah yep yup y sure correct right ok okay okey",
    "نعم ايوه أيوه اي إي آه اه صح بلى",  # ar
    "بله آره اره بلی درسته",  # fa
    "так таки ага да угу точно",  # uk ru bg
    "evet hı tamam aynen",  # tr
    "da dap desigur sigur corect",  # ro
    "oui ouais exact",  # fr
)
NO_WORDS = _words(
    "nein nee nö ne nicht kein keine no nope nah not",
    "لا لأ لاء لسه",  # ar
    "نه نخیر خیر",  # fa
    "ні нi нет не ніт",  # uk ru bg
    "hayır hayir yok değil degil",  # tr
    "nu",  # ro
    "non pas",  # fr
)


UNSURE_WORDS = _words("weiß weiss ahnung know idk знаю знам bilmiyorum știu stiu sais أعرف اعرف ادري أدري دانم دونم")


def yes_no(text: str) -> bool | None:
    """A short yes or no ("ja", "نعم", "так", "evet", "nu"); None when it is neither, both, or
    "I don't know"."""
    words = words_of(normalise(text))
    if not words or len(words) > 6 or _has(words, UNSURE_WORDS):
        return None
    yes, no = _has(words, YES_WORDS), _has(words, NO_WORDS)
    return yes if yes != no else None


# --- where the person lives -----------------------------------------------------------------

LIVE_WORDS = _words(
    "wohne wohnen wohnt wohnhaft lebe leben wohn",  # de
    "live lives living reside",  # en
    "أسكن اسكن أعيش اعيش ساكن ساكنة نسكن نعيش ساكنين",  # ar
    "زندگی ساکن ساکنم می‌نشینم مینشینم",  # fa
    "живу живемо живем живём мешкаю проживаю проживаємо проживаем",  # uk ru
    "живея живеем",  # bg
    "oturuyorum oturuyoruz yaşıyorum yaşıyoruz yasiyorum oturuyom",  # tr
    "locuiesc locuim stau stăm trăiesc traiesc",  # ro
    "habite habitons vis vivons réside",  # fr
    "plz postleitzahl postcode zip",  # a postal code is always where one lives
)
_POSTAL_CODE = re.compile(r"(?<!\d)(44\d{3})(?!\d)")


def where_living(text: str, directory: DistrictDirectory | None = None) -> tuple[str | None, str | None]:
    """(district id, postal code) when the text says where the person lives ("wohne in Eving",
    "I live in 44147", "j'habite à Eving"); (None, None) without that cue or when the place is
    ambiguous (a postal code on a border: the places dialogue asks)."""
    from bot.places.districts import districts_for_postal_code, find_district

    norm = normalise(text)
    if not _has(words_of(norm), LIVE_WORDS):
        return None, None
    code_match = _POSTAL_CODE.search(norm)
    if code_match is not None:
        code = code_match.group(1)
        found = districts_for_postal_code(code, directory)
        return (found[0].id if len(found) == 1 else None), (code if found else None)
    matches = [m for m in find_district(text[:200], directory) if m.exact]
    ids = {m.district.id for m in matches}
    return (ids.pop() if len(ids) == 1 else None), None


# --- from an EU country ---------------------------------------------------------------------

EU_COUNTRIES = _words(
    "rumän* romania* romanian* român* romînia roumanie* roumain* румун* румын* румъ* روماني* رومانی* romanya*",
    "bulgar* българ* болгар* بلغاري* بلغار* بلغارستان* bulgarie*",
    "polen poland polish poln* pologne polonais* polonia polonez* polonya* польщ* польш* полша полск* بولندا لهستان*",
    "griechen* greece greek grèce grec* grecia yunanistan* греці* греци* гърци* اليونان يونان*",
    "italien* italy italian* italie* italia* italya* італі* итали* إيطالي* ایتالیا*",
    "spanien* spain spanish espagne espagnol* spania ispanya* іспані* испани* إسبانيا اسپانیا*",
    "kroatien* croatia* croatie* croația croatia hırvatistan* хорвати* хървати*",
    "ungarn* hungary hungarian* hongrie* ungaria* macaristan* угорщ* венгри* унгари*",
    "portugal* portugies* portuguese slowakei* slovakia* slovaq* tschechien* czech* litauen* lithuania* "
    "lettland* latvia* estland* estonia* slowenien* slovenia* österreich* austria* frankreich* niederlande* "
    "netherlands* belgien* belgium* luxemburg* irland* ireland* zypern* cyprus* malta* dänemark* denmark* "
    "schweden* sweden* finnland* finland*",
)
NON_EU_COUNTRIES = _words(
    "syrien* syria* syrie* siria* suriye* сирі* сири* سوريا سوري* سوریه*",
    "afghan* afgan* афган* افغان*",
    "ukrain* україн* украин* украйн* ucrain* أوكراني* اوكراين* اوکراین*",
    "irak* iraq* ірак* ирак* العراق عراقي* عراق*",
    "iran* іран* иран* إيران ايران ایران*",
    "türkei turkey turquie turcia türkiye* туреччин* турци* турция تركيا ترکیه*",
    "eritrea* érythrée somalia* somalie* сомал* الصومال",
    "russland* russia* russie* rusia rusya* росі* росси* русия روسيا روسیه*",
    "moldau* moldova* moldawien* молдов* молдав* مولدوفا",
    "serbien* serbia* serbie* sırbistan* сербі* серби* сърби*",
    "kosovo* косов* albanien* albania* albanie* arnavutluk* албані* албани* nigeria* guinea* guinée*",
)
FROM_CUES = _words(
    "aus bin komme kommen stamme staatsangehörig* staatsbürger* bürger*",  # de
    "from i'm im am citizen nationality",  # en
    "من أنا انا جنسيتي جنسية",  # ar
    "از اهل هستم",  # fa
    "з із я громадян* громадянство",  # uk
    "из я гражданин* гражданка гражданство",  # ru
    "от съм аз гражданин* гражданство",  # bg
    "ben vatandaşı* vatandaşıyım",  # tr
    "din sunt suntem cetățean* cetatean* cetăţean*",  # ro
    "de du suis viens citoyen* citoyenne nationalité",  # fr
)
_EU_ITSELF = re.compile(
    r"(?<!\w)(?:eu|ue|ес|єс|ab|الاتحاد الأوروبي|الاتحاد الاوروبي|اتحادیه اروپا)(?!\w)"
    r"|eu-|europäische union|european union|union européenne|uniunea europeană"
    r"|евросоюз|європейськ\w* союз|европейски\w* съюз|avrupa birliği"
)
_NEGATION = _words("nicht kein keine not no nu не ні не değil degil pas لست ليس لسنا نیستم نه")
_TURKISH_FROM = re.compile(r"(?:'?(?:dan|den|tan|ten|lı|li|lu|lü)(?:y[ıi]m|y[ıi]z)?)$")


def from_eu(text: str) -> bool | None:
    """True/False when the text says the person is (not) from an EU country; None otherwise."""
    norm = normalise(text)
    words = words_of(norm)
    cue = _has(words, FROM_CUES)
    negated = _has(words, _NEGATION)
    if _EU_ITSELF.search(norm) and cue:
        return not negated
    for word in words:
        base = _TURKISH_FROM.sub("", word) if "'" in word or _TURKISH_FROM.search(word) else word
        turkish_from = base != word
        for vocabulary, answer in ((EU_COUNTRIES, True), (NON_EU_COUNTRIES, False)):
            if (_in(word, vocabulary) or _in(base, vocabulary)) and (cue or turkish_from):
                return answer
    return None


# --- a deadline soon, a letter --------------------------------------------------------------

# Written on the plain text (see `plain`): "délai", "delai"; "yarın", "yarin"; "mâine", "maine".
_SOON = re.compile(
    r"morgen|heute|tomorrow|tomorow|tmrw|today|tonight|demain|aujourd'hui|ce soir|maine|(?<!\w)azi|astazi"
    r"|yarin|bugun|завтра|сегодня|сьогодні|утре|днес|غدا|بكرة|بكره|اليوم|فردا|امروز"
)
_DEADLINE = re.compile(
    r"frist|deadline|dead line|дедлайн|(?<!\w)due(?!\w)|letzter tag|spatestens|last day"
    r"|delai|date limite|echeance|dernier jour|termen|ultima zi|son gun|son tarih|(?<!\w)vade"
    r"|срок|термін|строк|останній день|последний день|краен срок|последен ден"
    r"|موعد|مهلة|مهله|آخر يوم|اخر يوم|مهلت|آخرین|ضرب الاجل"
)
# "until tomorrow" is a deadline by itself.
_UNTIL_SOON = re.compile(
    r"до завтра|до сьогодні|до сегодня|до утре|до днес|bis morgen|bis heute|by tomorrow|until tomorrow"
    r"|till tomorrow|jusqu'a demain|jusqu'a aujourd'hui|avant demain|pana maine|pana azi|yarina kadar"
    r"|bugune kadar|حتى الغد|حتى بكرة|لبكرة|لبكره|تا فردا|تا امروز"
)
# Turkish "süre" (the time allowed) only with its letter: plain "sure" is English.
_TURKISH_SURE = re.compile(r"(?<!\w)süre")

LETTER_WORDS = _words(
    "brief briefe schreiben bescheid mahnung post amt behörde behörden jobcenter ausländerbehörde "
    "familienkasse finanzamt gericht sozialamt wohngeld kündigung widerspruch rechnung ausländeramt "
    "jobcentr* джобцентр* джобцентер* جوبسنتر جاب جابسنتر bamf",
    "letter letters authority authorities notice bill",
    "رسالة رساله خطاب مكتوب جواب الجوب جوب مكتب الأجانب",
    "نامه اداره",
    "лист листа письмо письма повідомлення уведомление рахунок счёт счет",
    "писмо писмото",
    "mektup mektubu yazı yazısı tebligat fatura",
    "scrisoare scrisoarea scrisoarei factura notificare",
    "lettre courrier avis facture",
)


def deadline_soon(text: str) -> bool:
    """A deadline today or tomorrow: "Frist morgen", "deadline tomorrow", "до завтра", "yarın son
    gün", "le delai c'est demain" (accents or none)."""
    norm = normalise(text)
    bare = plain(norm)
    if _UNTIL_SOON.search(bare):
        return True
    return bool(_DEADLINE.search(bare) or _TURKISH_SURE.search(norm)) and bool(_SOON.search(bare))


def about_letter(text: str) -> bool:
    return _has(words_of(normalise(text)), LETTER_WORDS)


# --- an interpreter ---------------------------------------------------------------------------

INTERPRETER_WORDS = _words(
    "dolmetscher* übersetzer* sprachmittler* interpreter* translator* переводчик* перекладач* tercüman* "
    "çevirmen* interpret* traducător* traducator* преводач* interprète* traducteur* مترجم*"
)
LANGUAGE_NAMES: dict[str, frozenset[str]] = {
    "ar": _words("arabisch* arabic arabe arabă araba arapça арабськ* арабск* арабски عربي عربية العربية عربی"),
    "fa": _words(
        "farsi persisch* persian dari persan* persană farsça фарси перськ* персидск* персийски فارسی فارسي دری"
    ),
    "uk": _words("ukrainisch* ukrainian ukrainien* ucraineană ukraynaca українськ* украинск* украински اوکراینی"),
    "ru": _words("russisch* russian russe rusă rusa rusça російськ* русск* руски روسی الروسية"),
    "tr": _words("türkisch* turkish turc turque turcă türkçe турецьк* турецк* турски ترکی التركية"),
    "ro": _words("rumänisch* romanian roumain* română romana rumence румунськ* румынск* румънски"),
    "bg": _words("bulgarisch* bulgarian bulgare bulgară bulgarca болгарськ* болгарск* български"),
    "fr": _words("französisch* french français française franceză fransızca французьк* французск* френски"),
    "en": _words("englisch* english anglais engleză ingilizce англійськ* английск* английски انجليزي انگلیسی"),
    "de": _words("deutsch* german allemand germană almanca німецьк* немецк* немски ألماني آلمانی"),
    "ku": _words("kurdisch* kurdish kurde kurdî kürtçe курдськ* курдск* کردی كردي"),
    "ps": _words("paschtu pashto pachto پښتو پشتو"),
    "ti": _words("tigrinya tigrinisch* tigrigna ትግርኛ"),
    "so": _words("somali somalisch*"),
    "sq": _words("albanisch* albanian albanais shqip"),
}


def interpreter_language(text: str) -> str | None:
    """The language of an interpreter the person asks for ("Dolmetscher für Arabisch": "ar")."""
    words = words_of(normalise(text))
    if not _has(words, INTERPRETER_WORDS):
        return None
    found = [code for code, names in LANGUAGE_NAMES.items() if _has(words, names)]
    return found[0] if len(found) == 1 else None


# --- all of it ---------------------------------------------------------------------------------


def read_said_facts(text: str, directory: DistrictDirectory | None = None) -> SaidFacts:
    district, postal_code = where_living(text, directory)
    return SaidFacts(
        child_age=child_age(text),
        district=district,
        postal_code=postal_code,
        from_eu=from_eu(text),
        interpreter_language=interpreter_language(text),
        deadline_soon=deadline_soon(text),
        about_letter=about_letter(text),
    )
