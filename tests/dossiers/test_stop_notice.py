"""Refusal after review: Thông báo dừng giải quyết hồ sơ (Circular 03/2025/TT-VPCP, Annex I, form 05).

Rule (Decree 118/2025/NĐ-CP; legal.md "Refusal after review is decided by the competent authority with a
written notice and reasons"): the officer holding the step proposes the stop with reasons; only a leader of
the competent agency decides it; then the dossier ends (national status 8) and the citizen receives the notice
and its reasons. Before the receipt, the desk refuses reception instead (form 03, national status 3).
"""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import DomainError
from motcua.dossiers import selectors, services, slips
from motcua.dossiers.models import Audience, Dossier, EventKind, NationalStatus, State, StopNotice
from motcua.dossiers.replay import current_as_replayed, replay
from motcua.outbox.models import OutboxMessage, Topic

from .dossier_world import T0, receive_px_for_pv, to_review

H = dt.timedelta(hours=1)
REASONS = "Hai bên kết hôn giả tạo (khoản 11 Điều 3, Điều 5 Luật Hôn nhân và gia đình)"


def _unchanged(dossier: Dossier) -> tuple[int, int, str]:
    fresh = Dossier.objects.get(pk=dossier.pk)
    return fresh.version, fresh.events.count(), fresh.state


def _replays(dossier: Dossier) -> None:
    replayed = replay(dossier.events.order_by("sequence"))
    expected = current_as_replayed(dossier)
    expected.appointments = replayed.appointments
    assert replayed == expected


def test_a_specialist_cannot_end_the_dossier_even_where_the_step_lists_refuse(world):
    dossier = to_review(world)
    before = _unchanged(dossier)
    with pytest.raises(DomainError) as error:
        services.perform(
            dossier=dossier, by=world.specialist_pv, action="refuse", reason=REASONS, now=T0 + 2 * H
        )
    assert error.value.code == "stop.leader_only"
    assert "lãnh đạo cơ quan có thẩm quyền" in str(error.value)
    assert _unchanged(dossier) == before


def test_the_step_holder_proposes_and_the_competent_agencys_leader_signs_form_05(world):
    dossier = to_review(world)
    notice = services.propose_stop(dossier=dossier, by=world.specialist_pv, reasons=REASONS, now=T0 + 2 * H)
    dossier.refresh_from_db()
    # A proposal ends nothing: the dossier is still processed, the citizen is not told yet.
    assert dossier.state == State.IN_PROCESS and dossier.national_status == NationalStatus.IN_PROCESS
    proposed = dossier.events.get(kind=EventKind.STOP_PROPOSED)
    assert (proposed.audience, proposed.reason) == (Audience.STAFF, REASONS)
    citizen_view = selectors.timeline_for(dossier=dossier, user=world.citizen, now=T0 + 2 * H)
    assert all(e.kind != EventKind.STOP_PROPOSED for e in citizen_view.entries)
    # The head of department, the receiving commune's leader: not the competent agency's leader.
    for other in (world.head_pv, world.leader_px, world.specialist_pv):
        with pytest.raises(DomainError) as error:
            services.sign_stop(notice=notice, by=other, now=T0 + 3 * H)
        assert error.value.code in ("stop.leader_only", "dossier.forbidden")
    dossier = services.sign_stop(notice=notice, by=world.leader_pv, now=T0 + 3 * H)
    assert dossier.state == State.STOPPED
    assert dossier.national_status == NationalStatus.STOPPED == 8
    assert dossier.current_step is None and dossier.closed_at == T0 + 3 * H
    notice.refresh_from_db()
    assert (notice.outcome, notice.decided_by, notice.decided_at) == (
        StopNotice.Outcome.SIGNED,
        world.leader_pv.staff,
        T0 + 3 * H,
    )
    stopped = dossier.events.get(kind=EventKind.STOPPED)
    assert (stopped.audience, stopped.reason, stopped.actor) == (Audience.APPLICANT, REASONS, world.leader_pv)
    assert OutboxMessage.objects.filter(
        topic=Topic.NOTIFY_APPLICANT, payload__event="stopped", payload__reason=REASONS
    ).exists()
    status = OutboxMessage.objects.filter(topic=Topic.DOSSIER_STATUS, payload__event="stopped").get()
    assert status.payload["national_status"] == 8
    # The citizen's timeline shows the notice and its reasons; the slip is theirs to download.
    citizen_view = selectors.timeline_for(dossier=dossier, user=world.citizen, now=T0 + 4 * H)
    entry = next(e for e in citizen_view.entries if e.kind == EventKind.STOPPED)
    assert "dừng giải quyết" in entry.text and entry.reason == REASONS
    assert "stop" in citizen_view.slips
    _replays(dossier)


def test_the_form_05_slip_names_the_dossier_the_applicant_the_reasons_and_the_deciding_leader(world):
    dossier = to_review(world)
    notice = services.propose_stop(dossier=dossier, by=world.specialist_pv, reasons=REASONS, now=T0 + 2 * H)
    dossier = services.sign_stop(notice=notice, by=world.leader_pv, now=T0 + 3 * H)
    slip = slips.slip_for(dossier=dossier, kind="stop")
    lines = dict(slip.lines)
    assert (slip.form, slip.title) == ("05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ")
    assert slip.issuer == world.ubnd_phu_vang.name
    assert lines["Mã hồ sơ"] == dossier.code
    assert lines["Ông/bà"] == "Nguyễn Thị Hoa"
    assert world.procedure.name in lines["Thủ tục"]
    assert lines["Lý do dừng giải quyết"] == REASONS
    assert lines["Người quyết định"] == world.leader_pv.staff.full_name
    assert lines["Ngày quyết định"].endswith("ngày 09 tháng 03 năm 2026")
    assert slips.slip_pdf(dossier=dossier, kind="stop").startswith(b"%PDF")


def test_form_03_is_the_refusal_before_receipt_and_form_05_is_not_offered_for_it(world):
    dossier = receive_px_for_pv(world)
    dossier = services.refuse_reception(
        dossier=dossier, by=world.officer_px, reason="Không thuộc thẩm quyền", now=T0
    )
    assert dossier.national_status == NationalStatus.NOT_RECEIVED == 3
    assert slips.slip_for(dossier=dossier, kind="refusal").form == "03"
    with pytest.raises(DomainError) as error:
        slips.slip_for(dossier=dossier, kind="stop")
    assert error.value.code == "slip.not_available"
    with pytest.raises(DomainError):
        services.propose_stop(dossier=dossier, by=world.officer_px, reasons=REASONS, now=T0 + H)


def test_only_the_step_holder_proposes_and_only_one_proposal_waits(world):
    dossier = to_review(world)
    for other in (world.head_pv, world.leader_pv, world.officer_px, world.citizen):
        with pytest.raises(DomainError) as error:
            services.propose_stop(dossier=dossier, by=other, reasons=REASONS, now=T0 + 2 * H)
        assert error.value.code == "stop.propose_forbidden"
    with pytest.raises(DomainError) as error:
        services.propose_stop(dossier=dossier, by=world.specialist_pv, reasons="  ", now=T0 + 2 * H)
    assert error.value.code == "reason.required"
    services.propose_stop(dossier=dossier, by=world.specialist_pv, reasons=REASONS, now=T0 + 2 * H)
    dossier.refresh_from_db()
    with pytest.raises(DomainError) as error:
        services.propose_stop(dossier=dossier, by=world.specialist_pv, reasons=REASONS, now=T0 + 3 * H)
    assert error.value.code == "stop.pending"


def test_the_leader_declines_with_a_note_and_processing_continues(world):
    dossier = to_review(world)
    notice = services.propose_stop(dossier=dossier, by=world.specialist_pv, reasons=REASONS, now=T0 + 2 * H)
    with pytest.raises(DomainError) as error:
        services.decline_stop(notice=notice, by=world.leader_pv, note="", now=T0 + 3 * H)
    assert error.value.code == "reason.required"
    services.decline_stop(
        notice=notice, by=world.leader_pv, note="Đủ điều kiện, tiếp tục thẩm định", now=T0 + 3 * H
    )
    notice.refresh_from_db()
    assert notice.outcome == StopNotice.Outcome.DECLINED
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS
    assert dossier.events.get(kind=EventKind.STOP_DECLINED).audience == Audience.STAFF
    with pytest.raises(DomainError) as error:
        services.sign_stop(notice=notice, by=world.leader_pv, now=T0 + 4 * H)
    assert error.value.code == "stop.decided"
    dossier = services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 4 * H)
    assert dossier.current_step.step.code == "duyet"


def test_the_leader_stopping_at_their_own_step_signs_the_pending_proposal(world):
    dossier = to_review(world)
    services.propose_stop(
        dossier=dossier, by=world.specialist_pv, reasons="Nghi kết hôn giả tạo", now=T0 + 2 * H
    )
    dossier.refresh_from_db()
    dossier = services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 2 * H)
    dossier = services.perform(dossier=dossier, by=world.head_pv, action="approve", now=T0 + 3 * H)
    dossier = services.perform(
        dossier=dossier, by=world.leader_pv, action="refuse", reason=REASONS, now=T0 + 4 * H
    )
    assert dossier.state == State.STOPPED
    notice = dossier.stop_notices.get()
    assert (notice.outcome, notice.reasons, notice.proposed_by) == (
        StopNotice.Outcome.SIGNED,
        REASONS,
        world.specialist_pv.staff,
    )
    event = dossier.events.get(kind=EventKind.STOPPED)
    assert (event.action, event.data["from_step"]) == ("refuse", "ky")
    _replays(dossier)


def test_a_dossier_waiting_for_a_supplement_or_an_opinion_can_be_stopped(world):
    dossier = to_review(world)
    dossier = services.request_supplement(
        dossier=dossier, by=world.specialist_pv, missing=["XNTT"], reason="Hết hạn", now=T0 + 2 * H
    )
    notice = services.propose_stop(dossier=dossier, by=world.specialist_pv, reasons=REASONS, now=T0 + 3 * H)
    dossier = services.sign_stop(notice=notice, by=world.leader_pv, reasons="Quá hạn bổ sung", now=T0 + 4 * H)
    assert dossier.state == State.STOPPED and dossier.paused_at is None
    assert dossier.stop_notices.get().reasons == "Quá hạn bổ sung"
    assert not dossier.steps.filter(finished_at__isnull=True).exists()
    _replays(dossier)


def test_no_stop_is_signed_while_a_withdrawal_request_waits_for_its_decision(world):
    dossier = to_review(world)
    notice = services.propose_stop(dossier=dossier, by=world.specialist_pv, reasons=REASONS, now=T0 + 2 * H)
    dossier.refresh_from_db()
    services.request_withdrawal(dossier=dossier, by=world.citizen, reason="Không cần nữa", now=T0 + 3 * H)
    with pytest.raises(DomainError) as error:
        services.sign_stop(notice=notice, by=world.leader_pv, now=T0 + 4 * H)
    assert error.value.code == "withdraw.pending_decision"
    assert Dossier.objects.get(pk=dossier.pk).state == State.IN_PROCESS
