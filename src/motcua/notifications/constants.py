"""Channels, message kinds and statuses of notifications, and which dossier events the citizen is told of."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PORTAL = "portal", _("trên Cổng dịch vụ công")
    EMAIL = "email", _("thư điện tử")
    SMS = "sms", _("tin nhắn SMS")


# Channels a citizen confirms an address for (the portal list is always on).
ADDRESS_CHANNELS = (Channel.EMAIL, Channel.SMS)


class Kind(models.TextChoices):
    RECEIVED = "received", _("tiếp nhận hồ sơ")
    SUPPLEMENT = "supplement", _("yêu cầu bổ sung, hoàn thiện hồ sơ")
    RESULT_READY = "result_ready", _("có kết quả giải quyết")
    APOLOGY = "apology", _("xin lỗi và hẹn lại ngày trả kết quả")
    PAYMENT_REQUESTED = "payment_requested", _("yêu cầu thực hiện nghĩa vụ tài chính")
    PAYMENT_RECEIVED = "payment_received", _("đã nhận thanh toán phí, lệ phí")


class Status(models.TextChoices):
    PENDING = "pending", _("đang gửi")
    SENT = "sent", _("đã gửi")
    DELIVERED = "delivered", _("đã đến người nhận")
    FAILED = "failed", _("không gửi được")


LANGUAGES = (("vi", "Tiếng Việt"), ("en", "English"))

# Dossier event kinds (dossiers.constants.EventKind values, and the payment kinds issue 16 adds) that make
# a message, by message kind. A step action is news only when it makes the result ready.
KIND_OF_EVENT: dict[str, Kind] = {
    "received": Kind.RECEIVED,
    "supplement_requested": Kind.SUPPLEMENT,
    "reception_supplement": Kind.SUPPLEMENT,
    "document_issued": Kind.RESULT_READY,
    "apology_signed": Kind.APOLOGY,
    "payment_requested": Kind.PAYMENT_REQUESTED,
    "payment_received": Kind.PAYMENT_RECEIVED,
}
RESULT_READY_STATE = "result_ready"
RETURN_RESULT_ACTION = "return_result"


def kind_of(*, event: str, action: str = "", state: str = "") -> Kind | None:
    """The message a ``notify.applicant`` row makes, or None (internal steps and other news: no message).

    The result is news once, when it becomes ready: a workflow move into ``result_ready`` or an issued
    electronic document; the hand-over itself (``return_result``) is not announced again."""
    if event == "step_action":
        if state == RESULT_READY_STATE and action != RETURN_RESULT_ACTION:
            return Kind.RESULT_READY
        return None
    return KIND_OF_EVENT.get(event)
