"""The officer dossier page posts the version it showed: a stale page never acts on a newer state."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from motcua.dossiers import locking, services
from motcua.dossiers.models import Dossier, State
from motcua.org.models import Role

from .conftest import log_in, officer

pytestmark = pytest.mark.django_db


def shown_version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "the action forms carry the version the page showed"
    return found.group(1)


def test_a_click_on_a_stale_page_answers_the_dossier_changed_and_changes_nothing(client, hue):
    dossier = hue.receive(complete=False)
    clerk = officer("phuxuan.tiepnhan")
    log_in(client, clerk)
    url = f"/can-bo/ho-so/{dossier.code}/"
    page = client.get(url).content.decode()
    version = shown_version(page) if 'name="version"' in page else str(dossier.version)
    # Meanwhile a colleague asks for a supplement and the applicant brings it: the dossier waits for
    # reception again, in a newer state than the page showed.
    colleague = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan)
    dossier = services.request_reception_supplement(
        dossier=dossier, by=colleague, missing=["Giấy tờ khác"], reason="Thiếu giấy tờ"
    )
    dossier = services.supply_documents(
        dossier=dossier,
        by=colleague,
        documents=[
            services.DocumentInput(code=d.code)
            for d in dossier.procedure_version.documents.filter(mandatory=True)
        ],
    )
    assert dossier.state == State.SUBMITTED
    changed = dossier.version
    response = client.post(
        f"{url}thao-tac/", {"action": "refuse_reception", "reason": "Không đủ điều kiện", "version": version}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Hồ sơ đã thay đổi" in body and f'href="{url}"' in body
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED and dossier.version == changed
    assert shown_version(page) == version


def test_the_page_shown_again_carries_the_new_version_and_acts(client, hue):
    dossier = hue.receive()
    log_in(client, officer("phuxuan.tiepnhan"))
    url = f"/can-bo/ho-so/{dossier.code}/"
    version = shown_version(client.get(url).content.decode())
    response = client.post(f"{url}thao-tac/", {"action": "accept", "version": version})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS


def delivery_worker_writes(dossier, now) -> None:
    """What the delivery worker records on its own while an officer's page is open: the post's waybill and a
    status report, a payment opened and the fee paid (no decision waits for it)."""
    from motcua.payments import services as payments

    shipment = {
        "shipment": 1,
        "direction": "pickup",
        "tracking_number": "EB123",
        "fee": 0,
        "shipment_status": "x",
    }
    services.record_shipment_created(dossier=dossier, shipment=shipment, now=now)
    services.record_shipment_update(dossier=dossier, shipment=shipment, note="Đã nhận bưu gửi", now=now)
    payment = payments.open_payment(dossier=dossier.pk, now=now)
    services.payment_received(
        dossier=dossier,
        amount=int(payment.amount_due),
        reference=payment.reference,
        receipt="AA/26E 1",
        now=now,
    )


def test_what_the_delivery_worker_records_does_not_make_the_officers_page_stale(client, hue):
    """Issue 17 leftovers: integration-only facts keep the version the officer's form carries."""
    dossier = hue.receive()
    Dossier.objects.filter(pk=dossier.pk).update(fee=50_000)
    log_in(client, officer("phuxuan.tiepnhan"))
    url = f"/can-bo/ho-so/{dossier.code}/"
    version = shown_version(client.get(url).content.decode())
    delivery_worker_writes(Dossier.objects.get(pk=dossier.pk), timezone.now())
    written = dossier.events.count()
    assert written >= 4  # the worker's facts are on the dossier's log
    response = client.post(f"{url}thao-tac/", {"action": "accept", "version": version})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS


def test_a_colleagues_decision_after_the_workers_facts_still_makes_the_page_stale(client, hue):
    dossier = hue.receive()
    Dossier.objects.filter(pk=dossier.pk).update(fee=50_000)
    log_in(client, officer("phuxuan.tiepnhan"))
    url = f"/can-bo/ho-so/{dossier.code}/"
    version = shown_version(client.get(url).content.decode())
    delivery_worker_writes(Dossier.objects.get(pk=dossier.pk), timezone.now())
    colleague = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan)
    services.request_reception_supplement(
        dossier=Dossier.objects.get(pk=dossier.pk), by=colleague, missing=["Giấy tờ khác"], reason="Thiếu"
    )
    response = client.post(f"{url}thao-tac/", {"action": "accept", "version": version})
    assert response.status_code == 409 and "Hồ sơ đã thay đổi" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.RECEPTION_SUPPLEMENT


def test_a_fee_that_a_dossier_waits_for_moves_its_version(hue):
    """Status 6 ends when the fee arrives: the dossier changes state, an open page of it is stale."""
    dossier = hue.receive()
    held = locking.hold(dossier)
    assert held.version == dossier.version  # held: locked, not versioned
    Dossier.objects.filter(pk=dossier.pk).update(state=State.AWAITING_PAYMENT)
    paid = services.payment_received(
        dossier=Dossier.objects.get(pk=dossier.pk),
        amount=1,
        reference="R",
        receipt="AA/26E 2",
        now=timezone.now(),
    )
    assert paid.state == State.IN_PROCESS
    assert Dossier.objects.get(pk=dossier.pk).version == dossier.version + 1
