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
        text = f"{_amount(version.time_limit_amount)} {TimeUnit(version.time_limit_unit).label}"
    if version.extension_max:
        text += _("; trường hợp cần xác minh được gia hạn không quá %(days)s ngày làm việc") % {
            "days": version.extension_max
        }
    return text
