"""Dossiers (hồ sơ) and their life cycle: reception, workflow steps, events, consultations, apologies.

Every change goes through ``motcua.dossiers.services``; this module only declares the data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Action
from motcua.dossiers.constants import (  # noqa: F401  (re-exported: models were their first home)
    NATIONAL_CHANNEL,
    RATEABLE_STATES,
    RESULT_STATES,
    TERMINAL_STATES,
    Audience,
    Channel,
    Confirmation,
    DocumentSource,
    EventKind,
    NationalStatus,
    RatingChannel,
    ResultDelivery,
    Satisfaction,
    State,
    StepOutcome,
)


class DossierCodeCounter(models.Model):
    """Sequence of dossier codes per receiving agency and day, shared by all the agency's reception points.

    The code is ``{mã định danh of the receiving unit}-{yymmdd}-{NNNN}`` (Circular 01/2018/TT-VPCP Art. 19;
    unit codes per Circular 10/2016/TT-BTTTT, QCVN 102:2016/BTTTT): one counter per unit and day, so two
    points of one agency never draw the same number. Incremented inside the reception transaction."""

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_counter_agency_day")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.day}: {self.last}"


class DossierRegister(models.Model):
    """Sổ theo dõi hồ sơ (Circular 03/2025/TT-VPCP, Annex I, form 07): one book per reception point and year.

    ``last`` is the last entry number (số thứ tự) given in the book; it is incremented inside the reception
    transaction, like the dossier code counter, so numbers never repeat. ``book`` is the book number
    (quyển số), printed as ``01/2026``."""

    reception_point = models.ForeignKey(
        "org.ReceptionPoint", verbose_name=_("điểm tiếp nhận"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    book = models.PositiveSmallIntegerField(_("quyển số"), default=1)
    last = models.PositiveIntegerField(_("số thứ tự cuối"), default=0)

    class Meta:
        verbose_name = _("sổ theo dõi hồ sơ")
        verbose_name_plural = _("sổ theo dõi hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["reception_point", "year"], name="dossier_register_point_year")
        ]

    def __str__(self) -> str:
        return f"{self.reception_point_id} {self.book_label}"

    @property
    def book_label(self) -> str:
        return f"{self.book:02d}/{self.year}"


class Dossier(models.Model):
    """Hồ sơ thủ tục hành chính (mã hồ sơ ``{mã định danh cơ quan tiếp nhận}-{yymmdd}-{NNNN}``)."""

    province_code = models.CharField(_("mã tỉnh"), max_length=2, db_index=True)
    code = models.CharField(_("mã hồ sơ"), max_length=80, unique=True)
    version = models.PositiveIntegerField(default=0, help_text="Optimistic concurrency counter.")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="dossiers")
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", on_delete=models.PROTECT, related_name="dossiers"
    )
    state = models.CharField(_("trạng thái"), max_length=24, choices=State.choices, db_index=True)
    channel = models.CharField(_("hình thức nộp"), max_length=8, choices=Channel.choices)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    # Submitted on the national public service portal (its MaHoSoQuocGia), kept beside our own code; empty
    # for dossiers submitted here. Unique: a second intake of the same submission finds this dossier.
    national_code = models.CharField(
        _("mã hồ sơ trên Cổng DVC quốc gia"), max_length=80, null=True, blank=True, unique=True
    )

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người nộp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant_name = models.CharField(_("chủ hồ sơ"), max_length=200)
    applicant_id_number = models.CharField(_("số định danh"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    # Online, the applicant is the e-ID identity; another person the form names (e.g. a child being
    # registered) is kept here as the person concerned, never as the applicant.
    concerned_name = models.CharField(_("người có liên quan"), max_length=200, blank=True)
    concerned_id_number = models.CharField(_("số định danh người có liên quan"), max_length=20, blank=True)
    # Whom the dossier concerns, as the lists of dossiers show it beside the procedure: the e-form's fields
    # marked ``x-dossier-subject`` (catalog.dossier_subject), else the person concerned, else the applicant.
    # Kept when the declaration is stored so that a list reads a column, never the form's JSON.
    subject_name = models.CharField(_("hồ sơ của ai"), max_length=200, blank=True, default="")
    place_unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("địa bàn"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Xã, phường căn cứ xác định thẩm quyền (nơi cư trú, nơi có tài sản, ...)."),
    )
    # The e-form field whose commune routed the dossier (CompetenceRule.place_fields); empty for dossiers
    # received before it was recorded and for procedures whose rule names no field.
    place_field = models.CharField(_("trường xác định địa bàn"), max_length=120, blank=True, default="")
    summary = models.CharField(_("trích yếu"), max_length=500, blank=True)
    form_data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    fee = models.DecimalField(_("phí, lệ phí"), max_digits=14, decimal_places=0, default=0)

    reception_point = models.ForeignKey(
        "org.ReceptionPoint",
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    receiving_agency = models.ForeignKey(
        "org.Agency", verbose_name=_("cơ quan tiếp nhận"), on_delete=models.PROTECT, related_name="+"
    )
    competent_agency = models.ForeignKey(
        "org.Agency", verbose_name=_("cơ quan có thẩm quyền"), on_delete=models.PROTECT, related_name="+"
    )
    competence_overridden = models.BooleanField(default=False)
    received_by = models.ForeignKey(
        "org.Staff",
        verbose_name=_("người tiếp nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    postal_tracking_number = models.CharField(_("số hiệu bưu gửi"), max_length=40, blank=True)
    # Assisted online submission at the counter (Directive 24/CT-TTg): the officer who filled the e-form
    # with the citizen (the reception point is ``reception_point``), and how the citizen confirmed it.
    assisted_by = models.ForeignKey(
        "org.Staff",
        verbose_name=_("cán bộ hỗ trợ nộp trực tuyến"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmation = models.CharField(
        _("hình thức xác nhận"), max_length=12, choices=Confirmation.choices, blank=True
    )
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận xác nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Recorded at the counter while the online path was down; submitted when it is back, with this moment
    # kept as the submission and reception time.
    recorded_offline_at = models.DateTimeField(_("ghi nhận ngoại tuyến lúc"), null=True, blank=True)
    # Circular 03/2025, form 01: "số lượng hồ sơ: 01 bộ" and how the result is returned.
    dossier_sets = models.PositiveSmallIntegerField(_("số lượng hồ sơ (bộ)"), default=1)
    result_delivery = models.CharField(
        _("hình thức nhận kết quả"),
        max_length=8,
        choices=ResultDelivery.choices,
        default=ResultDelivery.COUNTER,
    )
    # Where the post collects the paper dossier and/or brings the result (Decision 45/2016/QĐ-TTg), when it
    # is not ``applicant_address``.
    delivery_address = models.CharField(
        _("địa chỉ giao nhận qua bưu chính"), max_length=255, blank=True, default=""
    )

    submitted_at = models.DateTimeField(_("nộp lúc"))
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True, db_index=True)
    # The first appointment (hẹn ban đầu): set at reception, moved only by the law's own clock rules (the
    # time waiting for a supplement is not counted; a lawful extension, ``extension_max``), never by an
    # apology. Lateness, statistics and the national sync measure against it (legal.md, indicator 2.1).
    initial_appointment_at = models.DateTimeField(_("ngày hẹn ban đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc xử lý lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("đóng hồ sơ lúc"), null=True, blank=True)
    # Clock stopped while waiting for the applicant's supplement.
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_remaining_hours = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    paused_step_remaining_hours = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    # A withdrawal request waits for the competent agency's decision: national status 7 meanwhile.
    withdrawal_pending = models.BooleanField(_("đang yêu cầu rút hồ sơ"), default=False)
    current_step = models.ForeignKey(
        "DossierStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Copies of the current step's agency, role, assignee and deadline, written by the services on every
    # save: the inbox filters and orders on them through one index instead of a join (selectors.inbox_page).
    step_agency = models.ForeignKey(
        "org.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    step_role = models.CharField(max_length=24, blank=True)
    step_assignee = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    step_deadline = models.DateTimeField(null=True, blank=True)
    # The dossier's code in the old one-stop system it was imported from (reorg's legacy import); empty for
    # dossiers received here. The public lookup and the inbox search find a dossier by it too.
    legacy_code = models.CharField(
        _("mã hồ sơ ở hệ thống cũ"), max_length=80, blank=True, default="", db_index=True
    )

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["province_code", "state"]),
            models.Index(fields=["competent_agency", "state"]),
            # Inbox of one (agency, role) in inbox order; the keyset pages seek in it. State, assignee and
            # procedure close the key so that the page, its capped count and the procedure filter's window
            # are index-only scans: read from the heap, a long queue cost a page read per row (5,800 rows
            # waiting at one ward's specialist in the 5,000,000-dossier build: 30 ms against 0.1 ms).
            models.Index(
                fields=[
                    "step_agency",
                    "step_role",
                    "step_deadline",
                    "submitted_at",
                    "id",
                    "state",
                    "step_assignee",
                    "procedure",
                ],
                name="dossier_inbox_step",
            ),
            # Dossiers waiting for reception at an agency, oldest first (procedure: the filter's window reads
            # the index only).
            models.Index(
                fields=["receiving_agency", "state", "submitted_at", "id", "procedure"],
                name="dossier_to_receive",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def national_status(self) -> NationalStatus:
        # Imported here: status reads the calendar, which the models must not load with them.
        from motcua.dossiers.status import national_status

        return national_status(self)


class DossierRegisterEntry(models.Model):
    """One line of the dossier register: the dossier received at the point, with its số thứ tự in the book."""

    register = models.ForeignKey(DossierRegister, on_delete=models.PROTECT, related_name="entries")
    number = models.PositiveIntegerField(_("số thứ tự"))
    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="register_entry")
    entered_at = models.DateTimeField(_("vào sổ lúc"))

    class Meta:
        verbose_name = _("dòng sổ theo dõi hồ sơ")
        verbose_name_plural = _("dòng sổ theo dõi hồ sơ")
        ordering = ["register", "number"]
        constraints = [
            models.UniqueConstraint(fields=["register", "number"], name="dossier_register_entry_number")
        ]

    def __str__(self) -> str:
        return f"{self.register.book_label} #{self.number}"


class DossierDocument(models.Model):
    """Thành phần hồ sơ đã nộp: one required document as provided (or supplemented) by the applicant."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    code = models.CharField(_("mã thành phần"), max_length=40)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    source = models.CharField(
        _("nguồn"), max_length=16, choices=DocumentSource.choices, default=DocumentSource.PAPER
    )
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    file_ref = models.CharField(_("tệp"), max_length=500, blank=True)
    digitized = models.BooleanField(_("đã số hóa"), default=False)
    supplied_at = models.DateTimeField(_("nộp lúc"))
    # Taken from the citizen's data store instead of a copy (source ``data_store``): the stored original.
    stored_document = models.ForeignKey(
        "datastore.StoredDocument",
        verbose_name=_("giấy tờ trong kho dữ liệu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("giấy tờ đã nộp")
        verbose_name_plural = _("giấy tờ đã nộp")
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name


class SequenceField(models.PositiveIntegerField):
    """The position of a row among its dossier's rows: the INSERT may compute it from the rows already there
    (``locking.next_sequence``) under the dossier's row lock, and the database returns it."""

    db_returning = True


class DossierStep(models.Model):
    """One pass of a dossier through a workflow step; the control slip (phiếu kiểm soát) is their list."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    province_code = models.CharField(max_length=2, db_index=True)
    sequence = SequenceField()
    step = models.ForeignKey("catalog.WorkflowStep", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=24)
    assignee = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handed_over_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=24, blank=True)
    outcome = models.CharField(max_length=8, choices=StepOutcome.choices, blank=True)
    spent_hours = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["dossier", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "sequence"], name="dossier_step_sequence"),
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(finished_at__isnull=True), name="dossier_one_open_step"
            ),
        ]
        indexes = [models.Index(fields=["agency", "role", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.dossier_id} #{self.sequence} {self.role}@{self.agency_id}"


class Consultation(models.Model):
    """Lấy ý kiến cơ quan khác: the step waits for the consulted agency's answer."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="consultations")
    dossier_step = models.ForeignKey(DossierStep, on_delete=models.CASCADE, related_name="consultations")
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("nội dung xin ý kiến"))
    requested_by = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    answer = models.TextField(_("ý kiến trả lời"), blank=True)
    answered_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The consulted agency's open requests, oldest first (the inbox): only the few unanswered ones,
            # however many answered ones the agency has (bench/scale.py).
            models.Index(
                fields=["agency", "requested_at"],
                condition=Q(answered_at__isnull=True),
                name="consultation_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.agency_id}"


class ApologyNotice(models.Model):
    """Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (Circular 03/2025 form 04; "phiếu xin lỗi và
    hẹn lại ngày trả kết quả" under Circular 01/2018); takes effect when the responsible leader signs it."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="apologies")
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("lý do"))
    old_appointment_at = models.DateTimeField(_("ngày hẹn cũ"))
    new_appointment_at = models.DateTimeField(_("ngày hẹn mới"))
    drafted_by = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField()
    signed_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The notices a leader has to sign, in drafting order (the inbox): the unsigned ones only.
            models.Index(
                fields=["agency", "drafted_at", "id"],
                condition=Q(signed_at__isnull=True),
                name="apology_to_sign",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.new_appointment_at:%Y-%m-%d %H:%M}"


class StopNotice(models.Model):
    """Thông báo dừng giải quyết hồ sơ (Circular 03/2025/TT-VPCP, Annex I, form 05).

    The officer handling the current step proposes it with the reasons; it takes effect only when a leader of
    the competent agency signs it (Decree 118/2025/NĐ-CP: refusal after review is decided by the competent
    authority with a written notice and reasons): the dossier then ends, national status 8. The leader may
    instead decline it with a note, and the dossier continues.
    """

    class Outcome(models.TextChoices):
        PENDING = "", _("chờ lãnh đạo quyết định")
        SIGNED = "signed", _("đã ký, dừng giải quyết")
        DECLINED = "declined", _("không đồng ý dừng")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="stop_notices")
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    reasons = models.TextField(_("lý do dừng giải quyết"))
    proposed_by = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True, default="")
    decided_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("ý kiến của lãnh đạo"), blank=True)

    class Meta:
        verbose_name = _("thông báo dừng giải quyết hồ sơ")
        verbose_name_plural = _("thông báo dừng giải quyết hồ sơ")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(outcome=""), name="stop_notice_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.outcome or 'pending'}"


class WithdrawalRequest(models.Model):
    """Yêu cầu rút hồ sơ (national status 7 "Công dân yêu cầu rút hồ sơ"): made by the applicant on the
    portal or recorded by a reception officer from the written request; decided by a leader of the competent
    agency, who accepts it (the dossier is withdrawn, the originals returned and the fee handling recorded) or
    declines it with a reason (the dossier continues)."""

    class Outcome(models.TextChoices):
        PENDING = "", _("chờ cơ quan có thẩm quyền quyết định")
        ACCEPTED = "accepted", _("chấp nhận, hồ sơ đã rút")
        DECLINED = "declined", _("không chấp nhận")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="withdrawal_requests")
    reason = models.TextField(_("lý do rút hồ sơ"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        "org.Staff",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Cán bộ tiếp nhận ghi nhận yêu cầu bằng văn bản của công dân."),
    )
    requested_at = models.DateTimeField()
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True, default="")
    decided_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("lý do, ghi chú của cơ quan"), blank=True)
    originals_returned = models.TextField(_("bản chính trả lại công dân"), blank=True)
    fee_refunded = models.BooleanField(_("đã hoàn trả phí, lệ phí"), null=True, blank=True)
    fee_note = models.TextField(_("ghi chú về phí, lệ phí"), blank=True)

    class Meta:
        verbose_name = _("yêu cầu rút hồ sơ")
        verbose_name_plural = _("yêu cầu rút hồ sơ")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(outcome=""), name="withdrawal_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.outcome or 'pending'}"


# Kinds the applicant is told about (with the reason): what they did, what the agency decided for them.
APPLICANT_EVENT_KINDS = frozenset(
    {
        EventKind.SUBMITTED,
        EventKind.RECEIVED,
        EventKind.RECEPTION_SUPPLEMENT_REQUESTED,
        EventKind.REFUSED_AT_RECEPTION,
        EventKind.SUPPLEMENT_REQUESTED,
        EventKind.SUPPLEMENT_PROVIDED,
        EventKind.APOLOGY_SIGNED,
        EventKind.EXTENDED,
        EventKind.WITHDRAWN,
        EventKind.RATED,
        EventKind.ASSISTED_PREPARED,
        EventKind.SUBMISSION_CONFIRMED,
        EventKind.RECORDED_OFFLINE,
        EventKind.STOPPED,
        EventKind.WITHDRAWAL_REQUESTED,
        EventKind.WITHDRAWAL_DECLINED,
        EventKind.DOCUMENT_ISSUED,
        EventKind.DOCUMENT_REVOKED,
        EventKind.DOCUMENT_REPLACED,
        EventKind.SHIPMENT_CREATED,
        EventKind.SHIPMENT_UPDATED,
        EventKind.PAYMENT_REQUESTED,
        EventKind.PAYMENT_RECEIVED,
        EventKind.PAYMENT_REFUNDED,
        EventKind.REORGANIZED,
    }
)
# Workflow actions that end the handling for the applicant: refusal (with its reason; events written before
# the stop notice existed) and the hand-over.
APPLICANT_STEP_ACTIONS = frozenset({Action.REFUSE, Action.RETURN_RESULT})


def event_audience(*, kind: str, action: str = "", state: str = "") -> str:
    """The audience of an event: internal moves, returns to an earlier step, consultations, assignments,
    competence changes, apology drafts and result files are for staff; the rest concerns the applicant.
    A workflow move that makes the result ready (``state``) is the applicant's news too."""
    if kind in APPLICANT_EVENT_KINDS:
        return Audience.APPLICANT
    if kind == EventKind.STEP_ACTION and (action in APPLICANT_STEP_ACTIONS or state == State.RESULT_READY):
        return Audience.APPLICANT
    return Audience.STAFF


class ImmutableError(Exception):
    pass


class DossierEvent(models.Model):
    """Nhật ký hồ sơ: who did what, when, from where, why. Never updated or deleted.

    ``data`` carries the resulting ``state``, ``step`` (workflow step code or null) and, when it changed,
    ``appointment``, so that ``replay`` rebuilds the dossier's state from the log alone.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    province_code = models.CharField(max_length=2, db_index=True)
    sequence = SequenceField()
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    action = models.CharField(max_length=24, blank=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_staff = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_agency = models.ForeignKey(
        "org.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    origin = models.CharField(
        _("từ đâu"), max_length=120, blank=True, help_text=_("Kênh, địa chỉ IP hoặc máy trạm.")
    )
    reason = models.TextField(_("lý do"), blank=True)
    data = models.JSONField(default=dict)
    audience = models.CharField(
        _("dành cho"),
        max_length=12,
        choices=Audience.choices,
        default=Audience.STAFF,
        help_text=_("Người nộp hồ sơ chỉ thấy các sự kiện dành cho mình; lý do nội bộ chỉ cán bộ thấy."),
    )

    class Meta:
        ordering = ["dossier", "sequence"]
        constraints = [models.UniqueConstraint(fields=["dossier", "sequence"], name="dossier_event_sequence")]

    def __str__(self) -> str:
        return f"{self.dossier_id} #{self.sequence} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or not self._state.adding:
            raise ImmutableError("dossier events are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError("dossier events are immutable")


class DossierResult(models.Model):
    """Kết quả giải quyết TTHC: a file the applicant receives (giấy tờ, văn bản), attached by the agency.

    Attached while the dossier is processed; handed over when the result is returned; downloadable by the
    applicant from then on. A file attached by mistake is removed (kept, marked) before the hand-over.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="results")
    name = models.CharField(_("tên kết quả"), max_length=300)
    file_ref = models.CharField(_("tệp"), max_length=500)
    file_name = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    attached_by = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+")
    attached_at = models.DateTimeField(_("đính kèm lúc"))
    removed_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kết quả giải quyết")
        verbose_name_plural = _("kết quả giải quyết")
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name


class SatisfactionRating(models.Model):
    """Đánh giá mức độ hài lòng của người dân về việc giải quyết một hồ sơ: once, after it ended."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="rating")
    province_code = models.CharField(max_length=2, db_index=True)
    level = models.PositiveSmallIntegerField(_("mức độ hài lòng"), choices=Satisfaction.choices)
    comment = models.TextField(_("góp ý"), blank=True)
    channel = models.CharField(max_length=8, choices=RatingChannel.choices)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(_("đánh giá lúc"))

    class Meta:
        verbose_name = _("đánh giá mức độ hài lòng")
        verbose_name_plural = _("đánh giá mức độ hài lòng")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.level}"


class Forwarding(models.Model):
    """Hồ sơ tiếp nhận hộ, chuyển cơ quan có thẩm quyền ở tỉnh khác (phiếu chuyển hồ sơ).

    A dossier handed in here (at the counter or by post) for a competent agency outside this installation:
    Decree 118/2025/NĐ-CP lets people file at any one-stop desk regardless of level, residence or seat, and
    Decree 120/2025/NĐ-CP any civil-status matter at any commune, which submits it to the competent one.
    No ``Dossier`` is created here: the destination registers and decides it. The record keeps what was
    received, the forwarding slip is printed from it, the originals go by post (tracking number recorded
    when sent) and an outbox message carries the dossier to the destination."""

    province_code = models.CharField(_("mã tỉnh"), max_length=2, db_index=True)
    code = models.CharField(_("mã hồ sơ"), max_length=80, unique=True)
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("hình thức nộp"), max_length=8, choices=Channel.choices)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applicant_name = models.CharField(_("chủ hồ sơ"), max_length=200)
    applicant_id_number = models.CharField(_("số định danh"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    concerned_name = models.CharField(_("người có liên quan"), max_length=200, blank=True)
    concerned_id_number = models.CharField(_("số định danh người có liên quan"), max_length=20, blank=True)
    summary = models.CharField(_("trích yếu"), max_length=500, blank=True)
    form_data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    # [{code, name, source, originals, copies, file_ref}] as handed in.
    documents = models.JSONField(_("giấy tờ đã nhận"), default=list, blank=True)

    destination_unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("xã, phường nơi thực hiện"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    destination_province_code = models.CharField(_("mã tỉnh nơi chuyển đến"), max_length=2, db_index=True)
    destination_agency = models.CharField(_("cơ quan có thẩm quyền nơi chuyển đến"), max_length=255)

    reception_point = models.ForeignKey(
        "org.ReceptionPoint", verbose_name=_("nơi tiếp nhận"), on_delete=models.PROTECT, related_name="+"
    )
    receiving_agency = models.ForeignKey(
        "org.Agency", verbose_name=_("cơ quan tiếp nhận"), on_delete=models.PROTECT, related_name="+"
    )
    received_by = models.ForeignKey(
        "org.Staff", verbose_name=_("người tiếp nhận"), on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("tiếp nhận lúc"))
    postal_tracking_number = models.CharField(_("số hiệu bưu gửi đến"), max_length=40, blank=True)

    sent_tracking_number = models.CharField(_("số hiệu bưu gửi bản gốc"), max_length=40, blank=True)
    sent_at = models.DateTimeField(_("gửi bản gốc lúc"), null=True, blank=True)
    sent_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("hồ sơ chuyển tỉnh khác")
        verbose_name_plural = _("hồ sơ chuyển tỉnh khác")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["reception_point", "received_at"], name="forwarding_point_time")]

    def __str__(self) -> str:
        return self.code
