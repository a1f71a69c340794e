"""The QR code printed on the chip-based identity card, in both of its generations.

- Căn cước công dân (CCCD), issued from 2021 under the Law on Citizen Identification 2014 (card layout:
  Circular 06/2021/TT-BCA): ``ID|oldID|Name|DDMMYYYY|Sex|Address|DDMMYYYY`` — 12-digit personal ID,
  the 9-digit CMND number it replaced (may be empty), full name, date of birth, sex, place of permanent
  residence (nơi thường trú), date of issue.
- Thẻ căn cước, issued from 1 July 2024 under the Law on Identification 2023 (Luật Căn cước, No.
  26/2023/QH15; card layout: Circular 16/2024/TT-BCA [check]): the same seven fields in the same order,
  the sixth now being the place of residence (nơi cư trú), and possibly further fields after them. No
  published specification of those further fields was found, so they are kept as read and not relied
  upon; an 8-digit date among them is taken as the date of expiry. A card is read as a căn cước when it
  was issued on or after 1 July 2024 or carries more than seven fields.

The address is written as it was on the day of issue: ``address_reading(card)`` reads it into the 2025
units as of that day, to propose the 2025 commune to the officer (``geo.selectors.read_address``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.geo.selectors import AddressReading, read_address

IDENTIFICATION_LAW_IN_FORCE = dt.date(2024, 7, 1)
CCCD = "cccd"
CAN_CUOC = "can_cuoc"


@dataclass(frozen=True)
class CccdData:
    id_number: str
    old_id_number: str
    name: str
    birth_date: dt.date
    sex: str
    address: str
    issued_on: dt.date
    kind: str = CCCD
    expires_on: dt.date | None = None
    extra: tuple[str, ...] = ()

    @property
    def address_label(self) -> str:
        """What the card calls its address: permanent residence (CCCD) or place of residence (căn cước)."""
        return _("Nơi cư trú") if self.kind == CAN_CUOC else _("Nơi thường trú")

    @property
    def kind_label(self) -> str:
        return _("Thẻ căn cước") if self.kind == CAN_CUOC else _("Căn cước công dân")


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


def _expiry(extra: list[str], issued_on: dt.date) -> dt.date | None:
    for text in extra:
        if len(text) == 8 and text.isdigit():
            try:
                day = dt.date(int(text[4:]), int(text[2:4]), int(text[:2]))
            except ValueError:
                continue
            if day > issued_on:
                return day
    return None


def parse_cccd_qr(text: str) -> CccdData:
    """Read the QR string of a CCCD or căn cước card; raise DomainError saying what is wrong."""
    parts = [p.strip() for p in text.strip().split("|")]
    while len(parts) > 7 and not parts[-1]:
        parts.pop()  # some readers end the string with a separator
    if len(parts) < 7:
        raise DomainError(
            "cccd.bad_format",
            _("Mã QR CCCD phải có 7 trường ngăn cách bởi dấu “|”, nhận được %(count)s."),
            count=len(parts),
        )
    id_number, old_id, name, birth, sex, address, issued, *extra = parts
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
    kind = CAN_CUOC if extra or issued_on >= IDENTIFICATION_LAW_IN_FORCE else CCCD
    return CccdData(
        id_number,
        old_id,
        name,
        birth_date,
        sex,
        address,
        issued_on,
        kind=kind,
        expires_on=_expiry(extra, issued_on),
        extra=tuple(extra),
    )


def address_reading(card: CccdData) -> AddressReading:
    """The card's address read into the 2025 units, as written on the day the card was issued."""
    return read_address(card.address, on=card.issued_on)
