"""Migration org 0004 fills Agency.successors from the main successor and from the plans' AgencySuccession
rows, so that an archive read before the migration is still read after it, by every successor."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from motcua.org import selectors
from motcua.org.models import Agency, AgencyKind, AgencyLevel
from motcua.reorg.models import AgencySuccession, Plan

from .conftest import DAY

MIGRATION = importlib.import_module("motcua.org.migrations.0004_agency_successors")
BEFORE, AFTER = ("org", "0003_agency_district_level"), ("org", "0004_agency_successors")
ENDED = dt.date(2025, 7, 1)


def _old_body(code: str, successor: Agency | None) -> Agency:
    """A body ended on 1 July 2025, written as before the migration: the main successor only."""
    return Agency.objects.create(
        code=code,
        name=f"UBND cũ {code}",
        kind=AgencyKind.PEOPLES_COMMITTEE,
        level=AgencyLevel.COMMUNE,
        unit=successor.unit if successor else Agency.objects.filter(level=AgencyLevel.COMMUNE).first().unit,
        province_code="46",
        valid_from=dt.date(2020, 1, 1),
        valid_to=ENDED,
        successor=successor,
    )


def _three_committees() -> list[Agency]:
    return list(selectors.commune_committees(province_code="46", on=DAY)[:3])


def test_the_migration_fills_the_successors_from_the_main_one_and_the_plans_successions(demo):
    main, other, third = _three_committees()
    merged = _old_body("T.MIG.1", main)
    split = _old_body("T.MIG.2", main)
    orphan = _old_body("T.MIG.3", None)
    plan = Plan.objects.create(
        code="t-mig",
        name="t",
        effective_at=dt.datetime(2025, 7, 1, tzinfo=dt.UTC),
        province_code="46",
        document={},
    )
    for successor in (main, other):
        AgencySuccession.objects.create(plan=plan, predecessor=split, successor=successor)
    assert not Agency.successors.through.objects.filter(from_agency__in=[merged, split, orphan]).exists()
    assert selectors.predecessors_of(agency_ids=[other.pk], on=DAY) == frozenset()

    MIGRATION.fill_successors(current_apps, None)
    MIGRATION.fill_successors(current_apps, None)  # run again (e.g. squashed): no duplicate, no error

    assert set(merged.successors.all()) == {main}
    assert set(split.successors.all()) == {main, other}
    assert not orphan.successors.exists()
    assert selectors.predecessors_of(agency_ids=[other.pk], on=DAY) == {split.pk}
    assert selectors.predecessors_of(agency_ids=[third.pk], on=DAY) == frozenset()


@pytest.mark.postgres
def test_migrating_forward_from_0003_gives_every_main_successor_its_archive_link(demo):
    """The real migration on PostgreSQL (its schema changes are transactional: the test rolls them back)."""
    main, _other, _third = _three_committees()
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    executor.loader.build_graph()
    old_apps = executor.loader.project_state([BEFORE]).apps
    OldAgency = old_apps.get_model("org", "Agency")
    assert "successors" not in {f.name for f in OldAgency._meta.get_fields()}
    old = _old_body("T.MIG.PG", main)

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    executor.loader.build_graph()
    new_apps = executor.loader.project_state([AFTER]).apps
    NewAgency = new_apps.get_model("org", "Agency")
    assert list(NewAgency.objects.get(pk=old.pk).successors.values_list("pk", flat=True)) == [main.pk]
