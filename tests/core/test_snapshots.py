"""Versioned in-process snapshots: values are remembered while their domain's token is unchanged, and the
database triggers draw a new token for any change of a domain's rows, however it is written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.request_scope import a_request
from motcua.core import snapshot_triggers, snapshots
from motcua.core.models import SnapshotVersion
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Agency

pytestmark = pytest.mark.django_db

DOMAIN_APPS = {"org": "org", "catalog": "catalog", "workcalendar": "calendar", "geo": "geo"}


def token(domain: str) -> str:
    return SnapshotVersion.objects.get(domain=domain).token


def an_agency() -> Agency:
    return Agency.objects.order_by("pk").first()  # type: ignore[return-value]


def token_queries(captured: CaptureQueriesContext) -> int:
    return sum("core_snapshotversion" in q["sql"] for q in captured.captured_queries)


def test_every_table_of_the_snapshot_apps_carries_the_triggers():
    tables = {
        model._meta.db_table: DOMAIN_APPS[model._meta.app_label]
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in DOMAIN_APPS
    }
    assert {
        "org_agency",
        "catalog_procedureversion",
        "workcalendar_calendaroverride",
        "geo_unitsuccession",
    } <= set(tables)
    assert {table: snapshot_triggers.domain_of(table) for table in tables} == tables
    triggered = snapshot_triggers.triggered_tables(connection)
    missing = {table for table in tables if triggered.get(table, set()) < {"insert", "update", "delete"}}
    assert not missing, f"tables without snapshot triggers (core.snapshot_triggers.install): {missing}"
    assert "update" in triggered[snapshot_triggers.ACCOUNT_TABLE]


def test_every_domain_has_a_token_after_migrate():
    assert set(snapshots.tokens()) >= set(snapshots.DOMAINS)


def test_a_save_an_update_a_bulk_create_and_a_delete_each_draw_a_new_token():
    agency = an_agency()
    seen = {token("org")}
    agency.save()
    seen.add(token("org"))
    Agency.objects.filter(pk=agency.pk).update(name=agency.name + " (mới)")
    seen.add(token("org"))
    unit = AdministrativeUnit.objects.order_by("pk").first()
    assert unit is not None
    geo_before = token("geo")
    AdministrativeUnit.objects.bulk_create(
        [
            AdministrativeUnit(
                code="99999",
                name="Xã Thử",
                level="commune",
                unit_type="xa",
                province_code="46",
                valid_from=dt.date(2030, 1, 1),
            )
        ]
    )
    assert token("geo") != geo_before
    created = Agency.objects.create(
        code="T99.99",
        name="Cơ quan thử",
        level=agency.level,
        kind=agency.kind,
        province_code=agency.province_code,
        unit=agency.unit,
        valid_from=dt.date(2030, 1, 1),
    )
    seen.add(token("org"))
    created.delete()
    seen.add(token("org"))
    assert len(seen) == 5


def test_raw_sql_draws_a_new_token_and_other_domains_keep_theirs():
    before = dict(snapshots._read_tokens())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE workcalendar_calendaroverride SET reason = reason")
        cursor.execute("UPDATE org_agency SET name = name WHERE id = %s", [an_agency().pk])
    after = snapshots._read_tokens()
    assert after["org"] != before["org"]
    assert after["catalog"] == before["catalog"] and after["geo"] == before["geo"]


def test_a_rolled_back_change_leaves_the_committed_token():
    before = token("org")
    with pytest.raises(RuntimeError), transaction.atomic():
        an_agency().save()
        assert token("org") != before
        raise RuntimeError("rolled back")
    assert token("org") == before


def test_deactivating_an_account_draws_a_new_org_token_but_logging_in_does_not():
    user = get_user_model().objects.filter(staff__isnull=False).order_by("pk").first()
    before = token("org")
    user.last_login = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    user.save(update_fields=["last_login"])
    user.save()
    assert token("org") == before
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert token("org") != before


def test_a_value_is_remembered_until_its_domain_changes():
    calls: list[int] = []

    def compute() -> str:
        calls.append(1)
        return an_agency().name

    first = snapshots.remember("org", "test.name", compute)
    assert snapshots.remember("org", "test.name", compute) == first
    assert len(calls) == 1
    snapshots.remember("catalog", "test.name", compute)
    assert len(calls) == 2
    Agency.objects.filter(pk=an_agency().pk).update(name="Tên mới")
    assert snapshots.remember("org", "test.name", compute) == "Tên mới"
    assert len(calls) == 3


def test_a_value_read_from_several_domains_follows_each_of_them():
    calls: list[int] = []
    snapshots.remember(("org", "geo"), "test.pair", lambda: calls.append(1))
    snapshots.remember(("org", "geo"), "test.pair", lambda: calls.append(1))
    AdministrativeUnit.objects.filter(pk=AdministrativeUnit.objects.order_by("pk").first().pk).update(
        name="Tên mới"
    )
    snapshots.remember(("org", "geo"), "test.pair", lambda: calls.append(1))
    assert len(calls) == 2


def test_a_value_computed_in_a_rolled_back_transaction_is_not_used_again():
    agency = an_agency()
    with pytest.raises(RuntimeError), transaction.atomic():
        Agency.objects.filter(pk=agency.pk).update(name="Tên chưa lưu")
        assert snapshots.remember("org", "test.rollback", lambda: an_agency().name) == "Tên chưa lưu"
        raise RuntimeError("rolled back")
    assert snapshots.remember("org", "test.rollback", lambda: an_agency().name) == agency.name


def test_inside_a_request_the_tokens_are_read_once_and_again_by_the_next_request():
    with a_request():
        with CaptureQueriesContext(connection) as first:
            for domain in snapshots.DOMAINS:
                snapshots.remember(domain, "test.request", lambda: 1)
        assert token_queries(first) == 1 and len(first) == 1
        with CaptureQueriesContext(connection) as again:
            snapshots.remember("org", "test.request", lambda: 1)
        assert len(again) == 0
    with a_request(), CaptureQueriesContext(connection) as second:
        snapshots.remember("org", "test.request", lambda: 1)
    assert len(second) == 1
    with CaptureQueriesContext(connection) as outside:
        snapshots.remember("org", "test.request", lambda: 1)
        snapshots.remember("org", "test.request", lambda: 1)
    assert len(outside) == 2


def test_a_model_saved_during_a_request_is_read_back_by_the_same_request():
    agency = an_agency()
    with a_request():
        assert snapshots.remember("org", "test.same", lambda: an_agency().name) == agency.name
        agency.name = "Tên vừa sửa"
        agency.save()
        assert snapshots.remember("org", "test.same", lambda: an_agency().name) == "Tên vừa sửa"


def test_an_update_during_a_request_is_read_back_after_changed():
    agency = an_agency()
    with a_request():
        snapshots.remember("org", "test.changed", lambda: an_agency().name)
        Agency.objects.filter(pk=agency.pk).update(name="Tên qua update")
        snapshots.changed()
        assert snapshots.remember("org", "test.changed", lambda: an_agency().name) == "Tên qua update"


def test_without_a_token_row_nothing_is_remembered():
    SnapshotVersion.objects.filter(domain="geo").delete()
    calls: list[int] = []
    snapshots.remember("geo", "test.missing", lambda: calls.append(1))
    snapshots.remember("geo", "test.missing", lambda: calls.append(1))
    assert len(calls) == 2
    AdministrativeUnit.objects.filter(pk=AdministrativeUnit.objects.order_by("pk").first().pk).update(
        name="X"
    )
    assert "geo" in snapshots.tokens()


def test_an_unknown_domain_is_refused():
    with pytest.raises(ValueError, match="unknown snapshot domain"):
        snapshots.remember("catalogue", "test.typo", lambda: 1)


@pytest.mark.postgres
def test_truncate_draws_a_new_token_on_postgresql():
    before = token("calendar")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE workcalendar_officeinterval")
    assert token("calendar") != before


def test_a_table_that_lost_its_triggers_gets_them_back_after_migrate():
    # SQLite's ALTER TABLE emulation rebuilds a table without its triggers; post_migrate puts them back.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for event in ("insert", "update", "delete"):
                cursor.execute(f'DROP TRIGGER "{snapshot_triggers.TRIGGER}_org_position_{event}"')
        else:
            cursor.execute(f"DROP TRIGGER {snapshot_triggers.TRIGGER} ON org_position")
    assert "org_position" not in snapshot_triggers.triggered_tables(connection)
    snapshot_triggers.install(connection)
    assert snapshot_triggers.triggered_tables(connection)["org_position"] >= {"insert", "update", "delete"}
