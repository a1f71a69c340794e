"""The reference rows a page's rows point to (agencies, staff, workflow steps, procedures) come from the
organization's and the catalog's in-process snapshots (``json_rows.Shape.shared``, ``json_rows.shared_row``)
rather than from joins in the page's query: read once per process while their domain is unchanged, the same
values as the ORM gives, a change seen by the next read, and a row the snapshot lacks still found."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.dossier_catalog_world import actor_for
from motcua.core import request_cache
from motcua.dossiers import selectors
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.selectors import json_rows, visibility
from motcua.dossiers.selectors.json_rows import Shape
from motcua.dossiers.selectors.visibility import PAGE_CHILDREN
from motcua.org.models import Staff

pytestmark = pytest.mark.django_db


def _read(world, dossier, user=None):
    user = user or actor_for(world, dossier)
    return selectors.get_dossier(code=dossier.code, user=user, on=world.on)


def test_the_page_query_joins_no_reference_table():
    compiled = json_rows.compiled("dossiers.page_rows", Dossier, visibility._page_children)
    for name in PAGE_CHILDREN:
        sql = compiled[f"_rows_{name}"].sql
        for table in ("org_staff", "org_agency", "catalog_workflowstep"):
            assert table not in sql, (name, table)


def test_reference_rows_are_read_once_and_shared_by_the_next_pages(busy):
    world, dossier = busy
    user = actor_for(world, dossier)
    first = _read(world, dossier, user)  # reads the reference tables (the writes above changed the domains)
    with request_cache.scope(), CaptureQueriesContext(connection) as queries:
        second = _read(world, dossier, user)
        steps = list(second.steps.all())
        events = list(second.events.all())
        names = [(s.step.name, s.agency.name, s.assignee and s.assignee.full_name) for s in steps]
        actors = [e.actor_staff.full_name for e in events if e.actor_staff_id]
        parents = (second.procedure.code, second.competent_agency.name, second.reception_point.name)
    tables = [q["sql"] for q in queries.captured_queries if "core_snapshotversion" not in q["sql"]]
    assert len(tables) == 1, tables  # the page's own statement: no reference table read
    assert names and actors and all(parents)
    # The very instances of the first read: one per row of the snapshot, shared between requests.
    assert all(a.step is b.step for a, b in zip(second.steps.all(), first.steps.all(), strict=True))
    assert second.competent_agency is first.competent_agency
    fresh = DossierStep.objects.filter(dossier=dossier).select_related("step", "agency").order_by("sequence")
    assert [(s.step.name, s.agency.name) for s in fresh] == [n[:2] for n in names]


def test_a_change_to_a_reference_row_is_seen_by_the_next_read(busy):
    world, dossier = busy
    before = _read(world, dossier)
    staff = next(s.assignee for s in before.steps.all() if s.assignee_id)
    Staff.objects.filter(pk=staff.pk).update(full_name="Tên đã đổi")  # no signal: the trigger draws a token
    after = _read(world, dossier)
    assert {s.assignee.full_name for s in after.steps.all() if s.assignee_id == staff.pk} == {"Tên đã đổi"}
    assert staff.full_name != "Tên đã đổi"  # the instance the first read shared is left as it was


def test_a_row_the_snapshot_lacks_is_read_by_itself(busy):
    world, dossier = busy
    account = get_user_model().objects.create_user(username="can-bo-moi", password=None)
    with request_cache.scope():
        known = _read(world, dossier).competent_agency
        # Written behind the snapshot's back in this unit of work (bulk_create sends no signal and the
        # request keeps its tokens): the snapshot of staff does not hold it yet.
        (added,) = Staff.objects.bulk_create(
            [Staff(user=account, agency=known, full_name="Cán bộ mới", title="Chuyên viên")]
        )
        found = json_rows.shared_row(Staff, "org", added.pk)
    assert found is not None and found.pk == added.pk and found.full_name == "Cán bộ mới"
    assert json_rows.shared_row(Staff, "org", None) is None


@pytest.mark.parametrize(
    "shared",
    [{"sequence": "org"}, {"agency": "dossiers"}],
    ids=["not a foreign key", "not a snapshot domain"],
)
def test_a_shared_relation_must_be_a_foreign_key_into_a_snapshot_domain(shared):
    with pytest.raises(ValueError, match="no foreign key to a row of a snapshot domain"):
        json_rows.instance(Shape(DossierStep, shared=shared), {"id": 1}, "default")
