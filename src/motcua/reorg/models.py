"""Reorganization plans (phương án sắp xếp tổ chức): the plan document, its runs, and agencies' successors;
the legacy import's runs and records live in ``legacy_models`` and are imported here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("dự thảo")
    APPLYING = "applying", _("đang áp dụng")
    APPLIED = "applied", _("đã áp dụng")
    CANCELLED = "cancelled", _("đã hủy")


class Plan(models.Model):
    """A dated change set (format ``motcua-reorg/1``, docs/reorg.md), stored exactly as validated."""

    code = models.CharField(_("mã phương án"), max_length=63, unique=True)
    name = models.CharField(_("tên"), max_length=500)
    effective_at = models.DateTimeField(_("thời điểm có hiệu lực"))
    province_code = models.CharField(_("mã tỉnh"), max_length=2, db_index=True)
    document = models.JSONField(_("nội dung phương án"))
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("phương án sắp xếp")
        verbose_name_plural = _("phương án sắp xếp")
        ordering = ["-effective_at", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class RunState(models.TextChoices):
    RUNNING = "running", _("đang chạy")
    DONE = "done", _("hoàn tất")


class PlanRun(models.Model):
    """One application of a plan: organization changes first, then in-flight dossiers in batches. The progress
    (last dossier id done, counts) is committed with each batch, so a run stopped half-way resumes there."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="runs")
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=RunState.choices, default=RunState.RUNNING
    )
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    organization_done = models.BooleanField(_("đã thay đổi tổ chức"), default=False)
    last_dossier_id = models.BigIntegerField(_("hồ sơ cuối đã xử lý"), default=0)
    total = models.PositiveIntegerField(_("số hồ sơ cần chuyển"), default=0)
    moved = models.PositiveIntegerField(_("đã chuyển"), default=0)
    skipped = models.PositiveIntegerField(_("bỏ qua"), default=0)
    failed = models.PositiveIntegerField(_("không chuyển được"), default=0)
    failures = models.JSONField(_("hồ sơ không chuyển được"), default=list, blank=True)

    class Meta:
        verbose_name = _("lần áp dụng phương án")
        verbose_name_plural = _("lần áp dụng phương án")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.plan.code} {self.started_at:%d/%m/%Y %H:%M}"


class AgencySuccession(models.Model):
    """Cơ quan kế thừa: one successor of an agency the plan ended (``Agency.successor`` keeps only the main
    one). ``units`` / ``procedures``: the successor takes over for places in these units or for these
    procedures only (empty: all)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="successions")
    predecessor = models.ForeignKey(
        "org.Agency", verbose_name=_("cơ quan kết thúc"), on_delete=models.PROTECT, related_name="+"
    )
    successor = models.ForeignKey(
        "org.Agency", verbose_name=_("cơ quan kế thừa"), on_delete=models.PROTECT, related_name="+"
    )
    share = models.FloatField(_("tỷ lệ"), null=True, blank=True)
    units = models.JSONField(_("địa bàn"), default=list, blank=True)
    procedures = models.JSONField(_("thủ tục"), default=list, blank=True)

    class Meta:
        verbose_name = _("kế thừa cơ quan")
        verbose_name_plural = _("kế thừa cơ quan")
        constraints = [
            models.UniqueConstraint(fields=["plan", "predecessor", "successor"], name="reorg_succession_pair")
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


from motcua.reorg.legacy_models import *  # noqa: E402, F403  (the legacy import's models)
