"""The PostgreSQL backend's health check (motcua.core.db.postgresql): no SELECT 1 while the connection's
socket is quiet, Django's full check when the server sent something, a closed connection replaced before
it is used."""

from __future__ import annotations

import contextlib
import select
import tempfile
from collections.abc import Iterator
from unittest import mock

import psycopg
import pytest
from django.conf import settings
from django.db import connection, connections
from psycopg import pq

from motcua.reorg import backup


@pytest.fixture
def persistent(db):
    """A persistent connection to the test database with health checks on, apart from the test's transaction
    (the default connection stays inside it): the state a web worker's connection is in between requests."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    wrapper.health_check_enabled = True
    yield wrapper
    wrapper.close()


@contextlib.contextmanager
def round_trips(wrapper) -> Iterator[list[int]]:
    """The number of round trips ``wrapper``'s current connection makes to the server inside the block
    (libpq's protocol trace: one ReadyForQuery answers each query message), in ``counted[0]`` afterwards."""
    counted = [0]
    pgconn = wrapper.connection.pgconn
    with tempfile.TemporaryFile() as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            yield counted
        finally:
            pgconn.untrace()
        trace.seek(0)
        counted[0] = trace.read().count(b"\tReadyForQuery\t")


def new_request(wrapper) -> int:
    """What a request does with the connection: Django's ``close_old_connections`` at its start, then a query;
    the backend's pid that answered."""
    wrapper.close_if_unusable_or_obsolete()
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def other_connection() -> psycopg.Connection:
    return psycopg.connect(**connection.get_connection_params(), autocommit=True)


def wait_readable(wrapper, seconds: float = 2.0) -> None:
    poller = select.poll()
    poller.register(wrapper.connection.pgconn.socket, select.POLLIN)
    assert poller.poll(int(seconds * 1000)), "the server sent nothing"


@pytest.mark.postgres
def test_a_healthy_connection_serves_a_request_without_select_1(persistent):
    pid = new_request(persistent)
    with (
        mock.patch.object(persistent, "is_usable", wraps=persistent.is_usable) as full_check,
        round_trips(persistent) as counted,
    ):
        assert new_request(persistent) == pid
    assert not full_check.called
    assert counted == [1]  # the request's query alone


@pytest.mark.postgres
def test_a_connection_the_server_terminated_is_replaced_before_the_request_uses_it(persistent):
    pid = new_request(persistent)
    with other_connection() as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
    wait_readable(persistent)
    with mock.patch.object(persistent, "is_usable", wraps=persistent.is_usable) as full_check:
        new_pid = new_request(persistent)  # no exception: the check closed it, the query reconnected
    assert full_check.call_count == 1 and new_pid != pid


@pytest.mark.postgres
def test_a_connection_libpq_knows_closed_is_replaced_without_asking_the_server(persistent):
    pid = new_request(persistent)
    persistent.connection.close()  # as after a network error: psycopg's status BAD
    with mock.patch.object(persistent, "is_usable", wraps=persistent.is_usable) as full_check:
        assert new_request(persistent) != pid
    assert not full_check.called


@pytest.mark.postgres
def test_a_pending_notification_runs_the_full_check_and_keeps_the_connection(persistent):
    pid = new_request(persistent)
    with persistent.cursor() as cursor:
        cursor.execute("LISTEN motcua_health_check")
    with other_connection() as other:
        other.execute("NOTIFY motcua_health_check")
    wait_readable(persistent)
    with (
        mock.patch.object(persistent, "is_usable", wraps=persistent.is_usable) as full_check,
        round_trips(persistent) as counted,
    ):
        assert new_request(persistent) == pid
    assert full_check.call_count == 1
    assert counted == [2]  # SELECT 1, then the request's query
    persistent.connection.execute("UNLISTEN *")


def test_postgresql_runs_through_motcua_backend_and_sqlite_through_django_s():
    engine = settings.DATABASES["default"]["ENGINE"]
    if connection.vendor == "postgresql":
        assert engine == "motcua.core.db.postgresql"
        assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    else:
        assert engine == "django.db.backends.sqlite3"
    assert backup.database().engine == ("postgresql" if connection.vendor == "postgresql" else "sqlite")
