"""/start in the person's own language, switching languages, and erasing one's data."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.content.locales import Catalog, html_to_plain
from bot.core.replies import Msg
from bot.storage.models import ConversationState, Person
from tests.e2e.harness import Telegram, buttons

CATALOG = Catalog.load()


def visible(key: str, language: str) -> str:
    return html_to_plain(CATALOG.render(Msg(key), language)).replace("\u2068", "").replace("\u2069", "")


@pytest.mark.parametrize("language", ["uk", "ar", "tr", "fa", "ro", "bg", "ru", "fr", "en"])
async def test_start_greets_in_the_app_language(tg: Telegram, language: str) -> None:
    person = tg.person(9100, "Test", language_code=language)
    await person.send("/start")
    reply = (await tg.replies(person))[0]
    text = reply.text.replace("\u2068", "").replace("\u2069", "")
    assert visible("start.greeting", language).split("!")[0] in text
    assert visible("menu.find_office", language) in buttons(reply)


async def test_switching_language_is_remembered(tg: Telegram) -> None:
    person = tg.person(9101, "Test", language_code="de")
    await person.send("/language")
    picker = (await tg.replies(person))[0]
    assert "Українська" in buttons(picker)
    await person.press("Українська")
    replies = await tg.replies(person)
    assert replies[0].text == visible("language.set", "uk").replace("{name}", "Українська")
    await tg.restart()
    await person.send("/help")
    assert (await tg.replies(person))[0].text.startswith(visible("help.text", "uk")[:20])


async def test_privacy_tells_what_is_stored_and_delete_erases_it(tg: Telegram) -> None:
    person = tg.person(9102, "Olena", language_code="de")
    await person.send("/office")
    await tg.replies(person)
    await person.send("Eving")
    await tg.replies(person)
    await person.send("/privacy")
    privacy = (await tg.replies(person))[0]
    assert "90 Tage" in privacy.text and "keine Telefonnummer" in privacy.text
    assert "Sicherungskopien" in privacy.text and "30 Tagen" in privacy.text  # BACKUP_RETENTION_DAYS
    await person.press("🗑 Meine Daten löschen")
    confirm = (await tg.replies(person))[0]
    assert "Wirklich alles löschen?" in confirm.text
    await person.press("Ja, alles löschen")
    done = (await tg.replies(person))[0]
    assert done.text.startswith("Ihre Daten sind gelöscht")
    async with tg.services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person).where(Person.external_id == "9102")) == 0
        states = (await session.scalars(select(ConversationState.key))).all()
        assert not any(":9102:" in key for key in states)
