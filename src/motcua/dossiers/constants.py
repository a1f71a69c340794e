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
    REFUSED_AT_RECEPTION = "refused_at_reception", _("từ chối tiếp nhận")
    RECEPTION_SUPPLEMENT = "reception_supplement", _("chờ bổ sung để tiếp nhận")
    IN_PROCESS = "in_process", _("đang xử lý")
    SUPPLEMENT = "supplement", _("chờ công dân bổ sung")
    CONSULTING = "consulting", _("đang lấy ý kiến cơ quan khác")
    RESULT_READY = "result_ready", _("đã có kết quả, chờ trả")
    REFUSED = "refused", _("từ chối giải quyết")
    WITHDRAWN = "withdrawn", _("công dân rút hồ sơ")
    RETURNED = "returned", _("đã trả kết quả")


class NationalStatus(models.IntegerChoices):
    """Trạng thái hồ sơ on the national public service portal (TrangThaiHoSo)."""

    NEW = 1, _("Mới đăng ký")
    RECEIVED = 2, _("Được tiếp nhận")
    NOT_RECEIVED = 3, _("Không được tiếp nhận")
    IN_PROCESS = 4, _("Đang xử lý")
    SUPPLEMENT = 5, _("Yêu cầu bổ sung")
    FINANCIAL = 6, _("Yêu cầu nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân rút hồ sơ")
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
    WITHDRAWN = "withdrawn", _("công dân rút hồ sơ")
    RESULT_ATTACHED = "result_attached", _("đính kèm kết quả giải quyết")
    RESULT_REMOVED = "result_removed", _("gỡ tệp kết quả đính kèm nhầm")
    RATED = "rated", _("đánh giá mức độ hài lòng")


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
TERMINAL_STATES = frozenset({State.REFUSED_AT_RECEPTION, State.REFUSED, State.WITHDRAWN, State.RETURNED})
# Waiting for a reception officer's completeness check (tiếp nhận, yêu cầu bổ sung, từ chối tiếp nhận).
RECEPTION_STATES = frozenset({State.SUBMITTED})
# A refusal at reception may also close a dossier still waiting for the reception supplement.
REFUSABLE_AT_RECEPTION_STATES = frozenset({State.SUBMITTED, State.RECEPTION_SUPPLEMENT})
# Waiting for the applicant's documents (at reception or during processing).
SUPPLEMENT_STATES = frozenset({State.RECEPTION_SUPPLEMENT, State.SUPPLEMENT})
# The applicant may withdraw (rút hồ sơ) until a result exists.
WITHDRAWABLE_STATES = frozenset(
    {State.SUBMITTED, State.RECEPTION_SUPPLEMENT, State.IN_PROCESS, State.SUPPLEMENT, State.CONSULTING}
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
RATEABLE_STATES = frozenset({State.RETURNED, State.REFUSED})
# Dossiers an officer's inbox lists at a step (waiting ones come from RECEPTION_STATES).
INBOX_STATES = (State.IN_PROCESS, State.RESULT_READY)
