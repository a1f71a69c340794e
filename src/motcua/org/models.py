"""Agencies, reception points, staff and their positions."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import Validity


class AgencyLevel(models.TextChoices):
    PROVINCE = "province", _("cấp tỉnh")
    COMMUNE = "commune", _("cấp xã")
    # Historical only: the district bodies (UBND huyện, thị xã, quận and their divisions) before the reform.
    DISTRICT = "district", _("cấp huyện")


# Luật Tổ chức chính quyền địa phương số 72/2025/QH15 (in force 1 July 2025): local government has two
# tiers, province and commune; the district level is not organized from this day. A district agency ends
# on it at the latest, and is never competent on or after it.
DISTRICT_LEVEL_ENDS = dt.date(2025, 7, 1)


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "ubnd", _("Ủy ban nhân dân")
    DEPARTMENT = "so", _("Sở, ban, ngành")
    SERVICE_CENTER = "pvhcc", _("Trung tâm Phục vụ hành chính công")
    DIVISION = "phong", _("phòng, ban chuyên môn")
    POST_OFFICE = "buu_dien", _("bưu điện")
    VERTICAL = "nganh_doc", _("cơ quan ngành dọc")


class Agency(Validity):
    """Cơ quan: a department (Sở), a People's Committee, a service center, a division or a post office."""

    code = models.CharField(
        _("mã định danh"),
        max_length=40,
        help_text=_("Mã định danh cơ quan (QCVN 102:2016/BTTTT), dùng trong mã hồ sơ."),
    )
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=120, blank=True)
    kind = models.CharField(_("loại"), max_length=16, choices=AgencyKind.choices)
    level = models.CharField(_("cấp"), max_length=16, choices=AgencyLevel.choices)
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The main successor (a dossier still in flight goes to it by default) and the full set, the main one
    # included: a split body has several, and each reads the ended body's archive (org.selectors).
    successor = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan kế thừa chính"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="main_predecessors",
    )
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("các cơ quan kế thừa"),
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        help_text=_("Mọi cơ quan tiếp nhận chức năng của cơ quan đã kết thúc, kể cả cơ quan kế thừa chính."),
    )
    province_code = models.CharField(_("mã tỉnh"), max_length=2, db_index=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["level", "name"]
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="org_agency_code_period")]

    def __str__(self) -> str:
        return self.name


class ReceptionPointKind(models.TextChoices):
    ONE_STOP_DESK = "mot_cua", _("Bộ phận Một cửa")
    SERVICE_CENTER = "pvhcc", _("Trung tâm Phục vụ hành chính công")
    POST_OFFICE = "buu_dien", _("điểm bưu điện")
    ONLINE = "truc_tuyen", _("cổng trực tuyến")


class ReceptionPoint(Validity):
    """Bộ phận Một cửa / Trung tâm PVHCC / điểm bưu điện: where dossiers are received."""

    code = models.CharField(
        _("mã"),
        max_length=40,
        help_text=_(
            "Mã của điểm tiếp nhận; mã hồ sơ bắt đầu bằng mã định danh của cơ quan tiếp nhận, "
            "không phải mã này."
        ),
    )
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=16, choices=ReceptionPointKind.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="reception_points"
    )
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("địa bàn"),
        on_delete=models.PROTECT,
        related_name="reception_points",
    )
    province_code = models.CharField(_("mã tỉnh"), max_length=2, db_index=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("điểm tiếp nhận")
        verbose_name_plural = _("điểm tiếp nhận")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="org_reception_code_period")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CITIZEN = "citizen", _("công dân, doanh nghiệp")
    RECEPTION_OFFICER = "reception_officer", _("cán bộ tiếp nhận (Một cửa)")
    SPECIALIST = "specialist", _("chuyên viên")
    HEAD = "head", _("lãnh đạo phòng")
    LEADER = "leader", _("lãnh đạo cơ quan")
    CLERK = "clerk", _("văn thư")
    POSTAL_STAFF = "postal_staff", _("nhân viên bưu điện")
    ADMINISTRATOR = "administrator", _("quản trị hệ thống")
    AUDITOR = "auditor", _("thanh tra, giám sát")


class Staff(models.Model):
    """Cán bộ, công chức: a staff account belonging to one agency."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="staff"
    )
    full_name = models.CharField(_("họ và tên"), max_length=200)
    title = models.CharField(_("chức danh"), max_length=200, blank=True)
    is_active = models.BooleanField(_("đang làm việc"), default=True)

    class Meta:
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")
        ordering = ["agency", "full_name"]

    def __str__(self) -> str:
        return self.full_name


class Position(Validity):
    """A role a staff member holds at an agency (optionally at one reception point) for a period."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="positions")
    role = models.CharField(_("vai trò"), max_length=24, choices=Role.choices, db_index=True)
    agency = models.ForeignKey(
        Agency, verbose_name=_("tại cơ quan"), on_delete=models.PROTECT, related_name="positions"
    )
    reception_point = models.ForeignKey(
        ReceptionPoint,
        verbose_name=_("tại điểm tiếp nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )

    class Meta:
        verbose_name = _("vị trí việc làm")
        verbose_name_plural = _("vị trí việc làm")
        indexes = [models.Index(fields=["agency", "role"])]

    def __str__(self) -> str:
        return f"{self.staff} – {self.get_role_display()} – {self.agency}"
