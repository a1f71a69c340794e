"""Portal data: e-form drafts the citizen saved before submitting."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FormDraft(models.Model):
    """What a citizen typed in a procedure's e-form, kept until they submit it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="form_drafts")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(_("dữ liệu đã nhập"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("lưu lúc"), auto_now=True)

    class Meta:
        verbose_name = _("bản nháp tờ khai")
        verbose_name_plural = _("bản nháp tờ khai")
        constraints = [models.UniqueConstraint(fields=["user", "procedure"], name="portal_one_draft")]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.procedure_id}"
