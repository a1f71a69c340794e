"""Withdrawal is a request (national status 7 "Công dân yêu cầu rút hồ sơ") decided by the competent agency.

Rule (legal.md: "Withdrawal is a citizen's request (status 7), decided by the agency"; Decree 118/2025/NĐ-CP
[kiểm tra]): possible until the result is ready; while it waits, the status is 7, processing may continue and
the appointment stays; a leader of the competent agency accepts it (originals returned, fee handled) or
declines it with a reason (the dossier continues); one request at a time.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.core.errors import DomainError
from motcua.dossiers import selectors, services
from motcua.dossiers.models import Audience, Dossier, EventKind, NationalStatus, State, WithdrawalRequest
from motcua.dossiers.replay import current_as_replayed, replay
from motcua.outbox.models import OutboxMessage, Topic

from .dossier_world import T0, move, receive_px_for_pv, to_review

H = dt.timedelta(hours=1)


def _replays(dossier: Dossier) -> None:
    replayed = replay(dossier.events.order_by("sequence"))
    expected = current_as_replayed(dossier)
    expected.appointments = replayed.appointments
    assert replayed == expected


def _walk_to_result(world, dossier, start):
    dossier = services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=start)
    dossier = services.perform(dossier=dossier, by=world.head_pv, action="approve", now=start + H)
    dossier = move(dossier=dossier, by=world.leader_pv, action="sign", now=start + 2 * H)
    return services.perform(dossier=dossier, by=world.clerk_pv, action="issue_number", now=start + 3 * H)


def test_a_request_shows_status_7_keeps_the_appointment_and_processing_goes_on(world):
    dossier = to_review(world)
    appointment = dossier.appointment_at
    request = services.request_withdrawal(
        dossier=dossier, by=world.citizen, reason="Đã đăng ký ở nơi khác", now=T0 + 2 * H
    )
    dossier.refresh_from_db()
    assert (request.outcome, request.requested_by, request.recorded_by) == ("", world.citizen, None)
    assert dossier.state == State.IN_PROCESS and dossier.withdrawal_pending
    assert dossier.national_status == NationalStatus.WITHDRAWN == 7
    assert dossier.appointment_at == appointment
    event = dossier.events.get(kind=EventKind.WITHDRAWAL_REQUESTED)
    assert (event.audience, event.reason) == (Audience.APPLICANT, "Đã đăng ký ở nơi khác")
    status = OutboxMessage.objects.filter(topic=Topic.DOSSIER_STATUS, payload__event="withdrawal_requested")
    assert status.get().payload["national_status"] == 7
    entry = selectors.timeline_for(dossier=dossier, user=world.citizen, now=T0 + 2 * H).entries[-1]
    assert "đã được gửi" in entry.text and "giữ nguyên" in entry.text
    # The agency goes on working while it decides.
    dossier = services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 3 * H)
    assert dossier.current_step.step.code == "duyet" and dossier.national_status == 7
    _replays(dossier)


def test_a_second_request_while_one_is_pending_is_refused(world):
    dossier = to_review(world)
    services.request_withdrawal(dossier=dossier, by=world.citizen, reason="Không cần nữa", now=T0 + 2 * H)
    dossier.refresh_from_db()
    for who in (world.citizen, world.officer_px):
        with pytest.raises(DomainError) as error:
            services.request_withdrawal(dossier=dossier, by=who, reason="Lần nữa", now=T0 + 3 * H)
        assert error.value.code == "withdraw.pending"
    assert WithdrawalRequest.objects.filter(dossier=dossier).count() == 1


def test_no_request_once_the_result_is_ready_or_the_dossier_ended(world):
    dossier = _walk_to_result(world, to_review(world), T0 + 2 * H)
    assert dossier.state == State.RESULT_READY
    with pytest.raises(DomainError) as error:
        services.request_withdrawal(dossier=dossier, by=world.citizen, reason="Muộn", now=T0 + 7 * H)
    assert error.value.code == "withdraw.too_late"
    dossier = services.perform(dossier=dossier, by=world.officer_px, action="return_result", now=T0 + 8 * H)
    with pytest.raises(DomainError) as error:
        services.request_withdrawal(dossier=dossier, by=world.citizen, reason="Muộn", now=T0 + 9 * H)
    assert error.value.code == "dossier.closed"


def test_a_reception_officer_records_the_applicants_written_request(world):
    dossier = receive_px_for_pv(world)
    request = services.request_withdrawal(
        dossier=dossier, by=world.officer_px, reason="Đơn xin rút hồ sơ ngày 09/3", now=T0 + H
    )
    assert request.recorded_by == world.officer_px.staff
    with pytest.raises(DomainError) as error:
        services.request_withdrawal(dossier=dossier, by=world.stranger, reason="?", now=T0 + H)
    assert error.value.code in ("withdraw.forbidden", "withdraw.pending")


def test_only_a_leader_of_the_competent_agency_decides(world):
    dossier = to_review(world)
    request = services.request_withdrawal(
        dossier=dossier, by=world.citizen, reason="Không cần", now=T0 + 2 * H
    )
    for other in (world.specialist_pv, world.head_pv, world.leader_px, world.officer_px, world.citizen):
        with pytest.raises(DomainError) as error:
            services.accept_withdrawal(
                request=request, by=other, originals_returned="Tờ khai", now=T0 + 3 * H
            )
        assert error.value.code == "withdraw.decide_forbidden"
    assert Dossier.objects.get(pk=dossier.pk).state == State.IN_PROCESS


def test_accepting_withdraws_the_dossier_and_records_the_originals_and_the_fee(world):
    dossier = to_review(world)
    Dossier.objects.filter(pk=dossier.pk).update(fee=Decimal(8000))
    dossier.documents.filter(code="TK").update(originals=1)  # the declaration's original is on file
    dossier.refresh_from_db()
    request = services.request_withdrawal(
        dossier=dossier, by=world.citizen, reason="Không cần", now=T0 + 2 * H
    )
    version = Dossier.objects.get(pk=dossier.pk).version
    refusals = [
        ({"originals_returned": ""}, "withdraw.originals"),
        ({"originals_returned": "Tờ khai"}, "withdraw.fee"),
        ({"originals_returned": "Tờ khai", "fee_refunded": False}, "withdraw.fee_note"),
    ]
    for kwargs, code in refusals:
        with pytest.raises(DomainError) as error:
            services.accept_withdrawal(request=request, by=world.leader_pv, now=T0 + 3 * H, **kwargs)
        assert error.value.code == code
    assert Dossier.objects.get(pk=dossier.pk).version == version
    dossier = services.accept_withdrawal(
        request=request,
        by=world.leader_pv,
        originals_returned="Tờ khai đăng ký kết hôn (1 bản chính)",
        fee_refunded=False,
        fee_note="Lệ phí đã nộp không hoàn trả vì hồ sơ đã được thẩm định [kiểm tra]",
        now=T0 + 3 * H,
    )
    assert dossier.state == State.WITHDRAWN and not dossier.withdrawal_pending
    assert dossier.national_status == 7 and dossier.current_step is None
    request.refresh_from_db()
    assert (request.outcome, request.decided_by, request.fee_refunded) == (
        "accepted",
        world.leader_pv.staff,
        False,
    )
    event = dossier.events.get(kind=EventKind.WITHDRAWN)
    assert event.audience == Audience.APPLICANT
    assert event.data["originals_returned"] == "Tờ khai đăng ký kết hôn (1 bản chính)"
    assert event.data["fee_refunded"] is False
    assert OutboxMessage.objects.filter(topic=Topic.NOTIFY_APPLICANT, payload__event="withdrawn").exists()
    _replays(dossier)


def test_declining_needs_a_reason_the_citizen_reads_and_the_dossier_continues(world):
    dossier = to_review(world)
    request = services.request_withdrawal(
        dossier=dossier, by=world.citizen, reason="Không cần", now=T0 + 2 * H
    )
    with pytest.raises(DomainError) as error:
        services.decline_withdrawal(request=request, by=world.leader_pv, reason=" ", now=T0 + 3 * H)
    assert error.value.code == "reason.required"
    reason = "Hồ sơ đã có kết quả thẩm định, đề nghị công dân nhận kết quả"
    dossier = services.decline_withdrawal(request=request, by=world.leader_pv, reason=reason, now=T0 + 3 * H)
    assert dossier.state == State.IN_PROCESS and not dossier.withdrawal_pending
    assert dossier.national_status == NationalStatus.IN_PROCESS
    entry = selectors.timeline_for(dossier=dossier, user=world.citizen, now=T0 + 4 * H).entries[-1]
    assert entry.kind == EventKind.WITHDRAWAL_DECLINED and entry.reason == reason
    with pytest.raises(DomainError) as error:
        services.accept_withdrawal(
            request=request, by=world.leader_pv, originals_returned="x", now=T0 + 4 * H
        )
    assert error.value.code == "withdraw.decided"
    # A new request may be made again.
    services.request_withdrawal(dossier=dossier, by=world.citizen, reason="Vẫn muốn rút", now=T0 + 5 * H)
    _replays(Dossier.objects.get(pk=dossier.pk))


def test_the_result_is_not_handed_over_before_the_request_is_decided(world):
    dossier = to_review(world)
    services.request_withdrawal(dossier=dossier, by=world.citizen, reason="Không cần", now=T0 + 2 * H)
    dossier.refresh_from_db()
    dossier = _walk_to_result(world, dossier, T0 + 2 * H)
    assert dossier.state == State.RESULT_READY and dossier.national_status == 7
    with pytest.raises(DomainError) as error:
        services.perform(dossier=dossier, by=world.officer_px, action="return_result", now=T0 + 7 * H)
    assert error.value.code == "withdraw.pending_decision"
    assert "return_result" not in selectors.allowed_actions(
        dossier=dossier, user=world.officer_px, now=T0 + 7 * H
    )
