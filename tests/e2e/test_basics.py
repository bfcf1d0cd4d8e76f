"""People talking to the running bot over the (fake) Telegram Bot API."""

from __future__ import annotations

import pytest

from tests.e2e.harness import Telegram, buttons, callback_data


async def test_start_greets_in_the_app_language_and_shows_the_menu(tg: Telegram) -> None:
    olena = tg.person(1001, "Olena", language_code="de")
    await olena.send("/start")
    reply = await olena.wait_reply()
    assert "Willkommen bei lokal willkommen" in reply.text
    assert reply.parse_mode == "HTML"
    labels = buttons(reply)
    assert "📍 Mein Büro" in labels and "🎒 Schule" in labels and "💬 Mit Mitarbeitenden sprechen" in labels


async def test_unsupported_app_language_gets_the_language_picker_first(tg: Telegram) -> None:
    tesfay = tg.person(1002, "Tesfay", language_code="ti")
    await tesfay.send("/start")
    reply = await tesfay.wait_reply()
    assert "Please choose your language" in reply.text
    assert "Deutsch" in buttons(reply) and "English" in buttons(reply)
    await tesfay.press("Deutsch")
    replies = await tg.replies(tesfay)
    assert replies[0].text == "Ich schreibe Ihnen ab jetzt auf Deutsch."
    assert "🎒 Schule" in buttons(replies[1])


async def test_menu_topic_runs_its_flow(tg: Telegram) -> None:
    amir = tg.person(1003, "Amir", language_code="de")
    await amir.send("/start")
    await amir.wait_reply()
    await amir.press("🎒 Schule")
    question = await amir.wait_reply()
    assert "alt" in question.text  # the school flow asks for the child's age first
    assert len(buttons(question)) >= 3


async def test_a_dialogue_continues_after_a_restart(tg: Telegram) -> None:
    person = tg.person(1004, "Mariam", language_code="de")
    await person.send("/office")
    ask = await person.wait_reply()
    assert "Wo wohnen Sie?" in ask.text
    keyboard = ask.reply_markup["keyboard"]
    assert keyboard[0][0]["request_location"] is True
    await tg.restart()
    await person.send("Hoerde")  # typed without the umlaut
    replies = await tg.replies(person)
    card = replies[0]
    assert "Für Hörde ist dieses Büro zuständig" in card.text
    assert "Hörde/Hombruch" in card.text
    assert any(m.kind == "venue" for m in replies)


async def test_sharing_a_location_finds_the_office_with_a_map_pin(tg: Telegram) -> None:
    person = tg.person(1005, "Yusuf", language_code="de")
    await person.send("/office")
    await tg.replies(person)
    await person.share_location(51.5403, 7.4660)  # Eving
    replies = await tg.replies(person)
    assert "Eving" in replies[0].text and "Eving/Scharnhorst" in replies[0].text
    assert "Bayrische Straße 135" in replies[0].text
    venue = next(m for m in replies if m.kind == "venue")
    assert "Eving/Scharnhorst" in venue.content["venue"]["title"]


async def test_a_failing_handler_apologizes_and_the_bot_carries_on(
    tg: Telegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.dialogues import privacy

    async def broken(turn, args=""):
        raise RuntimeError("boom")

    monkeypatch.setitem(privacy.dialogue.commands, "privacy", broken)
    person = tg.person(1006, "Ahmad", language_code="de")
    await person.send("/privacy")
    reply = await person.wait_reply()
    assert reply.text.startswith("Entschuldigung, da ist bei mir etwas schiefgegangen")
    await person.send("/menu")
    assert "Wobei kann ich helfen?" in (await person.wait_reply()).text


async def test_unknown_commands_and_unsupported_messages_get_a_helpful_reply(tg: Telegram) -> None:
    person = tg.person(1007, "Ion", language_code="de")
    await person.send("/foobar")
    assert "Diesen Befehl kenne ich nicht" in (await person.wait_reply()).text
    await person.send_sticker()
    assert "Danke" in (await person.wait_reply()).text
    await person.send_voice()
    assert "Sprachnachrichten kann ich leider nicht anhören" in (await person.wait_reply()).text


async def test_forged_and_stale_buttons_are_answered_without_a_crash(tg: Telegram) -> None:
    person = tg.person(1008, "Petra", language_code="de")
    await person.send("/start")
    menu = await person.wait_reply()
    assert callback_data(menu)
    await tg.press_data(person, "bks:zz:notanumber", menu)
    await tg.settled()
    answer = tg.server.calls("answerCallbackQuery")[-1]
    assert "nicht mehr aktuell" in answer.params["text"]
    await tg.press_data(person, "f:school:no_such_step", menu)
    reply = await person.wait_reply()
    assert "nicht mehr aktuell" in reply.text


async def test_other_groups_get_silence(tg: Telegram) -> None:
    group = tg.server.group(-1009999, "Nachbarschaft", is_forum=False)
    member = tg.person(1009, "Nina", language_code="de")
    before = len(tg.server.requests)
    await group.send(member, "/start")
    await group.send(member, "Hallo Bot")
    await tg.settled()
    sent = [r for r in tg.server.requests[before:] if r.method.startswith("send")]
    assert sent == []


async def test_updates_of_unused_types_do_not_break_anything(tg: Telegram) -> None:
    person = tg.person(1010, "Lea", language_code="de")
    tg.server.add_raw_update(
        {
            "poll": {
                "id": "p1",
                "question": "?",
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
                "options": [{"text": t, "voter_count": 0, "persistent_id": t} for t in ("a", "b")],
            }
        }
    )
    await person.edit(await person.send("Hallo"), "Hallo!")
    await person.send("/menu")
    assert "Wobei kann ich helfen?" in (await person.wait_reply(predicate=lambda m: "Wobei" in (m.text or ""))).text


async def test_the_command_menu_is_localized_per_language(tg: Telegram) -> None:
    calls = tg.server.calls("setMyCommands")
    languages = {c.params.get("language_code") for c in calls}
    assert None in languages and "de" in languages
    german = next(c for c in calls if c.params.get("language_code") == "de")
    names = [c["command"] for c in german.params["commands"]]
    assert names == [
        "start",
        "menu",
        "office",
        "hours",
        "book",
        "mybookings",
        "human",
        "language",
        "privacy",
        "deletemydata",
        "help",
    ]


async def test_the_same_update_delivered_twice_is_handled_once(tg: Telegram) -> None:
    person = tg.person(1011, "Omar", language_code="de")
    message = await person.send("/start")
    await person.wait_reply()
    help_message = dict(message.to_api(), text="/help", message_id=message.message_id + 100)
    update = {"update_id": 990001, "message": help_message}
    assert tg.app is not None
    # The same update twice, as after a crash before the offset was confirmed, or a webhook retry.
    await tg.app.dispatcher.feed_raw_update(tg.app.bot, update)
    await tg.app.dispatcher.feed_raw_update(tg.app.bot, update)
    await tg.settled()
    helps = [m for m in person.replies if m.text and m.text.startswith("So funktioniert es")]
    assert len(helps) == 1
