"""Domain errors: a stable code for machines and a translated message for people."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain refused the request; nothing was changed.

    ``code`` is stable (``"supplement.closed"``) so that the API and tests can rely on it;
    ``message`` is a translatable string shown to the user.
    """

    def __init__(self, code: str, message: Any, **params: Any) -> None:
        self.code = code
        self.message = message
        self.params = params
        super().__init__(f"{code}: {message}")

    def __str__(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


class FieldError(DomainError):
    """A DomainError about one input: ``field`` names it so that a form can show the message beside it."""

    def __init__(self, code: str, message: Any, *, field: str, **params: Any) -> None:
        super().__init__(code, message, **params)
        self.field = field
