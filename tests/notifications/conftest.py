"""Fixtures for notifications: the SMTP server and the SMS gateway as real processes, motcua's settings
pointing at them, and the delivery of the ``notifications`` destination's outbox rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from motcua.outbox import registry
from motcua.outbox.dispatcher import BatchReport, deliver_batch
from motcua.outbox.models import OutboxMessage, Topic
from refservices.idp.process import free_port
from refservices.sms.process import RunningSms, running_sms
from refservices.smtp.process import RunningSmtp, running_smtp

DESTINATION = "notifications"
CALLBACK_SECRET = "test-sms-callback-secret"


@pytest.fixture(scope="session")
def smtp_process() -> Iterator[RunningSmtp]:
    with running_smtp() as running:
        yield running


@pytest.fixture(scope="session")
def sms_process() -> Iterator[RunningSms]:
    with running_sms(callback_secret=CALLBACK_SECRET) as running:
        yield running


@pytest.fixture
def channels(smtp_process, sms_process, settings) -> Iterator[dict[str, Any]]:
    """Both processes running and emptied, without faults; the notifications adapter configured for them.
    The gateway's receipts go to a closed port: the tests hand each signed receipt to the view themselves."""
    for process in (smtp_process, sms_process):
        process.start()  # a test may have stopped it
        process.clear()
    smtp_process.set_faults()
    sms_process.set_faults()
    options = {
        **settings.MOTCUA_NOTIFICATIONS,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": smtp_process.smtp_port,
        "EMAIL_FROM": "Một cửa điện tử Huế <thongbao@motcua.test>",
        "SMS_URL": sms_process.url,
        "SMS_API_KEY": sms_process.api_key,
        "SMS_CALLBACK_SECRET": CALLBACK_SECRET,
        "SMS_CALLBACK_URL": f"http://127.0.0.1:{free_port()}/tich-hop/sms/bien-nhan/",
        "SMS_VERIFY_SIGNATURES": True,
        "TIMEOUT_SECONDS": 3,
    }
    settings.MOTCUA_NOTIFICATIONS = options
    settings.MOTCUA_OUTBOX_ADAPTERS = {
        **settings.MOTCUA_OUTBOX_ADAPTERS,
        DESTINATION: {"ADAPTER": "motcua.notifications.adapter.NotificationsAdapter", "OPTIONS": options},
    }
    settings.MOTCUA_OUTBOX_BACKOFF_SECONDS = 0
    settings.MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS = 0
    registry.reset()
    try:
        yield {"smtp": smtp_process, "sms": sms_process}
    finally:
        registry.reset()


def deliver() -> BatchReport:
    """One batch of the notifications destination, as a delivery worker sends it."""
    adapter = registry.adapter_for(DESTINATION)
    assert adapter is not None
    return deliver_batch(worker="test-worker", destination=DESTINATION, adapter=adapter)


def notify_rows(dossier) -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(
            topic=Topic.NOTIFY_APPLICANT, destination=DESTINATION, aggregate_id=str(dossier.pk)
        ).order_by("id")
    )


@pytest.fixture
def world(db):
    from dossiers.dossier_world import build_world

    return build_world()
