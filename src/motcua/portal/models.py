"""Portal data: e-form drafts the citizen saved before submitting, and the files citizens uploaded."""

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


class LookupFailure(models.Model):
    """A failed public lookup (wrong code or ID ending), counted to slow down guessing.

    ``key`` is ``ip:<sha256 of the address>`` or ``code:<dossier code>``; rows older than the window are
    deleted as new failures come in.
    """

    key = models.CharField(max_length=100)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "at"])]

    def __str__(self) -> str:
        return f"{self.key} {self.at:%Y-%m-%d %H:%M}"


class CitizenUpload(models.Model):
    """A file a citizen uploaded through the portal (e-form field, document, supplement).

    Counted in the citizen's quota while it is stored; ``motcua uploads cleanup`` deletes it once neither
    a live draft nor a dossier refers to it. ``in_dossier`` is set when a dossier was found to refer to
    it: such a file is kept for good and not looked at again.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ref = models.CharField(_("tệp"), max_length=500, unique=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    uploaded_at = models.DateTimeField(_("tải lên lúc"))
    in_dossier = models.BooleanField(_("thuộc hồ sơ đã nộp"), default=False)

    class Meta:
        verbose_name = _("tệp công dân tải lên")
        verbose_name_plural = _("tệp công dân tải lên")
        indexes = [
            models.Index(fields=["in_dossier", "uploaded_at"]),
            models.Index(fields=["user", "in_dossier"]),
        ]

    def __str__(self) -> str:
        return self.ref
