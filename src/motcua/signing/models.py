"""Result documents: their templates (catalog data) and the outgoing-document registers that number them.

- DocumentTemplate: mẫu văn bản kết quả, versioned with the procedure (one per procedure version and kind;
  the stop notice, Circular 03/2025/TT-VPCP Annex I form 05, and the apology, form 04, once per kind).
- OutgoingDocumentRegister: sổ đăng ký văn bản đi (Decree 30/2020/NĐ-CP Art. 15–16): one running number
  per issuing agency, document symbol and year, from 01 on 1 January, without gaps.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    RESULT = "result", _("kết quả giải quyết thủ tục hành chính")
    STOP_NOTICE = "stop_notice", _("thông báo dừng giải quyết hồ sơ (mẫu 05)")
    APOLOGY = "apology", _("văn bản xin lỗi và đề nghị gia hạn (mẫu 04)")


class DocumentTemplate(models.Model):
    """Mẫu văn bản kết quả: the title, number symbol and body of a result document, as catalog data.

    A template belongs to a procedure version (the document issued for dossiers received under that
    version, or a later one until another template replaces it) or, with no version, is the shared
    template of its kind: the stop notice (form 05), the apology (form 04) and the generic result.
    ``body`` is a sandboxed Jinja2 text that yields the document's markup (signing/documents/markup.py)."""

    version = models.ForeignKey(
        "catalog.ProcedureVersion",
        verbose_name=_("phiên bản thủ tục"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Để trống: mẫu dùng chung cho loại văn bản (thông báo dừng, xin lỗi, kết quả chung)."),
    )
    kind = models.CharField(_("loại văn bản"), max_length=16, choices=DocumentKind.choices)
    name = models.CharField(_("tên mẫu"), max_length=255)
    title = models.CharField(
        _("tên loại và trích yếu"),
        max_length=500,
        help_text=_("In hoa, đậm, giữa trang; có thể dùng biến, ví dụ {{ result_name }}."),
    )
    symbol = models.CharField(
        _("ký hiệu"),
        max_length=40,
        help_text=_(
            "Chữ viết tắt tên loại văn bản, ví dụ GKS; số văn bản là 12/GKS-UBND. "
            "Có dấu gạch ngang thì dùng nguyên ký hiệu."
        ),
    )
    body = models.TextField(
        _("nội dung"),
        help_text=_(
            "Mỗi dòng một đoạn; '= ...' đề mục giữa trang; 'Nhãn:: giá trị' một dòng thông tin; "
            "'| a | b |' một hàng bảng; **đậm**, __nghiêng__; biến và lệnh Jinja2 ({{ form.ho_ten }})."
        ),
    )
    recipients = models.TextField(
        _("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi nhận, ví dụ '- Như trên;'.")
    )
    legal_basis = models.CharField(_("căn cứ mẫu"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("mẫu văn bản kết quả")
        verbose_name_plural = _("mẫu văn bản kết quả")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "kind"],
                condition=Q(version__isnull=False),
                name="signing_template_version_kind",
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(version__isnull=True), name="signing_template_shared_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OutgoingDocumentRegister(models.Model):
    """Sổ đăng ký văn bản đi: the last number given to ``symbol`` documents of ``agency`` in ``year``.

    Decree 30/2020/NĐ-CP Art. 15(1): numbers run from 01 on 1 January to 31 December; Art. 16: each outgoing
    document is registered. ``registers.take_number`` increments the row in the issuing transaction, so a
    rolled-back issue gives its number back and the register has no gap."""

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    symbol = models.CharField(_("ký hiệu"), max_length=40)
    last_number = models.PositiveIntegerField(_("số cuối cùng đã cấp"), default=0)

    class Meta:
        verbose_name = _("sổ đăng ký văn bản đi")
        verbose_name_plural = _("sổ đăng ký văn bản đi")
        ordering = ["-year", "agency", "symbol"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "symbol"], name="signing_register_agency_year_symbol"
            )
        ]

    def __str__(self) -> str:
        return f"{self.symbol} {self.year}: {self.last_number}"
