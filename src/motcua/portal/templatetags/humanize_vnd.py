"""Template filters for amounts of money in Vietnamese đồng, written as the reader's language writes them."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import get_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def vnd(amount: Decimal | int | None) -> str:
    """``8000`` -> ``8.000 đồng`` in Vietnamese, ``8,000 VND`` in English.

    Thousands are grouped by three with the active language's separator (Django's locale formats).
    """
    if amount is None:
        return ""
    digits = f"{int(Decimal(amount)):,}".replace(",", str(get_format("THOUSAND_SEPARATOR")))
    return _("%(amount)s đồng") % {"amount": digits}
