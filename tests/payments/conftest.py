"""Fixtures for payments: the dossier world of tests/dossiers, a received dossier with a fee, its payment,
and the reference payment gateway (refservices.payments) as a real process."""

from __future__ import annotations

import datetime as dt

import pytest

from dossiers.dossier_world import T0, World, build_world, receive_px_for_pv
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.payments import services

FEE = 8000


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def dossier(world) -> Dossier:
    """Received at Phú Xuân's counter with a fee of 8.000 đ."""
    submitted = receive_px_for_pv(world, now=T0)
    Dossier.objects.filter(pk=submitted.pk).update(fee=FEE)
    submitted.refresh_from_db()
    return dossier_services.accept(dossier=submitted, by=world.officer_px, now=T0)


@pytest.fixture
def payment(dossier):
    return services.open_payment(dossier=dossier, now=T0 + dt.timedelta(minutes=5))


@pytest.fixture(scope="session")
def gateway_process():
    """The reference payment gateway, one process for the session; callbacks kept for the tests to post."""
    from refservices.payments.process import running_payments

    with running_payments(callback_url="") as gateway:
        yield gateway


@pytest.fixture
def gateway(gateway_process, settings):
    gateway_process.reset()
    settings.MOTCUA_PAYMENTS = {
        **settings.MOTCUA_PAYMENTS,
        "GATEWAY_URL": gateway_process.url,
        "API_KEY": gateway_process.api_key,
        "CALLBACK_SECRET": gateway_process.callback_secret,
    }
    return gateway_process
