"""States, channels, event kinds and the state sets each rule of the dossier engine reads.

Models, status, services, selectors, the access policy and the pages import from here, so no two of them
import each other for an enum. One set per rule: change a rule by changing its set.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Hình thức nộp; values follow the national portal's codes (1 in person, 2 online, 3 post)."""

    COUNTER = "counter", _("trực tiếp")
    ONLINE = "online", _("trực tuyến")
    POST = "post", _("qua dịch vụ bưu chính công ích")


NATIONAL_CHANNEL = {Channel.COUNTER: 1, Channel.ONLINE: 2, Channel.POST: 3}


class ResultDelivery(models.TextChoices):
    """Hình thức nhận kết quả, asked at reception and printed on the receipt (Circular 03/2025, form 01)."""

    COUNTER = "counter", _("nhận trực tiếp tại Bộ phận Một cửa")
    POST = "post", _("nhận qua dịch vụ bưu chính công ích")
    ONLINE = "online", _("nhận trực tuyến")


def default_result_delivery(channel: str) -> str:
    """Online dossiers get their result online, the others at the counter, unless the applicant chose."""
    return ResultDelivery.ONLINE if channel == Channel.ONLINE else ResultDelivery.COUNTER


class State(models.TextChoices):
    """Internal state of a dossier. ``NationalStatus`` is what the outside world sees."""

    SUBMITTED = "submitted", _("chờ tiếp nhận")
    # Two written ends without a result (Circular 03/2025/TT-VPCP, Annex I): refused before the receipt by the
    # one-stop desk (form 03, national status 3), stopped after the receipt by the competent agency's leader
    # (form 05, national status 8).
    REFUSED_AT_RECEPTION = "refused_at_reception", _("từ chối tiếp nhận")
    RECEPTION_SUPPLEMENT = "reception_supplement", _("chờ bổ sung để tiếp nhận")
    IN_PROCESS = "in_process", _("đang xử lý")
    SUPPLEMENT = "supplement", _("chờ công dân bổ sung")
    CONSULTING = "consulting", _("đang lấy ý kiến cơ quan khác")
    RESULT_READY = "result_ready", _("đã có kết quả, chờ trả")
    # Stopped after review (national status 8): only by a leader's signed stop notice (form 05).
    STOPPED = "stopped", _("dừng giải quyết")
    # Withdrawn: the competent agency accepted the applicant's withdrawal request.
    WITHDRAWN = "withdrawn", _("đã rút hồ sơ")
    RETURNED = "returned", _("đã trả kết quả")
    # Assisted online submission at the counter (Directive 24/CT-TTg): not yet submitted.
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("chờ công dân xác nhận bằng định danh điện tử")
    RECORDED_OFFLINE = "recorded_offline", _("đã ghi nhận khi hệ thống trực tuyến gián đoạn, chờ nộp")
    # National status 6: the competent agency asked the fee during processing; back in process once paid.
    AWAITING_PAYMENT = "awaiting_payment", _("chờ thực hiện nghĩa vụ tài chính")


class NationalStatus(models.IntegerChoices):
    """Trạng thái hồ sơ on the national public service portal (TrangThaiHoSo)."""

    NEW = 1, _("Mới đăng ký")
    RECEIVED = 2, _("Được tiếp nhận")
    NOT_RECEIVED = 3, _("Không được tiếp nhận")
    IN_PROCESS = 4, _("Đang xử lý")
    SUPPLEMENT = 5, _("Yêu cầu bổ sung")
    FINANCIAL = 6, _("Yêu cầu nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    PROCESSED = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


class DocumentSource(models.TextChoices):
    PAPER = "paper", _("bản giấy")
    FILE = "file", _("tệp điện tử")
    DATA_STORE = "data_store", _("kho dữ liệu của công dân")
    REGISTRY = "registry", _("cơ sở dữ liệu quốc gia, chuyên ngành")
    FORM = "form", _("tờ khai điện tử")


class StepOutcome(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("nộp hồ sơ")
    RECEIVED = "received", _("tiếp nhận hồ sơ")
    RECEPTION_SUPPLEMENT_REQUESTED = "reception_supplement", _("yêu cầu bổ sung khi tiếp nhận")
    # Two written ends without a result (Circular 03/2025/TT-VPCP, Annex I): refused before the receipt by the
    # one-stop desk (form 03, national status 3), stopped after the receipt by the competent agency's leader
    # (form 05, national status 8).
    REFUSED_AT_RECEPTION = "refused_at_reception", _("từ chối tiếp nhận")
    COMPETENCE_OVERRIDDEN = "competence_overridden", _("thay đổi cơ quan có thẩm quyền")
    STEP_ASSIGNED = "step_assigned", _("phân công xử lý")
    STEP_ACTION = "step_action", _("xử lý bước")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("yêu cầu bổ sung hồ sơ")
    SUPPLEMENT_PROVIDED = "supplement_provided", _("công dân bổ sung hồ sơ")
    CONSULTATION_REQUESTED = "consultation_requested", _("xin ý kiến cơ quan khác")
    CONSULTATION_ANSWERED = "consultation_answered", _("cơ quan khác trả lời")
    APOLOGY_DRAFTED = "apology_drafted", _("dự thảo văn bản xin lỗi")
    APOLOGY_SIGNED = "apology_signed", _("ký văn bản xin lỗi, hẹn lại")
    EXTENDED = "extended", _("gia hạn thời gian giải quyết")
    WITHDRAWN = "withdrawn", _("chấp nhận yêu cầu rút hồ sơ")
    RESULT_ATTACHED = "result_attached", _("đính kèm kết quả giải quyết")
    RESULT_REMOVED = "result_removed", _("gỡ tệp kết quả đính kèm nhầm")
    RATED = "rated", _("đánh giá mức độ hài lòng")
    STOP_PROPOSED = "stop_proposed", _("đề xuất dừng giải quyết hồ sơ")
    STOP_DECLINED = "stop_declined", _("lãnh đạo không đồng ý dừng giải quyết")
    STOPPED = "stopped", _("thông báo dừng giải quyết hồ sơ")
    WITHDRAWAL_REQUESTED = "withdrawal_requested", _("công dân yêu cầu rút hồ sơ")
    WITHDRAWAL_DECLINED = "withdrawal_declined", _("không chấp nhận yêu cầu rút hồ sơ")
    ASSISTED_PREPARED = "assisted_prepared", _("cán bộ hỗ trợ lập hồ sơ trực tuyến tại quầy")
    SUBMISSION_CONFIRMED = "submission_confirmed", _("công dân xác nhận nội dung hồ sơ")
    RECORDED_OFFLINE = "recorded_offline", _("ghi nhận hồ sơ khi hệ thống trực tuyến gián đoạn")
    # Result documents signed and issued by the signing worker (``motcua.signing``), and their later fate.
    DOCUMENT_PREPARED = "document_prepared", _("lập dự thảo văn bản kết quả")
    DOCUMENT_SIGNED = "document_signed", _("lãnh đạo ký số văn bản")
    DOCUMENT_ISSUED = "document_issued", _("phát hành văn bản điện tử")
    SIGNING_FAILED = "signing_failed", _("ký số không thành công")
    DOCUMENT_REVOKED = "document_revoked", _("thu hồi văn bản")
    DOCUMENT_REPLACED = "document_replaced", _("thay thế văn bản")
    # The post (Decision 45/2016/QĐ-TTg, ``motcua.postal``): a shipment created at the postal service, and
    # the status updates it reports (picked up, delivered, returned to sender).
    SHIPMENT_CREATED = "shipment_created", _("bưu điện nhận yêu cầu chuyển phát")
    SHIPMENT_UPDATED = "shipment_updated", _("cập nhật trạng thái bưu gửi")
    # Fees and charges (motcua.payments): asked, paid in full, refunded.
    PAYMENT_REQUESTED = "payment_requested", _("yêu cầu thực hiện nghĩa vụ tài chính")
    PAYMENT_RECEIVED = "payment_received", _("đã nhận thanh toán phí, lệ phí")
    PAYMENT_REFUNDED = "payment_refunded", _("hoàn trả phí, lệ phí")
    # A reorganization plan (motcua.reorg) moved the dossier to the agency that succeeded the ended one.
    REORGANIZED = "reorganized", _("chuyển cơ quan giải quyết do sắp xếp tổ chức")


class Confirmation(models.TextChoices):
    """How the citizen confirmed a dossier the reception officer filled in with them (assisted submission)."""

    ON_THE_SPOT = "on_the_spot", _("xác nhận tại quầy")
    E_ID = "e_id", _("xác nhận bằng tài khoản định danh điện tử")


class OfflineReason(models.TextChoices):
    """Why a dossier was recorded offline: the e-ID provider did not answer, or the officer said so."""

    PROBE = "probe", _("không kết nối được hệ thống định danh điện tử, Cổng dịch vụ công")
    DECLARED = "declared", _("cán bộ xác định hệ thống trực tuyến đang gián đoạn")


class Audience(models.TextChoices):
    """Who an event is for: the applicant reads ``APPLICANT`` events on their timeline; ``STAFF`` events
    (the agency's internal work) are shown to officers only. Decided per kind in ``event_audience``."""

    APPLICANT = "applicant", _("người nộp hồ sơ")
    STAFF = "staff", _("chỉ cán bộ")


class Satisfaction(models.IntegerChoices):
    """Mức độ hài lòng; ``DISSATISFIED`` is the negative rating the service index subtracts."""

    VERY_SATISFIED = 4, _("Rất hài lòng")
    SATISFIED = 3, _("Hài lòng")
    ACCEPTABLE = 2, _("Chấp nhận được")
    DISSATISFIED = 1, _("Không hài lòng")


class RatingChannel(models.TextChoices):
    PORTAL = "portal", _("tài khoản trên Cổng dịch vụ công")
    LOOKUP = "lookup", _("tra cứu bằng mã hồ sơ")


class TimeStatus(models.TextChoices):
    ON_TIME = "on_time", _("trong hạn")
    DUE_SOON = "due_soon", _("sắp đến hạn")
    OVERDUE = "overdue", _("quá hạn")


# --- the state sets, one per rule ----------------------------------------------------------------

# The dossier's handling has ended: nothing but reading (and rating) happens any more.
TERMINAL_STATES = frozenset({State.REFUSED_AT_RECEPTION, State.STOPPED, State.WITHDRAWN, State.RETURNED})
# Ended without a result: a fee paid for it is refunded (motcua.payments records the refund).
ENDED_WITHOUT_RESULT_STATES = frozenset({State.REFUSED_AT_RECEPTION, State.STOPPED, State.WITHDRAWN})
# Waiting for a reception officer's completeness check (tiếp nhận, yêu cầu bổ sung, từ chối tiếp nhận).
RECEPTION_STATES = frozenset({State.SUBMITTED})
# A refusal at reception may also close a dossier still waiting for the reception supplement.
REFUSABLE_AT_RECEPTION_STATES = frozenset({State.SUBMITTED, State.RECEPTION_SUPPLEMENT})
# Waiting for the applicant's documents (at reception or during processing).
SUPPLEMENT_STATES = frozenset({State.RECEPTION_SUPPLEMENT, State.SUPPLEMENT})
# The applicant may request withdrawal (rút hồ sơ, national status 7) until a result exists; the competent
# agency decides the request while the dossier has not ended.
WITHDRAWABLE_STATES = frozenset(
    {
        State.SUBMITTED,
        State.RECEPTION_SUPPLEMENT,
        State.IN_PROCESS,
        State.SUPPLEMENT,
        State.CONSULTING,
        State.AWAITING_PAYMENT,
    }
)
# The current step may be moved by the workflow's actions (forward, approve, sign, return, ...).
STEP_STATES = frozenset({State.IN_PROCESS, State.RESULT_READY})
# A step may be assigned while the dossier sits at it, waiting or not.
ASSIGNABLE_STATES = frozenset({State.IN_PROCESS, State.RESULT_READY, State.CONSULTING, State.SUPPLEMENT})
# The competent agency may still be changed (and only before a step of it was reached).
OVERRIDABLE_STATES = frozenset({State.SUBMITTED, State.RECEPTION_SUPPLEMENT, State.IN_PROCESS})
# Result files may be attached or removed while the dossier is being processed, until the hand-over.
RESULT_STATES = frozenset({State.IN_PROCESS, State.CONSULTING, State.RESULT_READY})
# The applicant rates the handling once it ended with a result or a written refusal.
RATEABLE_STATES = frozenset({State.RETURNED, State.STOPPED})
# The competent agency may extend the time limit (gia hạn) while the dossier is processed, before the result.
EXTENDABLE_STATES = frozenset({State.IN_PROCESS, State.CONSULTING})
# Prepared at the counter and not yet submitted online (assisted submission): no national status is sent.
NOT_YET_SUBMITTED_STATES = frozenset({State.AWAITING_CONFIRMATION, State.RECORDED_OFFLINE})
# A stop (dừng giải quyết, form 05) may be proposed and signed while the dossier is being processed after its
# receipt, before the result is ready: at a step, waiting for a supplement or for another agency's opinion.
STOPPABLE_STATES = frozenset({State.IN_PROCESS, State.SUPPLEMENT, State.CONSULTING})
# Dossiers an officer's inbox lists at a step (waiting ones come from RECEPTION_STATES).
INBOX_STATES = (State.IN_PROCESS, State.RESULT_READY)
