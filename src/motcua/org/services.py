"""Changes to the organization: agencies, reception points, staff accounts and their positions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.geo.models import AdministrativeUnit
from motcua.geo.models import Level as UnitLevel

from .models import (
    DISTRICT_LEVEL_ENDS,
    Agency,
    AgencyKind,
    AgencyLevel,
    Position,
    ReceptionPoint,
    ReceptionPointKind,
    Role,
    Staff,
)

# QCVN 102:2016/BTTTT shape: XXX.YY.ZZ.HNN (level 4, 3, 2 and the province code).
AGENCY_CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")


class OrganizationError(DomainError):
    """A change to the organization was refused; nothing was changed."""


def _overlapping(qs, *, valid_from: dt.date, valid_to: dt.date | None):
    qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from))
    if valid_to is not None:
        qs = qs.filter(valid_from__lt=valid_to)
    return qs


def _another_overlaps(rows, *, changing: Any, valid_from: dt.date, valid_to: dt.date | None) -> bool:
    """Whether a row of ``rows`` other than the one ``changing`` (None: a new row) overlaps the period."""
    if changing is not None:
        rows = rows.exclude(pk=changing.pk)
    return bool(_overlapping(rows, valid_from=valid_from, valid_to=valid_to).exists())


def check_agency(
    *,
    code: str,
    kind: str,
    level: str,
    unit: AdministrativeUnit,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    parent: Agency | None = None,
    successor: Agency | None = None,
    successors: Iterable[Agency] = (),
    agency: Agency | None = None,
) -> None:
    """Raise OrganizationError unless an agency with these fields may exist (``agency``: being changed).

    ``successor`` is the main successor, ``successors`` the others (or the full set, the main one included):
    each must be another agency in force on the day this one ends."""
    if not AGENCY_CODE_RE.match(code):
        raise OrganizationError(
            "agency.code_format",
            _("Mã định danh %(identifier)s không đúng dạng XXX.YY.ZZ.HNN (QCVN 102:2016)."),
            identifier=code,
        )
    if kind not in AgencyKind.values:
        raise OrganizationError("agency.kind", _("Loại cơ quan %(kind)s không hợp lệ."), kind=kind)
    if level not in AgencyLevel.values:
        raise OrganizationError("agency.level", _("Cấp %(level)s không hợp lệ."), level=level)
    if valid_to is not None and valid_to <= valid_from:
        raise OrganizationError("agency.end_before_start", _("Ngày kết thúc phải sau ngày bắt đầu hiệu lực."))
    if not unit.is_valid_on(valid_from):
        raise OrganizationError(
            "agency.unit_not_valid",
            _("Đơn vị hành chính %(unit)s không có hiệu lực vào ngày bắt đầu."),
            unit=unit.name,
        )
    # Law 72/2025/QH15 ends the district level on 1 July 2025: a district body is historical only (one
    # still open is ended by the reorganization plan that takes the province to two tiers).
    if level == AgencyLevel.DISTRICT and (
        valid_from >= DISTRICT_LEVEL_ENDS or (valid_to is not None and valid_to > DISTRICT_LEVEL_ENDS)
    ):
        raise OrganizationError(
            "agency.district_after_reform",
            _("Cơ quan cấp huyện chỉ có hiệu lực trước ngày 01/07/2025 (từ ngày này không còn cấp huyện)."),
        )
    if level == AgencyLevel.DISTRICT and unit.level != UnitLevel.DISTRICT:
        raise OrganizationError(
            "agency.unit_level", _("Cơ quan cấp huyện phải gắn với một đơn vị hành chính cấp huyện.")
        )
    if level == AgencyLevel.COMMUNE and unit.level != UnitLevel.COMMUNE:
        raise OrganizationError(
            "agency.unit_level", _("Cơ quan cấp xã phải gắn với một đơn vị hành chính cấp xã.")
        )
    # A post office serves the province from a street address in one commune.
    if level == AgencyLevel.PROVINCE and unit.level != UnitLevel.PROVINCE and kind != AgencyKind.POST_OFFICE:
        raise OrganizationError(
            "agency.unit_level", _("Cơ quan cấp tỉnh phải gắn với đơn vị hành chính cấp tỉnh.")
        )
    if parent is not None and (
        (agency is not None and parent.pk == agency.pk) or not parent.is_valid_on(valid_from)
    ):
        raise OrganizationError(
            "agency.parent_not_valid", _("Cơ quan cấp trên không có hiệu lực vào ngày bắt đầu.")
        )
    if successor is not None and (
        (agency is not None and successor.pk == agency.pk)
        or valid_to is None
        or not successor.is_valid_on(valid_to)
    ):
        raise OrganizationError(
            "agency.successor", _("Cơ quan kế thừa phải khác và có hiệu lực vào ngày kết thúc.")
        )
    _check_successors(agency=agency, successor=successor, successors=successors, on=valid_to)
    if _another_overlaps(
        Agency.objects.filter(code=code), changing=agency, valid_from=valid_from, valid_to=valid_to
    ):
        raise OrganizationError(
            "agency.code_taken", _("Mã định danh %(identifier)s đã được dùng."), identifier=code
        )


def _check_successors(
    *, agency: Agency | None, successor: Agency | None, successors: Iterable[Agency], on: dt.date | None
) -> None:
    others = [s for s in successors if successor is None or s.pk != successor.pk]
    if not others:
        return
    if successor is None:
        raise OrganizationError(
            "agency.successor_main", _("Cơ quan có nhiều cơ quan kế thừa phải có một cơ quan kế thừa chính.")
        )
    for other in others:
        if (agency is not None and other.pk == agency.pk) or on is None or not other.is_valid_on(on):
            raise OrganizationError(
                "agency.successors",
                _("Cơ quan kế thừa %(agency)s phải khác và có hiệu lực vào ngày kết thúc."),
                agency=str(other),
            )


def _set_successors(agency: Agency, successor: Agency | None, successors: Iterable[Agency]) -> None:
    """The full set is the main successor and the others; no main successor, no set."""
    full = {s.pk: s for s in successors}
    if successor is not None:
        full[successor.pk] = successor
    agency.successors.set(list(full.values()) if successor is not None else [])


@transaction.atomic
def create_agency(
    *,
    code: str,
    name: str,
    kind: str,
    level: str,
    unit: AdministrativeUnit,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    parent: Agency | None = None,
    successor: Agency | None = None,
    successors: Iterable[Agency] = (),
    short_name: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
) -> Agency:
    """Create an agency (cơ quan) in force from ``valid_from`` (an old body: ended, with its main
    ``successor`` and the other ``successors`` that read its archive)."""
    successors = list(successors)
    check_agency(
        code=code,
        kind=kind,
        level=level,
        unit=unit,
        valid_from=valid_from,
        valid_to=valid_to,
        parent=parent,
        successor=successor,
        successors=successors,
    )
    agency = Agency.objects.create(
        code=code,
        name=name,
        short_name=short_name,
        kind=kind,
        level=level,
        unit=unit,
        parent=parent,
        successor=successor,
        province_code=unit.province_code,
        address=address,
        phone=phone,
        email=email,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    _set_successors(agency, successor, successors)
    return agency


@transaction.atomic
def change_agency(
    *,
    agency: Agency,
    code: str,
    name: str,
    kind: str,
    level: str,
    unit: AdministrativeUnit,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    parent: Agency | None = None,
    successor: Agency | None = None,
    successors: Iterable[Agency] = (),
    short_name: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
) -> Agency:
    """Correct an agency's record (the same checks as creating one; the province follows the unit).
    ``successors`` replaces the set of successors (the main one is always in it).

    A reorganization that ends an agency and names its successors goes through ``end_agency``.
    """
    successors = list(successors)
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    check_agency(
        code=code,
        kind=kind,
        level=level,
        unit=unit,
        valid_from=valid_from,
        valid_to=valid_to,
        parent=parent,
        successor=successor,
        successors=successors,
        agency=agency,
    )
    changes = {
        "code": code,
        "name": name,
        "short_name": short_name,
        "kind": kind,
        "level": level,
        "unit": unit,
        "province_code": unit.province_code,
        "parent": parent,
        "successor": successor,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "address": address,
        "phone": phone,
        "email": email,
    }
    for field, value in changes.items():
        setattr(agency, field, value)
    agency.save()
    _set_successors(agency, successor, successors)
    return agency


@transaction.atomic
def end_agency(
    *, agency: Agency, on: dt.date, successor: Agency | None = None, successors: Iterable[Agency] = ()
) -> Agency:
    """End ``agency`` from ``on`` (exclusive end), with its reception points and positions still open then.

    ``successor`` takes over by default; it and the other ``successors`` (a split body's) read the ended
    agency's archive (Luật Lưu trữ số 33/2024/QH15: the archive of a reorganized body goes to the bodies
    that take over its functions)."""
    successors = list(successors)
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if on <= agency.valid_from:
        raise OrganizationError("agency.end_before_start", _("Ngày kết thúc phải sau ngày bắt đầu hiệu lực."))
    if agency.valid_to is not None and agency.valid_to <= on:
        raise OrganizationError("agency.already_ended", _("Cơ quan đã hết hiệu lực."))
    if successor is not None and (successor.pk == agency.pk or not successor.is_valid_on(on)):
        raise OrganizationError(
            "agency.successor", _("Cơ quan kế thừa phải khác và có hiệu lực vào ngày kết thúc.")
        )
    _check_successors(agency=agency, successor=successor, successors=successors, on=on)
    agency.valid_to = on
    agency.successor = successor
    agency.save(update_fields=["valid_to", "successor"])
    _set_successors(agency, successor, successors)
    open_after = Q(valid_to__isnull=True) | Q(valid_to__gt=on)
    ReceptionPoint.objects.filter(agency=agency).filter(open_after).filter(valid_from__lt=on).update(
        valid_to=on
    )
    Position.objects.filter(Q(agency=agency) | Q(reception_point__agency=agency)).filter(open_after).filter(
        valid_from__lt=on
    ).update(valid_to=on)
    return agency


@transaction.atomic
def add_successors(*, agency: Agency, successors: Iterable[Agency]) -> Agency:
    """Add ``successors`` to those of an agency that has already ended (e.g. an old body loaded before the
    plan that splits it is applied); the first becomes the main one when it had none. Adding one already
    there changes nothing."""
    successors = list(successors)
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if agency.valid_to is None:
        raise OrganizationError("agency.not_ended", _("Cơ quan chưa kết thúc: chưa có cơ quan kế thừa."))
    if not successors:
        return agency
    main = agency.successor or successors[0]
    _check_successors(agency=agency, successor=main, successors=successors, on=agency.valid_to)
    if main.pk == agency.pk or not main.is_valid_on(agency.valid_to):
        raise OrganizationError(
            "agency.successor", _("Cơ quan kế thừa phải khác và có hiệu lực vào ngày kết thúc.")
        )
    if agency.successor_id is None:
        agency.successor = main
        agency.save(update_fields=["successor"])
    agency.successors.add(main, *successors)
    return agency


def check_reception_point(
    *,
    code: str,
    kind: str,
    agency: Agency,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    point: ReceptionPoint | None = None,
) -> None:
    """Raise OrganizationError unless such a reception point may exist (``point``: being changed)."""
    if kind not in ReceptionPointKind.values:
        raise OrganizationError("reception.kind", _("Loại điểm tiếp nhận %(kind)s không hợp lệ."), kind=kind)
    if valid_to is not None and valid_to <= valid_from:
        raise OrganizationError(
            "reception.end_before_start", _("Ngày kết thúc phải sau ngày bắt đầu hiệu lực.")
        )
    if not agency.is_valid_on(valid_from):
        raise OrganizationError(
            "reception.agency_not_valid", _("Cơ quan không có hiệu lực vào ngày bắt đầu.")
        )
    same_code = ReceptionPoint.objects.filter(code=code)
    if _another_overlaps(same_code, changing=point, valid_from=valid_from, valid_to=valid_to):
        raise OrganizationError(
            "reception.code_taken", _("Mã điểm tiếp nhận %(identifier)s đã được dùng."), identifier=code
        )


@transaction.atomic
def create_reception_point(
    *,
    code: str,
    name: str,
    kind: str,
    agency: Agency,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    unit: AdministrativeUnit | None = None,
    address: str = "",
) -> ReceptionPoint:
    """Create a reception point (Bộ phận Một cửa / Trung tâm PVHCC / điểm bưu điện) of ``agency``."""
    check_reception_point(code=code, kind=kind, agency=agency, valid_from=valid_from, valid_to=valid_to)
    return ReceptionPoint.objects.create(
        code=code,
        name=name,
        kind=kind,
        agency=agency,
        unit=unit or agency.unit,
        province_code=agency.province_code,
        address=address,
        valid_from=valid_from,
        valid_to=valid_to,
    )


@transaction.atomic
def change_reception_point(
    *,
    point: ReceptionPoint,
    code: str,
    name: str,
    kind: str,
    agency: Agency,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    unit: AdministrativeUnit | None = None,
    address: str = "",
) -> ReceptionPoint:
    """Correct a reception point (the same checks as creating one; the province follows the agency)."""
    point = ReceptionPoint.objects.select_for_update().get(pk=point.pk)
    check_reception_point(
        code=code, kind=kind, agency=agency, valid_from=valid_from, valid_to=valid_to, point=point
    )
    point.code, point.name, point.kind, point.agency = code, name, kind, agency
    point.unit, point.province_code, point.address = unit or agency.unit, agency.province_code, address
    point.valid_from, point.valid_to = valid_from, valid_to
    point.save()
    return point


def check_position(
    *,
    staff: Staff | None,
    role: str,
    agency: Agency,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    reception_point: ReceptionPoint | None = None,
    position: Position | None = None,
) -> None:
    """Raise OrganizationError unless ``staff`` may hold this position (``position``: being changed)."""
    if role not in Role.values or role == Role.CITIZEN:
        raise OrganizationError("position.role", _("Vai trò %(role)s không hợp lệ cho cán bộ."), role=role)
    if valid_to is not None and valid_to <= valid_from:
        raise OrganizationError(
            "position.end_before_start", _("Ngày kết thúc phải sau ngày bắt đầu hiệu lực.")
        )
    if not agency.is_valid_on(valid_from):
        raise OrganizationError("position.agency_not_valid", _("Cơ quan không có hiệu lực vào ngày bắt đầu."))
    if reception_point is not None:
        if not reception_point.is_valid_on(valid_from):
            raise OrganizationError(
                "position.reception_not_valid", _("Điểm tiếp nhận không có hiệu lực vào ngày bắt đầu.")
            )
        if reception_point.province_code != agency.province_code:
            raise OrganizationError(
                "position.reception_province", _("Điểm tiếp nhận phải thuộc cùng tỉnh với cơ quan.")
            )
    if staff is None:
        return
    duplicate = Position.objects.filter(staff=staff, role=role, agency=agency)
    if _another_overlaps(duplicate, changing=position, valid_from=valid_from, valid_to=valid_to):
        raise OrganizationError("position.duplicate", _("Cán bộ đã giữ vai trò này tại cơ quan này."))


@transaction.atomic
def add_position(
    *,
    staff: Staff,
    role: str,
    agency: Agency,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    reception_point: ReceptionPoint | None = None,
) -> Position:
    """Give ``staff`` the position ``role`` at ``agency`` (at ``reception_point`` when receiving dossiers)."""
    check_position(
        staff=staff,
        role=role,
        agency=agency,
        reception_point=reception_point,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    return Position.objects.create(
        staff=staff,
        role=role,
        agency=agency,
        reception_point=reception_point,
        valid_from=valid_from,
        valid_to=valid_to,
    )


@transaction.atomic
def change_position(
    *,
    position: Position,
    staff: Staff,
    role: str,
    agency: Agency,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    reception_point: ReceptionPoint | None = None,
) -> Position:
    """Correct a position's record (the same checks as adding one)."""
    position = Position.objects.select_for_update().get(pk=position.pk)
    check_position(
        staff=staff,
        role=role,
        agency=agency,
        reception_point=reception_point,
        valid_from=valid_from,
        valid_to=valid_to,
        position=position,
    )
    position.staff, position.role, position.agency, position.reception_point = (
        staff,
        role,
        agency,
        reception_point,
    )
    position.valid_from, position.valid_to = valid_from, valid_to
    position.save()
    return position


def check_new_staff(
    *,
    username: str,
    password: str,
    full_name: str,
    agency: Agency,
    roles: list[str],
    valid_from: dt.date,
    reception_point: ReceptionPoint | None = None,
    email: str = "",
) -> None:
    """Raise OrganizationError unless ``create_staff`` with these arguments would succeed."""
    User = get_user_model()
    if not roles:
        raise OrganizationError("staff.no_role", _("Cán bộ phải có ít nhất một vai trò."))
    if User.objects.filter(username__iexact=username).exists():
        raise OrganizationError(
            "staff.username_taken", _("Tên đăng nhập %(username)s đã tồn tại."), username=username
        )
    for role in roles:
        check_position(
            staff=None, role=role, agency=agency, reception_point=reception_point, valid_from=valid_from
        )
    user = User(username=username, full_name=full_name, email=email, is_staff=Role.ADMINISTRATOR in roles)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise OrganizationError(
            "staff.weak_password",
            _("Mật khẩu không đạt yêu cầu: %(reasons)s"),
            reasons=" ".join(exc.messages),
        ) from exc


@transaction.atomic
def create_staff(
    *,
    username: str,
    password: str,
    full_name: str,
    agency: Agency,
    roles: list[str],
    valid_from: dt.date,
    reception_point: ReceptionPoint | None = None,
    title: str = "",
    email: str = "",
) -> Staff:
    """Create a staff account (cán bộ) at ``agency`` holding ``roles`` from ``valid_from``.

    The reception point, when given, is attached to the reception-officer and postal-staff
    positions; the password must pass the configured validators.
    """
    check_new_staff(
        username=username,
        password=password,
        full_name=full_name,
        agency=agency,
        roles=roles,
        valid_from=valid_from,
        reception_point=reception_point,
        email=email,
    )
    user = get_user_model()(
        username=username, full_name=full_name, email=email, is_staff=Role.ADMINISTRATOR in roles
    )
    user.set_password(password)
    user.save()
    staff = Staff.objects.create(user=user, agency=agency, full_name=full_name, title=title)
    for role in dict.fromkeys(roles):
        receiving = role in (Role.RECEPTION_OFFICER, Role.POSTAL_STAFF)
        Position.objects.create(
            staff=staff,
            role=role,
            agency=agency,
            reception_point=reception_point if receiving else None,
            valid_from=valid_from,
        )
    return staff


def check_staff(*, agency: Agency, staff: Staff | None = None) -> None:
    """Raise OrganizationError unless a staff member may belong to ``agency`` (one in force today)."""
    if staff is not None and staff.pk and staff.agency_id == agency.pk:
        return  # keeping the agency an account already belongs to is always allowed
    if not agency.is_valid_on(timezone.localdate()):
        raise OrganizationError("staff.agency_not_valid", _("Cơ quan không có hiệu lực vào ngày hôm nay."))


@transaction.atomic
def change_staff(*, staff: Staff, full_name: str, agency: Agency, title: str = "") -> Staff:
    """Correct a staff member's name, title or agency (positions change on their own)."""
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    check_staff(agency=agency, staff=staff)
    staff.full_name, staff.title, staff.agency = full_name, title, agency
    staff.save(update_fields=["full_name", "title", "agency"])
    return staff


@transaction.atomic
def delete_staff(*, staff: Staff) -> None:
    """Remove a staff record entered by mistake (its positions go with it; the user account stays)."""
    staff.delete()


@transaction.atomic
def delete_agency(*, agency: Agency) -> None:
    """Remove an agency entered by mistake; one that others refer to is ended instead (``end_agency``)."""
    agency.delete()


@transaction.atomic
def delete_reception_point(*, point: ReceptionPoint) -> None:
    """Remove a reception point entered by mistake."""
    point.delete()


@transaction.atomic
def delete_position(*, position: Position) -> None:
    """Remove a position entered by mistake; one that has been held is ended instead (``end_position``)."""
    position.delete()


@transaction.atomic
def end_position(*, position: Position, on: dt.date) -> Position:
    """End ``position`` from ``on`` (exclusive): from that day it no longer counts."""
    position = Position.objects.select_for_update().get(pk=position.pk)
    if on <= position.valid_from:
        raise OrganizationError(
            "position.end_before_start", _("Ngày kết thúc phải sau ngày bắt đầu hiệu lực.")
        )
    if position.valid_to is not None and position.valid_to <= on:
        raise OrganizationError("position.already_ended", _("Vị trí việc làm đã kết thúc."))
    position.valid_to = on
    position.save(update_fields=["valid_to"])
    return position


@transaction.atomic
def deactivate_staff(*, staff: Staff, on: dt.date) -> Staff:
    """A staff member leaves: every open position ends on ``on`` and the account is disabled."""
    Position.objects.filter(staff=staff).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on)).filter(
        valid_from__lt=on
    ).update(valid_to=on)
    Position.objects.filter(staff=staff, valid_from__gte=on).delete()
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    staff.user.is_active = False
    staff.user.save(update_fields=["is_active"])
    return staff
