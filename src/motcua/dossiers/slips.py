"""Slips of a dossier as data and as printable A4 PDF (Circular 03/2025/TT-VPCP, Annex I forms).

- receipt: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (form 01)
- supplement: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (form 02)
- refusal: Phiếu từ chối tiếp nhận giải quyết hồ sơ (form 03)
- apology: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (form 04)
- stop: Thông báo dừng giải quyết hồ sơ (form 05)
- control: Phiếu kiểm soát quá trình giải quyết hồ sơ (form 06)
- submitted: Giấy xác nhận đã nộp hồ sơ trực tuyến, the citizen's proof of an online submission at once,
  before reception (no form of the Circular: the official receipt, form 01, follows at reception)

The receipt and the submission receipt carry a QR code and the address of the public lookup with the code
filled in (``lookup_url``).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass, field
from typing import Any

import font_roboto
import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from motcua.catalog.time_limits import describe_time_limit
from motcua.core.errors import DomainError
from motcua.dossiers.models import (
    ApologyNotice,
    Channel,
    Dossier,
    DossierRegisterEntry,
    EventKind,
    State,
    StepOutcome,
    StopNotice,
)

# fontTools logs every glyph subset at INFO; one line per printed slip is noise.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


@dataclass
class Slip:
    """A slip as data: a title, labelled lines, an optional table and signature blocks."""

    kind: str
    form: str
    title: str
    issuer: str
    dossier_code: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    table_header: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    # "Số:" and "<place>, ngày dd tháng mm năm yyyy" in the header (form 01), when the form has them.
    number: str = ""
    place_date: str = ""
    # The public lookup with the code filled in, printed as a QR code and as text under the slip.
    lookup_url: str = ""
    # A closing paragraph (the submission receipt says that the official receipt follows).
    note: str = ""


def lookup_url(code: str) -> str:
    """The public lookup's address with the dossier code filled in (``/tra-cuu/?ma=...``), absolute."""
    return f"{settings.MOTCUA_PUBLIC_BASE_URL}{reverse('portal:lookup')}?{urlencode({'ma': code})}"


def dong(amount: Any) -> str:
    """10.000 đồng: an amount as the slips (and the counter's fee preview) print it, Vietnamese grouping."""
    return f"{amount:,.0f} đồng".replace(",", ".")


def long_time(moment: dt.datetime | None) -> str:
    """ "HH giờ mm phút, ngày dd tháng MM năm yyyy" in local time."""
    if moment is None:
        return ""
    m = timezone.localtime(moment)
    return f"{m:%H} giờ {m:%M} phút, ngày {m:%d} tháng {m:%m} năm {m:%Y}"


def _applicant_lines(dossier: Dossier) -> list[tuple[str, str]]:
    lines = [(_("Ông/bà"), dossier.applicant_name)]
    if dossier.applicant_id_number:
        lines.append((_("Số định danh cá nhân"), dossier.applicant_id_number))
    if dossier.applicant_address:
        lines.append((_("Địa chỉ"), dossier.applicant_address))
    if dossier.applicant_phone:
        lines.append((_("Số điện thoại"), dossier.applicant_phone))
    if dossier.applicant_email:
        lines.append((_("Thư điện tử"), dossier.applicant_email))
    if dossier.concerned_name:
        lines.append((_("Người có liên quan"), dossier.concerned_name))
    if dossier.concerned_id_number:
        lines.append((_("Số định danh người có liên quan"), dossier.concerned_id_number))
    return lines


def appointment_text(dossier: Dossier) -> str:
    """The appointment, with the first one beside it when an apology moved it (lateness counts from that)."""
    text = long_time(dossier.appointment_at)
    first = dossier.initial_appointment_at
    if first is not None and dossier.appointment_at is not None and first != dossier.appointment_at:
        text += " " + _("(hẹn ban đầu: %(first)s)") % {"first": long_time(first)}
    return text


def place_name(dossier: Dossier) -> str:
    """The place a slip is issued at: the short name of the reception point's unit ("Phú Xuân")."""
    unit = dossier.reception_point.unit
    return unit.short_name or unit.name


def place_and_date(place: str, moment: dt.datetime) -> str:
    """ "<place>, ngày dd tháng mm năm yyyy" in local time, as the forms of Circular 03/2025 date a slip."""
    day = timezone.localtime(moment)
    return f"{place}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def register_entry(dossier: Dossier) -> DossierRegisterEntry | None:
    return DossierRegisterEntry.objects.filter(dossier=dossier).select_related("register").first()


def document_row(number: int, name: str, originals: int, copies: int) -> list[str]:
    """One document of the receipt; a document given only as a file has no paper to count ("0/0").

    Form 01 asks for each document's form and count (bản chính, bản sao); a file handed in electronically
    is neither: the row says so in one cell spanning both columns (as the officer's dossier page does)."""
    if originals or copies:
        return [str(number), name, str(originals), str(copies)]
    return [str(number), name, _("Bản điện tử, không nộp bản giấy")]


def receipt(dossier: Dossier) -> Slip:
    """Form 01: "Số:" is the dossier's số thứ tự in the point's register (form 07), with its quyển số."""
    if dossier.received_at is None:
        raise DomainError("slip.not_available", _("Hồ sơ chưa được tiếp nhận."))
    entry = register_entry(dossier)
    number = f"{entry.number:04d}" if entry else ""
    lines = [
        (_("Mã hồ sơ"), dossier.code),
        (_("Nơi tiếp nhận"), dossier.reception_point.name),
        *_applicant_lines(dossier),
        (_("Nộp hồ sơ đề nghị giải quyết thủ tục"), f"{dossier.procedure.name} ({dossier.procedure.code})"),
        (_("Hình thức nộp"), dossier.get_channel_display()),
    ]
    if dossier.postal_tracking_number:
        lines.append((_("Số hiệu bưu gửi"), dossier.postal_tracking_number))
    lines += [
        (_("Cơ quan giải quyết"), dossier.competent_agency.name),
        (
            _("Thời gian giải quyết theo quy định"),
            describe_time_limit(dossier.procedure_version),
        ),
        (_("Thời gian nhận hồ sơ"), long_time(dossier.received_at)),
        (_("Thời gian trả kết quả"), appointment_text(dossier)),
        (_("Nơi trả kết quả"), dossier.reception_point.name),
    ]
    if entry is not None:
        lines += [
            (_("Quyển số"), entry.register.book_label),
            (_("Số thứ tự"), f"{entry.number:04d}"),
        ]
    lines += [
        (_("Số lượng hồ sơ"), _("%(sets)s bộ") % {"sets": f"{dossier.dossier_sets:02d}"}),
        (_("Hình thức nhận kết quả"), dossier.get_result_delivery_display()),
    ]
    if dossier.fee:
        lines.append((_("Phí, lệ phí"), dong(dossier.fee)))
    table = [
        document_row(i, d.name, d.originals, d.copies)
        for i, d in enumerate(dossier.documents.order_by("id"), start=1)
    ]
    officer = dossier.received_by.full_name if dossier.received_by else ""
    return Slip(
        kind="receipt",
        form="01",
        title=_("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
        issuer=dossier.receiving_agency.name,
        dossier_code=dossier.code,
        lines=lines,
        table_header=[_("STT"), _("Tên giấy tờ"), _("Bản chính"), _("Bản sao")],
        table=table,
        signatures=[
            _("NGƯỜI NỘP HỒ SƠ") + f"\n{dossier.applicant_name}",
            _("NGƯỜI TIẾP NHẬN") + f"\n{officer}",
        ],
        number=number,
        place_date=place_and_date(place_name(dossier), dossier.received_at),
        lookup_url=lookup_url(dossier.code),
    )


def submission_receipt(dossier: Dossier) -> Slip:
    """Giấy xác nhận đã nộp hồ sơ trực tuyến: what the citizen submitted online and when, at once.

    Not a form of Circular 03/2025/TT-VPCP: the one-stop department issues the official receipt (form 01,
    ``receipt``) when it receives the dossier; this paper says so. Online dossiers only."""
    if dossier.channel != Channel.ONLINE or dossier.submitted_at is None:
        raise DomainError("slip.not_available", _("Hồ sơ không được nộp trực tuyến."))
    lines = [
        (_("Mã hồ sơ"), dossier.code),
        (_("Thủ tục"), f"{dossier.procedure.name} ({dossier.procedure.code})"),
        *_applicant_lines(dossier),
        (_("Thời gian nộp"), long_time(dossier.submitted_at)),
        (_("Nơi tiếp nhận"), dossier.reception_point.name),
        (_("Cơ quan giải quyết"), dossier.competent_agency.name),
        (_("Thời gian giải quyết theo quy định"), describe_time_limit(dossier.procedure_version)),
        (_("Hình thức nhận kết quả"), dossier.get_result_delivery_display()),
        (_("Phí, lệ phí"), dong(dossier.fee) if dossier.fee else _("Miễn phí")),
    ]
    table = [[str(i), d.name] for i, d in enumerate(dossier.documents.order_by("id"), start=1)]
    return Slip(
        kind="submitted",
        form="",
        title=_("GIẤY XÁC NHẬN ĐÃ NỘP HỒ SƠ TRỰC TUYẾN"),
        issuer=dossier.receiving_agency.name,
        dossier_code=dossier.code,
        lines=lines,
        table_header=[_("STT"), _("Giấy tờ đã nộp")],
        table=table,
        lookup_url=lookup_url(dossier.code),
        note=_(
            "Giấy này xác nhận hệ thống đã nhận hồ sơ bạn nộp trực tuyến. Đây chưa phải giấy tiếp nhận: "
            "Bộ phận Một cửa kiểm tra hồ sơ và cấp Giấy tiếp nhận hồ sơ và hẹn trả kết quả khi tiếp nhận."
        ),
    )


_OUTCOME_TEXT = {StepOutcome.EARLY: "Trước hạn", StepOutcome.ON_TIME: "Đúng hạn", StepOutcome.LATE: "Quá hạn"}


def control_slip(dossier: Dossier) -> Slip:
    """One row per hand-over: sender, receiver, persons, time, and the result of the step that ended."""
    steps = list(
        dossier.steps.select_related(
            "step", "agency", "handed_over_by", "handed_over_by__agency", "finished_by", "assignee"
        ).order_by("sequence")
    )
    if not steps:
        raise DomainError("slip.not_available", _("Hồ sơ chưa được chuyển xử lý."))
    rows = []
    for previous, current in zip([None, *steps[:-1]], steps, strict=True):
        sender = previous.agency.name if previous else dossier.receiving_agency.name
        giver = current.handed_over_by.full_name if current.handed_over_by else ""
        receiver = (
            current.assignee.full_name
            if current.assignee
            else (current.finished_by.full_name if current.finished_by else "")
        )
        result = _OUTCOME_TEXT.get(StepOutcome(previous.outcome), "") if previous and previous.outcome else ""
        rows.append(
            [
                f"{sender}\n→ {current.agency.name} ({current.step.name})",
                f"{giver}\n{receiver}",
                long_time(current.started_at),
                result,
            ]
        )
    last = steps[-1]
    if last.finished_at is not None:
        rows.append(
            [
                f"{last.agency.name}\n→ {_('Kết thúc')}",
                last.finished_by.full_name if last.finished_by else "",
                long_time(last.finished_at),
                _OUTCOME_TEXT.get(StepOutcome(last.outcome), "") if last.outcome else "",
            ]
        )
    return Slip(
        kind="control",
        form="06",
        title=_("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
        issuer=dossier.receiving_agency.name,
        dossier_code=dossier.code,
        lines=[
            (_("Mã hồ sơ"), dossier.code),
            (_("Thủ tục"), dossier.procedure.name),
            (_("Chủ hồ sơ"), dossier.applicant_name),
            (_("Ngày hẹn trả kết quả"), appointment_text(dossier)),
        ],
        table_header=[_("Giao / nhận"), _("Người giao / người nhận"), _("Thời gian giao nhận"), _("Kết quả")],
        table=rows,
    )


def supplement_request(dossier: Dossier) -> Slip:
    event = (
        dossier.events.filter(
            kind__in=[EventKind.RECEPTION_SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENT_REQUESTED]
        )
        .order_by("-sequence")
        .first()
    )
    if event is None:
        raise DomainError("slip.not_available", _("Hồ sơ không có yêu cầu bổ sung."))
    return Slip(
        kind="supplement",
        form="02",
        title=_("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
        issuer=(event.actor_agency.name if event.actor_agency else dossier.receiving_agency.name),
        dossier_code=dossier.code,
        lines=[
            (_("Mã hồ sơ"), dossier.code),
            *_applicant_lines(dossier),
            (_("Thủ tục"), dossier.procedure.name),
            (_("Lý do"), event.reason),
            (_("Thời gian"), long_time(event.at)),
        ],
        table_header=[_("STT"), _("Giấy tờ cần bổ sung, hoàn thiện")],
        table=[[str(i), item["name"]] for i, item in enumerate(event.data.get("missing", []), start=1)],
        signatures=[_("NGƯỜI HƯỚNG DẪN") + f"\n{event.actor_staff.full_name if event.actor_staff else ''}"],
    )


def refusal(dossier: Dossier) -> Slip:
    event = dossier.events.filter(kind=EventKind.REFUSED_AT_RECEPTION).first()
    if event is None or dossier.state != State.REFUSED_AT_RECEPTION:
        raise DomainError("slip.not_available", _("Hồ sơ không bị từ chối tiếp nhận."))
    return Slip(
        kind="refusal",
        form="03",
        title=_("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
        issuer=dossier.receiving_agency.name,
        dossier_code=dossier.code,
        lines=[
            (_("Mã hồ sơ"), dossier.code),
            *_applicant_lines(dossier),
            (_("Thủ tục"), dossier.procedure.name),
            (_("Lý do từ chối"), event.reason),
            (_("Thời gian"), long_time(event.at)),
        ],
        signatures=[_("NGƯỜI TIẾP NHẬN") + f"\n{event.actor_staff.full_name if event.actor_staff else ''}"],
        place_date=place_and_date(place_name(dossier), event.at),
    )


def apology(notice: ApologyNotice) -> Slip:
    dossier = notice.dossier
    return Slip(
        kind="apology",
        form="04",
        title=_("VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"),
        issuer=notice.agency.name,
        dossier_code=dossier.code,
        lines=[
            (_("Kính gửi"), dossier.applicant_name),
            (_("Mã hồ sơ"), dossier.code),
            (_("Thủ tục"), dossier.procedure.name),
            (_("Ngày hẹn trả kết quả"), long_time(notice.old_appointment_at)),
            (_("Ngày hẹn trả kết quả ban đầu"), long_time(dossier.initial_appointment_at)),
            (_("Lý do chậm"), notice.reason),
            (_("Ngày hẹn trả kết quả mới"), long_time(notice.new_appointment_at)),
            (_("Ký lúc"), long_time(notice.signed_at) if notice.signed_at else _("chưa ký")),
        ],
        signatures=[_("THỦ TRƯỞNG CƠ QUAN") + f"\n{notice.signed_by.full_name if notice.signed_by else ''}"],
    )


def stop_notice(notice: StopNotice) -> Slip:
    """Thông báo dừng giải quyết hồ sơ (Circular 03/2025/TT-VPCP, Annex I, form 05): the dossier stopped after
    its receipt, the reasons, and the leader of the competent agency who decided it."""
    if notice.outcome != StopNotice.Outcome.SIGNED or notice.decided_at is None:
        raise DomainError("slip.not_available", _("Hồ sơ không có thông báo dừng giải quyết đã ký."))
    dossier = notice.dossier
    leader = notice.decided_by.full_name if notice.decided_by else ""
    return Slip(
        kind="stop",
        form="05",
        title=_("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
        issuer=notice.agency.name,
        dossier_code=dossier.code,
        lines=[
            (_("Kính gửi"), dossier.applicant_name),
            (_("Mã hồ sơ"), dossier.code),
            *_applicant_lines(dossier),
            (_("Thủ tục"), f"{dossier.procedure.name} ({dossier.procedure.code})"),
            (_("Tiếp nhận lúc"), long_time(dossier.received_at)),
            (_("Cơ quan giải quyết"), notice.agency.name),
            (_("Lý do dừng giải quyết"), notice.reasons),
            (_("Người quyết định"), leader),
            (_("Ngày quyết định"), long_time(notice.decided_at)),
        ],
        signatures=[_("THỦ TRƯỞNG CƠ QUAN") + f"\n{leader}"],
    )


def slip_for(*, dossier: Dossier, kind: str) -> Slip:
    if kind == "receipt":
        return receipt(dossier)
    if kind == "control":
        return control_slip(dossier)
    if kind == "submitted":
        return submission_receipt(dossier)
    if kind == "supplement":
        return supplement_request(dossier)
    if kind == "refusal":
        return refusal(dossier)
    if kind == "apology":
        notice = dossier.apologies.filter(signed_at__isnull=False).order_by("-signed_at").first()
        if notice is None:
            raise DomainError("slip.not_available", _("Hồ sơ không có văn bản xin lỗi đã ký."))
        return apology(notice)
    if kind == "stop":
        stop = dossier.stop_notices.filter(outcome=StopNotice.Outcome.SIGNED).order_by("-decided_at").first()
        if stop is None or dossier.state != State.STOPPED:
            raise DomainError("slip.not_available", _("Hồ sơ không có thông báo dừng giải quyết đã ký."))
        return stop_notice(stop)
    raise DomainError("slip.unknown", _("Không có loại phiếu này."))


def render_pdf(slip: Slip, *, compress: bool = True) -> bytes:
    """Render a slip on A4 with Roboto (full Vietnamese glyphs)."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_compression(compress)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("Roboto", "", font_roboto.Roboto)
    pdf.add_font("Roboto", "B", font_roboto.RobotoBold)
    pdf.set_title(f"{slip.title} {slip.dossier_code}")
    pdf.add_page()
    pdf.set_margins(18, 15, 18)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("Roboto", "B", 10)
    pdf.cell(width / 2, 5, slip.issuer.upper()[:60], new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.cell(
        width / 2, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_font("Roboto", "", 10)
    # A slip no form of Circular 03/2025 covers (the forwarding slip) prints no form number.
    pdf.cell(width / 2, 5, f"Mẫu số {slip.form}" if slip.form else "", new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.cell(width / 2, 5, "Độc lập - Tự do - Hạnh phúc", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if slip.number or slip.place_date:
        pdf.ln(2)
        pdf.cell(width / 2, 5, f"Số: {slip.number}" if slip.number else "", new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.cell(width / 2, 5, slip.place_date, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(8)
    pdf.set_font("Roboto", "B", 14)
    pdf.multi_cell(width, 7, slip.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Roboto", "", 10)
    pdf.cell(width, 6, f"Mã hồ sơ: {slip.dossier_code}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    for label, value in slip.lines:
        pdf.set_font("Roboto", "B", 10)
        pdf.cell(62, 6, f"{label}:", new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.set_font("Roboto", "", 10)
        pdf.multi_cell(width - 62, 6, value or "", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if slip.table_header:
        pdf.ln(3)
        columns = slip.table_header
        # A numbered list ("STT" first): a narrow number column, the document's name wide.
        numbered = len(columns) >= 2 and columns[0] == _("STT")
        widths = (1, 8, *[2] * (len(columns) - 2)) if numbered else None
        with pdf.table(text_align="LEFT", line_height=5, col_widths=widths) as table:
            header = table.row()
            for cell in slip.table_header:
                header.cell(cell)
            for values in slip.table:
                row = table.row()
                for cell in values[:-1]:
                    row.cell(cell)
                # A row shorter than the header spans its last cell to the end (an electronic document).
                row.cell(values[-1], colspan=len(columns) - len(values) + 1)
    if slip.signatures:
        pdf.ln(10)
        column = width / len(slip.signatures)
        y = pdf.get_y()
        for i, signature in enumerate(slip.signatures):
            title, _sep, name = signature.partition("\n")
            pdf.set_xy(pdf.l_margin + i * column, y)
            pdf.set_font("Roboto", "B", 10)
            pdf.cell(column, 5, title, align="C")
            pdf.set_xy(pdf.l_margin + i * column, y + 25)
            pdf.set_font("Roboto", "", 10)
            pdf.cell(column, 5, name, align="C")
        pdf.set_xy(pdf.l_margin, y + 32)
    if slip.note:
        pdf.ln(6)
        pdf.set_font("Roboto", "", 10)
        pdf.multi_cell(width, 5, slip.note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if slip.lookup_url:
        _lookup_qr(pdf, slip.lookup_url, width)
    return bytes(pdf.output())


QR_MM = 28


def _lookup_qr(pdf: FPDF, url: str, width: float) -> None:
    """The lookup's QR code and its address in words, under the slip (on a new page when the page is full)."""
    pdf.ln(6)
    if pdf.get_y() + QR_MM > pdf.h - 15:
        pdf.add_page()
    y = pdf.get_y()
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=6, border=0)
    png.seek(0)
    pdf.image(png, x=pdf.l_margin, y=y, w=QR_MM, h=QR_MM)
    pdf.set_xy(pdf.l_margin + QR_MM + 4, y + 4)
    pdf.set_font("Roboto", "", 10)
    caption = _("Quét mã hoặc truy cập địa chỉ sau để tra cứu tình trạng hồ sơ:")
    pdf.multi_cell(width - QR_MM - 4, 5, caption, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.multi_cell(width - QR_MM - 4, 5, url, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), y + QR_MM))


def slip_pdf(*, dossier: Dossier, kind: str, compress: bool = True) -> bytes:
    """The printable PDF of one slip (``kind``: receipt, control, supplement, refusal, apology, stop)."""
    return render_pdf(slip_for(dossier=dossier, kind=kind), compress=compress)


def as_data(slip: Slip) -> dict[str, Any]:
    return {
        "kind": slip.kind,
        "form": slip.form,
        "title": slip.title,
        "issuer": slip.issuer,
        "dossier_code": slip.dossier_code,
        "lines": [list(x) for x in slip.lines],
        "table_header": slip.table_header,
        "table": slip.table,
        "signatures": slip.signatures,
        "number": slip.number,
        "place_date": slip.place_date,
        "lookup_url": slip.lookup_url,
        "note": slip.note,
    }
