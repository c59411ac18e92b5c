"""The one error of the booths capability: a message for people and a stable code."""

from __future__ import annotations

from typing import Any


class BoothError(Exception):
    """Bad input or a refused action. `message` is a lazy translated string, `code` a stable
    machine code (the API's `error.code`), `field` the form field it belongs to, if any."""

    def __init__(
        self,
        message: Any,
        code: str,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field
        self.details = details or {}
