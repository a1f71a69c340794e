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
        # The message stays lazy until shown (``__str__``): the pages ask the access policy why not for every
        # button they might offer, and translating each refusal's text cost a page more than its check.
        super().__init__(code, message)

    def __str__(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


class FieldError(DomainError):
    """A DomainError about one input: ``field`` names it so that a form can show the message beside it."""

    def __init__(self, code: str, message: Any, *, field: str, **params: Any) -> None:
        super().__init__(code, message, **params)
        self.field = field


# --- the registry: each code once, with the HTTP status a page or the API answers with --------------

_STATUS: dict[str, int] = {}
DEFAULT_STATUS = 400


def register(statuses: dict[str, int]) -> None:
    """Declare an app's error codes with their HTTP status (each app's ``errors.py`` calls this once).

    A code means one thing: declaring it again with another status is a programming error."""
    for code, status in statuses.items():
        known = _STATUS.setdefault(code, status)
        if known != status:
            raise ValueError(f"error code {code!r} declared twice ({known}, {status})")


def http_status(error: DomainError | str) -> int:
    """The HTTP status for a refusal: its registered status, else 400 (the request was refused)."""
    code = error if isinstance(error, str) else error.code
    return _STATUS.get(code, DEFAULT_STATUS)


def registered() -> dict[str, int]:
    """Every declared code and its status (for docs and tests)."""
    return dict(_STATUS)
