"""Consent to a registry lookup and the audit of every lookup."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.registries.fields import REGISTRY_LABELS, field_label


class Registry(models.TextChoices):
    POPULATION = "population", REGISTRY_LABELS["population"]
    BUSINESS = "business", REGISTRY_LABELS["business"]
    LAND = "land", REGISTRY_LABELS["land"]
    CIVIL_STATUS = "civil_status", REGISTRY_LABELS["civil_status"]


class RegistryUse(models.Model):
    """What a consent and a lookup both record: the registry, the purpose, the dossier or the draft it was
    for (one or the other, or neither for a staff lookup outside a dossier) and when."""

    registry = models.CharField(_("cơ sở dữ liệu"), max_length=20, choices=Registry.choices)
    purpose = models.CharField(_("mục đích"), max_length=500)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registry_%(class)ss",  # registry_consents, registry_lookups
    )
    draft_reference = models.CharField(_("tham chiếu bản nháp"), max_length=80, blank=True, db_index=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True


class Consent(RegistryUse):
    """Sự đồng ý khai thác dữ liệu: a person's consent to one lookup purpose in one registry, or the legal
    basis an officer recorded instead (a lookup the law allows without consent).

    Given online by the citizen (``citizen``), or at the counter, where the officer who recorded it is
    ``recorded_by``. ``text`` is exactly what the person was shown; ``fields`` the registry fields it covers.
    """

    subject_id = models.CharField(_("số định danh / mã của đối tượng"), max_length=40, db_index=True)
    fields = models.JSONField(_("trường thông tin"), default=list)
    text = models.TextField(_("nội dung đã hiển thị"), blank=True)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("công dân đồng ý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registry_consents",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ ghi nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    legal_basis = models.CharField(_("căn cứ pháp lý (thay cho sự đồng ý)"), max_length=500, blank=True)
    withdrawn_at = models.DateTimeField(_("rút lại lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("sự đồng ý khai thác dữ liệu")
        verbose_name_plural = _("sự đồng ý khai thác dữ liệu")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.get_registry_display()} · {self.subject_id} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_legal_basis(self) -> bool:
        return bool(self.legal_basis)

    def field_labels(self) -> list[str]:
        return [str(field_label(self.registry, f)) for f in self.fields or []]


class Outcome(models.TextChoices):
    OK = "ok", _("có kết quả")
    NOT_FOUND = "not_found", _("không có thông tin")
    UNAVAILABLE = "unavailable", _("không kết nối được")
    REFUSED = "refused", _("bị từ chối")


class ActorKind(models.TextChoices):
    CITIZEN = "citizen", _("công dân")
    STAFF = "staff", _("cán bộ")


class Lookup(RegistryUse):
    """Nhật ký khai thác dữ liệu: one attempt to read a registry, successful or not.

    Who asked (``actor``, with their name and agency as they were), for which dossier or draft, for what
    purpose, under which consent or legal basis, which fields were asked for and which came back, when and
    how it ended. ``subject_id`` is the person the data is about (the ID number; for land, the holder), so
    that citizens see the lookups about them. A staff lookup outside a dossier is ``flagged`` for the
    auditor, who marks it reviewed.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tra cứu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registry_lookups",
    )
    actor_kind = models.CharField(_("loại người tra cứu"), max_length=10, choices=ActorKind.choices)
    actor_label = models.CharField(_("người tra cứu (tên, cơ quan)"), max_length=300, blank=True)
    # The province of the staff member's agency (else this installation's): whose auditors review it.
    province_code = models.CharField(_("mã tỉnh"), max_length=2, db_index=True)
    identifier = models.CharField(_("số định danh / mã tra cứu"), max_length=40, db_index=True)
    subject_id = models.CharField(_("người được tra cứu"), max_length=40, blank=True, db_index=True)
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("sự đồng ý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lookups",
    )
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=500, blank=True)
    fields_requested = models.JSONField(_("trường yêu cầu"), default=list)
    fields_returned = models.JSONField(_("trường nhận được"), default=list)
    outcome = models.CharField(_("kết quả"), max_length=12, choices=Outcome.choices)
    error_code = models.CharField(_("mã lỗi"), max_length=60, blank=True)
    cached = models.BooleanField(_("lấy từ bộ nhớ đệm"), default=False)
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"), default=0)
    flagged = models.BooleanField(_("cần thanh tra xem xét"), default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xem xét"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("xem xét lúc"), null=True, blank=True)
    review_note = models.CharField(_("ghi chú xem xét"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("lượt khai thác dữ liệu")
        verbose_name_plural = _("nhật ký khai thác dữ liệu")
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["subject_id", "-created_at"], name="registries_lookup_subject"),
            models.Index(
                fields=["-created_at"],
                condition=models.Q(flagged=True, reviewed_at__isnull=True),
                name="registries_lookup_flagged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_registry_display()} · {self.identifier} · {self.get_outcome_display()}"

    def returned_labels(self) -> list[str]:
        """The fields that came back, as a person reads them."""
        return [str(field_label(self.registry, f)) for f in self.fields_returned or []]

    def requested_labels(self) -> list[str]:
        return [str(field_label(self.registry, f)) for f in self.fields_requested or []]


# Prefill provenance (registries.prefill, H4): its own module, registered with the app here.
from motcua.registries.provenance import PrefilledValue  # noqa: E402, F401
