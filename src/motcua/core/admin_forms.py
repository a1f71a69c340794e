"""Admin forms whose domain rules are a service's check: the service's DomainError becomes a form error."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from motcua.core.errors import DomainError, FieldError


class ServiceCheckedForm(forms.ModelForm):
    """A ModelForm that asks the service (``check``) before the admin saves through the same service.

    ``error_fields`` maps a DomainError code to the field the message is shown beside; any other
    code is shown above the form. Nothing is saved while the service refuses.
    """

    error_fields: ClassVar[dict[str, str]] = {}

    def check(self, data: dict[str, Any]) -> None:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if self.errors:
            return data  # the field errors come first: the service needs whole values
        try:
            self.check(data)
        except DomainError as error:
            field = error.field if isinstance(error, FieldError) else self.error_fields.get(error.code)
            self.add_error(field if field in self.fields else None, str(error))
        return data


def adopt(obj: Any, saved: Any) -> None:
    """Make the admin's ``obj`` the row a service created, so the admin's message and redirect find it."""
    obj.pk = saved.pk
    obj.refresh_from_db()
    obj._state.adding = False
