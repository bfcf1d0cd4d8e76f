"""Every other method in the spec: validated already, answered plausibly.

If the method names a chat, the chat must exist (Telegram's first check for nearly every method);
send-like methods store a message; the rest answer a spec-shaped example of their return type.
"""

from __future__ import annotations

from typing import Any

from ..examples import result_for
from .base import Call
from .sending import send_other


async def generic_handler(call: Call) -> Any:
    params = call.params
    chat = call.world.chat(params["chat_id"]) if "chat_id" in params else None
    returns = call.method.returns
    if chat is not None and returns[:1] == ("Message",):
        if call.method.name.startswith("send"):
            return await send_other(call)
        message = chat.message(params["message_id"]) if "message_id" in params else None
        if message is not None:
            return message.to_api()
    if "from_chat_id" in params:
        call.world.chat(params["from_chat_id"])
    return result_for(call.spec, returns)
