"""Pull procedures from the national procedure database (``LayThuTuc``) into catalog drafts.

``motcua national_portal pull-catalog CODE...``: for each code, the portal's record is parsed here into a
``catalog.national.NationalProcedure`` and handed to ``catalog.services.pull_national_draft``, which applies
it to a draft (created once, updated by later pulls) and stores the difference from the published version.
Nothing is ever published by a pull.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog import services as catalog_services
from motcua.catalog.models import ProcedureVersion, TimeUnit
from motcua.catalog.national import NationalDocument, NationalLegalDocument, NationalProcedure
from motcua.core.errors import DomainError
from motcua.integrations.national_portal.client import (
    UNKNOWN_OBJECT,
    NationalPortalClient,
    PortalError,
    parse_time,
)

# DonViTinh of ThoiHanGiaiQuyet -> the catalog's units.
UNITS = {
    "ngày làm việc": TimeUnit.WORKING_DAYS,
    "ngày": TimeUnit.DAYS,
    "giờ": TimeUnit.HOURS,
    "giờ làm việc": TimeUnit.HOURS,
    "tháng": TimeUnit.MONTHS,
}
# The channel whose limit the draft takes: online first (what the portal sends us), then in person.
CHANNEL_ORDER = ("trực tuyến", "trực tiếp", "dịch vụ bưu chính")


@dataclass(frozen=True)
class PulledDraft:
    code: str
    draft: ProcedureVersion


def _int(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def _time_limit(items: Any) -> tuple[Decimal | None, str]:
    if not isinstance(items, list):
        return None, ""
    ranked = sorted(
        (item for item in items if isinstance(item, dict)),
        key=lambda item: (
            CHANNEL_ORDER.index(str(item.get("KenhNop", "")).strip().lower())
            if str(item.get("KenhNop", "")).strip().lower() in CHANNEL_ORDER
            else len(CHANNEL_ORDER)
        ),
    )
    for item in ranked:
        unit = UNITS.get(str(item.get("DonViTinh", "")).strip().lower())
        try:
            amount = Decimal(str(item.get("ThoiGian")))
        except (InvalidOperation, ValueError):
            continue
        if unit is not None and amount.is_finite() and amount >= 0:
            return amount, unit
    return None, ""


def _day(value: Any) -> dt.date | None:
    try:
        return dt.datetime.strptime(str(value or ""), "%Y%m%d").date()
    except ValueError:
        return None


def parse(code: str, data: dict[str, Any]) -> NationalProcedure:
    """The LayThuTuc record as the catalog reads it; fields the record lacks stay empty (not compared)."""
    amount, unit = _time_limit(data.get("ThoiHanGiaiQuyet"))
    fees = [
        (str(fee.get("MoTa") or ""), _int(fee.get("SoTien")))
        for fee in data.get("PhiLePhi") or []
        if isinstance(fee, dict)
    ]
    documents = [
        NationalDocument(
            code=str(doc.get("Ma") or "")[:40],
            name=str(doc.get("Ten") or ""),
            originals=_int(doc.get("BanChinh")),
            copies=_int(doc.get("BanSao")),
        )
        for doc in data.get("ThanhPhanHoSo") or []
        if isinstance(doc, dict) and doc.get("Ma")
    ]
    legal = [
        NationalLegalDocument(
            number=str(doc.get("SoKyHieu") or ""),
            title=str(doc.get("TrichYeu") or ""),
            issued=_day(doc.get("NgayBanHanh")),
        )
        for doc in data.get("CanCuPhapLy") or []
        if isinstance(doc, dict) and doc.get("SoKyHieu")
    ]
    return NationalProcedure(
        code=str(data.get("MaTTHC") or code),
        name=str(data.get("TenTTHC") or ""),
        field_code=str(data.get("MaLinhVuc") or ""),
        field_name=str(data.get("TenLinhVuc") or ""),
        time_limit_amount=amount,
        time_limit_unit=unit,
        fees=fees,
        documents=documents,
        legal_basis=legal,
        updated_at=parse_time(data.get("NgayCapNhat")),
    )


def fetch(client: NationalPortalClient, code: str) -> NationalProcedure:
    """The national record of ``code``; DomainError when the portal does not know it."""
    try:
        answer = client.call("LayThuTuc", {"MaTTHC": code})
    except PortalError as error:
        if error.code == UNKNOWN_OBJECT:
            raise DomainError(
                "catalog.national_not_found",
                _("Cơ sở dữ liệu quốc gia không có thủ tục mã %(procedure)s."),
                procedure=code,
            ) from error
        raise
    data = answer.get("data")
    if not isinstance(data, dict):
        raise DomainError(
            "catalog.national_not_found",
            _("Cơ sở dữ liệu quốc gia không có thủ tục mã %(procedure)s."),
            procedure=code,
        )
    return parse(code, data)


def pull(*, client: NationalPortalClient, code: str, now: dt.datetime | None = None) -> PulledDraft:
    """Fetch one procedure and apply it to its draft; nothing is written when the fetch fails."""
    national = fetch(client, code)
    return PulledDraft(code=code, draft=catalog_services.pull_national_draft(national=national, now=now))
