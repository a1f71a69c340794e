"""A logged-in request's session query carries the snapshots' tokens (``core.snapshots.prime``): the tokens
cost no round trip of their own, and a change between two requests is still seen by the second (issue 13)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motcua.accounts.models import Session
from motcua.core.models import SnapshotVersion
from motcua.org.models import Role

from .conftest import log_in, officer

pytestmark = pytest.mark.django_db


def token_reads(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "core_snapshotversion" in q["sql"]]


def test_the_session_query_reads_the_tokens_and_a_change_is_seen_by_the_next_request(hue, settings):
    settings.MOTCUA_PREPARED_STATEMENTS = False  # the statements' text in the log on PostgreSQL too
    client = Client()
    log_in(client, officer(hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan).username))
    inbox = reverse("workspace:inbox")
    assert client.get(inbox).status_code == 200  # compiled reads warmed

    with CaptureQueriesContext(connection) as queries:
        first = client.get(inbox)
    assert first.status_code == 200
    reads = token_reads(queries)
    assert len(reads) == 1 and Session._meta.db_table in reads[0], reads

    # Another process renames the agency (a trigger draws a new org token): the next request's session
    # query brings the new token, and the page shows the new name.
    before = SnapshotVersion.objects.get(domain="org").token
    hue.ubnd_phu_xuan.name = "UBND phường Phú Xuân (tên mới để thử)"
    hue.ubnd_phu_xuan.save(update_fields=["name"])
    assert SnapshotVersion.objects.get(domain="org").token != before
    with CaptureQueriesContext(connection) as queries:
        second = client.get(inbox)
    assert "UBND phường Phú Xuân (tên mới để thử)" in second.content.decode()
    assert len(token_reads(queries)) == 1


def test_a_request_without_a_session_reads_the_tokens_on_their_own(hue, settings):
    settings.MOTCUA_PREPARED_STATEMENTS = False
    client = Client()
    client.get(reverse("org:home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("org:home")).status_code == 200
    reads = token_reads(queries)
    assert all(Session._meta.db_table not in sql for sql in reads)
    assert len(reads) <= 1
