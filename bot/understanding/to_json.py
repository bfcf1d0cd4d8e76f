"""The machine-readable form printed by ``python -m bot understand``."""

from __future__ import annotations

from typing import TypedDict

from bot.understanding.matcher import Understanding


class UnderstandingJson(TypedDict):
    language: str | None
    intent: str | None
    score: float


def understanding_as_json(u: Understanding) -> UnderstandingJson:
    """Exactly {"language", "intent", "score"}; score rounded to two decimals."""
    return {"language": u.language, "intent": u.intent, "score": round(float(u.score), 2)}
