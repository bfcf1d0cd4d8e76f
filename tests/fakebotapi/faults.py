"""Faults a test schedules: error answers, dropped connections, slow answers."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ApiError, Kind

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected error",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


@dataclass
class Fault:
    method: str  # Bot API method name, or "*" for any
    action: str  # "fail" | "drop" | "delay"
    times: int = 1
    status: int = 500
    description: str | None = None
    retry_after: int | None = None
    seconds: float = 0.0
    after_processing: bool = False  # drop: the request took effect, only the answer is lost

    def matches(self, method: str) -> bool:
        return self.times > 0 and (self.method == "*" or self.method.lower() == method.lower())

    def error(self) -> ApiError:
        retry_after = self.retry_after
        if self.status == 429 and retry_after is None:
            retry_after = 1
        template = self.description or _DEFAULT_DESCRIPTIONS.get(self.status, "Injected error")
        return ApiError(
            self.status,
            template.format(retry_after=retry_after),
            kind=Kind.INJECTED,
            retry_after=retry_after,
            provoked=True,
        )


@dataclass
class ScheduledFaults:
    items: list[Fault]

    def add(self, fault: Fault) -> Fault:
        self.items.append(fault)
        return fault

    def take(self, method: str) -> list[Fault]:
        """The first matching fault of each action, each used once."""
        taken: list[Fault] = []
        for action in ("delay", "drop", "fail"):
            fault = next((f for f in self.items if f.action == action and f.matches(method)), None)
            if fault is not None:
                fault.times -= 1
                taken.append(fault)
        self.items = [f for f in self.items if f.times > 0]
        return taken

    def clear(self) -> None:
        self.items.clear()
