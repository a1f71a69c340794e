"""SMS through the real reference gateway, its signed delivery receipts, and the failure paths."""

from __future__ import annotations

import json
import secrets
import time

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django.utils import timezone

from dossiers.dossier_world import build_world
from motcua.notifications.constants import Channel, Status
from motcua.notifications.models import ContactPreference, Notification, ReceiptEvent
from motcua.notifications.signatures import SIGNATURE_HEADER, sign
from motcua.outbox.models import Status as OutboxStatus
from test_settings import _check

from .conftest import CALLBACK_SECRET, deliver, notify_rows
from .test_email_delivery import walk_in

pytestmark = pytest.mark.django_db

RECEIPTS = "/tich-hop/sms/bien-nhan/"


def post_receipt(client, body: bytes, signature: str):
    return client.post(
        RECEIPTS, data=body, content_type="application/json", headers={SIGNATURE_HEADER: signature}
    )


def sent_sms(channels, dossier) -> tuple[Notification, dict]:
    """The dossier's SMS row once sent, and the receipt the gateway POSTed for it (signed, as sent)."""
    notification = Notification.objects.get(dossier=dossier, channel=Channel.SMS)
    receipts = channels["sms"].receipts(wait_for=1)
    [receipt] = [r for r in receipts if r["message_id"] == notification.provider_id]
    return notification, receipt


def test_the_url_of_the_receipts_is_the_one_the_gateway_is_given():
    assert reverse("notifications:sms_receipt") == RECEIPTS


def test_a_walk_in_applicant_gets_an_sms_and_its_delivery_receipt_is_recorded(channels, client):
    world = build_world()
    dossier = walk_in(world, phone="0905 000 001")

    assert deliver().delivered == 1

    [message] = channels["sms"].messages(to="0905000001")
    assert dossier.code in message["text"]
    assert message["text"].startswith("Ho so ")  # Vietnamese without diacritics: 160 characters a segment
    [row] = notify_rows(dossier)
    assert message["idempotency_key"] == row.key
    notification, receipt = sent_sms(channels, dossier)
    assert notification.status == Status.SENT
    assert receipt["url"] == channels_settings_callback()
    assert receipt["error"]  # the callback URL of the test is a closed port: the test hands it over below

    answer = post_receipt(client, receipt["body"].encode(), receipt["signature"])

    assert answer.status_code == 200, answer.content
    notification.refresh_from_db()
    assert notification.status == Status.DELIVERED
    assert notification.delivered_at is not None


def channels_settings_callback() -> str:
    from django.conf import settings

    return settings.MOTCUA_NOTIFICATIONS["SMS_CALLBACK_URL"]


def test_a_number_the_operator_cannot_reach_is_recorded_failed_by_its_receipt(channels, client):
    world = build_world()
    channels["sms"].set_faults(undeliverable=("0905000002",))
    dossier = walk_in(world, phone="0905000002")
    deliver()
    notification, receipt = sent_sms(channels, dossier)

    assert post_receipt(client, receipt["body"].encode(), receipt["signature"]).status_code == 200

    notification.refresh_from_db()
    assert notification.status == Status.FAILED


def test_a_replayed_receipt_changes_nothing_and_is_refused(channels, client):
    world = build_world()
    dossier = walk_in(world, phone="0905000003")
    deliver()
    _notification, receipt = sent_sms(channels, dossier)
    assert post_receipt(client, receipt["body"].encode(), receipt["signature"]).status_code == 200
    Notification.objects.filter(dossier=dossier, channel=Channel.SMS).update(
        status=Status.SENT, delivered_at=None
    )

    answer = post_receipt(client, receipt["body"].encode(), receipt["signature"])

    assert answer.status_code == 409
    assert Notification.objects.get(dossier=dossier, channel=Channel.SMS).status == Status.SENT
    assert ReceiptEvent.objects.count() == 1


def test_a_badly_signed_receipt_changes_nothing(channels, client, caplog):
    world = build_world()
    dossier = walk_in(world, phone="0905000004")
    deliver()
    notification, receipt = sent_sms(channels, dossier)
    forged = receipt["body"].replace('"delivered"', '"failed"').encode()

    for body, signature in [
        (forged, receipt["signature"]),  # the body changed after signing
        (receipt["body"].encode(), sign(receipt["body"].encode(), "another secret")),
        (receipt["body"].encode(), ""),
    ]:
        answer = post_receipt(client, body, signature)
        assert answer.status_code == 401
        assert answer.json() == {"error": "bad signature"}

    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert ReceiptEvent.objects.count() == 0
    assert "SMS delivery receipt refused (401)" in caplog.text


def test_a_well_signed_receipt_holding_a_nul_is_refused_and_changes_nothing(channels, client):
    world = build_world()
    dossier = walk_in(world, phone="0905000006")
    deliver()
    notification, receipt = sent_sms(channels, dossier)
    poisoned = json.loads(receipt["body"])
    poisoned["status"] = "delivered\x00"
    body = json.dumps(poisoned).encode()  # "\u0000" in the JSON text

    answer = post_receipt(client, body, sign(body, CALLBACK_SECRET))

    assert answer.status_code == 400
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert ReceiptEvent.objects.count() == 0


def test_an_old_receipt_is_refused_even_when_well_signed(channels, client):
    world = build_world()
    dossier = walk_in(world, phone="0905000005")
    deliver()
    notification, receipt = sent_sms(channels, dossier)
    old = json.loads(receipt["body"])
    old["timestamp"] = int(time.time()) - 3600
    body = json.dumps(old).encode()

    answer = post_receipt(client, body, sign(body, CALLBACK_SECRET))

    assert answer.status_code == 401
    notification.refresh_from_db()
    assert notification.status == Status.SENT


def test_a_receipt_for_an_unknown_message_is_refused(channels, client):
    body = json.dumps(
        {"event_id": "e1", "message_id": "sms-unknown", "status": "delivered", "timestamp": int(time.time())}
    ).encode()

    answer = post_receipt(client, body, sign(body, CALLBACK_SECRET))

    assert answer.status_code == 404
    assert ReceiptEvent.objects.count() == 0


def test_the_gateway_down_makes_the_message_wait(channels):
    world = build_world()
    dossier = walk_in(world, phone="0905000006")
    channels["sms"].stop()

    report = deliver()

    assert report.retried == 1
    [row] = notify_rows(dossier)
    assert row.status == OutboxStatus.PENDING
    assert "SMS gateway" in row.last_error

    channels["sms"].start()
    assert deliver().delivered == 1
    assert len(channels["sms"].messages(to="0905000006")) == 1


def test_a_gateway_answering_503_makes_the_message_wait(channels):
    world = build_world()
    dossier = walk_in(world, phone="0905000007")
    channels["sms"].set_faults(fail=True)

    assert deliver().retried == 1

    [row] = notify_rows(dossier)
    assert row.status == OutboxStatus.PENDING
    assert "503" in row.last_error
    assert row.delivery_attempts.get().http_status == 503


@pytest.mark.parametrize("number", ["0905000008", "12345"])
def test_a_rejected_number_is_a_dead_letter(channels, number):
    world = build_world()
    channels["sms"].set_faults(reject=("0905000008",))
    dossier = walk_in(world, phone=number)

    assert deliver().dead == 1

    [row] = notify_rows(dossier)
    assert row.status == OutboxStatus.DEAD
    assert "invalid_number" in row.last_error
    assert row.delivery_attempts.get().http_status == 422
    assert Notification.objects.get(dossier=dossier, channel=Channel.SMS).status == Status.FAILED
    assert channels["sms"].messages() == []


def test_one_channel_refused_and_one_sent_is_delivered(channels):
    world = build_world()
    dossier = walk_in(world, email="both@example.vn", phone="12345")

    assert deliver().delivered == 1

    statuses = dict(Notification.objects.filter(dossier=dossier).values_list("channel", "status"))
    assert statuses == {Channel.EMAIL: Status.SENT, Channel.SMS: Status.FAILED}


def test_a_citizen_with_a_confirmed_number_gets_the_sms(channels):
    world = build_world()
    ContactPreference.objects.create(
        citizen=world.citizen,
        phone="0905000009",
        phone_confirmed_at=timezone.now(),
        by_sms=True,
        updated_at=timezone.now(),
    )
    walk_in(world, with_account=True)

    deliver()

    assert len(channels["sms"].messages(to="0905000009")) == 1


def test_signatures_cannot_be_switched_off_in_production(settings):
    from motcua.notifications.checks import receipt_signatures

    settings.MOTCUA_ENV = "production"
    settings.MOTCUA_NOTIFICATIONS = {**settings.MOTCUA_NOTIFICATIONS, "SMS_VERIFY_SIGNATURES": False}
    assert [error.id for error in receipt_signatures()] == ["motcua.notifications.E001"]
    with pytest.raises(SystemCheckError, match=r"motcua\.notifications\.E001"):
        call_command("check", "--fail-level", "ERROR")


def test_production_settings_refuse_receipts_without_signature_checks(tmp_path):
    full = {
        "MOTCUA_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "motcua.example.vn",
        "MOTCUA_OIDC_CLIENT_SECRET": secrets.token_urlsafe(20),
    }
    off = _check(tmp_path, **full, MOTCUA_NOTIFICATIONS_SMS_VERIFY_SIGNATURES="false")
    assert off.returncode != 0
    assert "MOTCUA_NOTIFICATIONS_SMS_VERIFY_SIGNATURES cannot be off" in off.stderr
    unsigned = _check(tmp_path, **full, MOTCUA_NOTIFICATIONS_SMS_URL="https://sms.example.vn")
    assert unsigned.returncode != 0
    assert "MOTCUA_NOTIFICATIONS_SMS_CALLBACK_SECRET must be set" in unsigned.stderr
