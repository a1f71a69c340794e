"""Hot queries compiled once and run as prepared statements (motcua.core.prepared): the same rows and
instances as the ORM gives, whatever the values, on a new connection too; plain statements on SQLite or
when switched off."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.accounts.models import Session
from motcua.core import prepared
from motcua.org.models import Agency

pytestmark = pytest.mark.django_db

STAND_IN = "\x1ftest-stand-in\x1f"


def test_placeholders_are_numbered_and_percent_signs_restored():
    assert prepared._positional("SELECT %s, '100%%' WHERE a = %s") == ("SELECT $1, '100%' WHERE a = $2", 2)


def test_a_statement_answers_like_a_plain_one_with_each_value():
    sql = "SELECT %s || '-' || %s"
    assert prepared.fetchone(sql, ["a", "b"]) == ("a-b",)
    assert prepared.fetchone(sql, ["c", "d"]) == ("c-d",)
    assert prepared.fetchall("SELECT 1 WHERE 1 = %s", [2]) == []


def test_postgresql_prepares_once_per_connection_then_executes_by_name():
    if not prepared.enabled():
        pytest.skip("PostgreSQL only: SQLite runs the statement as it is")
    sql = "SELECT %s + 41"
    with CaptureQueriesContext(connection) as first:
        assert prepared.fetchone(sql, [1]) == (42,)
    with CaptureQueriesContext(connection) as second:
        assert prepared.fetchone(sql, [2]) == (43,)
    name = prepared._statement(sql)[0]
    # Prepared and executed in one round trip: one statement the first time too.
    [(first_sql)] = [q["sql"] for q in first.captured_queries]
    assert first_sql.startswith(f"PREPARE {name}_x") and " AS SELECT $1 + 41; EXECUTE " in first_sql
    as_named = first_sql.split()[1]
    assert [q["sql"].split(" (")[0] for q in second.captured_queries] == [f"EXECUTE {as_named}"]
    assert prepared.readable(first_sql) == prepared.readable(second.captured_queries[0]["sql"]) == sql
    # Statements gone from the session (a new connection, DEALLOCATE): forgotten, prepared again.
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    prepared.forget(connection.connection)
    with CaptureQueriesContext(connection) as third:
        assert prepared.fetchone(sql, [3]) == (44,)
    assert third.captured_queries[0]["sql"].startswith(f"PREPARE {name}_x")


def test_a_failed_first_round_trip_prepares_afresh_next_time():
    if not prepared.enabled():
        pytest.skip("PostgreSQL only: SQLite runs the statement as it is")
    sql = "SELECT 10 / %s"
    with pytest.raises(DataError), transaction.atomic():
        prepared.fetchone(sql, [0])  # PREPARE done, EXECUTE failed: the statement may linger
    assert prepared.fetchone(sql, [5]) == (2,)
    with CaptureQueriesContext(connection) as again:
        assert prepared.fetchone(sql, [2]) == (5,)
    assert len(again.captured_queries) == 1 and again.captured_queries[0]["sql"].startswith("EXECUTE ")


def test_a_statement_without_values_keeps_its_percent_signs():
    # Django's convention: a literal % is written %% in the SQL, with or without values.
    assert prepared.fetchone("SELECT '100%%'", []) == ("100%",)
    assert prepared.fetchone("SELECT '100%%'", []) == ("100%",)


def test_switched_off_the_statement_runs_plainly(settings):
    settings.MOTCUA_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as captured:
        assert prepared.fetchone("SELECT %s * 2", [21]) == (42,)
    assert not captured.captured_queries[0]["sql"].startswith(("PREPARE", "EXECUTE"))


def test_a_wrong_number_of_values_is_refused():
    if not prepared.enabled():
        pytest.skip("PostgreSQL only")
    with pytest.raises(ValueError, match="placeholders"):
        prepared.fetchone("SELECT %s", [1, 2])


def test_a_compiled_queryset_gives_what_the_orm_gives_with_its_joined_rows():
    user = get_user_model().objects.create(username="an", full_name="An")
    other = get_user_model().objects.create(username="binh", full_name="Bình")
    later = timezone.now() + dt.timedelta(hours=1)
    for key, who in (("k" * 32, user), ("m" * 32, other)):
        Session.objects.create(session_key=key, session_data="{}", expire_date=later, user=who)
    query = prepared.compile_queryset(
        Session.objects.select_related("user").filter(session_key=STAND_IN, expire_date__gt=timezone.now()),
        {"key": (STAND_IN, Session._meta.get_field("session_key"))},
    )
    for key, who in (("k" * 32, user), ("m" * 32, other)):
        found = prepared.first(query, key=key)
        assert found is not None
        row, annotations = found
        expected = Session.objects.select_related("user").get(session_key=key)
        assert (row.pk, row.expire_date, row.user_id) == (expected.pk, expected.expire_date, who.pk)
        assert annotations == {}
        with CaptureQueriesContext(connection) as captured:
            assert row.user.full_name == who.full_name  # joined: no query
        assert not captured.captured_queries
    assert prepared.first(query, key="n" * 32) is None


def test_a_datetime_stand_in_takes_each_value():
    agency = Agency.objects.first()
    if agency is None:
        pytest.skip("needs the demo organization")
    stand_in = dt.datetime(1901, 1, 1, 0, 0, 0, 123457, tzinfo=dt.UTC)
    field = Session._meta.get_field("expire_date")
    user = get_user_model().objects.create(username="chi")
    Session.objects.create(
        session_key="p" * 32, session_data="{}", expire_date=timezone.now() + dt.timedelta(hours=1), user=user
    )
    query = prepared.compile_queryset(
        Session.objects.filter(session_key="p" * 32, expire_date__gt=stand_in), {"now": (stand_in, field)}
    )
    assert prepared.first(query, now=timezone.now()) is not None
    assert prepared.first(query, now=timezone.now() + dt.timedelta(hours=2)) is None


def test_a_stand_in_that_is_not_one_parameter_is_refused():
    with pytest.raises(ValueError, match="not one"):
        prepared.compile_queryset(
            Session.objects.filter(session_key="x"),
            {"key": (STAND_IN, Session._meta.get_field("session_key"))},
        )


def test_postgresql_keeps_one_generic_plan_for_a_prepared_statement():
    """``plan_cache_mode=force_generic_plan`` (settings, ``MOTCUA_GENERIC_PLANS``): after several runs with
    different values the statement was never planned for its values (``pg_prepared_statements``)."""
    if not prepared.enabled():
        pytest.skip("PostgreSQL only: SQLite runs the statement as it is")
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)
    sql = "SELECT count(*) FROM org_agency WHERE code > %s AND id > %s"
    for n in range(8):
        prepared.fetchone(sql, [f"{n}", n])
    name = prepared._prepared[connection.connection][prepared._statement(sql)[0]]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = %s", [name]
        )
        generic, custom = cursor.fetchone()
    assert custom == 0 and generic >= 1
    with transaction.atomic():  # a rolled-back transaction does not undo it (set at connection start)
        with connection.cursor() as cursor:
            cursor.execute("RESET ALL")
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)
