"""``/healthz``: a JSON answer without a database query or a session (load balancers, ``make bench``)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_a_query_or_a_session():
    client = Client()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert len(captured.captured_queries) == 0
    assert "sessionid" not in response.cookies


def test_healthz_is_read_only():
    assert Client().post(reverse("healthz")).status_code == 405
