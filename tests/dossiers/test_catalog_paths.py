"""Acceptance: real procedures of the shipped catalog, handled by Huế's demo organization, on every path."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from motcua.catalog.models import Procedure
from motcua.core.errors import DomainError
from motcua.dossiers import lookups, selectors, services, slips
from motcua.dossiers.models import Channel, EventKind, NationalStatus, State
from motcua.dossiers.replay import current_as_replayed, replay
from motcua.dossiers.status import TimeStatus, time_status
from motcua.org import selectors as org_selectors
from motcua.org.models import Role

from .dossier_catalog_world import (
    BIRTH_WITH_PARENTAGE,
    MARRIAGE,
    actor_for,
    advance,
    complete_documents,
    hue_world,
    receive,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = dt.datetime(2026, 3, 9, 8, 0, tzinfo=TZ)  # Monday, no holiday that week
H = dt.timedelta(hours=1)


@pytest.fixture
def hue(db):
    return hue_world(T0.date())


def assert_replays(dossier):
    dossier.refresh_from_db()
    replayed = replay(dossier.events.order_by("sequence"))
    expected = current_as_replayed(dossier)
    expected.appointments = replayed.appointments
    assert replayed == expected


def test_marriage_registration_accepted_and_returned_on_time(hue):
    procedure = hue.procedure(MARRIAGE)
    dossier = receive(hue, procedure, point=hue.point_phu_vang, place=hue.phu_vang, now=T0)
    dossier = services.accept(
        dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang), now=T0
    )
    assert dossier.appointment_at == lookups.appointment_for(
        version=dossier.procedure_version, received_at=T0, agency_id=hue.ubnd_phu_vang.pk
    )
    dossier = advance(hue, dossier, now=T0)
    assert dossier.state == State.RETURNED
    assert dossier.national_status == NationalStatus.RETURNED
    assert time_status(dossier=dossier, now=T0 + 8 * H) == TimeStatus.ON_TIME
    assert len(slips.control_slip(dossier).table) == 7
    assert_replays(dossier)


def test_received_in_phu_xuan_for_a_resident_of_phu_vang_is_routed_to_phu_vang(hue):
    procedure = hue.procedure(MARRIAGE)
    dossier = receive(hue, procedure, point=hue.point_phu_xuan, place=hue.phu_vang, now=T0)
    assert dossier.reception_point == hue.point_phu_xuan
    assert dossier.competent_agency == hue.ubnd_phu_vang
    dossier = services.accept(
        dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan), now=T0
    )
    dossier = advance(hue, dossier, now=T0, stop_at="tham_dinh")
    assert dossier.current_step.agency == hue.ubnd_phu_vang
    assert dossier in selectors.inbox_for(user=actor_for(hue, dossier), now=T0 + 2 * H)
    dossier = advance(hue, dossier, now=T0 + H, stop_at="tra_ket_qua")
    # The result goes back to where the citizen handed the dossier in.
    assert dossier.current_step.agency == hue.ubnd_phu_xuan
    dossier = advance(hue, dossier, now=T0 + 8 * H)
    assert dossier.state == State.RETURNED
    visited = {s.agency_id for s in dossier.steps.all()}
    assert visited == {hue.ubnd_phu_xuan.pk, hue.ubnd_phu_vang.pk}
    assert_replays(dossier)


def test_supplement_requested_during_review_then_resumed(hue):
    procedure = hue.procedure(MARRIAGE)
    dossier = receive(hue, procedure, point=hue.point_phu_vang, place=hue.phu_vang, now=T0)
    dossier = services.accept(
        dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang), now=T0
    )
    dossier = advance(hue, dossier, now=T0, stop_at="tham_dinh")
    appointment = dossier.appointment_at
    dossier = services.request_supplement(
        dossier=dossier,
        by=actor_for(hue, dossier),
        missing=["xac_nhan_hon_nhan"],
        reason="Bên nam cư trú ngoài địa bàn, cần giấy xác nhận tình trạng hôn nhân",
        now=T0 + 2 * H,
    )
    assert dossier.national_status == NationalStatus.SUPPLEMENT
    dossier = services.supply_documents(
        dossier=dossier,
        by=hue.citizen,
        documents=[services.DocumentInput(code="xac_nhan_hon_nhan")],
        now=T0 + 2 * H + dt.timedelta(days=2),
    )
    assert dossier.state == State.IN_PROCESS
    assert dossier.current_step.step.code == "tham_dinh"
    assert dossier.appointment_at - appointment == dt.timedelta(days=2)
    dossier = advance(hue, dossier, now=T0 + dt.timedelta(days=2, hours=3))
    assert dossier.state == State.RETURNED
    assert_replays(dossier)


def test_refused_at_reception(hue):
    procedure = hue.procedure(MARRIAGE)
    dossier = receive(hue, procedure, point=hue.point_phu_xuan, place=hue.phu_vang, now=T0, documents=[])
    officer = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan)
    dossier = services.refuse_reception(
        dossier=dossier,
        by=officer,
        reason="Một bên chưa đủ tuổi kết hôn (Điều 8 Luật Hôn nhân và gia đình)",
        now=T0,
    )
    assert dossier.national_status == NationalStatus.NOT_RECEIVED
    assert slips.slip_pdf(dossier=dossier, kind="refusal").startswith(b"%PDF")
    assert_replays(dossier)


def test_refused_after_review(hue):
    procedure = hue.procedure(MARRIAGE)
    dossier = receive(hue, procedure, point=hue.point_phu_vang, place=hue.phu_vang, now=T0)
    dossier = services.accept(
        dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang), now=T0
    )
    dossier = advance(hue, dossier, now=T0, stop_at="tham_dinh")
    specialist = actor_for(hue, dossier)
    # The sample catalog refuses only at the leader's step (form 05): the specialist proposes.
    with pytest.raises(DomainError) as error:
        services.perform(dossier=dossier, by=specialist, action="refuse", reason="?", now=T0 + 3 * H)
    assert error.value.code == "action.not_allowed"
    services.propose_stop(
        dossier=dossier,
        by=specialist,
        reasons="Kết hôn giả tạo (Điều 5 Luật Hôn nhân và gia đình)",
        now=T0 + 3 * H,
    )
    dossier.refresh_from_db()
    dossier = advance(hue, dossier, now=T0 + 3 * H, stop_at="ky")
    leader = actor_for(hue, dossier)
    dossier = services.perform(
        dossier=dossier,
        by=leader,
        action="refuse",
        reason="Kết hôn giả tạo: hai bên thừa nhận (Điều 5 Luật Hôn nhân và gia đình)",
        now=T0 + 6 * H,
    )
    assert dossier.state == State.STOPPED
    assert dossier.national_status == NationalStatus.STOPPED
    notice = dossier.stop_notices.get()
    assert (notice.outcome, notice.decided_by.user) == ("signed", leader)
    assert notice.reasons.startswith("Kết hôn giả tạo: hai bên thừa nhận")
    assert slips.slip_pdf(dossier=dossier, kind="stop").startswith(b"%PDF")
    assert_replays(dossier)


def test_consulting_another_agency_during_review(hue):
    procedure = hue.procedure(BIRTH_WITH_PARENTAGE)
    dossier = receive(hue, procedure, point=hue.point_phu_vang, place=hue.phu_vang, now=T0)
    dossier = services.accept(
        dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang), now=T0
    )
    dossier = advance(hue, dossier, now=T0, stop_at="tham_dinh")
    justice = (
        org_selectors.agency_by_code(code="H57.10", on=T0.date())
        or org_selectors.departments(province_code="46", on=T0.date()).first()
    )
    consultation = services.consult(
        dossier=dossier,
        by=actor_for(hue, dossier),
        agency=justice,
        question="Xin ý kiến về việc nhận cha cho con có yếu tố nước ngoài",
        now=T0 + 2 * H,
    )
    dossier.refresh_from_db()
    assert dossier.state == State.CONSULTING
    dossier = services.answer_consultation(
        consultation=consultation,
        by=hue.staff(Role.SPECIALIST, justice),
        answer="Đủ điều kiện đăng ký",
        now=T0 + 4 * H,
    )
    assert dossier.current_step.step.code == "tham_dinh"
    assert selectors.can_view(dossier=dossier, user=hue.staff(Role.LEADER, justice), on=T0.date())
    dossier = advance(hue, dossier, now=T0 + 4 * H)
    assert dossier.state == State.RETURNED
    assert_replays(dossier)


def test_marriage_that_needs_verification_is_extended_and_returned_on_time_against_the_extension(hue):
    # Luật Hộ tịch 2014 Art. 18(2): same day; up to 5 working days when the conditions must be verified.
    procedure = hue.procedure(MARRIAGE)
    dossier = receive(hue, procedure, point=hue.point_phu_vang, place=hue.phu_vang, now=T0)
    dossier = services.accept(
        dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang), now=T0
    )
    same_day = dt.datetime(2026, 3, 9, 17, 0, tzinfo=TZ)
    assert dossier.appointment_at == dossier.initial_appointment_at == same_day
    dossier = advance(hue, dossier, now=T0, stop_at="tham_dinh")
    dossier = services.extend(
        dossier=dossier,
        by=actor_for(hue, dossier),
        days=5,
        reason="Cần xác minh thêm tại nơi cư trú trước đây của bên nữ",
        now=T0 + 2 * H,
    )
    five_days = dt.datetime(2026, 3, 16, 17, 0, tzinfo=TZ)
    assert dossier.appointment_at == five_days
    extended = dossier.events.get(kind=EventKind.EXTENDED)
    assert extended.data["first_appointment_before"] == same_day.astimezone(dt.UTC).isoformat()
    assert extended.data["appointment"] == five_days.astimezone(dt.UTC).isoformat()
    assert "Điều 18" in extended.data["basis"] and extended.audience == "applicant"
    told = selectors.timeline_for(dossier=dossier, user=hue.citizen, now=T0 + 2 * H).entries
    assert any(e.text.startswith("Thời hạn giải quyết được gia hạn") and "16/03/2026" in e.text for e in told)
    staff_view = selectors.timeline_for(dossier=dossier, user=actor_for(hue, dossier), now=T0 + 2 * H).entries
    assert any(e.text == "gia hạn thời gian giải quyết" for e in staff_view)
    later = dt.datetime(2026, 3, 12, 9, 0, tzinfo=TZ)
    dossier = advance(hue, dossier, now=later)
    assert dossier.state == State.RETURNED
    assert time_status(dossier=dossier, now=later + 8 * H) == TimeStatus.ON_TIME
    assert_replays(dossier)


def test_received_at_a_post_office(hue):
    procedure = hue.procedure(MARRIAGE)
    postal = hue.staff(Role.POSTAL_STAFF, hue.post_point.agency)
    version = lookups.version_in_force(procedure=procedure, on=T0.date())
    dossier = services.receive_by_post(
        by=postal,
        reception_point=hue.post_point,
        postal_tracking_number="EL765432198VN",
        procedure=procedure,
        place_unit=hue.phu_vang,
        applicant=hue.citizen,
        applicant_info=services.ApplicantInfo(name=hue.citizen.full_name),
        documents=complete_documents(version),
        now=T0,
    )
    assert dossier.channel == Channel.POST
    assert dossier.code.startswith(f"{hue.post_point.code}-260309-")
    dossier = services.accept(dossier=dossier, by=postal, now=T0)
    assert dict(slips.receipt(dossier).lines)["Số hiệu bưu gửi"] == "EL765432198VN"
    dossier = advance(hue, dossier, now=T0, stop_at="tra_ket_qua")
    # The hand-over step belongs to the receiving post office.
    assert dossier.current_step.agency == hue.post_point.agency
    dossier = advance(hue, dossier, now=T0 + 8 * H)
    assert dossier.state == State.RETURNED


def test_every_published_procedure_of_the_catalog_walks_from_reception_to_result(hue):
    """The forward path of every procedure in force, by the demo staff of the agencies it resolves to."""
    walked = 0
    for procedure in Procedure.objects.order_by("code"):
        try:
            version = lookups.version_in_force(procedure=procedure, on=T0.date())
            competent = lookups.resolve_competent_agency(
                procedure=procedure, on=T0.date(), place_unit=hue.phu_vang
            )
        except DomainError:
            continue
        point = hue.point_phu_xuan
        if not version.location_independent:
            point = services.online_reception_point(agency=competent, on=T0.date())
        dossier = receive(hue, procedure, point=point, place=hue.phu_vang, now=T0)
        dossier = services.accept(dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, point.agency), now=T0)
        dossier = advance(hue, dossier, now=T0)
        assert dossier.state == State.RETURNED, procedure.code
        assert_replays(dossier)
        walked += 1
    assert walked >= 20


def test_an_online_submission_needs_a_valid_e_form(hue):
    procedure = hue.procedure(MARRIAGE)
    version = lookups.version_in_force(procedure=procedure, on=T0.date())
    with pytest.raises(DomainError) as error:
        services.submit_online(
            applicant=hue.citizen,
            procedure=procedure,
            place_unit=hue.phu_vang,
            form_data={"applicant_name": "A"},
            now=T0,
        )
    assert error.value.code == "form.invalid"
    form = {
        "applicant_name": "Phan Thị Mai",
        "applicant_id_number": "046195001234",
        "applicant_address": "Thôn An Lưu, xã Phú Vang, thành phố Huế",
        "partner_name": "Lê Văn Hùng",
        "partner_id_number": "046093004321",
        "partner_birth_date": "1993-05-14",
    }
    dossier = services.submit_online(
        applicant=hue.citizen,
        procedure=procedure,
        place_unit=hue.phu_vang,
        form_data=form,
        documents=complete_documents(version),
        now=T0,
    )
    assert dossier.reception_point.agency == hue.ubnd_phu_vang
    dossier = services.accept(
        dossier=dossier, by=hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_vang), now=T0
    )
    assert dossier.state == State.IN_PROCESS
