"""The bot's own settings and button-press answers: getMe, commands, menu button, callbacks."""

from __future__ import annotations

import json
from typing import Any

from ..errors import bad_request
from ..examples import example
from .base import Call, handles


@handles("getMe")
async def get_me(call: Call) -> dict[str, Any]:
    return example(
        call.spec,
        "User",
        {
            **call.world.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        },
    )


@handles("logOut", "close")
async def log_out(call: Call) -> bool:
    return True


@handles("answerCallbackQuery")
async def answer_callback_query(call: Call) -> bool:
    params = call.params
    call.world.answer_callback(
        params["callback_query_id"],
        text=params.get("text"),
        show_alert=bool(params.get("show_alert")),
        url=params.get("url"),
    )
    return True


def _commands_key(call: Call) -> tuple[str, str]:
    scope = call.params.get("scope") or {"type": "default"}
    if "chat_id" in scope:
        chat = call.world.chat(scope["chat_id"])  # "chat not found" for an unknown chat
        scope = {**scope, "chat_id": chat.id}
    return json.dumps(scope, sort_keys=True), call.params.get("language_code", "")


@handles("setMyCommands")
async def set_my_commands(call: Call) -> bool:
    call.world.commands[_commands_key(call)] = call.params["commands"]
    return True


@handles("getMyCommands")
async def get_my_commands(call: Call) -> list[dict[str, Any]]:
    return call.world.commands.get(_commands_key(call), [])


@handles("deleteMyCommands")
async def delete_my_commands(call: Call) -> bool:
    call.world.commands.pop(_commands_key(call), None)
    return True


@handles("setChatMenuButton")
async def set_chat_menu_button(call: Call) -> bool:
    button = call.params.get("menu_button") or {"type": "default"}
    if "chat_id" in call.params:
        chat = call.world.chat(call.params["chat_id"])
        if chat.type != "private":
            raise bad_request("menu button can be set only in private chats")
        chat.menu_button = button
    else:
        call.world.default_menu_button = button
    return True


@handles("getChatMenuButton")
async def get_chat_menu_button(call: Call) -> dict[str, Any]:
    if "chat_id" in call.params:
        chat = call.world.chat(call.params["chat_id"])
        if chat.menu_button is not None:
            return chat.menu_button
    return call.world.default_menu_button


@handles("getFile")
async def get_file(call: Call) -> dict[str, Any]:
    record = call.world.files.get(call.params["file_id"])
    if record is None:
        raise bad_request("invalid file_id")
    return record.to_file()
