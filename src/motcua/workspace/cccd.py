"""The QR code printed on the chip-based citizen identity card (CCCD).

Format: ``ID|oldID|Name|DDMMYYYY|Sex|Address|DDMMYYYY`` (the last field is the date of issue).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.core.errors import DomainError


@dataclass(frozen=True)
class CccdData:
    id_number: str
    old_id_number: str
    name: str
    birth_date: dt.date
    sex: str
    address: str
    issued_on: dt.date


def _date(text: str, what: str) -> dt.date:
    if len(text) != 8 or not text.isdigit():
        raise DomainError(
            "cccd.bad_date",
            _("Mã QR CCCD: %(what)s “%(text)s” không đúng dạng NgàyThángNăm (8 chữ số)."),
            what=what,
            text=text,
        )
    try:
        return dt.date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        raise DomainError(
            "cccd.bad_date",
            _("Mã QR CCCD: %(what)s “%(text)s” không phải là ngày có thật."),
            what=what,
            text=text,
        ) from None


def parse_cccd_qr(text: str) -> CccdData:
    """Read the CCCD QR string; raise DomainError with a message saying what is wrong."""
    parts = [p.strip() for p in text.strip().split("|")]
    if len(parts) != 7:
        raise DomainError(
            "cccd.bad_format",
            _("Mã QR CCCD phải có 7 trường ngăn cách bởi dấu “|”, nhận được %(count)s."),
            count=len(parts),
        )
    id_number, old_id, name, birth, sex, address, issued = parts
    if len(id_number) != 12 or not id_number.isdigit():
        raise DomainError("cccd.bad_id", _("Mã QR CCCD: số định danh phải gồm đúng 12 chữ số."))
    if old_id and (len(old_id) != 9 or not old_id.isdigit()):
        raise DomainError("cccd.bad_old_id", _("Mã QR CCCD: số CMND cũ phải gồm 9 chữ số."))
    if not name:
        raise DomainError("cccd.no_name", _("Mã QR CCCD: thiếu họ và tên."))
    birth_date = _date(birth, _("ngày sinh"))
    issued_on = _date(issued, _("ngày cấp"))
    if issued_on < birth_date:
        raise DomainError("cccd.bad_dates", _("Mã QR CCCD: ngày cấp trước ngày sinh."))
    return CccdData(id_number, old_id, name, birth_date, sex, address, issued_on)
