"""Receipt, control slip and the other slips, as data and as A4 PDF with Vietnamese text."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from motcua.core.errors import DomainError
from motcua.dossiers import services, slips

from .dossier_world import T0, accepted, receive_px_for_pv, to_review

H = dt.timedelta(hours=1)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_receipt_carries_the_code_documents_and_appointment(world):
    dossier = accepted(world)
    slip = slips.receipt(dossier)
    lines = dict(slip.lines)
    assert lines["Mã hồ sơ"] == dossier.code
    assert lines["Thời gian trả kết quả"] == slips.long_time(dossier.appointment_at)
    assert lines["Thời gian trả kết quả"].endswith("phút, ngày 12 tháng 03 năm 2026")
    assert lines["Cơ quan giải quyết"] == world.ubnd_phu_vang.name
    assert [row[1] for row in slip.table] == ["Tờ khai đăng ký kết hôn", "Giấy xác nhận tình trạng hôn nhân"]
    assert slip.form == "01"


def test_the_receipt_pdf_is_a4_with_the_dossier_code(world):
    dossier = accepted(world)
    pdf = slips.slip_pdf(dossier=dossier, kind="receipt")
    assert pdf.startswith(b"%PDF")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = pdf_text(pdf)
    assert dossier.code in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Giấy xác nhận tình trạng hôn nhân" in text


def test_the_receipt_says_electronic_instead_of_zero_originals_and_zero_copies(world):
    """Issue 17 item 11: a document handed in only as a file is "Bản điện tử", not "0 / 0" (form 01)."""
    dossier = accepted(world)
    paper, electronic = dossier.documents.order_by("id")
    type(paper).objects.filter(pk=paper.pk).update(originals=1, copies=2)
    type(electronic).objects.filter(pk=electronic.pk).update(originals=0, copies=0)
    slip = slips.receipt(dossier)
    assert slip.table == [
        ["1", paper.name, "1", "2"],
        ["2", electronic.name, "Bản điện tử, không nộp bản giấy"],
    ]
    text = pdf_text(slips.slip_pdf(dossier=dossier, kind="receipt"))
    assert "Bản điện tử, không nộp bản giấy" in text
    assert f"{electronic.name} 0 0" not in text


def test_the_control_slip_lists_every_hand_over_with_its_result(world):
    dossier = to_review(world)
    dossier = services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 2 * H)
    slip = slips.control_slip(dossier)
    assert len(slip.table) == 3
    assert slip.table[1][0].startswith(world.ubnd_phu_xuan.name)
    assert world.ubnd_phu_vang.name in slip.table[1][0]
    assert slip.table[1][2] == "09 giờ 00 phút, ngày 09 tháng 03 năm 2026"
    assert slip.table[1][3] in ("Trước hạn", "Đúng hạn")
    text = pdf_text(slips.slip_pdf(dossier=dossier, kind="control"))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert dossier.code in text


def test_supplement_and_refusal_slips_exist_only_when_they_apply(world):
    dossier = receive_px_for_pv(world)
    with pytest.raises(DomainError):
        slips.slip_for(dossier=dossier, kind="refusal")
    with pytest.raises(DomainError):
        slips.slip_for(dossier=dossier, kind="receipt")
    dossier = services.request_reception_supplement(
        dossier=dossier, by=world.officer_px, missing=["XNTT"], reason="Bản sao không rõ", now=T0
    )
    supplement = slips.slip_for(dossier=dossier, kind="supplement")
    assert supplement.table == [["1", "Giấy xác nhận tình trạng hôn nhân"]]
    dossier = services.refuse_reception(dossier=dossier, by=world.officer_px, reason="Không bổ sung", now=T0)
    assert dict(slips.slip_for(dossier=dossier, kind="refusal").lines)["Lý do từ chối"] == "Không bổ sung"
    assert slips.slip_pdf(dossier=dossier, kind="refusal").startswith(b"%PDF")


def test_the_apology_slip_has_the_reason_and_the_new_date(world):
    dossier = to_review(world)
    late = T0 + 2 * H  # issued in time: at least one working day before the appointment (Thursday)
    notice = services.draft_apology(
        dossier=dossier,
        by=world.specialist_pv,
        reason="Chờ xác minh",
        new_appointment_at=dossier.appointment_at + dt.timedelta(days=1),
        now=late,
    )
    dossier = services.sign_apology(notice=notice, by=world.leader_pv, now=late)
    lines = dict(slips.slip_for(dossier=dossier, kind="apology").lines)
    assert lines["Lý do chậm"] == "Chờ xác minh"
    assert lines["Ngày hẹn trả kết quả mới"].endswith("phút, ngày 13 tháng 03 năm 2026")
    assert slips.slip_pdf(dossier=dossier, kind="apology").startswith(b"%PDF")
