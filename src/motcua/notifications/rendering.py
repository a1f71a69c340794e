"""Message texts from templates, one per kind and language: ``notifications/messages/<lang>/<kind>.txt`` (the
subject on its first line, a blank line, the body) and ``<kind>.sms.txt`` (one short text; the Vietnamese SMS
texts are written without diacritics, as operators' brandname SMS are: a GSM-7 segment holds 160 characters,
a Unicode one 70).

Vietnamese is the language of record; English is used where the citizen chose it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from motcua.notifications.constants import Kind

SUPPORTED = ("vi", "en")


@dataclass(frozen=True)
class Text:
    subject: str
    body: str
    sms: str


def _moment(value: Any) -> str:
    if not value:
        return ""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def _amount(value: Any, language: str) -> str:
    """8000 → "8.000" in Vietnamese (dot as thousands separator), "8,000" in English; empty without one."""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return ""
    return f"{amount:,}" if language == "en" else f"{amount:,}".replace(",", ".")


def render(*, kind: Kind | str, language: str, facts: dict[str, Any]) -> Text:
    """The subject, body and SMS text of a message of ``kind`` in ``language`` (Vietnamese if unknown)."""
    language = language if language in SUPPORTED else "vi"
    context = {
        **facts,
        "appointment": _moment(facts.get("appointment_at")),
        "at": _moment(facts.get("at")),
        # A payment's amount as written on a receipt: "8.000" (the templates add "đ" / "VND").
        "amount": _amount(facts.get("amount"), language),
    }
    with translation.override(language):
        full = render_to_string(f"notifications/messages/{language}/{kind}.txt", context, using="django")
        sms = render_to_string(f"notifications/messages/{language}/{kind}.sms.txt", context, using="django")
    subject, _blank, body = full.strip().partition("\n")
    return Text(subject=subject.strip()[:255], body=body.strip() + "\n", sms=" ".join(sms.split()))
