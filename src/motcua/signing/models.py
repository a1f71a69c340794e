"""Result documents: their templates (catalog data) and the outgoing-document registers that number them.

- DocumentTemplate: mẫu văn bản kết quả, versioned with the procedure (one per procedure version and kind;
  the stop notice, Circular 03/2025/TT-VPCP Annex I form 05, and the apology, form 04, once per kind).
- OutgoingDocumentRegister: sổ đăng ký văn bản đi (Decree 30/2020/NĐ-CP Art. 15–16): one running number
  per issuing agency, document symbol and year, from 01 on 1 January, without gaps.
"""

from __future__ import annotations

import secrets

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


# --- issued documents, signing keys and signature jobs (C, migration 0002) ------------------------


def new_public_id() -> str:
    """The public id of an issued document: 24 random bytes (192 bits), URL-safe; never the dossier code."""
    return secrets.token_urlsafe(24)


class IssuedStatus(models.TextChoices):
    VALID = "valid", _("còn hiệu lực")
    REVOKED = "revoked", _("đã bị thu hồi")
    REPLACED = "replaced", _("đã được thay thế")


class IssuedStage(models.TextChoices):
    """How far a document went: drafted (rendered for preview), signed by the leader, issued (sealed)."""

    DRAFT = "draft", _("dự thảo")
    SIGNED = "signed", _("lãnh đạo đã ký số")
    ISSUED = "issued", _("đã phát hành")


class IssuedDocument(models.Model):
    """Văn bản điện tử phát hành: a result document (or a stop notice, an apology) of a dossier, rendered
    from its template, signed by the leader, sealed by the agency at issue (Decree 30/2020/NĐ-CP Art. 13–16).

    The bytes of each stage are kept (file reference, SHA-256, size); ``public_id`` is the random id the
    public verification page (``/xac-thuc/<public_id>/``) and the QR code printed on the page carry."""

    public_id = models.CharField(max_length=64, unique=True, default=new_public_id, editable=False)
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="issued_documents")
    province_code = models.CharField(max_length=2, db_index=True)
    kind = models.CharField(_("loại văn bản"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("tên văn bản"), max_length=300)
    template = models.ForeignKey(
        "signing.DocumentTemplate", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    stop_notice = models.ForeignKey(
        "dossiers.StopNotice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    apology = models.ForeignKey(
        "dossiers.ApologyNotice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField(max_length=10, choices=IssuedStage.choices, default=IssuedStage.DRAFT)
    # Số, ký hiệu: taken from the agency's outgoing register when the leader's signature is made.
    register_number = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    holder_masked = models.CharField(_("người được cấp"), max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=IssuedStatus.choices, default=IssuedStatus.VALID)
    status_reason = models.TextField(blank=True)
    status_at = models.DateTimeField(null=True, blank=True)
    status_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )
    prepared_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField()
    draft_ref = models.CharField(max_length=500, blank=True)
    draft_sha256 = models.CharField(max_length=64, blank=True)
    draft_size = models.PositiveIntegerField(default=0)
    rendered_ref = models.CharField(max_length=500, blank=True)
    rendered_sha256 = models.CharField(max_length=64, blank=True)
    rendered_size = models.PositiveIntegerField(default=0)
    signed_ref = models.CharField(max_length=500, blank=True)
    signed_sha256 = models.CharField(max_length=64, blank=True)
    signed_size = models.PositiveIntegerField(default=0)
    signer = models.ForeignKey("org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    sealed_ref = models.CharField(max_length=500, blank=True)
    sealed_sha256 = models.CharField(max_length=64, blank=True)
    sealed_size = models.PositiveIntegerField(default=0)
    sealer = models.ForeignKey("org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sealed_at = models.DateTimeField(null=True, blank=True)
    # Where the signature appearances go (``documents.Box`` fields), kept from the render for the seal.
    boxes = models.JSONField(default=dict, blank=True)
    stored_document = models.ForeignKey(
        "datastore.StoredDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("văn bản phát hành")
        verbose_name_plural = _("văn bản phát hành")
        ordering = ["dossier", "id"]
        indexes = [models.Index(fields=["dossier", "kind"])]

    def __str__(self) -> str:
        return f"{self.title} {self.number}".strip()

    @property
    def final_ref(self) -> str:
        """The file of the latest stage: sealed, else leader-signed (stop notice, apology), else none."""
        return self.sealed_ref or self.signed_ref

    @property
    def final_sha256(self) -> str:
        return self.sealed_sha256 or self.signed_sha256


class SignatureKind(models.TextChoices):
    LEADER = "leader", _("chữ ký số của người có thẩm quyền")
    SEAL = "seal", _("chữ ký số của cơ quan (con dấu)")


class SigningKey(models.Model):
    """Where a signing key lives (``signing.keys.KeySource``): a staff member's personal key, or an agency's
    organization key (the seal). The secret is never stored: ``secret_env`` names the environment variable
    that holds it in the signing worker, the only process that loads keys."""

    staff = models.ForeignKey("org.Staff", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(
        "org.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    source_kind = models.CharField(_("loại khoá"), max_length=10, default="pkcs12")
    ref = models.CharField(_("tham chiếu"), max_length=500)
    secret_env = models.CharField(_("biến môi trường chứa mật khẩu"), max_length=100, blank=True)
    options = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khoá ký số")
        verbose_name_plural = _("khoá ký số")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(staff__isnull=False, agency__isnull=True)
                | models.Q(staff__isnull=True, agency__isnull=False),
                name="signing_key_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff or self.agency} ({self.source_kind})"


class JobState(models.TextChoices):
    PENDING = "pending", _("đang chờ ký")
    DONE = "done", _("đã ký")
    FAILED = "failed", _("ký không thành công")


class SignatureJob(models.Model):
    """One signature to make on a document, recorded by the web action and made by the signing worker."""

    document = models.ForeignKey(IssuedDocument, on_delete=models.PROTECT, related_name="jobs")
    signature = models.CharField(max_length=10, choices=SignatureKind.choices)
    requested_by = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.PENDING)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu ký số")
        verbose_name_plural = _("yêu cầu ký số")
        ordering = ["document", "id"]

    def __str__(self) -> str:
        return f"{self.document} – {self.get_signature_display()} – {self.get_state_display()}"


class VerificationUpload(models.Model):
    """A PDF uploaded to the public verification page, counted per client to bound the validation work a
    stranger can ask of the server (``MOTCUA_VERIFY_UPLOADS_PER_CLIENT`` in ``MOTCUA_VERIFY_WINDOW_MINUTES``).

    ``client`` is the SHA-256 of the client's address (``core.clients.client_address``), never the address;
    rows older than the window are deleted as new uploads come in."""

    client = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["client", "at"], name="signing_upload_client_at")]

    def __str__(self) -> str:
        return f"{self.client[:12]} {self.at:%Y-%m-%d %H:%M}"
