"""Plausible result objects built from the spec, for methods the fake does not model in depth.

``example("ChatFullInfo", id=5, type="private")`` gives a dict with every required field filled
(recursively) and the overrides applied, which is enough for aiogram to parse the answer. Union
types take their first subtype, with its discriminator ("type"/"status") set.
"""

from __future__ import annotations

from typing import Any

from .compat import AIOGRAM_REQUIRED
from .spec import ApiSpec

_MAX_DEPTH = 8


def example(spec: ApiSpec, type_name: str, overrides: dict[str, Any] | None = None, *, _depth: int = 0) -> Any:
    if type_name.startswith("Array of "):
        return []
    if type_name == "Integer":
        return 0
    if type_name == "Float":
        return 0.0
    if type_name == "Boolean":
        return False
    if type_name in ("String", "InputFile"):
        return ""
    object_spec = spec.type(type_name)
    if object_spec is None or _depth > _MAX_DEPTH:
        return {}
    if object_spec.is_union:
        first = next((s for s in object_spec.subtypes if spec.type(s)), None)
        return example(spec, first, overrides, _depth=_depth + 1) if first else {}
    result: dict[str, Any] = {}
    for name, field_spec in object_spec.fields.items():
        if field_spec.required:
            result[name] = _example_field(spec, name, field_spec.types, _depth)
    if object_spec.discriminator:
        key, value = object_spec.discriminator
        result[key] = value
    result.update(AIOGRAM_REQUIRED.get(type_name, {}))
    for key, value in (overrides or {}).items():
        if key in object_spec.fields:
            result[key] = value
    return result


def _example_field(spec: ApiSpec, name: str, types: tuple[str, ...], depth: int) -> Any:
    type_name = types[0]
    if type_name == "String" and name.endswith("_id"):
        return f"fake-{name.replace('_', '-')}"
    if type_name == "String" and name == "url":
        return "https://example.org/"
    if type_name == "User":
        return {"id": 777000, "is_bot": False, "first_name": "Telegram"}
    return example(spec, type_name, _depth=depth + 1)


def result_for(spec: ApiSpec, returns: tuple[str, ...], overrides: dict[str, Any] | None = None) -> Any:
    """A plausible answer for a method's return type: True for "Boolean", [] for arrays..."""
    first = returns[0] if returns else "Boolean"
    if first == "Boolean":
        return True
    if first == "String":
        return "https://t.me/+FakeInviteLink"
    return example(spec, first, overrides)


# Chat member status -> the ChatMember subtype that carries it.
CHAT_MEMBER_TYPES = {
    "creator": "ChatMemberOwner",
    "administrator": "ChatMemberAdministrator",
    "member": "ChatMemberMember",
    "restricted": "ChatMemberRestricted",
    "left": "ChatMemberLeft",
    "kicked": "ChatMemberBanned",
}


def chat_member(spec: ApiSpec, user: dict[str, Any], status: str) -> dict[str, Any]:
    overrides: dict[str, Any] = {"user": user}
    if status == "administrator":
        overrides.update(
            can_be_edited=False,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_topics=True,
            can_pin_messages=True,
        )
    return example(spec, CHAT_MEMBER_TYPES[status], overrides)
