"""The procedure catalog as versioned data: procedures, versions, documents, competence, workflows."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.core.models import Validity


def fold(text: str) -> str:
    """Lower-case text without Vietnamese diacritics, for search (``Đăng ký`` -> ``dang ky``)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


def search_key_of(code: str, name: str, name_en: str = "", keywords: str = "") -> str:
    """What procedure search matches: code, Vietnamese and English names and keywords, folded."""
    return fold(" ".join((code, name, name_en, keywords.replace(",", " "))))[:1500]


def _refuse_if_published(version: ProcedureVersion | None) -> None:
    if version is not None and version.status == VersionStatus.PUBLISHED:
        raise DomainError(
            "version.immutable",
            _("Phiên bản %(version)s đã công bố, không được sửa; hãy tạo phiên bản mới."),
            version=str(version),
        )


class VersionContent(models.Model):
    """Part of a procedure version's content: frozen once the version is published."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        _refuse_if_published(self.owning_version())
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _refuse_if_published(self.owning_version())
        return super().delete(*args, **kwargs)

    def owning_version(self) -> ProcedureVersion | None:
        raise NotImplementedError


class Field(models.Model):
    """Lĩnh vực: the sector a procedure belongs to."""

    code = models.CharField(_("mã lĩnh vực"), max_length=40, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Target(models.TextChoices):
    CITIZEN = "citizen", _("công dân")
    BUSINESS = "business", _("doanh nghiệp, tổ chức")
    BOTH = "both", _("công dân và tổ chức")


class Procedure(models.Model):
    """Thủ tục hành chính, identified by its code in the national procedure database (mã TTHC)."""

    code = models.CharField(_("mã TTHC"), max_length=40, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    # What a reader of English searches and sees when the page is in English; the Vietnamese name stays the
    # legal one (Decree 63/2010/NĐ-CP Art. 8: the procedure's name as published in the national database).
    name_en = models.CharField(_("tên tiếng Anh"), max_length=500, blank=True)
    keywords = models.CharField(
        _("từ khóa tìm kiếm"),
        max_length=500,
        blank=True,
        help_text=_("Các cách gọi khác của thủ tục, tiếng Việt hoặc tiếng Anh, cách nhau bởi dấu phẩy."),
    )
    featured = models.BooleanField(
        _("nêu trên trang chủ"),
        default=False,
        help_text=_("Thủ tục người dân hay làm: trang chủ Cổng dịch vụ công dẫn thẳng đến thủ tục này."),
    )
    search_key = models.CharField(max_length=1500, blank=True, db_index=True, editable=False)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures"
    )
    at_province = models.BooleanField(_("cấp tỉnh thực hiện"), default=False)
    at_commune = models.BooleanField(_("cấp xã thực hiện"), default=False)
    target = models.CharField(_("đối tượng"), max_length=16, choices=Target.choices, default=Target.CITIZEN)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = search_key_of(self.code, self.name, self.name_en, self.keywords)
        super().save(*args, **kwargs)

    @property
    def local_name(self) -> str:
        """The name in the page's language: the English name on an English page when the catalog has one."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("dự thảo")
    PUBLISHED = "published", _("đã công bố")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("toàn trình")
    PARTIAL = "partial", _("một phần")
    OFFLINE = "offline", _("trực tiếp")


class SupplementClock(models.TextChoices):
    """How the time limit runs again once the applicant supplies what a processing-stage request asked for."""

    RESUME = "resume", _("tính tiếp thời gian còn lại")
    RESTART = "restart", _("tính lại từ đầu")


class TimeUnit(models.TextChoices):
    HOURS = "hours", _("giờ làm việc")
    WORKING_DAYS = "working_days", _("ngày làm việc")
    DAYS = "days", _("ngày")
    MONTHS = "months", _("tháng")


class ProcedureVersion(Validity):
    """One version of a procedure's rules; immutable once published.

    A dossier points at the version it was received under.
    """

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    # Legal time limit as published, and in working hours (8 h = 1 working day) as systems store it.
    time_limit_amount = models.DecimalField(_("thời hạn giải quyết"), max_digits=8, decimal_places=2)
    time_limit_unit = models.CharField(_("đơn vị thời hạn"), max_length=16, choices=TimeUnit.choices)
    same_day_cutoff = models.TimeField(
        _("giờ tiếp nhận cuối để trả trong ngày"),
        null=True,
        blank=True,
        help_text=_(
            "Thủ tục trả trong ngày: hồ sơ nhận sau giờ này trả vào ngày làm việc tiếp theo (thường 15:00)."
        ),
    )
    # "Same day, extendable by at most N working days with a reason" (e.g. marriage: Luật Hộ tịch 2014,
    # Art. 18(2), up to 5 working days when the conditions must be verified). Null: no extension.
    extension_max = models.PositiveSmallIntegerField(
        _("gia hạn tối đa (ngày làm việc)"),
        null=True,
        blank=True,
        help_text=_(
            "Số ngày làm việc tối đa được gia hạn, tính từ ngày hẹn ban đầu, khi cần xác minh (có lý do); "
            "để trống nếu thủ tục không được gia hạn."
        ),
    )
    extension_basis = models.TextField(
        _("căn cứ gia hạn"), blank=True, help_text=_("Văn bản, điều khoản cho phép gia hạn.")
    )
    # Văn bản xin lỗi và đề nghị gia hạn (Circular 03/2025 form 04): once per dossier unless the catalog
    # allows more (Decree 61/2018: the return date moved only once [kiểm tra Decree 118/2025]).
    apologies_allowed = models.PositiveSmallIntegerField(
        _("số lần xin lỗi, hẹn lại tối đa"),
        default=1,
        help_text=_("Số văn bản xin lỗi và đề nghị gia hạn được ban hành cho một hồ sơ (mặc định 1)."),
    )
    online_level = models.CharField(_("mức độ trực tuyến"), max_length=16, choices=OnlineLevel.choices)
    location_independent = models.BooleanField(
        _("tiếp nhận không phụ thuộc địa giới hành chính"), default=True
    )
    # Supplements during processing (form 02): the time limit runs from receipt of the complete dossier.
    supplement_clock = models.CharField(
        _("thời hạn sau khi bổ sung"),
        max_length=8,
        choices=SupplementClock.choices,
        default=SupplementClock.RESUME,
        help_text=_(
            "Khi người yêu cầu bổ sung đủ hồ sơ: tính tiếp thời gian còn lại, hoặc tính lại toàn bộ thời hạn."
        ),
    )
    supplement_request_days = models.PositiveSmallIntegerField(
        _("hạn yêu cầu bổ sung (ngày làm việc)"),
        null=True,
        blank=True,
        help_text=_(
            "Số ngày làm việc kể từ khi tiếp nhận mà cơ quan giải quyết phải yêu cầu bổ sung; quá hạn "
            "vẫn được yêu cầu nhưng phải nêu lý do và bị ghi nhận là yêu cầu muộn. Để trống: không quy định."
        ),
    )
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    source = models.CharField(_("nguồn công bố"), max_length=500, blank=True)
    result_name = models.CharField(_("kết quả"), max_length=500)
    result_template = models.CharField(_("mẫu kết quả"), max_length=255, blank=True)
    result_validity = models.CharField(_("thời hạn hiệu lực của kết quả"), max_length=255, blank=True)
    # The kind of document the result is (e.g. ``civil_status.birth_certificate``): the citizen's data store
    # files it under this kind, and a later procedure asking for it (RequiredDocument.reuse "data_store",
    # reuse_key = the kind) takes it from there.
    result_kind = models.CharField(
        _("loại giấy tờ kết quả (kho dữ liệu)"),
        max_length=120,
        blank=True,
        help_text=_(
            "Mã loại giấy tờ, ví dụ civil_status.birth_certificate; thủ tục sau dùng lại theo mã này."
        ),
    )
    fee_rules = models.JSONField(_("phí, lệ phí"), default=list, blank=True)
    form_schema = models.JSONField(_("biểu mẫu điện tử (JSON Schema)"), default=dict, blank=True)
    ui_schema = models.JSONField(_("giao diện biểu mẫu"), default=dict, blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    # Directive 24/CT-TTg: from this day the centres take no paper dossier for the procedure; the counter
    # helps the citizen submit online instead. May start after valid_from without a new version.
    online_only_from = models.DateField(
        _("chỉ tiếp nhận trực tuyến từ ngày"),
        null=True,
        blank=True,
        help_text=_("Từ ngày này không tiếp nhận hồ sơ giấy; cán bộ hỗ trợ công dân nộp trực tuyến."),
    )
    online_only_basis = models.TextField(_("căn cứ chỉ tiếp nhận trực tuyến"), blank=True)
    # A draft built from the national procedure database (``catalog.national``): what differs from the
    # published version, field by field, as pulled; never published automatically.
    national_diff = models.JSONField(_("khác biệt so với CSDL quốc gia"), default=list, blank=True)
    national_pulled_at = models.DateTimeField(_("lấy từ CSDL quốc gia lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "number"]
        constraints = [models.UniqueConstraint(fields=["procedure", "number"], name="catalog_version_number")]

    # Only the end of validity may change after publication (publishing a successor closes it), and the
    # online-only attribute, which a directive can start during the version's life (Directive 24/CT-TTg).
    MUTABLE_WHEN_PUBLISHED = frozenset({"valid_to", "online_only_from", "online_only_basis"})

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    def is_online_only(self, on: dt.date) -> bool:
        """No paper dossier on ``on``: the counter assists an online submission (Directive 24/CT-TTg)."""
        return self.online_only_from is not None and on >= self.online_only_from

    @property
    def time_limit_hours(self) -> Decimal:
        """The legal time limit in working hours (8 h = 1 working day), conservative for calendar units."""
        return time_limit_in_hours(self.time_limit_amount, self.time_limit_unit)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).first()
            if stored is not None and stored.is_published:
                changed = {
                    f.attname
                    for f in self._meta.concrete_fields
                    if getattr(stored, f.attname) != getattr(self, f.attname)
                }
                update_fields = kwargs.get("update_fields")
                if update_fields is not None:
                    changed &= set(update_fields)
                if changed - self.MUTABLE_WHEN_PUBLISHED:
                    _refuse_if_published(stored)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _refuse_if_published(self)
        return super().delete(*args, **kwargs)


def time_limit_in_hours(amount: Decimal | int | float, unit: str) -> Decimal:
    """Working hours for a published limit; calendar days count 5 working days a week, months 20 days."""
    value = Decimal(str(amount))
    if unit == TimeUnit.HOURS:
        return value
    if unit == TimeUnit.WORKING_DAYS:
        return value * 8
    if unit == TimeUnit.DAYS:
        return (value * 5 // 7) * 8
    return value * 20 * 8


class ReuseSource(models.TextChoices):
    NONE = "", _("nộp bản giấy hoặc tệp")
    DATA_STORE = "data_store", _("kho dữ liệu của công dân")
    REGISTRY = "registry", _("cơ sở dữ liệu quốc gia, chuyên ngành")


class RequiredDocument(VersionContent):
    """Thành phần hồ sơ."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="documents")
    code = models.CharField(_("mã"), max_length=40)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    mandatory = models.BooleanField(_("bắt buộc"), default=True)
    reuse = models.CharField(
        _("có thể lấy từ"), max_length=16, choices=ReuseSource.choices, default="", blank=True
    )
    reuse_key = models.CharField(_("nguồn dữ liệu"), max_length=120, blank=True)
    form_field = models.CharField(
        _("trường biểu mẫu tương ứng"),
        max_length=120,
        blank=True,
        help_text=_("Tờ khai điện tử thay cho giấy tờ này (tên trường trong biểu mẫu)."),
    )
    condition = models.TextField(
        _("điều kiện phải nộp"),
        blank=True,
        help_text=_("Giấy tờ chỉ phải nộp trong trường hợp này (ví dụ: “Chỉ khi đã từng kết hôn …”)."),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="catalog_document_code")]

    def __str__(self) -> str:
        return self.name

    def owning_version(self) -> ProcedureVersion | None:
        return self.version if self.version_id else None


class PlaceBasis(models.TextChoices):
    """The kind of fact that decides the place; whose residence, which property or event is named by
    the rule's ``place_fields`` (birth: the father's or the mother's residence, Luật Hộ tịch 2014 Art. 13)."""

    RESIDENCE = "residence", _("nơi cư trú")
    PROPERTY = "property", _("nơi có đất đai, nhà ở, công trình")
    BUSINESS_SEAT = "business_seat", _("nơi đặt trụ sở, địa điểm kinh doanh")
    EVENT = "event", _("nơi xảy ra sự việc")
    NONE = "none", _("không phụ thuộc địa bàn")


class AgencyRule(models.TextChoices):
    NAMED = "named", _("cơ quan được chỉ định")
    COMMUNE_COMMITTEE = "commune_committee", _("UBND cấp xã nơi có địa bàn")


class CompetenceRule(Validity):
    """Thẩm quyền giải quyết: which agency is competent for a procedure, for places within ``scope``."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="competence_rules")
    place_basis = models.CharField(_("căn cứ địa bàn"), max_length=16, choices=PlaceBasis.choices)
    scope = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("phạm vi áp dụng"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Áp dụng cho các địa bàn thuộc đơn vị này (tỉnh hoặc một xã, phường)."),
    )
    agency_rule = models.CharField(_("cách xác định cơ quan"), max_length=24, choices=AgencyRule.choices)
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place_fields = models.JSONField(
        _("trường biểu mẫu xác định địa bàn"),
        default=list,
        blank=True,
        help_text=_(
            "Tên các trường chọn xã, phường của tờ khai mang địa bàn theo luật, theo thứ tự ưu tiên "
            "(ví dụ khai tử: nơi cư trú cuối cùng, nơi chết, nơi phát hiện thi thể). Trường đầu tiên "
            "có giá trị quyết định thẩm quyền."
        ),
    )
    legal_basis = models.CharField(_("căn cứ phân cấp, ủy quyền"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("quy tắc thẩm quyền")
        verbose_name_plural = _("quy tắc thẩm quyền")


class PerformerRule(models.TextChoices):
    COMPETENT = "competent", _("cơ quan có thẩm quyền")
    RECEIVING = "receiving", _("điểm tiếp nhận")
    NAMED = "named", _("cơ quan, phòng ban được chỉ định")
    PLACE_COMMUNE = "place_commune", _("UBND xã nơi có địa bàn")


class Action(models.TextChoices):
    FORWARD = "forward", _("chuyển bước tiếp theo")
    RETURN = "return", _("trả lại bước trước")
    REQUEST_SUPPLEMENT = "request_supplement", _("yêu cầu bổ sung")
    REFUSE = "refuse", _("từ chối giải quyết")
    CONSULT = "consult", _("lấy ý kiến cơ quan khác")
    APPROVE = "approve", _("phê duyệt")
    SIGN = "sign", _("ký số")
    ISSUE_NUMBER = "issue_number", _("vào số, đóng dấu")
    RETURN_RESULT = "return_result", _("trả kết quả")


class Workflow(VersionContent):
    """Quy trình nội bộ, quy trình điện tử of one procedure version."""

    version = models.OneToOneField(ProcedureVersion, on_delete=models.CASCADE, related_name="workflow")
    name = models.CharField(_("tên quy trình"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("quy trình nội bộ")
        verbose_name_plural = _("quy trình nội bộ")

    def __str__(self) -> str:
        return self.name or str(self.version)

    def owning_version(self) -> ProcedureVersion | None:
        return self.version if self.version_id else None


class WorkflowStep(VersionContent):
    """One step of an internal workflow, performed by a role at a resolved agency within its allotment."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="steps")
    code = models.CharField(_("mã bước"), max_length=40)
    name = models.CharField(_("tên bước"), max_length=255)
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    role = models.CharField(_("vai trò thực hiện"), max_length=24)
    performer = models.CharField(_("cơ quan thực hiện"), max_length=16, choices=PerformerRule.choices)
    performer_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("cơ quan chỉ định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    allotment_hours = models.DecimalField(_("thời gian (giờ làm việc)"), max_digits=8, decimal_places=2)
    actions = models.JSONField(_("thao tác được phép"), default=list)
    is_initial = models.BooleanField(_("bước đầu"), default=False)

    class Meta:
        verbose_name = _("bước quy trình")
        verbose_name_plural = _("bước quy trình")
        ordering = ["workflow", "order"]
        constraints = [models.UniqueConstraint(fields=["workflow", "code"], name="catalog_step_code")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    def owning_version(self) -> ProcedureVersion | None:
        return self.workflow.version if self.workflow_id else None


class Transition(VersionContent):
    """From a step, an action leads to a step (or ends the workflow when ``target`` is null)."""

    source = models.ForeignKey(WorkflowStep, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("thao tác"), max_length=24, choices=Action.choices)
    target = models.ForeignKey(
        WorkflowStep, null=True, blank=True, on_delete=models.CASCADE, related_name="incoming"
    )
    requires_reason = models.BooleanField(_("bắt buộc nêu lý do"), default=False)

    class Meta:
        verbose_name = _("chuyển bước")
        verbose_name_plural = _("chuyển bước")
        constraints = [
            models.UniqueConstraint(fields=["source", "action", "target"], name="catalog_transition_unique")
        ]

    def __str__(self) -> str:
        target = self.target.code if self.target is not None else "∎"
        return f"{self.source.code} --{self.action}--> {target}"

    def owning_version(self) -> ProcedureVersion | None:
        return self.source.workflow.version if self.source_id else None


class LegalDocument(models.Model):
    """Văn bản quy phạm pháp luật the catalog cites, with the dates it is in force and what replaced it.

    The verifier reads this list: a version whose legal basis cites a document not in force on the version's
    first day (not yet, or already replaced) is an error (``legal.not_in_force``). ``in_force_to`` is the
    first day the document no longer applies (the replacing document's first day)."""

    number = models.CharField(
        _("số, ký hiệu"), max_length=60, unique=True, help_text=_("Ví dụ: 01/2021/NĐ-CP.")
    )
    title = models.CharField(_("trích yếu"), max_length=500)
    in_force_from = models.DateField(_("có hiệu lực từ"), null=True, blank=True)
    in_force_to = models.DateField(
        _("hết hiệu lực từ"), null=True, blank=True, help_text=_("Ngày đầu tiên văn bản không còn hiệu lực.")
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("được thay thế bởi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("văn bản pháp luật")
        verbose_name_plural = _("văn bản pháp luật")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number
