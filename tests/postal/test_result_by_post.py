"""Results returned by post (Decision 45/2016/QĐ-TTg) against the reference postal service running as its own
process: the shipment requested in the transaction that makes the result ready, created at the service with
a waybill number and a fee, moved on by signed callbacks; a delivered result returns the dossier with the
hand-over record; forged, replayed and unknown callbacks change nothing."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from io import StringIO

import pytest
import requests
from django.core.management import call_command
from django.urls import reverse

from dossiers.dossier_world import T0, accepted, move, walk_in_px_for_pv
from motcua.core.errors import FieldError
from motcua.dossiers import services
from motcua.dossiers.constants import Audience, EventKind, NationalStatus, ResultDelivery, State
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import ApplicantInfo, DocumentInput
from motcua.outbox.models import DeliveryAttempt, OutboxMessage, Topic
from motcua.postal.models import Direction, Shipment, ShipmentEvent, ShipmentStatus
from motcua.postal.signatures import sign
from otp_sessions import verified_session

H = dt.timedelta(hours=1)
ADDRESS = "12 Lê Lợi, phường Phú Xuân, thành phố Huế"
S10 = re.compile(r"^EH\d{9}VN$")
CALLBACK = "/buu-chinh/callback/"


def receive_for_post(world):
    fields = walk_in_px_for_pv(world)
    fields["applicant_info"] = ApplicantInfo(
        name="Nguyễn Thị Hoa", id_number="046190000001", phone="0905000001", address=ADDRESS
    )
    dossier = services.receive_at_counter(
        **fields,
        documents=[DocumentInput(code="TK"), DocumentInput(code="XNTT")],
        result_delivery=ResultDelivery.POST,
        now=T0,
    )
    return services.accept(dossier=dossier, by=world.officer_px, now=T0)


def to_result_ready(world, dossier):
    dossier = services.perform(dossier=dossier, by=world.officer_px, action="forward", now=T0 + H)
    dossier = services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 2 * H)
    dossier = services.perform(dossier=dossier, by=world.head_pv, action="approve", now=T0 + 3 * H)
    dossier = move(dossier=dossier, by=world.leader_pv, action="sign", now=T0 + 4 * H)
    return services.perform(dossier=dossier, by=world.clerk_pv, action="issue_number", now=T0 + 5 * H)


def deliver_postal():
    call_command("deliver", "--once", "--destination", "postal", "--worker-id", "test", stdout=StringIO())


def shipped(world):
    """A dossier whose result is ready and shipped: the adapter created the shipment at the service."""
    dossier = to_result_ready(world, receive_for_post(world))
    deliver_postal()
    return dossier, Shipment.objects.get(dossier=dossier)


def post_callback(client, callback, *, body=None, signature=None):
    raw = (callback["body"] if body is None else body).encode()
    headers = {
        "X-Postal-Signature": callback["headers"]["X-Postal-Signature"] if signature is None else signature
    }
    return client.post(CALLBACK, data=raw, content_type="application/json", headers=headers)


def test_a_result_ready_for_the_post_is_shipped_with_a_tracking_number_and_a_fee(world, postal):
    dossier = to_result_ready(world, receive_for_post(world))
    assert dossier.state == State.RESULT_READY
    request = OutboxMessage.objects.get(topic=Topic.POST_SHIPMENT, aggregate_id=str(dossier.pk))
    # Written by the event that made the result ready, in its transaction.
    ready = DossierEvent.objects.filter(dossier=dossier, kind=EventKind.STEP_ACTION).latest("sequence")
    assert request.key == f"dossier:{dossier.pk}:{ready.sequence}:shipment"
    assert request.destination == "postal" and request.payload["address"] == ADDRESS

    deliver_postal()

    shipment = Shipment.objects.get(dossier=dossier)
    assert S10.match(shipment.tracking_number)
    assert shipment.direction == Direction.RESULT and shipment.status == ShipmentStatus.REQUESTED
    assert shipment.fee == 22_000  # the reference tariff's first weight class (a result of up to 100 g)
    assert (shipment.addressee_name, shipment.address) == ("Nguyễn Thị Hoa", ADDRESS)
    at_service = requests.get(
        f"{postal.url}/api/v1/shipments/{shipment.tracking_number}",
        headers={"X-Api-Key": postal.api_key},
        timeout=5,
    ).json()
    assert at_service["reference"] == dossier.code and at_service["addressee"]["address"] == ADDRESS
    created = DossierEvent.objects.get(dossier=dossier, kind=EventKind.SHIPMENT_CREATED)
    assert created.audience == Audience.APPLICANT
    assert created.data["tracking_number"] == shipment.tracking_number and created.data["fee"] == 22_000
    request.refresh_from_db()
    assert request.status == "delivered"


def test_a_counter_result_asks_the_post_for_nothing(world, postal):
    dossier = to_result_ready(world, accepted(world))
    assert dossier.state == State.RESULT_READY and dossier.result_delivery == ResultDelivery.COUNTER
    assert not OutboxMessage.objects.filter(topic=Topic.POST_SHIPMENT).exists()


def test_a_delivered_callback_returns_the_dossier_with_the_hand_over_record(world, postal, client):
    dossier, shipment = shipped(world)
    picked = postal.advance(shipment.tracking_number, "picked_up", deliver=False)
    assert post_callback(client, picked).status_code == 200
    delivered = postal.advance(
        shipment.tracking_number,
        "delivered",
        deliver=False,
        handed_over_by="Lê Văn Bưu",
        handed_over_to="Nguyễn Thị Hoa",
        receipt_reference="BN-0001",
    )
    answer = post_callback(client, delivered)
    assert answer.status_code == 200, answer.content

    dossier.refresh_from_db()
    assert dossier.state == State.RETURNED and dossier.national_status == NationalStatus.RETURNED
    assert dossier.returned_at is not None and dossier.current_step is None
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert (shipment.handed_over_by, shipment.handed_over_to, shipment.receipt_reference) == (
        "Lê Văn Bưu",
        "Nguyễn Thị Hoa",
        "BN-0001",
    )
    assert shipment.handed_over_at == dossier.returned_at
    returned = DossierEvent.objects.filter(dossier=dossier, kind=EventKind.STEP_ACTION).latest("sequence")
    assert returned.action == "return_result" and shipment.tracking_number in returned.reason
    updates = DossierEvent.objects.filter(dossier=dossier, kind=EventKind.SHIPMENT_UPDATED).order_by(
        "sequence"
    )
    assert [e.data["shipment_status"] for e in updates] == ["picked_up", "delivered"]
    assert {e.audience for e in updates} == {Audience.APPLICANT}
    # The national portal learns status 10 from the same event.
    assert OutboxMessage.objects.filter(
        topic=Topic.DOSSIER_STATUS, aggregate_id=str(dossier.pk), payload__national_status=10
    ).exists()

    client.force_login(world.citizen)
    record = client.get(reverse("postal:handover", args=[shipment.pk]))
    assert record.status_code == 200
    page = record.content.decode()
    assert "BIÊN BẢN GIAO NHẬN KẾT QUẢ" in page and "45/2016/QĐ-TTg" in page
    assert shipment.tracking_number in page and "Lê Văn Bưu" in page and "BN-0001" in page


def test_a_result_returned_to_sender_leaves_the_dossier_waiting_at_the_counter(world, postal, client):
    dossier, shipment = shipped(world)
    assert (
        post_callback(
            client, postal.advance(shipment.tracking_number, "picked_up", deliver=False)
        ).status_code
        == 200
    )
    back = postal.advance(shipment.tracking_number, "returned", deliver=False, note="Không có người nhận")
    assert post_callback(client, back).status_code == 200
    shipment.refresh_from_db()
    dossier.refresh_from_db()
    assert shipment.status == ShipmentStatus.RETURNED and shipment.note == "Không có người nhận"
    assert dossier.state == State.RESULT_READY
    last = DossierEvent.objects.filter(dossier=dossier).latest("sequence")
    assert last.kind == EventKind.SHIPMENT_UPDATED and last.reason == "Không có người nhận"
    assert last.audience == Audience.APPLICANT


def _counts(dossier):
    return (
        ShipmentEvent.objects.count(),
        DossierEvent.objects.filter(dossier=dossier).count(),
        list(Shipment.objects.values_list("status", flat=True)),
    )


def test_forged_replayed_stale_and_unknown_callbacks_change_nothing_and_are_logged(
    world, postal, client, caplog
):
    dossier, shipment = shipped(world)
    picked = postal.advance(shipment.tracking_number, "picked_up", deliver=False)
    delivered = postal.advance(shipment.tracking_number, "delivered", deliver=False, handed_over_to="X")
    before = _counts(dossier)
    caplog.set_level(logging.WARNING, logger="motcua.postal.views")

    # A body changed after signing, a signature with another key, no signature at all.
    tampered = picked["body"].replace("picked_up", "delivered")
    assert post_callback(client, picked, body=tampered).status_code == 401
    assert (
        post_callback(client, picked, signature=sign(picked["body"].encode(), "not-the-secret")).status_code
        == 401
    )
    assert post_callback(client, picked, signature="").status_code == 401
    # An old body, signed with the right key: outside the window.
    old = json.loads(picked["body"])
    old["sent_at"] = int(time.time()) - 3600
    old_raw = json.dumps(old)
    assert (
        post_callback(
            client, picked, body=old_raw, signature=sign(old_raw.encode(), postal.callback_secret)
        ).status_code
        == 401
    )
    # An unknown shipment, correctly signed.
    unknown = json.loads(picked["body"])
    unknown["tracking_number"], unknown["event_id"] = "EH000000000VN", "unknown-event"
    unknown_raw = json.dumps(unknown)
    answer = post_callback(
        client, picked, body=unknown_raw, signature=sign(unknown_raw.encode(), postal.callback_secret)
    )
    assert answer.status_code == 404 and answer.json()["error"] == "post.unknown_shipment"
    # Delivered before picked up: not a move the shipment can make.
    assert post_callback(client, delivered).status_code == 409
    assert _counts(dossier) == before

    assert post_callback(client, picked).status_code == 200
    after_first = _counts(dossier)
    replay = post_callback(client, picked)
    assert replay.status_code == 409 and replay.json()["error"] == "post.replayed"
    assert _counts(dossier) == after_first
    refused = [r.getMessage() for r in caplog.records if "postal callback refused" in r.getMessage()]
    assert len(refused) == 7
    assert any("post.signature" in m for m in refused) and any("post.replayed" in m for m in refused)
    assert any("post.unknown_shipment" in m for m in refused) and any("post.stale" in m for m in refused)


def test_the_service_down_leaves_the_request_waiting_and_it_is_shipped_once_back(world, postal):
    dossier = to_result_ready(world, receive_for_post(world))
    postal.stop()
    deliver_postal()
    request = OutboxMessage.objects.get(topic=Topic.POST_SHIPMENT)
    assert request.status == "pending" and request.failures == 1
    assert DeliveryAttempt.objects.get(message=request).outcome == "failed"
    assert not Shipment.objects.exists()

    postal.start()
    postal.reset()
    OutboxMessage.objects.filter(pk=request.pk).update(available_at=request.created_at)  # the backoff is over
    deliver_postal()
    request.refresh_from_db()
    assert request.status == "delivered"
    shipment = Shipment.objects.get(dossier=dossier)
    assert S10.match(shipment.tracking_number)


def test_a_redelivered_request_creates_one_shipment(world, postal):
    dossier = to_result_ready(world, receive_for_post(world))
    deliver_postal()
    request = OutboxMessage.objects.get(topic=Topic.POST_SHIPMENT)
    first = Shipment.objects.get(dossier=dossier)
    # As if the worker had died after the service answered: the same key again.
    Shipment.objects.filter(pk=first.pk).delete()
    OutboxMessage.objects.filter(pk=request.pk).update(status="pending", available_at=request.created_at)
    deliver_postal()
    again = Shipment.objects.get(dossier=dossier)
    assert again.tracking_number == first.tracking_number  # the service answered from the idempotency key


def test_another_citizen_cannot_see_the_shipment(world, postal, client):
    dossier, shipment = shipped(world)
    client.force_login(world.stranger)
    assert client.get(reverse("postal:handover", args=[shipment.pk])).status_code == 404
    client.force_login(world.citizen)
    page = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert shipment.tracking_number in page and 'data-testid="shipments"' in page
    assert client.get(reverse("postal:handover", args=[shipment.pk])).status_code == 200


@pytest.mark.parametrize("verify", [False, True])
def test_production_always_verifies_the_signature(settings, verify):
    from motcua.postal import checks, signatures

    settings.PRODUCTION = True
    settings.MOTCUA_POSTAL = {**settings.MOTCUA_POSTAL, "VERIFY_SIGNATURES": verify}
    assert signatures.must_verify()
    errors = checks.postal_signatures()
    assert [e.id for e in errors] == ([] if verify else ["motcua.postal.E001"])


def test_a_result_by_post_needs_an_address(world):
    fields = walk_in_px_for_pv(world)  # no address typed
    with pytest.raises(FieldError) as refused:
        services.receive_at_counter(
            **fields, documents=[DocumentInput(code="TK")], result_delivery=ResultDelivery.POST, now=T0
        )
    assert refused.value.code == "reception.delivery_address" and refused.value.field == "delivery_address"
    assert not Dossier.objects.filter(applicant_id_number="046190000001").exists()


def test_the_officers_dossier_page_shows_the_shipment(world, postal, client):
    dossier, shipment = shipped(world)
    page = verified_session(world.officer_px, client).get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'data-testid="shipments"' in page and shipment.tracking_number in page and "22.000" in page


def test_the_citizens_timeline_tells_each_step_of_the_shipment(world, postal, client):
    dossier, shipment = shipped(world)
    number = shipment.tracking_number
    assert post_callback(client, postal.advance(number, "picked_up", deliver=False)).status_code == 200
    assert post_callback(client, postal.advance(number, "returned", deliver=False)).status_code == 200
    client.force_login(world.citizen)
    page = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert f"bưu gửi số {number}, cước phí 22.000 đồng" in page
    assert f"Bưu điện đã nhận kết quả để chuyển phát (bưu gửi số {number})" in page
    assert f"đã chuyển hoàn (bưu gửi số {number})" in page


def test_a_well_signed_status_update_holding_a_nul_is_refused(settings):
    from motcua.core.errors import DomainError
    from motcua.postal import signatures

    update = {"event_id": "e-nul", "tracking_number": "EH000000000VN", "status": "delivered", "note": "\x00"}
    body = json.dumps({**update, "sent_at": time.time()}).encode()  # "\u0000" in the JSON text
    with pytest.raises(DomainError) as refused:
        signatures.verified_body(body, sign(body, settings.MOTCUA_POSTAL["CALLBACK_SECRET"]))
    assert refused.value.code == "post.malformed"
