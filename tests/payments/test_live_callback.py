"""End to end over HTTP: the reference gateway process POSTs its signed callback to motcua served live."""

from __future__ import annotations

import datetime as dt

import pytest

from dossiers.dossier_world import T0, build_world, receive_px_for_pv
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.payments import services
from motcua.payments.constants import PaymentStatus

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reload_world_after_module")]


def test_the_gateway_reports_a_transfer_and_the_dossier_is_paid(live_server, settings):
    from refservices.payments.process import running_payments

    world = build_world()
    submitted = receive_px_for_pv(world, now=T0)
    Dossier.objects.filter(pk=submitted.pk).update(fee=8000)
    submitted.refresh_from_db()
    dossier = dossier_services.accept(dossier=submitted, by=world.officer_px, now=T0)
    payment = services.open_payment(dossier=dossier, now=T0 + dt.timedelta(minutes=5))
    with running_payments(callback_url=f"{live_server.url}/thanh-toan/thong-bao/") as gateway:
        settings.MOTCUA_PAYMENTS = {**settings.MOTCUA_PAYMENTS, "CALLBACK_SECRET": gateway.callback_secret}
        sent = gateway.pay(amount=8000, content=f"NOP LE PHI {payment.reference}")
        replayed = gateway.pay(amount=8000, content=payment.reference, event_id=sent["event"]["event_id"])
    assert sent["status"] == 200
    assert replayed["status"] == 409
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.amount_paid == 8000
