"""Administrative units (đơn vị hành chính) before and after the 2025 reorganization."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import Validity
from motcua.geo.text import search_key


class Level(models.TextChoices):
    PROVINCE = "province", _("cấp tỉnh")
    DISTRICT = "district", _("cấp huyện")
    COMMUNE = "commune", _("cấp xã")


class UnitType(models.TextChoices):
    PROVINCE = "tinh", _("tỉnh")
    CENTRAL_CITY = "thanh_pho_tw", _("thành phố trực thuộc trung ương")
    PROVINCIAL_CITY = "thanh_pho", _("thành phố thuộc tỉnh")
    URBAN_DISTRICT = "quan", _("quận")
    RURAL_DISTRICT = "huyen", _("huyện")
    TOWN = "thi_xa", _("thị xã")
    WARD = "phuong", _("phường")
    COMMUNE = "xa", _("xã")
    TOWNSHIP = "thi_tran", _("thị trấn")
    SPECIAL_ZONE = "dac_khu", _("đặc khu")


class AdministrativeUnit(Validity):
    """Đơn vị hành chính: a province, a (legacy) district or a commune-level unit.

    GSO codes are reused across periods (19789 was Phường Vĩnh Ninh, then Phường Thuận Hóa),
    so a unit is identified by (code, valid_from).
    """

    code = models.CharField(_("mã"), max_length=8, db_index=True)
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên rút gọn"), max_length=200, blank=True)
    search_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    level = models.CharField(_("cấp"), max_length=16, choices=Level.choices, db_index=True)
    unit_type = models.CharField(_("loại"), max_length=16, choices=UnitType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("trực thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province_code = models.CharField(_("mã tỉnh"), max_length=2, db_index=True)
    # Extra search keys (compact, no diacritics: "phuongvida") for the address normalizer.
    aliases = models.JSONField(_("tên gọi khác"), default=list, blank=True)
    source = models.CharField(_("nguồn dữ liệu"), max_length=32, blank=True)
    successors = models.ManyToManyField(
        "self", through="UnitSuccession", symmetrical=False, related_name="predecessors", blank=True
    )

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["code", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="geo_unit_code_period")]
        indexes = [models.Index(fields=["province_code", "level", "valid_from"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # The loader fills search_key in bulk; this covers units created one by one (admin, tests).
        self.search_key = search_key(self.name)
        super().save(*args, **kwargs)

    @property
    def is_legacy(self) -> bool:
        """True for units abolished by the 2025 reorganization (those with an end date)."""
        return self.valid_to is not None


class UnitSuccession(models.Model):
    """A predecessor unit absorbed (wholly or partly) into a successor unit on ``effective_on``."""

    predecessor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="succession_out"
    )
    successor = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="succession_in")
    effective_on = models.DateField(_("ngày hiệu lực"))
    partial = models.BooleanField(_("chỉ một phần"), default=False)
    is_default = models.BooleanField(
        _("đơn vị kế thừa mặc định"),
        default=True,
        help_text=_("Where a unit was split, the successor to use when the address gives no more detail."),
    )

    class Meta:
        verbose_name = _("kế thừa đơn vị hành chính")
        verbose_name_plural = _("kế thừa đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="geo_succession_pair")
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
