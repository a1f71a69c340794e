"""Form fields the pages of both the portal and the workspace use to read what a user posts."""

from __future__ import annotations

from typing import Any

from django import forms


class TypedText(forms.CharField):
    """Text handed to a service as typed: the service bounds and checks it, with its own message and field
    (so no length or null-character validator here, and no stripping unless asked). ``cut`` keeps only
    the first characters of an overlong text, as a page that passes a note on does."""

    def __init__(self, *, cut: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)
        self.validators = []
        self.cut = cut

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value))
        return text[: self.cut] if self.cut is not None else text


class ManyValues(forms.Field):
    """Every value posted under one name (ticked checkboxes), as a list of strings."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:
        return [str(v) for v in value or []]
