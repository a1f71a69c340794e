"""Template filters for amounts of money in Vietnamese đồng."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def vnd(amount: Decimal | int | None) -> str:
    """``8000`` -> ``8.000 đồng`` (dot as the thousands separator, as written in Vietnam)."""
    if amount is None:
        return ""
    if Decimal(amount) == 0:
        return "0 đồng"
    return f"{int(Decimal(amount)):,}".replace(",", ".") + " đồng"
