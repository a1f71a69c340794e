"""The reference gateway's signed callbacks posted to our callback view; refused ones change nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from django.urls import reverse

from motcua.outbox.adapters import Outcome
from motcua.outbox.models import OutboxMessage
from motcua.payments.adapter import PaymentsAdapter
from motcua.payments.constants import PaymentStatus
from motcua.payments.models import Payment, Transfer

URL = "/thanh-toan/thong-bao/"


def post(client, sent: dict, *, body: str | None = None, **header_changes: str):
    headers = {**sent["headers"], **header_changes}
    return client.post(
        URL,
        data=(body if body is not None else sent["body"]).encode(),
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )


def test_the_route_is_the_callback_view():
    assert reverse("payments:callback") == URL


def test_a_signed_transfer_pays_the_dossier(client, gateway, payment):
    sent = gateway.pay(amount=8000, content=f"NOP PHI {payment.reference}", deliver=False)
    answer = post(client, sent)
    assert answer.status_code == 200, answer.content
    assert answer.json()["outcome"] == "exact"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_a_replayed_callback_changes_nothing(client, gateway, payment):
    sent = gateway.pay(amount=5000, content=payment.reference, deliver=False)
    assert post(client, sent).status_code == 200
    answer = post(client, sent)
    assert answer.status_code == 409 and answer.json()["error"] == "payment.replayed"
    payment.refresh_from_db()
    assert payment.amount_paid == 5000 and Transfer.objects.count() == 1


def test_a_bad_signature_changes_nothing(client, gateway, payment, caplog):
    sent = gateway.pay(amount=8000, content=payment.reference, deliver=False)
    forged = sent["body"].replace('"amount":8000', '"amount":80')
    answer = post(client, sent, body=forged)
    assert answer.status_code == 401 and answer.json()["error"] == "payment.bad_signature"
    unsigned = post(client, sent, **{"X-Payment-Signature": ""})
    assert unsigned.status_code == 401
    assert Transfer.objects.count() == 0
    assert "payment callback refused: payment.bad_signature" in caplog.text


def test_a_stale_timestamp_changes_nothing(client, gateway, payment):
    sent = gateway.pay(
        amount=8000, content=payment.reference, deliver=False, timestamp=int(time.time()) - 3600
    )
    answer = post(client, sent)
    assert answer.status_code == 401 and answer.json()["error"] == "payment.stale"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.DUE and Transfer.objects.count() == 0


def test_an_unknown_dossier_changes_nothing(client, gateway, payment):
    sent = gateway.pay(amount=8000, content="", order_reference="MCZZZZZZZZ", deliver=False)
    answer = post(client, sent)
    assert answer.status_code == 404 and answer.json()["error"] == "payment.unknown_dossier"
    assert Transfer.objects.count() == 0


def test_an_unknown_reference_in_the_content_is_kept_for_the_officer(client, gateway, payment):
    sent = gateway.pay(amount=8000, content="CK TIEN NHA", deliver=False)
    answer = post(client, sent)
    assert answer.status_code == 200 and answer.json()["outcome"] == "unmatched"
    assert Transfer.objects.get().payment is None


def test_the_adapter_opens_the_payment_and_orders_it_at_the_gateway(gateway, dossier):
    message = OutboxMessage.objects.get(topic="payment.order", aggregate_id=str(dossier.pk))
    adapter = PaymentsAdapter("payments", {})
    try:
        [result] = adapter.deliver([message], worker="test")
        assert result.outcome == Outcome.DELIVERED, result.error
        payment = Payment.objects.get(dossier=dossier)
        assert payment.order_id
        [again] = adapter.deliver([message], worker="test")  # a redelivery: same key, same order
        assert again.outcome in (Outcome.DELIVERED, Outcome.DUPLICATE)
        assert Payment.objects.filter(dossier=dossier).count() == 1
    finally:
        adapter.close()


def test_a_gateway_that_refuses_the_api_key_is_a_rejection(gateway, dossier, settings):
    settings.MOTCUA_PAYMENTS = {**settings.MOTCUA_PAYMENTS, "API_KEY": "wrong"}
    message = OutboxMessage.objects.get(topic="payment.order", aggregate_id=str(dossier.pk))
    adapter = PaymentsAdapter("payments", {})
    try:
        [result] = adapter.deliver([message], worker="test")
    finally:
        adapter.close()
    assert result.outcome == Outcome.REJECTED and result.http_status == 401


def test_signature_checking_cannot_be_off_in_production(tmp_path):
    env = {
        **os.environ,
        "MOTCUA_ENV": "production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "motcua.example",
        "MOTCUA_OIDC_CLIENT_SECRET": "y" * 20,
        "MOTCUA_PAYMENTS_VERIFY_SIGNATURES": "false",
        "MOTCUA_VAR_DIR": str(tmp_path),
    }
    code = "import django; django.setup()"
    run = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "motcua.settings"},
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert "MOTCUA_PAYMENTS_VERIFY_SIGNATURES cannot be off" in run.stderr


def test_the_switch_is_ignored_in_production_mode(client, gateway, payment, settings):
    settings.MOTCUA_PAYMENTS = {**settings.MOTCUA_PAYMENTS, "VERIFY_SIGNATURES": False}
    settings.PRODUCTION = True
    sent = gateway.pay(amount=8000, content=payment.reference, deliver=False)
    answer = post(client, sent, **{"X-Payment-Signature": "sha256=" + "0" * 64})
    assert answer.status_code == 401
    from motcua.payments.checks import signatures_checked

    assert [e.id for e in signatures_checked()] == ["payments.E001"]


@pytest.mark.parametrize("body", ["not json", json.dumps([1]), json.dumps({"event_id": "x", "amount": -5})])
def test_a_malformed_body_is_refused_when_signed(client, gateway, body, settings):
    settings.MOTCUA_PAYMENTS = {**settings.MOTCUA_PAYMENTS, "VERIFY_SIGNATURES": False}
    answer = client.post(URL, data=body.encode(), content_type="application/json")
    assert answer.status_code == 400


def signed_by_us(body: dict, settings) -> tuple[str, dict[str, str]]:
    """A callback signed with the configured secret (as the gateway would), whatever its content."""
    from motcua.payments import signatures

    text = json.dumps(body)
    moment = int(time.time())
    secret = settings.MOTCUA_PAYMENTS["CALLBACK_SECRET"]
    return text, {
        signatures.SIGNATURE_HEADER: signatures.sign(text.encode(), secret=secret, timestamp=moment),
        signatures.TIMESTAMP_HEADER: str(moment),
        signatures.EVENT_HEADER: str(body.get("event_id", "")),
    }


@pytest.mark.parametrize(
    "changes",
    [
        {"content": "NOP PHI\x00"},
        {"payer_name": "Nguyễn\x00Văn A"},
        {"amount": 10**14},
        {"amount": 10**40},
        {"amount": -8000},
        {"amount": "8000.5"},
    ],
)
def test_a_signed_callback_with_a_nul_or_an_absurd_amount_is_refused_and_changes_nothing(
    client, payment, settings, changes
):
    body = {"event_id": "ev-absurd-1", "amount": 8000, "content": payment.reference, **changes}
    text, headers = signed_by_us(body, settings)
    answer = client.post(URL, data=text.encode(), content_type="application/json", headers=headers)
    assert answer.status_code == 400 and answer.json()["error"] == "payment.bad_callback"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.DUE and Transfer.objects.count() == 0
