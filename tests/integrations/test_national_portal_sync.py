"""Status and progress sync against the reference national portal (its own process, real HTTP): a dossier
received at the counter and processed to the hand-over shows every status in order, with the officers."""

from __future__ import annotations

import datetime as dt

import pytest

from dossiers.dossier_world import T0, move, to_review
from motcua.integrations.national_portal.client import NationalPortalClient, PortalError
from motcua.outbox.adapters import Outcome
from motcua.outbox.models import DeliveryAttempt, OutboxMessage, Status, Topic

from .portal_helpers import adapter, drain, due_now, lookup

H = dt.timedelta(hours=1)

pytestmark = pytest.mark.django_db


def processed_to_the_end(world):
    dossier = to_review(world)
    steps = [
        (world.specialist_pv, "forward"),
        (world.head_pv, "approve"),
        (world.leader_pv, "sign"),
        (world.clerk_pv, "issue_number"),
        (world.officer_px, "return_result"),
    ]
    for hour, (user, action) in enumerate(steps, start=2):
        dossier = move(dossier=dossier, by=user, action=action, now=T0 + hour * H)
    return dossier


def test_a_dossier_processed_to_the_hand_over_shows_every_status_in_order_on_the_portal(
    world, national_portal
):
    dossier = processed_to_the_end(world)
    report = drain()
    assert (report.delivered, report.retried, report.dead) == (16, 0, 0)
    assert (
        not OutboxMessage.objects.filter(destination="national_portal")
        .exclude(status=Status.DELIVERED)
        .exists()
    )

    data = lookup(national_portal, dossier.code)
    history = [(h["TrangThaiHoSo"], h["SoThuTuSuKien"]) for h in data["LichSu"]]
    # submitted, received (first step), forwarded .. the result ready, returned
    assert history == [("1", 1), ("2", 2), ("4", 3), ("4", 4), ("4", 5), ("4", 6), ("9", 7), ("10", 8)]
    assert data["TrangThaiHoSo"] == "10"
    assert data["NgayTra"] == "20260309140000"
    assert data["NgayKetThucXuLy"] == "20260309130000"
    progress = data["TienDo"]
    assert [p["SoThuTuSuKien"] for p in progress] == list(range(1, 9))
    assert [p["NguoiXuLy"] for p in progress][3:7] == [
        "Chuyên viên pv 1",
        "Lãnh đạo phòng pv",
        "Chủ tịch UBND pv",
        "Văn thư pv",
    ]
    assert progress[3]["ChucDanh"] == "chuyên viên"
    assert progress[3]["PhongBanXuLy"] == world.ubnd_phu_vang.name
    assert progress[3]["NoiDungXuLy"].startswith("Xử lý bước: chuyển bước tiếp theo (bước “Thẩm định”)")
    # each record once, sent by this worker
    received = national_portal.received()
    assert {r["worker"] for r in received} == {"test-worker"}
    assert not any(r["duplicate"] for r in received)


def test_a_redelivered_message_is_recorded_once_and_counts_as_a_duplicate(world, national_portal):
    dossier = to_review(world)
    drain()
    message = OutboxMessage.objects.filter(aggregate_id=str(dossier.pk), topic=Topic.DOSSIER_STATUS).last()
    [result] = adapter().deliver([message], worker="again")
    assert result.outcome == Outcome.DUPLICATE
    assert [e["key"] for e in national_portal.effects()].count(message.key) == 1


def test_a_server_failure_retries_the_whole_call(world, national_portal):
    to_review(world)
    national_portal.faults(fail_status=503, fail_count=-1)
    report = drain()
    assert (report.claimed, report.retried, report.delivered) == (1, 1, 0)  # one stream head, retried
    attempt = DeliveryAttempt.objects.get()
    assert (attempt.outcome, attempt.http_status) == ("failed", 503)
    national_portal.clear_faults()
    due_now()
    assert drain().delivered == 6
    assert (
        not OutboxMessage.objects.filter(destination="national_portal")
        .exclude(status=Status.DELIVERED)
        .exists()
    )


def test_a_record_the_portal_refuses_is_rejected_with_its_reason(world, national_portal):
    dossier = to_review(world)
    # out of order on purpose: the portal never saw this dossier, and a first record cannot be status 4
    last = OutboxMessage.objects.filter(aggregate_id=str(dossier.pk), topic=Topic.DOSSIER_STATUS).last()
    [result] = adapter().deliver([last], worker="test-worker")
    assert result.outcome == Outcome.REJECTED
    assert result.error.startswith("DongBoHoSoMC: 04 TrangThaiHoSo")
    assert dossier.code in result.error


def test_the_client_logs_in_again_when_the_session_expired(national_portal):
    client = NationalPortalClient(url=national_portal.url, username=national_portal.username, password="sai")
    with pytest.raises(PortalError) as refused:
        client.login()
    assert refused.value.code == "01"
    client = NationalPortalClient(
        url=national_portal.url, username=national_portal.username, password=national_portal.password
    )
    client.login()
    client.session = "het-han"  # as if the portal had expired it
    answer = client.call("LayHoSoMoi", {"MaTinh": "46", "SoLuong": 5})
    assert answer["error_code"] == "00"
    assert client.session != "het-han"
