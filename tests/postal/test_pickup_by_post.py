"""The citizen asks the post to collect the paper dossier when submitting online (Decision 45/2016/QĐ-TTg):
the pickup is requested in the submission's transaction, created at the reference postal service, and its
"picked up" callback records the hand-over from the citizen to the postal employee."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.dossiers.constants import Audience, EventKind
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.outbox.models import OutboxMessage, Topic
from motcua.postal.models import Direction, Shipment, ShipmentStatus
from portal.test_eform import BIRTH, birth_procedure, logged_in, make_citizen, submit_birth

from .test_result_by_post import S10, deliver_postal, post_callback


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_pickup_asked_in_the_eform_is_collected_with_a_hand_over_record(db, postal, client):
    birth_procedure()
    citizen = make_citizen()
    web = logged_in(citizen)
    page = web.get(reverse("portal:eform", args=[BIRTH])).content.decode()
    assert 'name="postal_pickup"' in page
    submit_birth(web, postal_pickup="1", delivery_address="7 Đống Đa, phường Thuận Hóa")
    dossier = Dossier.objects.get(applicant=citizen)
    submitted = DossierEvent.objects.get(dossier=dossier, kind=EventKind.SUBMITTED)
    request = OutboxMessage.objects.get(topic=Topic.POST_SHIPMENT)
    assert request.key == f"dossier:{dossier.pk}:{submitted.sequence}:pickup"
    assert (
        request.payload["direction"] == "pickup"
        and request.payload["address"] == "7 Đống Đa, phường Thuận Hóa"
    )

    deliver_postal()
    shipment = Shipment.objects.get(dossier=dossier)
    assert shipment.direction == Direction.PICKUP and S10.match(shipment.tracking_number)
    assert shipment.fee == 26_000  # a dossier is declared at 250 g: the tariff's second class
    dossier.refresh_from_db()
    assert dossier.postal_tracking_number == shipment.tracking_number

    picked = postal.advance(
        shipment.tracking_number,
        "picked_up",
        deliver=False,
        handed_over_by="Lê Văn Bưu",
        receipt_reference="PN-7",
    )
    assert post_callback(client, picked).status_code == 200
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.PICKED_UP
    assert (shipment.handed_over_by, shipment.receipt_reference) == ("Lê Văn Bưu", "PN-7")
    assert shipment.handed_over_at is not None
    update = DossierEvent.objects.filter(dossier=dossier, kind=EventKind.SHIPMENT_UPDATED).get()
    assert update.audience == Audience.APPLICANT and update.data["direction"] == "pickup"
    record = web.get(reverse("postal:handover", args=[shipment.pk])).content.decode()
    assert "BIÊN BẢN GIAO NHẬN HỒ SƠ" in record and "Lê Văn Bưu" in record


def test_without_a_pickup_nothing_is_asked_of_the_post(db, postal):
    birth_procedure()
    submit_birth(logged_in(make_citizen()))
    assert not OutboxMessage.objects.filter(topic=Topic.POST_SHIPMENT).exists()
