"""The client's address behind the TLS proxy: from the proxy's header, and only from a trusted proxy."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from workspace.conftest import hue, log_in, officer

__all__ = ["hue"]

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"


def failed_rating(client: Client, code: str) -> int:
    """A rating through the public lookup with a wrong code: counts as a lookup failure of this client."""
    response = client.post(
        reverse("portal:lookup_rate"), {"ma_ho_so": code, "so_cuoi": "0000", "level": "satisfied"}
    )
    return response.status_code


@pytest.fixture
def behind_proxy(settings):
    settings.MOTCUA_TRUSTED_PROXIES = [PROXY]
    settings.MOTCUA_CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.MOTCUA_PROXY_COUNT = 1
    settings.MOTCUA_LOOKUP_FAILURES_PER_CLIENT = 2


def test_two_clients_behind_the_proxy_are_throttled_separately(behind_proxy):
    first = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    second = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert [failed_rating(first, code) for code in ("X-1", "X-2", "X-3")] == [400, 400, 429]
    assert failed_rating(second, "X-4") == 400


def test_a_client_cannot_escape_the_throttle_by_forging_the_header_in_front_of_the_proxy(behind_proxy):
    # The proxy appends the address it sees: whatever the client wrote before it is not believed.
    headers = [f"198.51.100.{n}, 203.0.113.5" for n in range(3)]
    forged = [Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header) for header in headers]
    statuses = [failed_rating(client, f"X-{n}") for n, client in enumerate(forged)]
    assert statuses == [400, 400, 429]


def test_without_a_configured_proxy_a_forged_forwarded_for_header_is_ignored(settings):
    settings.MOTCUA_LOOKUP_FAILURES_PER_CLIENT = 2
    statuses = [
        failed_rating(Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"), f"X-{n}")
        for n in range(3)
    ]
    assert statuses == [400, 400, 429]


def test_a_header_from_an_address_that_is_not_a_trusted_proxy_is_ignored(behind_proxy):
    statuses = [
        failed_rating(Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"), f"X-{n}")
        for n in range(3)
    ]
    assert statuses == [400, 400, 429]


def test_the_event_origin_records_the_client_behind_the_proxy(behind_proxy, hue):
    dossier = hue.receive()
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/", {"action": "accept", "version": dossier.version}
    )
    assert response.status_code == 302
    assert dossier.events.order_by("-pk").first().origin == "203.0.113.9"


def test_the_login_lockout_counts_the_client_behind_the_proxy(behind_proxy, settings, hue):
    from axes.models import AccessAttempt

    user = officer("phuxuan.tiepnhan")
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.10")
    client.post("/can-bo/dang-nhap/", {"username": user.username, "password": "sai-mat-khau"})
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.10"]
