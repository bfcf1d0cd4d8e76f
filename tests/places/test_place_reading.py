"""Places however people write them: inflected, in other scripts, with typos, inside a sentence,
as postal codes; "my office" never as a place."""

from pathlib import Path

import pytest

from bot.places import names
from bot.places.datafile import PlacesDataError
from bot.places.districts import (
    DISTRICTS_FILE,
    find_district,
    load_districts,
    named_in_sentence,
    read_place,
    says_my_office,
)


@pytest.mark.parametrize(
    ("text", "district_id"),
    [
        # Ukrainian and Russian cases
        ("в Евінгу", "eving"),
        ("у Евінгу", "eving"),
        ("з Евінга", "eving"),
        ("в Эвинге", "eving"),
        ("Эвингом", "eving"),
        ("в Хомбруху", "hombruch"),
        ("в Хомбрухе", "hombruch"),
        ("в Лютгендортмунде", "luetgendortmund"),
        ("в Нордштадті", "innenstadt-nord"),
        ("в Аплербеке", "aplerbeck"),
        ("у Хьорде", "hoerde"),
        ("в Менгеде", "mengede"),
        # Turkish suffixes, with or without the apostrophe
        ("Eving'de", "eving"),
        ("Eving’de", "eving"),
        ("Evingde", "eving"),
        ("Hörde'deki", "hoerde"),
        ("Hördedeki", "hoerde"),
        ("Hörde'ye", "hoerde"),
        ("Brackel'den", "brackel"),
        ("Aplerbeck'te", "aplerbeck"),
        ("Mengede'de", "mengede"),
        ("Hörde'deyim", "hoerde"),
        ("Evingliyim", "eving"),
        ("Scharnhorst'ta", "scharnhorst"),
        ("nordstadttaki", "innenstadt-nord"),
        # Arabic particles and Persian spellings
        ("بإيفينغ", "eving"),
        ("بايفينغ", "eving"),
        ("في هوردة", "hoerde"),
        ("والهورده", "hoerde"),
        ("لهورده", "hoerde"),
        ("بالنوردشتات", "innenstadt-nord"),
        ("اوینگ", "eving"),
        ("در هورده", "hoerde"),
        ("آپلربک", "aplerbeck"),
        ("براکل", "brackel"),
        ("هوکارده", "huckarde"),
        ("منگده", "mengede"),
        # typos
        ("Evin", "eving"),
        ("Aplerbek", "aplerbeck"),
        ("Lütgendortmnd", "luetgendortmund"),
        ("Hombruck", "hombruch"),
    ],
)
def test_inflected_and_other_script_names(text, district_id):
    matches = find_district(text)
    assert [m.district.id for m in matches] == [district_id], (text, matches)


@pytest.mark.parametrize(
    ("key", "stem"),
    [
        ("evingde", "eving"),
        ("hordedeki", "horde"),
        ("ewingu", "ewing"),
        ("evingom", "eving"),
        ("بايفينغ", "ايفينغ"),
        ("والهورده", "هورده"),
    ],
)
def test_stems_take_off_inflections(key, stem):
    assert stem in names.stems(key)


def test_stems_leave_enough_of_the_word():
    assert names.stems("hafe") == []
    assert all(len(stem) >= names.MIN_LATIN_STEM for stem in names.stems("evingdeki"))
    assert names.stems("بي") == [] and names.stems("وال") == []


@pytest.mark.parametrize(
    "text",
    [
        "Eving",
        "44339",
        "ich wohne in Eving",
        "ich wohne 44147",
        "plz 44147",
        "я живу в Евінгу",
        "в Эвинге",
        "j'habite à Eving",
        "ben Eving'de oturuyorum",
        "أنا ساكن في إيفينغ",
        "من در اوینگ زندگی می‌کنم",
        "locuiesc în Hörde",
        "Hörde'deyim",
        "живея в Хьорде",
        "I live in Eving",
        "hallo ich wohne in hörde",
        "10115",
        "هورده؟",
        "أنا ساكن في إيفينغ.",
        "٤٤١٤٧",
        "۴۴۳۳۹",
    ],
)
def test_only_a_place(text):
    assert read_place(text).only_a_place, text


@pytest.mark.parametrize(
    "text",
    [
        "wann hat eving offen",
        "öfnungszeiten hörde",
        "Schule in Hörde",
        "часы работы в Хёрде",
        "plz 44147 welches büro",
        "mein büro",
        "hallo",
        "Berlin Mitte vielleicht",
        "",
    ],
)
def test_not_only_a_place(text):
    assert not read_place(text).only_a_place, text


def test_postal_codes_in_a_sentence():
    reading = read_place("plz 44147 welches büro")
    assert reading.postal_codes == ("44147",)
    assert {m.district.id for m in reading.matches} == {"innenstadt-nord", "huckarde"}
    assert reading.other_words == ("welches", "buro")
    assert read_place("کد پستی ۴۴۱۴۷ دفترم کجاست").postal_codes == ("44147",)  # Persian digits
    assert read_place("10115").unknown_postal_codes == ("10115",)
    assert read_place("44339").unknown_postal_codes == ()


@pytest.mark.parametrize(
    ("text", "district_ids"),
    [
        ("öfnungszeiten hörde", {"hoerde"}),
        ("wann hat eving offen", {"eving"}),
        ("часы работы в Хёрде", {"hoerde"}),
        ("Hörde'deki ofisinizin adresi ne?", {"hoerde"}),
        ("Я живу в Хукарде, куда мне обращаться?", {"huckarde"}),  # a district's long name with a typo
        ("Öffnungszeiten Aplerbek", {"aplerbeck"}),
        ("nette Leute hier", set()),  # an everyday word, not the Stadtteil Nette
        ("Kann ich meine Papiere holen", set()),  # "holen" is not a typo of Holzen in a sentence
        ("ich arbeite im Hafen", set()),
        ("Има ли консултантски център близо до дома ми?", set()),
        ("Tu es un robot ?", set()),
        ("زه کور نه لرم څه وکړم", set()),  # Pashto: two short words read together are not Körne
        # Arabic punctuation ends a word like any other: "هورده؟" is Hörde
        ("متى يفتح المكتب في هورده؟", {"hoerde"}),
        ("وين مكتب إيفينغ؟", {"eving"}),
        ("مواعيد الدوام في هوردة؟", {"hoerde"}),
        ("ساعت کاری دفتر اوینگ؟", {"eving"}),
        ("دفتر هورده، کی باز است؟", {"hoerde"}),
        ("когда открыт офис в Хёрде?", {"hoerde"}),
    ],
)
def test_names_safe_in_a_sentence(text, district_ids):
    assert {m.district.id for m in named_in_sentence(read_place(text))} == district_ids


@pytest.mark.parametrize(
    "text",
    [
        "mein büro",
        "Mein Buero",
        "mein amt",
        "MEIN AMT",
        "wo ist mein büro?",
        "مكتبي",
        "وين مكتبي",
        "мій офіс",
        "моє бюро",
        "моё бюро",
        "мое бюро",
        "ofisim",
        "ofisimi",
        "biroul meu",
        "mon bureau",
        "دفتر من",
        "دفترم",
        "моят офис",
        "my office",
        "where is my office",
    ],
)
def test_my_office_in_ten_languages(text):
    assert says_my_office(text), text
    assert find_district(text) == [], text  # never a place


@pytest.mark.parametrize("text", ["مكتب العمل", "Jobcenter", "Büro", "Eving", "termin buchen", "school office"])
def test_not_my_office(text):
    assert not says_my_office(text), text


def test_every_my_office_phrase_and_answer_word_in_the_data_is_loaded():
    directory = load_districts()
    assert ("mein", "buro") in directory.my_office
    assert ("مكتبي",) in directory.my_office
    assert {"wohne", "plz", "живу", "schiwu", "اسكن"} <= directory.answer_words  # Cyrillic also transliterated
    assert "nette" in directory.everyday_names


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = DISTRICTS_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "districts.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_my_office_phrase_that_reads_as_a_place_is_a_data_problem(tmp_path):
    path = _edited(tmp_path, "  en: [my office,", "  en: [my office in Eving, my office,")
    with pytest.raises(PlacesDataError, match="my_office.en.*reads as a place name"):
        load_districts(path)


def test_an_unknown_language_block_is_a_data_problem(tmp_path):
    path = _edited(tmp_path, "answer_words:\n  de:", "answer_words:\n  Deutsch:")
    with pytest.raises(PlacesDataError, match="answer_words.Deutsch.*language code"):
        load_districts(path)


def test_staff_can_add_a_my_office_phrase(tmp_path):
    path = _edited(tmp_path, "  de: [mein büro,", "  de: [meine anlaufstelle, mein büro,")
    assert says_my_office("wo ist meine Anlaufstelle", load_districts(path))
    assert not says_my_office("wo ist meine Anlaufstelle")
