"""Reception: channels, competence, completeness outcomes, dossier codes, idempotency."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.models import Channel, Dossier, DossierEvent, EventKind, NationalStatus, State
from motcua.dossiers.services import ApplicantInfo, DocumentInput
from motcua.org.models import ReceptionPoint, ReceptionPointKind, Role
from motcua.outbox.models import OutboxMessage, Topic

from .dossier_world import COMPLETE, T0, make_staff, receive_px_for_pv, walk_in_px_for_pv


def test_counter_reception_records_receiving_point_and_competent_agency_separately(world):
    dossier = receive_px_for_pv(world)
    assert dossier.reception_point == world.point_phu_xuan
    assert dossier.receiving_agency == world.ubnd_phu_xuan
    assert dossier.competent_agency == world.ubnd_phu_vang
    assert dossier.channel == Channel.COUNTER
    assert dossier.national_status == NationalStatus.NEW


def test_dossier_code_is_the_receiving_units_code_day_and_a_gap_free_sequence(world):
    # Circular 01/2018/TT-VPCP Art. 19: {mã định danh of the receiving unit}-{yymmdd}-{4-digit sequence}.
    unit = world.ubnd_phu_xuan.code
    first = receive_px_for_pv(world)
    second = receive_px_for_pv(world, now=T0 + dt.timedelta(hours=2))
    next_day = receive_px_for_pv(world, now=T0 + dt.timedelta(days=1))
    assert first.code == f"{unit}-260309-0001"
    assert second.code == f"{unit}-260309-0002"
    assert next_day.code == f"{unit}-260310-0001"
    assert world.point_phu_xuan.code not in first.code


def test_two_reception_points_of_one_agency_share_one_sequence_of_the_day(world):
    """One counter per unit and day: a second desk of the same agency continues the agency's numbers and
    carries the agency's code, not an invented one of its own."""
    second_desk = ReceptionPoint.objects.create(
        code="T.PX.MC2",
        name="Điểm tiếp nhận thứ hai, Phú Xuân",
        kind=ReceptionPointKind.ONE_STOP_DESK,
        agency=world.ubnd_phu_xuan,
        unit=world.phu_xuan,
        province_code="46",
        valid_from=world.point_phu_xuan.valid_from,
    )
    officer = make_staff(world.ubnd_phu_xuan, Role.RECEPTION_OFFICER, second_desk)
    first = receive_px_for_pv(world)
    at_second = services.receive_at_counter(
        by=officer,
        reception_point=second_desk,
        procedure=world.procedure,
        place_unit=world.phu_vang,
        applicant_info=ApplicantInfo(name="Lê Thị Hai"),
        documents=COMPLETE,
        now=T0 + dt.timedelta(minutes=5),
    )
    third = receive_px_for_pv(world, now=T0 + dt.timedelta(minutes=10))
    unit = world.ubnd_phu_xuan.code
    assert [first.code, at_second.code, third.code] == [
        f"{unit}-260309-0001",
        f"{unit}-260309-0002",
        f"{unit}-260309-0003",
    ]
    assert at_second.reception_point == second_desk


def test_a_supplement_never_changes_the_dossier_code(world):
    """Decree 45/2020/NĐ-CP Art. 12: the code given at reception stays through supplements."""
    dossier = receive_px_for_pv(world, documents=[DocumentInput(code="TK")])
    code = dossier.code
    dossier = services.request_reception_supplement(
        dossier=dossier, by=world.officer_px, missing=["XNTT"], reason="Thiếu giấy xác nhận", now=T0
    )
    dossier = services.supply_documents(
        dossier=dossier,
        by=world.citizen,
        documents=[DocumentInput(code="XNTT")],
        now=T0 + dt.timedelta(hours=1),
    )
    dossier = services.accept(dossier=dossier, by=world.officer_px, now=T0 + dt.timedelta(hours=2))
    dossier = services.perform(
        dossier=dossier, by=world.officer_px, action="forward", now=T0 + dt.timedelta(hours=3)
    )
    dossier = services.request_supplement(
        dossier=dossier,
        by=world.specialist_pv,
        missing=["UQ"],
        reason="Cần văn bản ủy quyền",
        now=T0 + dt.timedelta(hours=4),
    )
    dossier = services.supply_documents(
        dossier=dossier,
        by=world.citizen,
        documents=[DocumentInput(code="UQ")],
        now=T0 + dt.timedelta(hours=5),
    )
    dossier.refresh_from_db()
    assert dossier.code == code
    assert dossier.supplement_count >= 1
    assert Dossier.objects.filter(code__startswith=world.ubnd_phu_xuan.code).count() == 1


def test_a_failed_reception_does_not_consume_a_code(world):
    receive_px_for_pv(world)
    with pytest.raises(DomainError):
        receive_px_for_pv(world, documents=[DocumentInput(code="NOT-A-DOCUMENT")])
    assert receive_px_for_pv(world).code.endswith("-0002")


def test_accepting_a_complete_dossier_sets_the_appointment_from_the_working_calendar(world):
    dossier = receive_px_for_pv(world)
    dossier = services.accept(dossier=dossier, by=world.officer_px, now=T0)
    assert dossier.state == State.IN_PROCESS
    assert dossier.national_status == NationalStatus.RECEIVED
    # 3 working days from Monday: due on Thursday.
    assert dossier.appointment_at.astimezone(T0.tzinfo).date() == dt.date(2026, 3, 12)
    assert dossier.current_step.step.code == "tiep_nhan"
    assert dossier.current_step.agency == world.ubnd_phu_xuan


def test_an_incomplete_dossier_cannot_be_accepted(world):
    dossier = receive_px_for_pv(world, documents=[DocumentInput(code="TK")])
    with pytest.raises(DomainError) as error:
        services.accept(dossier=dossier, by=world.officer_px, now=T0)
    assert error.value.code == "reception.incomplete"
    assert "Giấy xác nhận tình trạng hôn nhân" in str(error.value)


def test_reception_supplement_lists_the_documents_and_the_reason_then_the_applicant_supplies(world):
    dossier = receive_px_for_pv(world, documents=[DocumentInput(code="TK")])
    dossier = services.request_reception_supplement(
        dossier=dossier,
        by=world.officer_px,
        missing=["XNTT"],
        reason="Thiếu giấy xác nhận tình trạng hôn nhân",
        now=T0,
    )
    assert dossier.national_status == NationalStatus.SUPPLEMENT
    event = dossier.events.get(kind=EventKind.RECEPTION_SUPPLEMENT_REQUESTED)
    assert event.data["missing"] == [{"code": "XNTT", "name": "Giấy xác nhận tình trạng hôn nhân"}]
    assert event.reason == "Thiếu giấy xác nhận tình trạng hôn nhân"
    assert OutboxMessage.objects.filter(topic=Topic.NOTIFY_APPLICANT, aggregate_id=str(dossier.pk)).exists()
    later = T0 + dt.timedelta(days=2)
    dossier = services.supply_documents(
        dossier=dossier, by=world.citizen, documents=[DocumentInput(code="XNTT")], now=later
    )
    dossier = services.accept(dossier=dossier, by=world.officer_px, now=later)
    # The clock starts when the dossier is complete.
    assert dossier.received_at == later


def test_refusal_at_reception_needs_the_legal_reason_and_closes_the_dossier(world):
    dossier = receive_px_for_pv(world)
    with pytest.raises(DomainError) as error:
        services.refuse_reception(dossier=dossier, by=world.officer_px, reason="  ", now=T0)
    assert error.value.code == "reason.required"
    dossier.refresh_from_db()
    dossier = services.refuse_reception(
        dossier=dossier, by=world.officer_px, reason="Không thuộc thẩm quyền (Điều 18 Luật Hộ tịch)", now=T0
    )
    assert dossier.state == State.REFUSED_AT_RECEPTION
    assert dossier.national_status == NationalStatus.NOT_RECEIVED
    with pytest.raises(DomainError):
        services.accept(dossier=dossier, by=world.officer_px, now=T0)


def test_a_citizen_cannot_receive_at_the_counter(world):
    with pytest.raises(DomainError) as error:
        services.receive_at_counter(
            by=world.citizen,
            reception_point=world.point_phu_xuan,
            procedure=world.procedure,
            place_unit=world.phu_vang,
            applicant_info=ApplicantInfo(name="X"),
            documents=COMPLETE,
            now=T0,
        )
    assert error.value.code == "reception.not_allowed"


def test_post_office_reception_records_the_tracking_number(world):
    dossier = services.receive_by_post(
        by=world.postal,
        reception_point=world.point_post,
        postal_tracking_number="EB123456789VN",
        procedure=world.procedure,
        place_unit=world.phu_vang,
        applicant_info=ApplicantInfo(name="Lê Văn Bưu"),
        documents=COMPLETE,
        now=T0,
    )
    assert dossier.channel == Channel.POST
    assert dossier.postal_tracking_number == "EB123456789VN"
    assert dossier.code.startswith(f"{world.post.code}-260309-")
    assert dossier.competent_agency == world.ubnd_phu_vang
    dossier = services.accept(dossier=dossier, by=world.postal, now=T0)
    assert dossier.state == State.IN_PROCESS


def test_post_reception_needs_a_tracking_number_and_postal_staff(world):
    kwargs = dict(
        procedure=world.procedure,
        place_unit=world.phu_vang,
        applicant_info=ApplicantInfo(name="A"),
        documents=COMPLETE,
        now=T0,
    )
    with pytest.raises(DomainError) as error:
        services.receive_by_post(
            by=world.postal, reception_point=world.point_post, postal_tracking_number=" ", **kwargs
        )
    assert error.value.code == "reception.tracking_required"
    with pytest.raises(DomainError) as error:
        services.receive_by_post(
            by=world.officer_px, reception_point=world.point_post, postal_tracking_number="EB1VN", **kwargs
        )
    assert error.value.code == "reception.not_allowed"


def test_online_submission_goes_to_a_reception_point_of_the_competent_agency(world):
    dossier = services.submit_online(
        applicant=world.citizen,
        procedure=world.procedure,
        place_unit=world.phu_vang,
        documents=COMPLETE,
        now=T0,
    )
    assert dossier.channel == Channel.ONLINE
    assert dossier.reception_point.agency == world.ubnd_phu_vang
    assert dossier.applicant_name == "Nguyễn Thị Hoa"
    dossier = services.accept(dossier=dossier, by=world.officer_pv, now=T0)
    assert dossier.received_by.user == world.officer_pv


def test_a_repeated_submission_with_the_same_key_returns_the_first_dossier(world):
    first = services.submit_online(
        applicant=world.citizen,
        procedure=world.procedure,
        place_unit=world.phu_vang,
        documents=COMPLETE,
        idempotency_key="k-1",
        now=T0,
    )
    again = services.submit_online(
        applicant=world.citizen,
        procedure=world.procedure,
        place_unit=world.phu_vang,
        documents=COMPLETE,
        idempotency_key="k-1",
        now=T0 + dt.timedelta(minutes=1),
    )
    assert again.pk == first.pk
    assert DossierEvent.objects.filter(dossier=first).count() == 1
    with pytest.raises(DomainError) as error:
        services.submit_online(
            applicant=world.stranger,
            procedure=world.procedure,
            place_unit=world.phu_vang,
            documents=COMPLETE,
            idempotency_key="k-1",
            now=T0,
        )
    assert error.value.code == "submission.key_reused"


def test_competence_comes_from_the_catalog_and_an_override_is_logged_with_its_reason(world):
    dossier = receive_px_for_pv(world)
    with pytest.raises(DomainError) as error:
        services.override_competence(
            dossier=dossier, by=world.officer_px, agency=world.ubnd_phu_xuan, reason="Nhầm địa bàn", now=T0
        )
    assert error.value.code == "competence.override_forbidden"
    dossier.refresh_from_db()
    dossier = services.override_competence(
        dossier=dossier,
        by=world.leader_px,
        agency=world.ubnd_phu_xuan,
        reason="Công dân đã chuyển nơi cư trú về Phú Xuân",
        now=T0,
    )
    assert dossier.competent_agency == world.ubnd_phu_xuan
    event = dossier.events.get(kind=EventKind.COMPETENCE_OVERRIDDEN)
    assert event.reason == "Công dân đã chuyển nơi cư trú về Phú Xuân"
    assert event.data["from_agency"] == world.ubnd_phu_vang.pk


def test_a_reception_officer_of_another_point_of_the_same_agency_is_refused(world):
    from motcua.org.models import ReceptionPointKind

    from .dossier_world import _point

    other_point = _point(world.ubnd_phu_xuan, "T.PX.MC2", ReceptionPointKind.ONE_STOP_DESK)
    officer = make_staff(world.ubnd_phu_xuan, Role.RECEPTION_OFFICER, other_point)
    with pytest.raises(DomainError):
        services.receive_at_counter(
            by=officer,
            reception_point=world.point_phu_xuan,
            procedure=world.procedure,
            place_unit=world.phu_vang,
            applicant_info=ApplicantInfo(name="A"),
            documents=COMPLETE,
            now=T0,
        )


@pytest.mark.parametrize(
    ("decision", "kind", "state"),
    [
        (services.CounterDecision.ACCEPT, EventKind.RECEIVED, State.IN_PROCESS),
        (
            services.CounterDecision.SUPPLEMENT,
            EventKind.RECEPTION_SUPPLEMENT_REQUESTED,
            State.RECEPTION_SUPPLEMENT,
        ),
        (services.CounterDecision.REFUSE, EventKind.REFUSED_AT_RECEPTION, State.REFUSED_AT_RECEPTION),
    ],
)
def test_each_counter_decision_records_the_origin_of_the_request(world, decision, kind, state):
    dossier = services.receive_and_decide(
        **walk_in_px_for_pv(world),
        decision=decision,
        documents=COMPLETE,
        missing=["XNTT"],
        reason="Thiếu giấy xác nhận tình trạng hôn nhân",
        now=T0,
        origin="203.0.113.7",
    )
    assert dossier.state == state
    events = list(dossier.events.order_by("sequence").values_list("kind", "origin"))
    assert events == [(EventKind.SUBMITTED, "203.0.113.7"), (kind, "203.0.113.7")]


def test_a_refused_counter_decision_keeps_no_dossier(world):
    with pytest.raises(DomainError) as error:
        services.receive_and_decide(
            by=world.officer_px,
            decision=services.CounterDecision.REFUSE,
            reception_point=world.point_phu_xuan,
            procedure=world.procedure,
            place_unit=world.phu_vang,
            applicant_info=ApplicantInfo(name="Nguyễn Thị Hoa"),
            documents=COMPLETE,
            reason="",
            now=T0,
        )
    assert error.value.code == "reason.required"
    assert not DossierEvent.objects.exists()
    assert receive_px_for_pv(world).code.endswith("-0001")
