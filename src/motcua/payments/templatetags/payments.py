"""``{% payment_panel dossier %}`` (Django pages) and ``payment_panel(dossier, officer=True)`` (Jinja): the
fee of a dossier, its VietQR code while it is due, what arrived and the receipt."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from motcua.payments import selectors

register = template.Library()


def payment_panel_html(
    dossier: Any, officer: bool = False, user: Any = None, csrf_input: Any = ""
) -> SafeString:
    """``csrf_input``: the page's hidden CSRF input (the officer's form to ask the fee)."""
    found = selectors.panel(dossier=dossier, officer=officer, user=user)
    if not found.shown:
        return mark_safe("")
    context = {"panel": found, "officer": officer, "csrf_input": mark_safe(str(csrf_input))}
    return mark_safe(render_to_string("payments/_dossier_payment.html", context))


@register.simple_tag
def payment_panel(dossier: Any, officer: bool = False) -> SafeString:
    return payment_panel_html(dossier, officer)


@register.filter
def amount_words(amount: Any) -> str:
    from motcua.payments.words import amount_in_words

    return amount_in_words(int(amount or 0))


@register.filter
def dong(amount: Any) -> str:
    """8000 → "8.000 đ" (Vietnamese thousands separator)."""
    return f"{int(amount or 0):,}".replace(",", ".") + " đ"
