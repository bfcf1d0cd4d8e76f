"""What a method handler gets, and the registry of handlers by Bot API method name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..formatting import FormattedText
from ..recording import RecordedRequest
from ..spec import ApiSpec, DecodedRequest, MethodSpec, Upload
from ..world import World

if TYPE_CHECKING:
    from ..server import FakeBotAPI


@dataclass
class Call:
    """One validated request on its way to its handler."""

    server: FakeBotAPI
    method: MethodSpec
    request: DecodedRequest
    record: RecordedRequest
    # Whether the client still waits for the answer (long polls stop for a vanished client).
    connected: Callable[[], bool] = field(default=lambda: True)

    @property
    def params(self) -> dict[str, Any]:
        return self.request.params

    @property
    def world(self) -> World:
        return self.server.world

    @property
    def spec(self) -> ApiSpec:
        return self.server.spec

    def formatted(self, path: str) -> FormattedText | None:
        return self.request.formatted.get(path)

    def upload(self, value: Any) -> Upload | None:
        """The Upload behind a value: an Upload itself or an "attach://name" string."""
        if isinstance(value, Upload):
            return value
        if isinstance(value, str) and value.startswith("attach://"):
            return self.request.uploads.get(value[len("attach://") :])
        return None


Handler = Callable[[Call], Awaitable[Any]]
HANDLERS: dict[str, Handler] = {}


def handles(*names: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for name in names:
            HANDLERS[name] = handler
        return handler

    return register
