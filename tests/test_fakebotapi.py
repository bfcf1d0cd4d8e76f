"""The fake Bot API server, driven by the real aiogram Bot over HTTP on 127.0.0.1.

Every test ends with ``assert_no_violations()`` (in the fixture): errors provoked on purpose are
announced with ``server.expect_violation(...)`` or come from injected faults/blocked users.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiogram.methods as aiogram_methods
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandStart
from aiogram.methods import Response, SendMessage, TelegramMethod
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyParameters,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import ClientSession, web

from tests.fakebotapi import FakeBotAPI, FakeUser, parse_html
from tests.fakebotapi.errors import ApiError
from tests.fakebotapi.examples import result_for

NOT_MODIFIED = "message is not modified"


@pytest.fixture
async def server() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as fake:
        yield fake
        fake.assert_no_violations()


@pytest.fixture
def bot(server: FakeBotAPI) -> Bot:
    return server.make_bot()


@pytest.fixture
def olena(server: FakeBotAPI) -> FakeUser:
    return server.user(1001, first_name="Olena", language_code="uk")


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in buttons])


# -- validation of requests -------------------------------------------------------------------


async def test_valid_send_message_is_recorded_per_chat(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    sent = await bot.send_message(
        olena.id,
        "<b>Willkommen</b> in Dortmund &amp; Umgebung!",
        parse_mode="HTML",
        reply_markup=keyboard(("Termin", "book:1")),
    )

    assert sent.text == "Willkommen in Dortmund & Umgebung!"
    assert sent.entities is not None and sent.entities[0].type == "bold"
    [stored] = server.chat(olena.id).messages
    assert stored.message_id == sent.message_id
    assert stored.raw_text.startswith("<b>")
    assert stored.parse_mode == "HTML"
    assert stored.button_texts == ["Termin"] and stored.callback_data == ["book:1"]
    [request] = server.calls("sendMessage")
    assert request.ok and request.params["chat_id"] == olena.id


async def test_unknown_parameter_is_rejected(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    with server.expect_violation('unknown parameter "colour"'):
        with pytest.raises(TelegramBadRequest, match='unknown parameter "colour"'):
            await bot(SendMessage(chat_id=olena.id, text="Hallo", colour="red"))


async def test_missing_required_parameter_is_rejected(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    with server.expect_violation("message text is empty"):
        with pytest.raises(TelegramBadRequest, match="message text is empty"):
            await bot.send_message(olena.id, "")  # aiogram drops the empty field
    with server.expect_violation('parameter "latitude" is required'):
        with pytest.raises(TelegramBadRequest, match="latitude"):
            await bot(aiogram_methods.SendLocation.model_construct(chat_id=olena.id, longitude=7.46))


async def test_wrong_types_are_rejected_also_nested(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    with server.expect_violation("must be of type Boolean"):
        with pytest.raises(TelegramBadRequest, match='"disable_notification" must be of type'):
            await bot(SendMessage.model_construct(chat_id=olena.id, text="x", disable_notification="maybe"))
    # model_construct skips aiogram's own validation, as a hand-built request would.
    bad_button = InlineKeyboardButton.model_construct(text="Ja", callback_data=5)
    markup = InlineKeyboardMarkup.model_construct(inline_keyboard=[[bad_button]])
    with server.expect_violation('"callback_data" must be of type String'):
        with pytest.raises(TelegramBadRequest, match="callback_data"):
            await bot(SendMessage.model_construct(chat_id=olena.id, text="x", reply_markup=markup))


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<b>fett", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("<div>Block</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("Termin</b>", "Unexpected end tag at byte offset 6"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("Tom & Jerry", 'Character "&" at byte offset 4'),
        ("a > b", 'Character ">" at byte offset 2'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
    ],
)
async def test_bad_html_is_rejected_like_telegram(
    server: FakeBotAPI, bot: Bot, olena: FakeUser, html: str, error: str
) -> None:
    with server.expect_violation("can't parse entities"):
        with pytest.raises(TelegramBadRequest) as caught:
            await bot.send_message(olena.id, html, parse_mode="HTML")
    assert f"Bad Request: can't parse entities: {error}" in caught.value.message


async def test_all_telegram_html_tags_are_accepted(bot: Bot, olena: FakeUser) -> None:
    html = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        '<strike>k</strike><del>d</del><span class="tg-spoiler">p</span><tg-spoiler>t</tg-spoiler>'
        '<a href="https://dortmund.de/?a=1&amp;b=2">link</a><tg-emoji emoji-id="5368324170671202286">'
        '👍</tg-emoji><code>c</code><pre><code class="language-python">x = 1</code></pre>'
        "<blockquote>q</blockquote><blockquote expandable>long</blockquote> &lt;3 &quot;&#228;&#x1F600;"
    )
    sent = await bot.send_message(olena.id, html, parse_mode="HTML")

    assert sent.text is not None and sent.text.endswith('<3 "ä😀')
    types = [e.type for e in sent.entities or []]
    assert {
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "text_link",
        "custom_emoji",
        "code",
        "pre",
        "blockquote",
        "expandable_blockquote",
    } <= set(types)
    pre = next(e for e in sent.entities or [] if e.type == "pre")
    assert pre.language == "python"


async def test_text_limit_counts_visible_characters(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    visible_4096 = "<b>" + "x" * 4090 + "</b>&amp;&lt;&gt;" + "y" * 3
    assert len(parse_html(visible_4096).text) == 4096
    await bot.send_message(olena.id, visible_4096, parse_mode="HTML")

    with server.expect_violation("message is too long"):
        with pytest.raises(TelegramBadRequest, match="message is too long"):
            await bot.send_message(olena.id, "<i>" + "x" * 4097 + "</i>", parse_mode="HTML")
    photo = server.register_file("photo", b"jpeg")
    await bot.send_photo(olena.id, photo.file_id, caption="<b>c</b>" + "x" * 1023, parse_mode="HTML")
    with server.expect_violation("message caption is too long"):
        with pytest.raises(TelegramBadRequest, match="caption is too long"):
            await bot.send_photo(olena.id, photo.file_id, caption="x" * 1025)


@pytest.mark.parametrize("data", ["x" * 65, "ä" * 33, "€" * 22], ids=["ascii", "umlaut", "euro"])
async def test_callback_data_over_64_bytes_is_rejected(
    server: FakeBotAPI, bot: Bot, olena: FakeUser, data: str
) -> None:
    assert len(data.encode()) > 64  # "ä" * 33 is 33 characters but 66 bytes
    with server.expect_violation("BUTTON_DATA_INVALID"):
        with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
            await bot.send_message(olena.id, "Wähle", reply_markup=keyboard(("A", data)))


async def test_keyboard_rules(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    await bot.send_message(olena.id, "ok", reply_markup=keyboard(("A", "x" * 64)))
    await bot.send_message(
        olena.id,
        "reply keyboard",
        reply_markup=ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Standort senden", request_location=True)]]),
    )
    url_button = InlineKeyboardButton(text="Web", url="ftp://dortmund.de")
    with server.expect_violation("BUTTON_URL_INVALID"):
        with pytest.raises(TelegramBadRequest):
            await bot.send_message(olena.id, "x", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[url_button]]))
    with server.expect_violation("BUTTON_TEXT_EMPTY"):
        with pytest.raises(TelegramBadRequest):
            await bot.send_message(olena.id, "x", reply_markup=keyboard(("", "d")))


async def test_answer_callback_query_rules(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    await bot.send_message(olena.id, "Frage", reply_markup=keyboard(("Ja", "yes")))
    press = await olena.press("Ja")
    assert server.unanswered_callbacks == [press]

    with server.expect_violation("MESSAGE_TOO_LONG"):
        with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
            await bot.answer_callback_query(press.id, text="x" * 201)
    await bot.answer_callback_query(press.id, text="x" * 200)
    assert press.answered and press.text == "x" * 200
    with server.expect_violation("query is too old"):
        with pytest.raises(TelegramBadRequest, match="query is too old and response timeout"):
            await bot.answer_callback_query(press.id)
    with server.expect_violation("query is too old"):
        with pytest.raises(TelegramBadRequest):
            await bot.answer_callback_query("4242")
    server.assert_all_callbacks_answered()


async def test_edit_rules(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    sent = await bot.send_message(olena.id, "<b>Termin</b>", parse_mode="HTML", reply_markup=keyboard(("OK", "ok")))
    with server.expect_violation(NOT_MODIFIED):
        with pytest.raises(TelegramBadRequest, match="exactly the same as a current content"):
            await bot.edit_message_text(
                "<b>Termin</b>",
                chat_id=olena.id,
                message_id=sent.message_id,
                parse_mode="HTML",
                reply_markup=keyboard(("OK", "ok")),
            )
    # Same text, but the keyboard goes away: that is a modification.
    await bot.edit_message_text("<b>Termin</b>", chat_id=olena.id, message_id=sent.message_id, parse_mode="HTML")
    with server.expect_violation(NOT_MODIFIED):
        with pytest.raises(TelegramBadRequest, match=NOT_MODIFIED):
            await bot.edit_message_reply_markup(chat_id=olena.id, message_id=sent.message_id)
    with server.expect_violation("message to edit not found"):
        with pytest.raises(TelegramBadRequest, match="message to edit not found"):
            await bot.edit_message_text("x", chat_id=olena.id, message_id=999)
    await bot.delete_message(olena.id, sent.message_id)
    with server.expect_violation("message to edit not found"):
        with pytest.raises(TelegramBadRequest):
            await bot.edit_message_reply_markup(
                chat_id=olena.id, message_id=sent.message_id, reply_markup=keyboard(("A", "a"))
            )

    [stored] = server.chat(olena.id).deleted_messages
    assert [e.reply_markup is not None for e in stored.edits] == [True]
    assert server.chat(olena.id).messages == []


async def test_chats_people_and_ranges(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    with server.expect_violation("chat not found"):
        with pytest.raises(TelegramBadRequest, match="chat not found"):
            await bot.send_message(424242, "Hallo?")
    with server.expect_violation("wrong latitude"):
        with pytest.raises(TelegramBadRequest, match="wrong latitude"):
            await bot.send_location(olena.id, latitude=91.0, longitude=7.46)
    await bot.send_location(olena.id, latitude=51.5136, longitude=7.4653)
    await bot.send_venue(olena.id, 51.5136, 7.4653, "Bürgeramt", "Südwall 2-4, Dortmund")
    stranger = server.user(2002, started=False)
    with server.expect_violation("can't initiate conversation"):
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(stranger.id, "Hallo")

    venue = server.chat(olena.id).last
    assert venue is not None and venue.venue is not None
    assert venue.venue["title"] == "Bürgeramt" and venue.location["latitude"] == 51.5136


async def test_blocked_user_gives_forbidden_and_is_no_violation(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    olena.block()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(olena.id, "Erinnerung")
    olena.unblock()
    await bot.send_message(olena.id, "Erinnerung")

    assert server.calls("sendMessage")[0].provoked
    assert [u for u in server.updates.pending if "my_chat_member" in u][0]["my_chat_member"]["new_chat_member"][
        "status"
    ] == "kicked"


async def test_markdown_v2_is_checked(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    sent = await bot.send_message(olena.id, "*fett* und \\. _kursiv_", parse_mode="MarkdownV2")
    assert sent.text == "fett und . kursiv"
    with server.expect_violation("is reserved and must be escaped"):
        with pytest.raises(TelegramBadRequest, match="Character '.' is reserved"):
            await bot.send_message(olena.id, "Ende.", parse_mode="MarkdownV2")


# -- faults and limits ------------------------------------------------------------------------


async def test_injected_faults(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    server.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(olena.id, "x")
    assert caught.value.retry_after == 7
    server.fail_next("sendMessage", 500)
    with pytest.raises(TelegramServerError):
        await bot.send_message(olena.id, "x")
    server.drop_connection_next("sendMessage")
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(olena.id, "x")
    server.delay_next("sendMessage", 0.5)
    with pytest.raises(TelegramNetworkError, match="timeout"):
        await bot.send_message(olena.id, "spät", request_timeout=0.1)
    await server.wait_for(lambda r: r.params.get("text") == "spät")
    await bot.send_message(olena.id, "ok")

    # The late message did arrive, as with Telegram: clients must expect duplicates.
    assert [m.text for m in server.chat(olena.id).messages] == ["spät", "ok"]
    assert [r.provoked for r in server.calls("sendMessage")] == [True, True, True, False, False]


async def test_flood_limits(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    server.enable_rate_limits(private_burst=2, group_burst=3)
    group = server.group(-1001234, "Staff")
    await bot.send_message(olena.id, "1")
    await bot.send_message(olena.id, "2")
    with server.expect_violation("Too Many Requests: retry after"):
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(olena.id, "3")
    assert caught.value.retry_after >= 1
    for n in range(3):
        await bot.send_message(group.id, str(n))
    with server.expect_violation("Too Many Requests", status=429):
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(group.id, "4")
    assert caught.value.retry_after >= 3  # 20 per minute: one token every 3 s


async def test_wrong_token_and_unknown_method(server: FakeBotAPI, bot: Bot) -> None:
    class SendMesage(TelegramMethod[bool]):
        __returning__ = bool
        __api_method__ = "sendMesage"
        chat_id: int

    with server.expect_violation("Not Found", status=404):
        with pytest.raises(TelegramNotFound):
            await bot(SendMesage(chat_id=1))
    with server.expect_violation("Unauthorized"):
        with pytest.raises(TelegramUnauthorizedError):
            await server.make_bot(token="42:wrong").get_me()
    assert (await bot.get_me()).username == server.bot_user["username"]


# -- updates ----------------------------------------------------------------------------------


async def test_get_updates_long_poll_returns_as_soon_as_an_update_arrives(
    server: FakeBotAPI, bot: Bot, olena: FakeUser
) -> None:
    async def later() -> None:
        await asyncio.sleep(0.2)
        await olena.send("/start")

    task = asyncio.create_task(later())
    started = time.monotonic()
    updates = await bot.get_updates(timeout=10)
    await task

    assert time.monotonic() - started < 2
    [update] = updates
    assert update.message is not None and update.message.text == "/start"
    assert update.message.entities is not None and update.message.entities[0].type == "bot_command"
    assert await bot.get_updates(offset=update.update_id, timeout=0) == [update]  # not confirmed
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == []


async def test_dispatcher_polling_conversation(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message) -> None:
        assert message.from_user is not None
        await message.answer(
            f"Привіт, <b>{message.from_user.first_name}</b>!",
            parse_mode="HTML",
            reply_markup=keyboard(("Termin buchen", "book")),
        )

    @dp.callback_query(F.data == "book")
    async def book(query: CallbackQuery) -> None:
        await query.answer("Gebucht")
        assert isinstance(query.message, Message)
        await query.message.edit_text("Termin gebucht ✅")

    @dp.message(F.location)
    async def location(message: Message) -> None:
        await message.reply("Danke für den Standort")

    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, close_bot_session=False))
    try:
        await olena.send("/start")
        greeting = await olena.wait_reply()
        assert greeting.text == "Привіт, Olena!"
        assert greeting.button_texts == ["Termin buchen"]

        press = await olena.press("Termin buchen")
        edited = await olena.wait_reply()
        assert edited is greeting and edited.text == "Termin gebucht ✅"
        assert (await press.wait_answered()).text == "Gebucht"

        shared = await olena.share_location(51.5136, 7.4653)
        answer = await olena.wait_reply()
        assert answer.reply_to is shared
    finally:
        await dp.stop_polling()
        await polling
    assert [r.method for r in server.requests[:2]] == ["getMe", "getUpdates"]


async def test_forum_topics_and_threads(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    staff = server.group(-1009876543210, "Beratung Team", is_forum=True)
    topic = await bot.create_forum_topic(staff.id, "Anfrage von Olena")
    await bot.send_message(staff.id, "Neue Anfrage", message_thread_id=topic.message_thread_id)
    await bot.send_message(staff.id, "Allgemein")
    member = server.user(3003, first_name="Jana")
    await staff.send(member, "Ich übernehme", thread_id=topic.message_thread_id)
    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.is_topic_message
    assert update.message.message_thread_id == topic.message_thread_id

    await bot.close_forum_topic(staff.id, topic.message_thread_id)
    with server.expect_violation("TOPIC_NOT_MODIFIED"):
        with pytest.raises(TelegramBadRequest):
            await bot.close_forum_topic(staff.id, topic.message_thread_id)
    await bot.reopen_forum_topic(staff.id, topic.message_thread_id)
    with server.expect_violation("message thread not found"):
        with pytest.raises(TelegramBadRequest, match="message thread not found"):
            await bot.send_message(staff.id, "x", message_thread_id=4242)
    plain = server.group(-1001111, "Kein Forum")
    with server.expect_violation("the chat is not a forum"):
        with pytest.raises(TelegramBadRequest, match="the chat is not a forum"):
            await bot.create_forum_topic(plain.id, "Thema")
    with server.expect_violation("TOPIC_TITLE_TOO_LONG"):
        with pytest.raises(TelegramBadRequest):
            await bot.create_forum_topic(staff.id, "x" * 129)

    in_topic = server.messages_in_thread(staff.id, topic.message_thread_id)
    assert [m.text for m in in_topic] == ["Neue Anfrage"]
    assert [m.text for m in staff.messages_in_thread(None)] == ["Allgemein"]
    assert staff.chat.topics[topic.message_thread_id].closed is False


async def test_webhook_push_with_secret_token(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message) -> SendMessage:
        return message.answer("Hallo per Webhook")  # answered inside the webhook response

    app = web.Application()
    SimpleRequestHandler(dp, bot, handle_in_background=False, secret_token="s3cr3t-Token_1").register(app, path="/tg")
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        with server.expect_violation("secret token contains unallowed characters"):
            with pytest.raises(TelegramBadRequest):
                await bot.set_webhook(f"http://127.0.0.1:{port}/tg", secret_token="bad token!")
        await bot.set_webhook(f"http://127.0.0.1:{port}/tg", secret_token="s3cr3t-Token_1")
        with server.expect_violation("can't use getUpdates method while webhook is active"):
            with pytest.raises(TelegramConflictError):
                await bot.get_updates()
        await olena.send("/start")
        [delivery] = await server.push_updates_to_webhook()
    finally:
        await runner.cleanup()

    assert delivery.ok and delivery.secret_token == "s3cr3t-Token_1"
    assert delivery.reply_method == "sendMessage"
    assert [m.text for m in olena.replies] == ["Hallo per Webhook"]
    assert server.calls("sendMessage")[-1].via == "webhook-response"
    assert server.updates.pending == []


async def test_webhook_auto_push() -> None:
    async with FakeBotAPI(webhook_auto_push=True) as server:
        bot = server.make_bot()
        dp = Dispatcher()

        @dp.message()
        async def echo(message: Message) -> None:
            await message.answer(f"Echo: {message.text}")

        app = web.Application()
        SimpleRequestHandler(dp, bot).register(app, path="/hook")  # handles in background
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        try:
            await bot.set_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/hook")
            user = server.user(7)
            await user.send("Hallo")
            assert (await user.wait_reply()).text == "Echo: Hallo"
        finally:
            await runner.cleanup()
        assert [d.ok for d in server.webhook_deliveries] == [True]
        assert [d.secret_token for d in server.webhook_deliveries] == [None]
        server.assert_no_violations()


# -- other methods ----------------------------------------------------------------------------


async def test_files_copies_and_replies(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    staff = server.group(-1005550000, "Team")
    doc = await olena.send_document("Meldebescheinigung.pdf", data=b"%PDF-1.7 scan")
    copied = await bot.copy_message(staff.id, olena.id, doc.message_id, caption="Von Olena")
    sent = await bot.send_document(
        olena.id,
        BufferedInputFile(b"Checkliste", "checkliste.txt"),
        caption="<i>Bitte mitbringen</i>",
        parse_mode="HTML",
        reply_parameters=ReplyParameters(message_id=doc.message_id),
    )
    assert sent.document is not None and sent.document.file_name == "checkliste.txt"
    downloaded = await bot.download(sent.document.file_id)
    assert downloaded is not None and downloaded.read() == b"Checkliste"
    with server.expect_violation("message to copy not found"):
        with pytest.raises(TelegramBadRequest):
            await bot.copy_message(staff.id, olena.id, 999)
    with server.expect_violation("wrong file identifier"):
        with pytest.raises(TelegramBadRequest):
            await bot.send_photo(olena.id, "AgACAgIAAxkBAAIBunknown")

    team_copy = staff.chat.message(copied.message_id)
    assert team_copy is not None and team_copy.caption == "Von Olena"
    assert team_copy.document is not None
    assert team_copy.document["file_name"] == "Meldebescheinigung.pdf"
    assert server.chat(olena.id).last.reply_to is doc


async def test_bot_settings_and_generic_methods(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    commands = [
        BotCommand(command="start", description="Neu starten"),
        BotCommand(command="termin_1", description="Termin"),
    ]
    await bot.set_my_commands(commands, language_code="uk")
    await bot.set_my_commands(commands[:1], scope=BotCommandScopeChat(chat_id=olena.id))
    assert [c["command"] for c in server.commands(language_code="uk")] == ["start", "termin_1"]
    assert [c.command for c in await bot.get_my_commands(language_code="uk")] == ["start", "termin_1"]
    with server.expect_violation("BOT_COMMAND_INVALID"):
        with pytest.raises(TelegramBadRequest):
            await bot.set_my_commands([BotCommand(command="Start", description="x")])
    with server.expect_violation("invalid language code"):
        with pytest.raises(TelegramBadRequest):
            await bot.set_my_commands(commands, language_code="ukr")

    await bot.delete_webhook(drop_pending_updates=True)
    await bot.send_chat_action(olena.id, "typing")
    await bot.set_chat_menu_button(chat_id=olena.id)
    chat = await bot.get_chat(olena.id)
    member = await bot.get_chat_member(olena.id, olena.id)
    assert chat.first_name == "Olena" and member.status == "member"
    sent = await bot.send_message(olena.id, "pin me")
    assert await bot.pin_chat_message(olena.id, sent.message_id)  # no special handler: generic
    assert await bot.send_dice(olena.id)
    assert server.chat(olena.id).actions[0].action == "typing"


async def test_raw_updates_are_validated_and_delivered(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    server.add_raw_update(
        {
            "poll": {
                "id": "1",
                "question": "Deutschkurs?",
                "options": [{"persistent_id": "a", "text": "Ja", "voter_count": 1}],
                "total_voter_count": 1,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            }
        }
    )
    with pytest.raises(ApiError, match="unknown field"):
        server.add_raw_update({"chat_join_request": {"chat": {"id": 1, "type": "group"}, "bogus": True}})
    group = server.group(-1002020, "Nachbarn", bot_status="left")
    await group.add_bot(by=olena)
    updates = await bot.get_updates(allowed_updates=["poll", "my_chat_member"])
    assert updates[0].poll is not None and updates[0].poll.question == "Deutschkurs?"
    assert updates[1].my_chat_member is not None
    assert updates[1].my_chat_member.new_chat_member.status == "administrator"


async def test_every_people_helper_makes_a_valid_update(server: FakeBotAPI, bot: Bot, olena: FakeUser) -> None:
    jana = server.user(3003, first_name="Jana", username="jana_dortmund")
    staff = server.group(-1007770000, "Team", is_forum=True)
    news = server.channel(-1008880000, "Neuigkeiten", username="lw_news")
    wanted = ["message", "edited_message", "channel_post", "my_chat_member", "chat_member"]
    # allowed_updates filters updates when they are created, so ask for chat_member first.
    assert await bot.get_updates(allowed_updates=wanted) == []
    first = await olena.send("Hallo")
    await olena.edit(first, "Hallo!")
    await olena.send_photo(caption="Mein Ausweis")
    await olena.send_document("antrag.pdf")
    await olena.send_sticker()
    await olena.send_voice(duration=4)
    await olena.share_contact()
    topic = await staff.create_topic("Fragen", by=jana)
    await staff.add_member(olena, by=jana)
    await staff.send(olena, "Frage im Thema", thread_id=topic.thread_id)
    await staff.remove_member(olena)
    await news.post("Neue Öffnungszeiten")
    olena.block()
    olena.unblock()

    updates = await bot.get_updates()
    kinds = [next(k for k, v in u.model_dump().items() if v is not None and k != "update_id") for u in updates]
    assert kinds == ["message", "edited_message"] + ["message"] * 5 + [
        "message",
        "message",
        "chat_member",
        "message",
        "message",
        "chat_member",
        "channel_post",
        "my_chat_member",
        "my_chat_member",
    ]
    photo_file = await bot.get_file(updates[2].message.photo[-1].file_id)
    assert photo_file.file_path
    assert updates[7].message.forum_topic_created is not None
    assert updates[10].message.is_topic_message


def test_every_generic_answer_parses_in_aiogram(server: FakeBotAPI) -> None:
    """Methods without a dedicated handler answer spec-built examples; aiogram must accept them."""
    checked = 0
    for method in vars(aiogram_methods).values():
        if not (
            inspect.isclass(method)
            and issubclass(method, TelegramMethod)
            and isinstance(getattr(method, "__api_method__", None), str)
        ):
            continue
        method_spec = server.spec.method(method.__api_method__)
        if method_spec is None:
            continue  # aiogram knows methods newer than the spec
        result: Any = result_for(server.spec, method_spec.returns)
        Response[method.__returning__].model_validate({"ok": True, "result": result})
        checked += 1
    assert checked > 150


async def test_standalone_server_prints_url_and_serves() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakebotapi",
        "--port",
        "0",
        "--user",
        "1001",
        stdout=asyncio.subprocess.PIPE,
        cwd=Path(__file__).parents[1],
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        assert line.startswith("Fake Telegram Bot API at http://127.0.0.1:")
        base_url = line.rsplit(" ", 1)[1].strip()
        async with FakeBotAPI() as local:  # only for its make_bot(); talks to the subprocess
            bot = local.make_bot()
            bot.session.api = TelegramAPIServer.from_base(base_url)
            sent = await bot.send_message(1001, "Hallo")
            assert sent.chat.id == 1001
            async with ClientSession() as http:  # the control API for trying a bot by hand
                async with http.post(f"{base_url}/_fake/users/1001/send", data={"text": "/start"}):
                    pass
                [update] = await bot.get_updates()
                async with http.get(f"{base_url}/_fake/chats/1001") as response:
                    history = await response.json()
            assert update.message is not None and update.message.text == "/start"
            assert [m["from_bot"] for m in history] == [True, False]
    finally:
        process.terminate()
        await process.wait()
