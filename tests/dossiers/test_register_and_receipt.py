"""Slips and registers (issue 11, item 11; Circular 03/2025/TT-VPCP Annex I, forms 01, 03 and 07): each
dossier received at a point gets the next số thứ tự in the point's book for the year; the receipt carries it
with place and date, the number of sets and how the result is returned; the register prints and exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from pypdf import PdfReader

from motcua.core.errors import DomainError
from motcua.dossiers import access, register_book, services, slips
from motcua.dossiers.models import Dossier, DossierRegister, DossierRegisterEntry

from .dossier_world import COMPLETE, T0, TZ, accepted, receive_px_for_pv

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def entry_of(dossier: Dossier) -> DossierRegisterEntry:
    return DossierRegisterEntry.objects.select_related("register").get(dossier=dossier)


def accepted_at_pv(world, now=T0) -> Dossier:
    dossier = services.receive_at_counter(
        by=world.officer_pv,
        reception_point=world.point_phu_vang,
        procedure=world.procedure,
        place_unit=world.phu_vang,
        applicant_info=services.ApplicantInfo(name="Lê Văn Bình", id_number="046190000003"),
        documents=COMPLETE,
        now=now,
    )
    return services.accept(dossier=dossier, by=world.officer_pv, now=now)


def test_each_point_numbers_its_own_book_from_one_and_a_new_year_opens_a_new_book(world):
    first, second = accepted(world), accepted(world, now=T0 + H)
    elsewhere = accepted_at_pv(world)
    new_year = accepted(world, now=dt.datetime(2027, 1, 4, 8, 0, tzinfo=TZ))
    assert [entry_of(d).number for d in (first, second, elsewhere, new_year)] == [1, 2, 1, 1]
    assert entry_of(first).register == entry_of(second).register
    assert entry_of(first).register.reception_point == world.point_phu_xuan
    assert entry_of(elsewhere).register.reception_point == world.point_phu_vang
    assert (entry_of(first).register.book_label, entry_of(new_year).register.book_label) == (
        "01/2026",
        "01/2027",
    )
    assert DossierRegister.objects.get(reception_point=world.point_phu_xuan, year=2026).last == 2


def test_only_a_received_dossier_is_entered_in_the_register(world):
    waiting = receive_px_for_pv(world)
    refused = services.refuse_reception(
        dossier=receive_px_for_pv(world), by=world.officer_px, reason="Sai thẩm quyền"
    )
    assert not DossierRegisterEntry.objects.filter(dossier__in=[waiting, refused]).exists()
    assert entry_of(services.accept(dossier=waiting, by=world.officer_px, now=T0)).number == 1


def test_a_reception_that_fails_gives_its_number_back(world):
    dossier = receive_px_for_pv(world, documents=[])  # incomplete: accepting it is refused
    with pytest.raises(DomainError):
        services.accept(dossier=dossier, by=world.officer_px, now=T0)
    assert not DossierRegister.objects.filter(reception_point=world.point_phu_xuan, last__gt=0).exists()
    assert entry_of(accepted(world)).number == 1


def test_the_receipt_carries_number_place_date_book_sets_and_how_the_result_is_returned(world):
    accepted(world)
    dossier = receive_px_for_pv(world)
    Dossier.objects.filter(pk=dossier.pk).update(dossier_sets=2, result_delivery="post")
    dossier = services.accept(dossier=Dossier.objects.get(pk=dossier.pk), by=world.officer_px, now=T0 + H)
    slip = slips.receipt(dossier)
    lines = dict(slip.lines)
    place = world.phu_xuan.short_name or world.phu_xuan.name
    assert slip.number == "0002"
    assert slip.place_date == f"{place}, ngày 09 tháng 03 năm 2026"
    assert (lines["Quyển số"], lines["Số thứ tự"]) == ("01/2026", "0002")
    assert lines["Số lượng hồ sơ"] == "02 bộ"
    assert lines["Hình thức nhận kết quả"] == "nhận qua dịch vụ bưu chính công ích"
    text = pdf_text(slips.slip_pdf(dossier=dossier, kind="receipt"))
    assert "Số: 0002" in text and f"{place}, ngày 09 tháng 03 năm 2026" in text and "02 bộ" in text


def test_a_counter_dossier_is_one_set_returned_at_the_counter_unless_told_otherwise(world):
    lines = dict(slips.receipt(accepted(world)).lines)
    assert lines["Số lượng hồ sơ"] == "01 bộ"
    assert lines["Hình thức nhận kết quả"] == "nhận trực tiếp tại Bộ phận Một cửa"


def test_an_online_dossier_gets_its_result_online_by_default_and_the_citizen_may_choose(world):
    default = services.submit_online(
        applicant=world.citizen,
        procedure=world.procedure,
        place_unit=world.phu_vang,
        documents=COMPLETE,
        now=T0,
    )
    chosen = services.submit_online(
        applicant=world.citizen,
        procedure=world.procedure,
        place_unit=world.phu_vang,
        documents=COMPLETE,
        now=T0,
        result_delivery="counter",
    )
    assert (default.result_delivery, chosen.result_delivery) == ("online", "counter")


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"result_delivery": "pigeon"}, "reception.result_delivery"),
        ({"dossier_sets": 0}, "reception.dossier_sets"),
        ({"dossier_sets": 100}, "reception.dossier_sets"),
    ],
)
def test_a_bad_delivery_or_number_of_sets_is_refused_and_nothing_is_kept(world, extra, code):
    before = Dossier.objects.count()
    with pytest.raises(DomainError) as refused:
        services.receive_and_decide(
            by=world.officer_px,
            decision="accept",
            reception_point=world.point_phu_xuan,
            procedure=world.procedure,
            place_unit=world.phu_vang,
            applicant_info=services.ApplicantInfo(name="Nguyễn Thị Hoa"),
            documents=COMPLETE,
            now=T0,
            **extra,
        )
    assert refused.value.code == code
    assert Dossier.objects.count() == before
    assert not DossierRegisterEntry.objects.exists()


def test_the_refusal_slip_carries_form_03s_full_title(world):
    dossier = services.refuse_reception(
        dossier=receive_px_for_pv(world), by=world.officer_px, reason="Sai mẫu"
    )
    slip = slips.refusal(dossier)
    assert (slip.form, slip.title) == ("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ")
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in pdf_text(
        slips.slip_pdf(dossier=dossier, kind="refusal")
    )


def test_the_register_exports_form_07s_columns_in_number_order(world):
    first = accepted(world)
    second = accepted(world, now=T0 + H)
    text = "".join(register_book.csv_rows(reception_point=world.point_phu_xuan, year=2026))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["SỔ THEO DÕI HỒ SƠ", world.point_phu_xuan.name, "2026"]
    assert rows[1][:3] == ["STT", "Mã hồ sơ", "Tên thủ tục hành chính"]
    assert "Ngày hẹn trả kết quả" in rows[1] and "Ghi chú" in rows[1]
    assert [r[:2] for r in rows[2:]] == [["1", first.code], ["2", second.code]]
    row = dict(zip(rows[1], rows[2], strict=True))
    assert row["Tên cá nhân, tổ chức"] == "Nguyễn Thị Hoa"
    assert row["Địa chỉ, số điện thoại"] == "0905000001"
    assert row["Ngày nhận hồ sơ"] == "09/03/2026 08:00"
    assert row["Chuyển hồ sơ đến cơ quan giải quyết"] == world.ubnd_phu_vang.name
    assert row["Số lượng hồ sơ (bộ)"] == "01"
    assert list(register_book.csv_rows(reception_point=world.point_phu_xuan, year=2025))[2:] == []


def test_the_register_prints_on_landscape_a4(world):
    dossier = accepted(world)
    pdf = register_book.register_pdf(reception_point=world.point_phu_xuan, year=2026)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    text = pdf_text(pdf)
    assert "SỔ THEO DÕI HỒ SƠ" in text and "01/2026" in text and "Mẫu số 07" in text
    # The code (the unit's official code, Circular 01/2018 Art. 19) may wrap inside its column.
    assert dossier.code in "".join(text.split())


def test_a_year_out_of_range_is_refused(world):
    with pytest.raises(DomainError) as refused:
        list(register_book.csv_rows(reception_point=world.point_phu_xuan, year=1800))
    assert refused.value.code == "register.year"


def test_only_reception_officers_and_leaders_of_the_point_may_read_its_register(world):
    on = T0.date()
    point = world.point_phu_xuan
    assert access.register_refusal(user=world.officer_px, reception_point=point, on=on) is None
    assert access.register_refusal(user=world.leader_px, reception_point=point, on=on) is None
    for other in (world.officer_pv, world.leader_pv, world.specialist_px, world.citizen):
        refused = access.register_refusal(user=other, reception_point=point, on=on)
        assert refused is not None and refused.code == "register.forbidden"
    with pytest.raises(DomainError):
        access.check_register(user=world.officer_pv, reception_point=point, on=on)
    assert list(access.register_points(user=world.officer_px, on=on)) == [point]
