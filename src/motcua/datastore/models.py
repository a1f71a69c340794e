"""The citizen's data store (kho quản lý dữ liệu điện tử của tổ chức, cá nhân: PersonalDataStore).

Every result issued and every document digitized at reception is kept here once (``StoredDocument``, its
file in the data store's storage with its SHA-256) and filed (``Filing``) under each person or enterprise it
concerns and under the applicant, so that a later dossier takes it from here instead of a new copy (Decree
45/2020/NĐ-CP, the data store of organizations and individuals and the reuse of digitized results, Art. 3
and Art. 16 [check]; Decree 107/2021/NĐ-CP amending Decree 61/2018/NĐ-CP: documents and results digitized at
reception, Art. 1 [check]; both now under Decree 118/2025/NĐ-CP [check]). Who may read a document is decided
by its filings alone (``datastore.selectors``). Written only by ``datastore.services``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Origin(models.TextChoices):
    RESULT = "result", _("kết quả giải quyết thủ tục hành chính")
    DIGITIZED = "digitized", _("bản số hóa khi tiếp nhận hồ sơ")


class HolderKind(models.TextChoices):
    PERSON = "person", _("cá nhân")
    ENTERPRISE = "enterprise", _("doanh nghiệp, tổ chức")


class FilingRole(models.TextChoices):
    APPLICANT = "applicant", _("người nộp hồ sơ")
    SUBJECT = "subject", _("người được cấp, có liên quan")
    REPRESENTATIVE = "representative", _("người đại diện theo pháp luật")


class StoredDocument(models.Model):
    """One document in the data store: a result issued or a paper digitized (scanned and certified) at
    reception. Never changed once written; the file's SHA-256 proves it was not."""

    # The province whose agency issued or digitized it: the distribution key of a national deployment
    # (docs/scaling.md), as on the dossiers.
    province_code = models.CharField(_("mã tỉnh"), max_length=2, db_index=True)
    kind = models.CharField(
        _("loại giấy tờ"),
        max_length=120,
        blank=True,
        db_index=True,
        help_text=_("Ví dụ civil_status.birth_certificate; trống: chưa phân loại (không tự động dùng lại)."),
    )
    title = models.CharField(_("tên giấy tờ"), max_length=500)
    origin = models.CharField(_("nguồn"), max_length=12, choices=Origin.choices)
    file_ref = models.CharField(_("tệp"), max_length=500)
    file_name = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Hồ sơ đã cấp kết quả hoặc đã nộp giấy tờ được số hóa."),
    )
    procedure_code = models.CharField(_("mã TTHC"), max_length=40)
    issued_by = models.ForeignKey(
        "org.Agency",
        verbose_name=_("cơ quan cấp, tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The officer who certified the digitized copy as true to the original (scan at the counter), or who
    # handed the result over.
    certified_by = models.ForeignKey(
        "org.Staff",
        verbose_name=_("cán bộ xác nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("lưu vào kho lúc"))

    class Meta:
        verbose_name = _("giấy tờ trong kho dữ liệu")
        verbose_name_plural = _("giấy tờ trong kho dữ liệu")
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Filing(models.Model):
    """A document filed under one holder: the person or enterprise it concerns, the applicant, or a minor's
    legal representative (until ``valid_until``, the day the minor comes of age)."""

    document = models.ForeignKey(StoredDocument, on_delete=models.CASCADE, related_name="filings")
    holder_kind = models.CharField(max_length=12, choices=HolderKind.choices, default=HolderKind.PERSON)
    # The 12-digit personal identification number or the enterprise code; empty for a person who has none
    # yet (a newborn before the number is given): found then by name and date of birth.
    holder_id = models.CharField(_("số định danh, mã số doanh nghiệp"), max_length=20, blank=True)
    holder_name = models.CharField(_("họ tên, tên"), max_length=200, blank=True)
    holder_birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    role = models.CharField(_("vai trò"), max_length=16, choices=FilingRole.choices)
    # A representative reads the minor's documents until the minor comes of age (Civil Code 2015 Art. 21,
    # Art. 136).
    valid_until = models.DateField(_("đến ngày"), null=True, blank=True)
    # For a representative: whom they represent (the subject's filing of the same document).
    represents = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="representatives"
    )

    class Meta:
        verbose_name = _("lưu trữ theo chủ thể")
        verbose_name_plural = _("lưu trữ theo chủ thể")
        indexes = [
            models.Index(fields=["holder_id", "document"], name="datastore_filing_holder"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="representative") | Q(valid_until__isnull=True),
                name="datastore_filing_until_representative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.role} {self.holder_id or self.holder_name}"
