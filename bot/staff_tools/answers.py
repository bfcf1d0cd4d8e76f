"""How a staff command answers a mistake in what was typed: what was wrong, then the usage."""

from __future__ import annotations

from bot.core.replies import Msg
from bot.core.services import Services
from bot.staff_tools.arguments import Problem


def problem_text(services: Services, problem: Problem) -> str:
    catalog = services.catalog
    parts = []
    if not problem.key.endswith("_usage"):
        parts.append(catalog.render(Msg(f"staff.tools.{problem.key}", **problem.args), "de"))
    if problem.usage is not None:
        parts.append(catalog.render(Msg(f"staff.tools.{problem.usage}_usage"), "de"))
    return "\n\n".join(parts)
