"""What staff see of a handoff, in German: thread titles, the first summary, relayed messages.

Everything here returns Telegram HTML (or plain text for titles) built from locale keys under
`staff.handoff`; what a person wrote only ever enters as an argument, so `Catalog.render`
escapes it. Long messages are split into parts that each fit one Telegram message.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from babel import Locale

from bot.content.locales import html_to_plain
from bot.core.replies import Msg, Raw
from bot.core.services import Services
from bot.handoff.translate import Relayed, service_name
from bot.places.formatting import format_date, format_time
from bot.storage.models import Handoff, Person
from bot.text.telegram_html import MESSAGE_LIMIT, split_message, strip_control_characters, visible_length

STAFF_LANGUAGE = "de"
TITLE_LIMIT = 128  # Telegram's limit for forum topic names
NAME_LIMIT = 32
BOOKINGS_LISTED = 5
# Flows that are features, not topics a person asks about.
NOT_TOPICS = frozenset({"human", "office", "hours", "booking", "language"})
MEDIA_KINDS = (
    "photo",
    "document",
    "voice",
    "video",
    "video_note",
    "audio",
    "animation",
    "sticker",
    "contact",
    "venue",
    "poll",
    "dice",
)
_HANDOFF_NUMBER = re.compile(r"#(\d{1,9})")


def _de(services: Services, msg: Msg) -> str:
    return services.catalog.render(msg, STAFF_LANGUAGE)


@lru_cache(maxsize=64)
def language_name(code: str) -> str:
    """ "Ukrainisch" for "uk" (German names for staff); the code itself if unknown."""
    try:
        return str(Locale.parse("de").languages.get(code.split("-")[0], code))
    except Exception:  # noqa: BLE001 - a strange code must not break the handoff
        return code


def language_of(person: Person) -> str:
    return person.language or STAFF_LANGUAGE


def language_label(person: Person) -> str:
    code = language_of(person)
    return f"{language_name(code)} ({code.upper()})"


def topic_label(services: Services, topic: str | None) -> str | None:
    """ "Strom und Gas" for the flow "energy" (its German menu title without the emoji)."""
    if not topic or topic in NOT_TOPICS or topic not in services.flows:
        return None
    title = html_to_plain(_de(services, Msg(services.flows.get(topic).title))).strip()
    first, _, rest = title.partition(" ")
    return rest.strip() if rest and not any(ch.isalnum() for ch in first) else title


def clean_name(name: str | None) -> str | None:
    if not name:
        return None
    cleaned = " ".join(strip_control_characters(name).split())[:NAME_LIMIT]
    return cleaned or None


def thread_title(services: Services, handoff: Handoff, person: Person, *, state: str = "open") -> str:
    """ "UK · Strom und Gas · Olena" while open; without the name once closed or erased."""
    language = language_of(person).upper()
    topic = topic_label(services, handoff.topic) or html_to_plain(_de(services, Msg("staff.handoff.general_topic")))
    if state == "erased":
        msg = Msg("staff.handoff.title_erased", id=handoff.id)
    elif state == "closed" or not clean_name(handoff.display_name):
        msg = Msg(
            "staff.handoff.title_closed" if state == "closed" else "staff.handoff.title_numbered",
            language=language,
            topic=topic,
            id=handoff.id,
        )
    else:
        msg = Msg("staff.handoff.title_open", language=language, topic=topic, name=clean_name(handoff.display_name))
    return html_to_plain(_de(services, msg))[:TITLE_LIMIT]


def _place(services: Services, person: Person) -> Msg:
    district = services.places.districts().get(person.district or "") if person.district else None
    office = services.places.offices().get(person.office or "") if person.office else None
    if district is not None and office is not None:
        return Msg("staff.handoff.place", district=district.name, office=office.name)
    if office is not None:
        return Msg("staff.handoff.place_office", office=office.name)
    return Msg("staff.handoff.place_unknown")


def _bookings(services: Services, starts: list[datetime]) -> Msg:
    if not starts:
        return Msg("staff.handoff.no_bookings")
    times = ", ".join(
        f"{format_date(s, STAFF_LANGUAGE)} {format_time(s, STAFF_LANGUAGE)}" for s in starts[:BOOKINGS_LISTED]
    )
    if len(starts) > BOOKINGS_LISTED:
        times += ", …"
    return Msg("staff.handoff.bookings", count=len(starts), times=times)


def _translation(services: Services, person: Person) -> Msg:
    service = service_name(services)
    if language_of(person) == STAFF_LANGUAGE:
        return Msg("staff.handoff.translation_not_needed")
    if service is None:
        return Msg("staff.handoff.translation_off")
    if not person.translation_consent:
        return Msg("staff.handoff.translation_declined")
    return Msg("staff.handoff.translation_on", service=service)


def summary(
    services: Services,
    handoff: Handoff,
    person: Person,
    *,
    threaded: bool,
    last_topic: str | None,
    bookings: list[datetime],
    reopened: bool = False,
) -> str:
    """The first post of a thread (or the post that reopens it)."""
    topic = topic_label(services, handoff.topic) or _de(services, Msg("staff.handoff.no_topic"))
    answered = topic_label(services, last_topic) or _de(services, Msg("staff.handoff.nothing_answered"))
    howto = Msg("staff.handoff.howto_topic") if threaded else Msg("staff.handoff.howto_reply", id=handoff.id)
    return _de(
        services,
        Msg(
            "staff.handoff.reopened" if reopened else "staff.handoff.summary",
            id=handoff.id,
            language=language_label(person),
            place=_place(services, person),
            topic=topic,
            answered=answered,
            bookings=_bookings(services, bookings),
            translation=_translation(services, person),
            howto=howto,
        ),
    )


def _header(services: Services, handoff: Handoff, person: Person, *, threaded: bool) -> str:
    if threaded:
        return _de(services, Msg("staff.handoff.header_topic", language=language_label(person)))
    return _de(services, Msg("staff.handoff.header_reply", id=handoff.id, language=language_label(person)))


def _translation_block(services: Services, relayed: Relayed, key: str) -> str:
    if relayed.text is not None:
        return "\n\n" + _de(services, Msg(key, service=service_name(services) or "", text=relayed.text))
    if relayed.failed:
        return "\n\n" + _de(services, Msg("staff.handoff.translation_failed"))
    return ""


def _with_header(header: str, body: str, *, every_part: bool) -> list[str]:
    """`header` + body, split to fit; in a plain group every part carries the header (handoff id)."""
    limit = MESSAGE_LIMIT - visible_length(header) - 1
    chunks = split_message(body, limit)
    return [f"{header}\n{chunk}" if index == 0 or every_part else chunk for index, chunk in enumerate(chunks)]


def relay_parts(
    services: Services, handoff: Handoff, person: Person, *, threaded: bool, original: str, relayed: Relayed
) -> list[str]:
    """A newcomer's text for staff: the original, then the marked machine translation."""
    header = _header(services, handoff, person, threaded=threaded)
    body = _de(services, Msg("staff.handoff.original", text=original))
    body += _translation_block(services, relayed, "staff.handoff.machine")
    return _with_header(header, body, every_part=not threaded)


def media_kind(services: Services, kind: str) -> str:
    key = f"staff.handoff.kind.{kind if kind in MEDIA_KINDS else 'other'}"
    return _de(services, Msg(key))


def media_header(services: Services, handoff: Handoff, person: Person, kind: str) -> str:
    """In a plain group, the line before a copied photo or document: whose it is."""
    return _de(
        services,
        Msg(
            "staff.handoff.media_reply",
            id=handoff.id,
            kind=Raw(media_kind(services, kind)),
            language=language_label(person),
        ),
    )


def caption_parts(
    services: Services, handoff: Handoff, person: Person, *, threaded: bool, relayed: Relayed
) -> list[str]:
    """The translation of a photo's caption, posted under the copy (empty when not translated)."""
    block = _translation_block(services, relayed, "staff.handoff.caption_machine").lstrip("\n")
    if not block:
        return []
    if threaded:
        return split_message(block)
    return _with_header(_header(services, handoff, person, threaded=False), block, every_part=True)


def emergency_alert(services: Services, handoff: Handoff, category: str) -> str:
    """ "#12: possible emergency (violence at home)": posted under the person's message."""
    return _de(
        services, Msg("safety.staff.alert_handoff", id=handoff.id, category=Msg(f"safety.staff.category.{category}"))
    )


def note(services: Services, key: str, **args: object) -> str:
    return _de(services, Msg(f"staff.handoff.{key}", **args))


def handoff_number(text: str | None) -> int | None:
    """The handoff number in the header of a message the bot posted in a plain group."""
    if not text:
        return None
    match = _HANDOFF_NUMBER.search(text.split("\n", 1)[0])
    return int(match.group(1)) if match else None
