"""How a version's time limit reads (thời hạn giải quyết): the one function every page and slip uses.

A same-day procedure (a ``same_day_cutoff`` and a limit of at most one working day) reads "trong ngày" with
its cutoff rule, never "1 ngày làm việc" (legal.md, Time limits: same-day procedures received after 15:00
are due the next working day); an extension the law allows (``extension_max``, e.g. marriage: Luật Hộ tịch
2014 Art. 18(2)) is said beside it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import TimeUnit, time_limit_in_hours

WORKING_DAY_HOURS = Decimal(8)


def is_same_day(version: Any) -> bool:
    """Whether the version is a same-day procedure: a cutoff and a limit of at most one working day."""
    return version.same_day_cutoff is not None and (
        time_limit_in_hours(version.time_limit_amount, version.time_limit_unit) <= WORKING_DAY_HOURS
    )


def _amount(value: Decimal) -> str:
    value = Decimal(value).normalize()
    return number_format(value) if value != value.to_integral() else str(int(value))


def describe_time_limit(version: Any) -> str:
    """The time limit as the portal, the receipt and the workspace print it.

    ``version`` is a ``ProcedureVersion`` (or anything with its time-limit attributes)."""
    if is_same_day(version):
        text = _("trong ngày (hồ sơ nhận sau %(cutoff)s trả trong ngày làm việc tiếp theo)") % {
            "cutoff": version.same_day_cutoff.strftime("%H:%M")
        }
    else:
        text = _with_unit(Decimal(version.time_limit_amount), version.time_limit_unit)
    if version.extension_max:
        text += ngettext(
            "; trường hợp cần xác minh được gia hạn không quá %(days)s ngày làm việc",
            "; trường hợp cần xác minh được gia hạn không quá %(days)s ngày làm việc",
            version.extension_max,
        ) % {"days": version.extension_max}
    return text


def _with_unit(amount: Decimal, unit: str) -> str:
    """ "1 ngày làm việc", in English "1 working day" / "2 working days" / "0.5 working days": the plural form
    is chosen for the amount (a fraction takes the plural, as English writes it)."""
    count = int(amount) if amount == amount.to_integral() else 2
    values = {"amount": _amount(amount)}
    if unit == TimeUnit.HOURS:
        return ngettext("%(amount)s giờ làm việc", "%(amount)s giờ làm việc", count) % values
    if unit == TimeUnit.WORKING_DAYS:
        return ngettext("%(amount)s ngày làm việc", "%(amount)s ngày làm việc", count) % values
    if unit == TimeUnit.DAYS:
        return ngettext("%(amount)s ngày", "%(amount)s ngày", count) % values
    if unit == TimeUnit.MONTHS:
        return ngettext("%(amount)s tháng", "%(amount)s tháng", count) % values
    return f"{values['amount']} {TimeUnit(unit).label}"
