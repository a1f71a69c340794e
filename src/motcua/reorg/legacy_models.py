"""Legacy import (nhập dữ liệu hệ thống một cửa cũ): the import runs and the map from each source row to the
object it became, so that an import is idempotent, resumable and reconcilable (docs/legacy-import.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["LegacyAttachment", "LegacyEntity", "LegacyRecord", "LegacyRun", "LegacyRunStatus"]


class LegacyRunStatus(models.TextChoices):
    IMPORTING = "importing", _("đang nhập")
    DONE = "done", _("đã nhập xong")


class LegacyEntity(models.TextChoices):
    AGENCY = "agency", _("cơ quan")
    DOSSIER = "dossier", _("hồ sơ")
    EVENT = "event", _("sự kiện")
    ATTACHMENT = "attachment", _("tệp đính kèm")


class LegacyRun(models.Model):
    """One import of one export (source system + manifest checksum): its progress, so that a run killed
    mid-way continues where its last committed batch ended."""

    source = models.CharField(_("hệ thống nguồn"), max_length=120)
    manifest_sha256 = models.CharField(_("mã kiểm tra tệp kê khai"), max_length=64)
    directory = models.CharField(_("thư mục dữ liệu"), max_length=500)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=LegacyRunStatus.choices, default=LegacyRunStatus.IMPORTING
    )
    batches_done = models.PositiveIntegerField(_("số lô đã nhập"), default=0)
    batches_total = models.PositiveIntegerField(_("tổng số lô"), default=0)
    rows_rejected = models.PositiveIntegerField(_("số dòng bị từ chối"), default=0)
    report_path = models.CharField(_("báo cáo lỗi"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập dữ liệu cũ")
        verbose_name_plural = _("lần nhập dữ liệu cũ")
        constraints = [
            models.UniqueConstraint(fields=["source", "manifest_sha256"], name="legacy_run_export")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.manifest_sha256[:12]} {self.status}"


class LegacyRecord(models.Model):
    """A source row (entity + its key in the old system) and the object it became here.

    ``row_sha256`` is the checksum of the row as read, so that a second export of the same system with a
    changed row is told apart from the row already imported; ``notes`` keeps what the import decided about
    it (the address reading, the agency level it had in the old three-tier system)."""

    source = models.CharField(_("hệ thống nguồn"), max_length=120)
    entity = models.CharField(_("loại dữ liệu"), max_length=12, choices=LegacyEntity.choices)
    key = models.CharField(_("mã trong hệ thống cũ"), max_length=200)
    # The Agency, Dossier or LegacyAttachment the row became; for an event, its dossier (events are written
    # in bulk with their dossier and found by (dossier, sequence)).
    object_id = models.BigIntegerField(_("mã bản ghi đã nhập"))
    row_sha256 = models.CharField(max_length=64)
    run = models.ForeignKey(LegacyRun, on_delete=models.PROTECT, related_name="records")
    notes = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("bản ghi dữ liệu cũ đã nhập")
        verbose_name_plural = _("bản ghi dữ liệu cũ đã nhập")
        constraints = [
            models.UniqueConstraint(fields=["source", "entity", "key"], name="legacy_record_source_key")
        ]

    def __str__(self) -> str:
        return f"{self.source}/{self.entity}/{self.key}"


class LegacyAttachment(models.Model):
    """A file of an imported dossier (thành phần hồ sơ đã nộp or kết quả giải quyết from the old system),
    stored with its checksum as the export gave it and verified on the way in."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("giấy tờ đã nộp")
        RESULT = "result", _("kết quả giải quyết")

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="legacy_attachments"
    )
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("tên tệp"), max_length=255)
    file_ref = models.CharField(_("tệp"), max_length=500)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    source_path = models.CharField(_("đường dẫn trong dữ liệu cũ"), max_length=500)

    class Meta:
        verbose_name = _("tệp đính kèm của hồ sơ cũ")
        verbose_name_plural = _("tệp đính kèm của hồ sơ cũ")
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name
