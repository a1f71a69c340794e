"""Phiếu chuyển hồ sơ: the slip handed to the applicant when a dossier of another province is received here
and forwarded (Decree 118/2025/NĐ-CP, Decree 120/2025/NĐ-CP).

Circular 03/2025/TT-VPCP, Annex I has no form for it (forms 01–07 cover receipt, supplement, refusal,
apology, stop notice, control slip and register), so it carries no form number [kiểm tra]. It has no
appointment date: the competent agency of the destination sets it when it registers the dossier. It says
the originals go to that agency by post and, once recorded, the postal tracking number.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.dossiers.models import Forwarding
from motcua.dossiers.services.forwarding import ORIGINALS_BY_POST
from motcua.dossiers.slips import Slip, document_row, long_time, render_pdf


def forwarding_slip(forwarding: Forwarding) -> Slip:
    unit = forwarding.destination_unit
    province = unit.parent.name if unit.parent is not None else forwarding.destination_province_code
    lines = [
        (_("Mã hồ sơ"), forwarding.code),
        (_("Nơi tiếp nhận"), forwarding.reception_point.name),
        (_("Ông/bà"), forwarding.applicant_name),
    ]
    for label, value in (
        (_("Số định danh cá nhân"), forwarding.applicant_id_number),
        (_("Địa chỉ"), forwarding.applicant_address),
        (_("Số điện thoại"), forwarding.applicant_phone),
        (_("Thư điện tử"), forwarding.applicant_email),
        (_("Người có liên quan"), forwarding.concerned_name),
        (_("Số định danh người có liên quan"), forwarding.concerned_id_number),
    ):
        if value:
            lines.append((label, value))
    lines += [
        (
            _("Nộp hồ sơ đề nghị giải quyết thủ tục"),
            f"{forwarding.procedure.name} ({forwarding.procedure.code})",
        ),
        (_("Hình thức nộp"), forwarding.get_channel_display()),
    ]
    if forwarding.postal_tracking_number:
        lines.append((_("Số hiệu bưu gửi"), forwarding.postal_tracking_number))
    lines += [
        (_("Nơi thực hiện thủ tục"), f"{unit.name}, {province}"),
        (_("Chuyển đến cơ quan có thẩm quyền"), forwarding.destination_agency),
        (_("Thời gian nhận hồ sơ"), long_time(forwarding.received_at)),
        (_("Ngày hẹn trả kết quả"), _("Do cơ quan có thẩm quyền nơi chuyển đến hẹn khi tiếp nhận hồ sơ.")),
        (_("Bản gốc hồ sơ"), str(ORIGINALS_BY_POST)),
    ]
    if forwarding.sent_tracking_number:
        lines.append((_("Số hiệu bưu gửi bản gốc"), forwarding.sent_tracking_number))
        lines.append((_("Gửi lúc"), long_time(forwarding.sent_at)))
    table = [
        document_row(i, d.get("name", ""), d.get("originals", 0), d.get("copies", 0))
        for i, d in enumerate(forwarding.documents, start=1)
    ]
    return Slip(
        kind="forwarding",
        form="",
        title=_("PHIẾU CHUYỂN HỒ SƠ"),
        issuer=forwarding.receiving_agency.name,
        dossier_code=forwarding.code,
        lines=lines,
        table_header=[_("STT"), _("Tên giấy tờ"), _("Bản chính"), _("Bản sao")],
        table=table,
        signatures=[
            _("NGƯỜI NỘP HỒ SƠ") + f"\n{forwarding.applicant_name}",
            _("NGƯỜI TIẾP NHẬN") + f"\n{forwarding.received_by.full_name}",
        ],
    )


def forwarding_slip_pdf(forwarding: Forwarding, *, compress: bool = True) -> bytes:
    return render_pdf(forwarding_slip(forwarding), compress=compress)
