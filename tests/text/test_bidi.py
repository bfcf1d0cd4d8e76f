"""Left-to-right runs in right-to-left (Arabic, Farsi) Telegram HTML get isolated, nothing else changes."""

from __future__ import annotations

from hypothesis import given, settings

from bot.text.bidi import FSI, PDI, isolate, isolate_ltr_runs
from bot.text.telegram_html import tokenize
from tests.text.support import TAG, assert_valid_html, html_texts

L, R = FSI, PDI  # shorter expected strings


def test_isolate() -> None:
    assert isolate("Dortmund") == "\u2068Dortmund\u2069"


def test_arabic_sentence_with_address_time_phone_mail_and_link() -> None:
    text = (
        "مكتب الاستشارة في Westerfilder Straße 54, 44357 Dortmund مفتوح يوم 26.11.2026 "
        "من 14:00–17:00. الهاتف: 0231 50-11148، البريد: info@lokal-willkommen.de، "
        'الموقع: <a href="https://www.dortmund.de/integration?lang=ar&amp;x=1">www.dortmund.de</a>.'
    )
    expected = (
        f"مكتب الاستشارة في {L}Westerfilder Straße 54, 44357 Dortmund{R} مفتوح يوم {L}26.11.2026{R} "
        f"من {L}14:00–17:00{R}. الهاتف: {L}0231 50-11148{R}، البريد: {L}info@lokal-willkommen.de{R}، "
        f'الموقع: <a href="https://www.dortmund.de/integration?lang=ar&amp;x=1">{L}www.dortmund.de{R}</a>.'
    )
    assert isolate_ltr_runs(text) == expected
    assert isolate_ltr_runs(expected) == expected  # idempotent
    assert_valid_html(expected)


def test_farsi_keeps_zwnj_and_persian_digits() -> None:
    text = "می‌توانید به Jobcenter Dortmund بروید، ساعت ۱۴:۰۰ یا 14:00."
    assert isolate_ltr_runs(text) == (f"می‌توانید به {L}Jobcenter Dortmund{R} بروید، ساعت ۱۴:۰۰ یا {L}14:00{R}.")


def test_arabic_indic_digits_stay_part_of_the_rtl_text() -> None:
    text = "الموعد ٢٦/١١/٢٠٢٦ الساعة ١٤:٠٠"
    assert isolate_ltr_runs(text) == text


def test_signs_that_belong_to_a_number_or_handle() -> None:
    assert isolate_ltr_runs("اتصل على +49 231 50-11148 الآن") == f"اتصل على {L}+49 231 50-11148{R} الآن"
    assert isolate_ltr_runs("اكتب إلى @lokal_bot") == f"اكتب إلى {L}@lokal_bot{R}"
    assert isolate_ltr_runs("خصم 50% فقط") == f"خصم {L}50%{R} فقط"
    assert isolate_ltr_runs("الرسوم €12 أو 12€ والحرارة 20°C") == (f"الرسوم {L}€12{R} أو {L}12€{R} والحرارة {L}20°C{R}")
    assert isolate_ltr_runs("افتح https://www.dortmund.de/ الآن") == (f"افتح {L}https://www.dortmund.de/{R} الآن")
    assert isolate_ltr_runs("الهاتف (0231) 50-11148 فقط") == f"الهاتف {L}(0231) 50-11148{R} فقط"
    assert isolate_ltr_runs("في Bürgeramt (Ausländerbehörde) اليوم") == (f"في {L}Bürgeramt (Ausländerbehörde){R} اليوم")
    # Brackets around a whole run stay outside: they pair up in the right-to-left text.
    assert isolate_ltr_runs("المكتب (Dortmund) مفتوح") == f"المكتب ({L}Dortmund{R}) مفتوح"


def test_sentence_punctuation_stays_outside() -> None:
    assert isolate_ltr_runs("نحن في Dortmund.") == f"نحن في {L}Dortmund{R}."
    assert isolate_ltr_runs("Dortmund، Bochum") == f"{L}Dortmund{R}، {L}Bochum{R}"


def test_runs_never_cross_tags_or_line_breaks() -> None:
    text = "العنوان: <b>Westerfilder Straße 54</b>, 44357 Dortmund\nالهاتف 0231"
    assert isolate_ltr_runs(text) == (
        f"العنوان: <b>{L}Westerfilder Straße 54{R}</b>, {L}44357 Dortmund{R}\nالهاتف {L}0231{R}"
    )


def test_entities_are_never_split() -> None:
    assert isolate_ltr_runs("شركة Müller &amp; Söhne") == f"شركة {L}Müller &amp; Söhne{R}"
    assert isolate_ltr_runs("إذا a &lt; b") == f"إذا {L}a{R} &lt; {L}b{R}"
    # A numeric entity is one unit and is classified by what it shows.
    assert isolate_ltr_runs("رقم &#50;&#51;") == f"رقم {L}&#50;&#51;{R}"


def test_attributes_stay_intact() -> None:
    text = (
        '<a href="https://www.dortmund.de/a?b=1&amp;c=2">رابط</a> '
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    assert isolate_ltr_runs(text) == text


def test_code_is_isolated_from_outside_and_pre_is_left_alone() -> None:
    text = "رقم الملف <code>AZ 2026-117</code> و<pre>line 1\nline 2</pre>"
    assert isolate_ltr_runs(text) == f"رقم الملف {L}<code>AZ 2026-117</code>{R} و<pre>line 1\nline 2</pre>"


def test_existing_isolates_are_left_alone() -> None:
    text = f"في {L}Westerfilder Straße 54{R} و\u2066abc\u2069"
    assert isolate_ltr_runs(text) == text


def test_latin_only_text_becomes_one_isolate_per_line() -> None:
    assert isolate_ltr_runs("Hello World\nBye") == f"{L}Hello World{R}\n{L}Bye{R}"


# --- properties ---------------------------------------------------------------------------------


def _without_isolates(text: str) -> str:
    return text.replace(FSI, "").replace(PDI, "")


@settings(max_examples=400, deadline=None)
@given(html_texts)
def test_isolation_only_adds_isolates_and_is_idempotent(text: str) -> None:
    out = isolate_ltr_runs(text)
    assert _without_isolates(out) == _without_isolates(text)
    assert isolate_ltr_runs(out) == out
    # Tags and entities come through untouched, as whole tokens.
    assert TAG.findall(out) == TAG.findall(text)
    kept = [t.raw for t in tokenize(out) if t.raw not in (FSI, PDI)]
    assert kept == [t.raw for t in tokenize(text) if t.raw not in (FSI, PDI)]
    assert out.count(FSI) - text.count(FSI) == out.count(PDI) - text.count(PDI)
    assert_valid_html(out)


@settings(max_examples=200, deadline=None)
@given(html_texts)
def test_every_latin_letter_and_digit_ends_up_isolated(text: str) -> None:
    """Outside code/pre/existing isolates, no left-to-right character is left bare."""
    out = isolate_ltr_runs(text)
    depth = 0
    opaque = 0
    for token in tokenize(out):
        if token.tag in ("code", "pre"):
            opaque += -1 if token.closing else 1
            continue
        for ch in token.text:
            if ch in (FSI, "\u2066"):
                depth += 1
            elif ch == PDI and depth:
                depth -= 1
            elif ch == "\n":  # a line break ends every isolate, inside <pre> too
                depth = 0
            elif (ch.isascii() and ch.isalnum()) and not opaque:
                assert depth > 0, f"{ch!r} not isolated in {out!r}"


def test_commands_stay_whole_and_tappable_in_right_to_left_text() -> None:
    from bot.text.bidi import FSI, PDI, isolate_ltr_runs

    assert isolate_ltr_runs("اكتب /office أو /hours") == f"اكتب {FSI}/office{PDI} أو {FSI}/hours{PDI}"
