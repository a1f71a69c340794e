"""Reads for forwarding a dossier to another province: the commune the officer names (by GSO code or by
name), the provinces whose units are loaded, and the forwarded records of a point."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.dossiers import access
from motcua.dossiers.models import Forwarding
from motcua.geo import selectors as geo_selectors
from motcua.geo.models import AdministrativeUnit, Level
from motcua.geo.text import search_key


def other_provinces(*, home_province: str, on: dt.date) -> list[AdministrativeUnit]:
    """Provinces in force on ``on`` other than this installation's, whose communes are loaded (from the
    geography's snapshot: shared, read-only)."""
    return list(geo_selectors.provinces_with_communes(on=on, excluding=home_province))


def destination_commune(
    *, query: str, home_province: str, on: dt.date, province_code: str = ""
) -> AdministrativeUnit:
    """The commune of another province the officer named by its GSO code ("00004") or its name ("Phường Ba
    Đình", "ba dinh"), optionally within ``province_code``. Refuses clearly when the units of other
    provinces are not loaded (``motcua geo load``), when nothing or more than one commune matches."""
    query = query.strip()
    communes = geo_selectors.units_valid_on(on=on, level=Level.COMMUNE).exclude(province_code=home_province)
    if not communes.exists():
        raise DomainError(
            "forwarding.units_not_loaded",
            _(
                "Chưa nạp đơn vị hành chính của các tỉnh, thành phố khác: quản trị viên cần chạy "
                "“motcua geo load” để tiếp nhận hồ sơ thuộc thẩm quyền của tỉnh khác."
            ),
        )
    if province_code:
        communes = communes.filter(province_code=province_code)
    if query.isdigit():
        found = list(communes.filter(code=query.zfill(5))[:2])
    else:
        key = search_key(query)
        exact = list(communes.filter(search_key=key)[:10]) if key else []
        found = exact or (list(communes.filter(search_key__contains=key)[:10]) if key else [])
    if not found:
        raise DomainError(
            "forwarding.place_not_found",
            _("Không tìm thấy xã, phường “%(query)s” ở tỉnh, thành phố khác."),
            query=query[:80],
        )
    if len(found) > 1:
        raise DomainError(
            "forwarding.place_ambiguous",
            _(
                "Có nhiều xã, phường khớp “%(query)s”: %(places)s. "
                "Vui lòng nhập mã xã, phường hoặc chọn tỉnh."
            ),
            query=query[:80],
            places="; ".join(
                f"{u.name}, {u.parent.name if u.parent else u.province_code} ({u.code})" for u in found
            ),
        )
    return found[0]


def forwardings_of(*, user: Any, on: dt.date, limit: int = 200) -> QuerySet[Forwarding]:
    """The forwarded records of the points where ``user`` receives, newest first."""
    return access.visible_forwardings(user=user, on=on).order_by("-received_at", "-id")[:limit]


def forwarding_for(*, user: Any, code: str, on: dt.date) -> Forwarding:
    found = (
        access.visible_forwardings(user=user, on=on)
        .select_related("procedure_version", "receiving_agency", "destination_unit__parent", "sent_by")
        .filter(code=code)
        .first()
    )
    if found is None:
        raise DomainError("forwarding.not_found", _("Không tìm thấy hồ sơ chuyển đi này."))
    return found
