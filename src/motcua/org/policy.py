"""Authorization policy: may user U act as role R at agency A on date D?

One policy for the web pages, the admin actions and the REST API. A user acts through the
positions (vị trí việc làm) they hold: a position names a role and an agency and has a validity
period, so an ended position no longer counts. Two roles are province-wide: an administrator or an
auditor placed at a province-level agency acts at every agency of that province.
Superusers are not special here: the domain never asks "is this a superuser".
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError

from . import selectors
from .models import Agency, AgencyLevel, ReceptionPoint, Role


class PermissionDenied(DomainError):
    """The user holds no position that allows the action."""


def may_act(*, user, role: str, agency: Agency, on: dt.date) -> bool:
    """Whether ``user`` may act as ``role`` at ``agency`` on ``on``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not agency.is_valid_on(on):
        return False
    if selectors.has_role(user=user, role=role, agency=agency, on=on):
        return True
    if role in selectors.PROVINCE_WIDE_ROLES:
        return (
            selectors.positions_of(user=user, on=on)
            .filter(role=role, agency__level=AgencyLevel.PROVINCE, agency__province_code=agency.province_code)
            .exists()
        )
    return False


def require_role(*, user, role: str, agency: Agency, on: dt.date) -> None:
    """Raise ``PermissionDenied`` unless ``may_act``; nothing else happens."""
    if not may_act(user=user, role=role, agency=agency, on=on):
        raise PermissionDenied(
            "org.forbidden",
            _("Tài khoản không có vai trò %(role)s tại %(agency)s vào ngày %(on)s."),
            role=Role(role).label,
            agency=agency.name,
            on=on.strftime("%d/%m/%Y"),
        )


def may_receive_at(*, user, reception_point: ReceptionPoint, on: dt.date) -> bool:
    """Whether ``user`` may receive dossiers at ``reception_point`` on ``on``.

    Reception officers and postal staff receive at the reception point of their position; reception
    is location-independent as to the procedure, not as to the desk one sits at.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not reception_point.is_valid_on(on):
        return False
    return selectors.reception_points_of(user=user, on=on).filter(pk=reception_point.pk).exists()


def agencies_where(*, user, role: str, on: dt.date) -> list[Agency]:
    """Agencies where ``user`` may act as ``role`` on ``on`` (province-wide roles expanded)."""
    positions = list(selectors.positions_of(user=user, on=on).filter(role=role))
    agencies = {p.agency_id: p.agency for p in positions}
    if role in selectors.PROVINCE_WIDE_ROLES:
        provinces = {p.agency.province_code for p in positions if p.agency.level == AgencyLevel.PROVINCE}
        for province_code in sorted(provinces):
            for agency in selectors.agencies_valid_on(on=on, province_code=province_code):
                agencies.setdefault(agency.pk, agency)
    return sorted(agencies.values(), key=lambda a: a.code)
