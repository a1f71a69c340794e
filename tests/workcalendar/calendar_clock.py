"""Aware datetimes in Vietnam's time zone for the calendar tests.

The folder is named after the app label (workcalendar): a test package named ``calendar`` would shadow
the standard library's module of that name when pytest imports it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware datetime in Asia/Ho_Chi_Minh."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)
