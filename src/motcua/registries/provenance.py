"""Where an e-form value came from: a registry's value put into the form (prefill), what was finally
submitted, and the reason the citizen gave for correcting it (EU once-only technical system: the user
previews the evidence and may correct it; here the officer sees the correction beside the registry value).

A row belongs to the form being filled (``filled_by`` + ``procedure``, ``dossier`` empty: the draft) until
the form is submitted; then it is linked to the dossier and keeps the submitted value and the reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PrefilledValue(models.Model):
    """Thông tin lấy từ cơ sở dữ liệu: one e-form field filled from a registry, and what became of it."""

    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người điền")
    )
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, null=True, blank=True, related_name="prefilled_values"
    )
    lookup = models.ForeignKey("registries.Lookup", on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(
        "registries.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    form_field = models.CharField(_("trường tờ khai"), max_length=100)
    # The e-form field the registry was asked by, and the identifier it held: a value belongs to the form
    # only while that field still holds it (the counter fills one procedure's form for many people).
    key_field = models.CharField(_("trường khóa tra cứu"), max_length=100)
    identifier = models.CharField(_("số định danh, mã tra cứu"), max_length=40)
    registry = models.CharField(_("cơ sở dữ liệu"), max_length=30)
    registry_field = models.CharField(_("trường dữ liệu"), max_length=60)
    registry_value = models.TextField(_("giá trị từ cơ sở dữ liệu"), blank=True)
    submitted_value = models.TextField(_("giá trị đã nộp"), blank=True)
    corrected = models.BooleanField(_("đã sửa"), default=False)
    reason = models.TextField(_("lý do sửa"), blank=True)
    fetched_at = models.DateTimeField(_("lấy lúc"))
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông tin lấy từ cơ sở dữ liệu")
        verbose_name_plural = _("thông tin lấy từ cơ sở dữ liệu")
        constraints = [
            models.UniqueConstraint(
                fields=["filled_by", "procedure", "form_field"],
                condition=models.Q(dossier__isnull=True),
                name="registries_one_pending_prefill",
            )
        ]
        indexes = [models.Index(fields=["dossier", "form_field"])]

    def __str__(self) -> str:
        return f"{self.registry}.{self.registry_field} -> {self.form_field}"
