"""The fee on the citizen's and the officer's dossier pages, and the receipt: nobody else sees them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client

from dossiers.dossier_world import T0
from motcua.payments import services
from motcua.payments.models import Payment


def login(user) -> Client:
    """A citizen's session, or an officer's with the verified second factor the workspace asks."""
    from otp_sessions import verified_session

    client = Client()
    if hasattr(user, "staff") or user.is_staff:
        return verified_session(user, client)
    client.force_login(user)
    return client


def test_the_citizen_sees_the_vietqr_code_amount_and_reference(world, payment):
    page = login(world.citizen).get(f"/dich-vu-cong/ho-so/{payment.dossier.code}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="payment"' in text and "<svg" in text
    assert payment.reference in text and "8.000 đ" in text and "Tám nghìn đồng" in text


def test_after_payment_the_receipt_is_linked_and_readable_by_citizen_and_officer(world, payment):
    services.record_transfer(
        provider="gateway",
        transfer=services.ReportedTransfer(
            event_id="e1", amount=Decimal(8000), content=payment.reference, at=T0 + dt.timedelta(hours=1)
        ),
    )
    code = payment.dossier.code
    page = login(world.citizen).get(f"/dich-vu-cong/ho-so/{code}/").content.decode()
    assert 'data-testid="receipt-link"' in page and "<svg" not in page
    for user in (world.citizen, world.officer_px):
        receipt = login(user).get(f"/thanh-toan/bien-lai/{code}/")
        assert receipt.status_code == 200
        assert "BLP" in receipt.content.decode() and "0000001" in receipt.content.decode()


def test_another_citizen_cannot_see_the_payment_or_the_receipt(world, payment):
    services.record_transfer(
        provider="gateway",
        transfer=services.ReportedTransfer(
            event_id="e1", amount=Decimal(8000), content=payment.reference, at=T0 + dt.timedelta(hours=1)
        ),
    )
    stranger = login(world.stranger)
    assert stranger.get(f"/thanh-toan/bien-lai/{payment.dossier.code}/").status_code == 404
    assert stranger.get(f"/dich-vu-cong/ho-so/{payment.dossier.code}/").status_code == 404


def test_the_officer_sees_an_underpayment_with_the_difference(world, payment):
    services.record_transfer(
        provider="gateway",
        transfer=services.ReportedTransfer(
            event_id="e1", amount=Decimal(5000), content=payment.reference, at=T0 + dt.timedelta(hours=1)
        ),
    )
    page = login(world.officer_px).get(f"/can-bo/ho-so/{payment.dossier.code}/")
    text = page.content.decode()
    assert page.status_code == 200, text[:500]
    assert 'data-testid="payment-remaining"' in text and "3.000 đ" in text
    assert 'data-outcome="under"' in text


def test_the_step_holder_asks_the_fee_from_the_dossier_page(world):
    from motcua.dossiers.models import Dossier, State
    from payments.test_status_six import _in_review

    dossier = _in_review(world, "paused")
    officer = login(world.specialist_pv)
    page = officer.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'data-testid="request-payment"' in page and "csrfmiddlewaretoken" in page
    answer = officer.post(f"/can-bo/ho-so/{dossier.code}/nghia-vu-tai-chinh/")
    assert answer.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).state == State.AWAITING_PAYMENT
    page = login(world.citizen).get(f"/dich-vu-cong/ho-so/{dossier.code}/").content.decode()
    assert "<svg" in page and "Yêu cầu nghĩa vụ tài chính" in page
    again = officer.post(f"/can-bo/ho-so/{dossier.code}/nghia-vu-tai-chinh/")  # refused: nothing changes
    assert again.status_code == 302
    assert Payment.objects.filter(dossier=dossier).count() == 1


def test_a_citizen_cannot_ask_the_fee_or_record_a_refund(world, payment):
    citizen = login(world.citizen)
    for path in ("nghia-vu-tai-chinh", "hoan-tra-phi"):
        answer = citizen.post(f"/can-bo/ho-so/{payment.dossier.code}/{path}/")
        assert answer.status_code in (302, 403, 404)
    payment.refresh_from_db()
    assert payment.status == "due"
