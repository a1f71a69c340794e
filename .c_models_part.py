

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
    kind = models.CharField(_("loại văn bản"), max_length=20)
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
    status_by = models.ForeignKey("org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )
    prepared_by = models.ForeignKey("org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
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
    agency = models.ForeignKey("org.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
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
