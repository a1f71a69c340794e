"""The dossier pages and the inbox read their rows in few queries: the dossier with every child relation in
one (JSON arrays turned back into model instances), the rules and selectors the page calls on those rows
without a query more, and the inbox's count and side lists in one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dossiers.dossier_catalog_world import actor_for
from motcua.core import request_cache
from motcua.dossiers import access, selectors
from motcua.dossiers.access import Act
from motcua.dossiers.models import Dossier, SatisfactionRating
from motcua.dossiers.selectors.json_rows import Shape
from motcua.dossiers.selectors.visibility import PAGE_CHILDREN, PAGE_PARENTS, SHARED_PARENTS

pytestmark = pytest.mark.django_db


def page_queries(queries) -> list[dict]:
    """The page's own queries: without the positions or the snapshot tokens, read once per request."""
    return [
        q
        for q in queries.captured_queries
        if not ("org_position" in q["sql"] or "core_snapshotversion" in q["sql"])
    ]


def warm_snapshots(dossier: Dossier, user: Any) -> None:
    """A page read once before: the reference rows (``Shape.shared``) are read once per process while the
    organization and the catalog are unchanged, not by each page (tests/dossiers/test_shared_rows.py)."""
    selectors.get_dossier(code=dossier.code, user=user, on=timezone.localdate())


def _values(obj: Any, shape: Any) -> dict[str, Any]:
    """Every column the shape reads, those of the related rows it reads with it and every column of the
    reference rows it takes from the snapshots (``Shape.shared``)."""
    found = {f.attname: getattr(obj, f.attname) for f in shape.columns()}
    for name, related in shape.related.items():
        other = getattr(obj, name)
        found[name] = None if other is None else _values(other, related)
    for name in shape.shared:
        found[name] = _shared_values(getattr(obj, name))
    return found


def _shared_values(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else _values(obj, Shape(type(obj)))


def test_the_dossier_and_every_child_relation_come_in_one_query_as_the_orm_reads_them(busy):
    world, dossier = busy
    SatisfactionRating.objects.create(
        dossier=dossier,
        province_code=dossier.province_code,
        level=4,
        channel="portal",
        rated_at=timezone.now(),
    )
    user = actor_for(world, dossier)
    warm_snapshots(dossier, user)
    with CaptureQueriesContext(connection) as queries:
        loaded = selectors.get_dossier(code=dossier.code, user=user, on=timezone.localdate())
        read = {
            name: [_values(row, shape) for row in getattr(loaded, name).all()]
            for name, (shape, _o) in PAGE_CHILDREN.items()
        }
        rating = access.rating_of(loaded)
        required = [(d.pk, d.code, d.mandatory, d.order) for d in loaded.procedure_version.documents.all()]
    assert len(page_queries(queries)) == 1

    fresh = Dossier.objects.get(pk=dossier.pk)
    for name, (shape, order) in PAGE_CHILDREN.items():
        rows = getattr(fresh, name).select_related(*shape.related, *shape.shared).order_by(*order)
        assert read[name] == [_values(row, shape) for row in rows], name
    assert len(read["events"]) >= 10 and len(read["documents"]) == 5 and len(read["consultations"]) == 2
    assert rating is not None and rating.level == 4 and rating.rated_at == fresh.rating.rated_at
    expected = fresh.procedure_version.documents.order_by("order", "id")
    assert required == [(d.pk, d.code, d.mandatory, d.order) for d in expected]


def test_the_rows_the_dossier_points_to_come_with_it_as_the_orm_reads_them(busy):
    world, dossier = busy
    user = actor_for(world, dossier)
    warm_snapshots(dossier, user)
    with CaptureQueriesContext(connection) as queries:
        loaded = selectors.get_dossier(code=dossier.code, user=user, on=timezone.localdate())
        read = {name: _values(getattr(loaded, name), shape) for name, shape in PAGE_PARENTS.items()}
        shared = {
            name: _values(getattr(loaded, name), Shape(type(getattr(loaded, name))))
            for name in SHARED_PARENTS
        }
    assert len(page_queries(queries)) == 1

    fresh = Dossier.objects.get(pk=dossier.pk)
    assert read == {name: _values(getattr(fresh, name), shape) for name, shape in PAGE_PARENTS.items()}
    assert shared == {name: _shared_values(getattr(fresh, name)) for name in SHARED_PARENTS}
    assert shared["procedure"]["id"] == fresh.procedure_id and shared["reception_point"] is not None
    assert read["current_step"] is not None and read["place_unit"] is not None


def test_the_child_rows_are_loaded_instances_whose_unread_columns_are_deferred(busy):
    """Built without Model.__init__ (json_rows._from_db): rows loaded from the database, saved by UPDATE."""
    world, dossier = busy
    loaded = selectors.get_dossier(code=dossier.code, user=actor_for(world, dossier), on=timezone.localdate())
    for name, (shape, _order) in PAGE_CHILDREN.items():
        read = {f.attname for f in shape.columns()}
        for row in getattr(loaded, name).all():
            assert row._state.adding is False and row._state.db == "default", name
            assert row.get_deferred_fields() == {
                f.attname for f in type(row)._meta.concrete_fields if f.attname not in read
            }, name
    document = loaded.documents.all()[0]
    document.copies = 7
    document.save(update_fields=["copies"])
    assert type(document).objects.get(pk=document.pk).copies == 7


def test_values_keep_their_types_through_json(busy):
    world, dossier = busy
    loaded = selectors.get_dossier(code=dossier.code, user=actor_for(world, dossier), on=timezone.localdate())
    steps = list(loaded.steps.all())
    finished = [s for s in steps if s.spent_hours is not None]
    assert finished and all(isinstance(s.spent_hours, Decimal) for s in finished)
    assert all(s.started_at.tzinfo is not None for s in steps)
    assert all(isinstance(e.data, dict) for e in loaded.events.all())
    assert all(isinstance(s.step.actions, list) for s in steps)
    assert any(s.assignee is None for s in steps) or all(s.assignee_id for s in steps)
    assert all(n.dossier is loaded for n in loaded.apologies.all())


def test_the_rules_and_selectors_of_the_page_read_the_prefetched_rows(busy):
    world, dossier = busy
    user = actor_for(world, dossier)
    now = timezone.now()
    on = timezone.localdate(now)
    with request_cache.scope():
        loaded = selectors.get_dossier(code=dossier.code, user=user, on=on)

        def page_reads() -> None:
            selectors.allowed_actions(dossier=loaded, user=user, now=now)
            selectors.timeline_for(dossier=loaded, user=user, now=now)
            selectors.missing_documents(dossier=loaded)
            selectors.pending_stop_notice(dossier=loaded)
            selectors.signed_stop_notice(dossier=loaded)
            selectors.pending_withdrawal(dossier=loaded)
            for act in (Act.PROPOSE_STOP, Act.RATE, Act.OVERRIDE_COMPETENCE, Act.DRAFT_APOLOGY, Act.EXTEND):
                access.may(user, act, loaded, on=on)
            for notice in loaded.apologies.all():
                selectors.can_sign_apology(notice=notice, user=user, now=now)

        page_reads()  # the day's positions and the calendar are read once per scope
        with CaptureQueriesContext(connection) as queries:
            page_reads()
    assert len(queries) == 0, [q["sql"][:120] for q in queries.captured_queries]


def test_a_rule_on_a_dossier_read_without_the_page_still_sees_new_rows(busy):
    """Not prefetched, the relations are read afresh at each question (services judge their locked row)."""
    _world, dossier = busy
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert access.rating_of(fresh) is None
    SatisfactionRating.objects.create(
        dossier=fresh, province_code=fresh.province_code, level=3, channel="portal", rated_at=timezone.now()
    )
    assert access.rating_of(fresh) is not None


def test_inbox_side_answers_what_the_separate_selectors_answer(busy):
    world, dossier = busy
    user = actor_for(world, dossier)
    now = timezone.now()
    with CaptureQueriesContext(connection) as queries, request_cache.scope():
        access.actor(user, timezone.localdate(now))
        start = len(queries)
        side = selectors.inbox_side(user=user, now=now, cap=1000)
        assert len(queries) - start == 1
    assert side.count == selectors.inbox_count(user=user, now=now, cap=1000) >= 1
    assert [p.pk for p in side.procedures] == selectors.inbox_procedures(user=user, now=now)
    assert [c.pk for c in side.consultations] == [
        c.pk for c in selectors.open_consultations_for(user=user, now=now).order_by("requested_at", "id")
    ]
    assert [(n.pk, n.dossier.code, n.drafted_by.full_name) for n in side.apologies_to_sign] == [
        (n.pk, n.dossier.code, n.drafted_by.full_name)
        for n in selectors.apologies_to_sign(user=user, now=now)
    ]
    assert side.procedures[0].name and side.procedures[0].code


def test_the_inbox_page_and_its_side_in_one_round_trip_answer_what_each_answers(busy):
    world, dossier = busy
    user = actor_for(world, dossier)
    now = timezone.now()
    key = selectors.inbox_key(dossier)
    # Once before: the procedures and workflow steps the rows point to are read once per process
    # (``Shape.shared``), not by each page.
    selectors.inbox_page_and_side(user=user, now=now, size=2, cap=1000)
    for filters, after, before in [
        (None, None, None),
        (selectors.InboxFilters(procedure=dossier.procedure.code), None, None),
        (selectors.InboxFilters(query=dossier.code), None, None),
        (None, key, None),
        (None, None, key),  # before the first row: the first page, as inbox_page answers
    ]:
        with CaptureQueriesContext(connection) as queries, request_cache.scope():
            access.actor(user, timezone.localdate(now))
            start = len(queries)
            page, side = selectors.inbox_page_and_side(
                user=user, now=now, filters=filters, after=after, before=before, size=2, cap=1000
            )
            if before is None:
                assert len(queries) - start == 1
        alone = selectors.inbox_page(user=user, now=now, filters=filters, after=after, before=before, size=2)
        assert [d.pk for d in page.dossiers] == [d.pk for d in alone.dossiers]
        assert (page.has_previous, page.has_next) == (alone.has_previous, alone.has_next)
        expected = selectors.inbox_side(user=user, now=now, filters=filters, cap=1000)
        assert side.count == expected.count
        assert [p.pk for p in side.procedures] == [p.pk for p in expected.procedures]
        assert [c.pk for c in side.consultations] == [c.pk for c in expected.consultations]
        assert [n.pk for n in side.apologies_to_sign] == [n.pk for n in expected.apologies_to_sign]
    assert selectors.inbox_page_and_side(user=user, now=now, cap=1000)[0].dossiers


def test_inbox_count_stops_at_the_cap(busy):
    world, dossier = busy
    user = actor_for(world, dossier)
    now = timezone.now() + dt.timedelta(seconds=1)
    total = selectors.inbox_count(user=user, now=now, cap=1000)
    assert total >= 1
    assert selectors.inbox_count(user=user, now=now, cap=0) == 1
    assert selectors.inbox_side(user=user, now=now, cap=0).count == 1


def test_inbox_side_of_a_user_without_positions_is_empty(busy):
    world, _dossier = busy
    side = selectors.inbox_side(user=world.citizen, now=timezone.now(), cap=1000)
    assert (side.count, side.procedures, side.consultations, side.apologies_to_sign) == (0, [], [], [])
    assert selectors.inbox_count(user=world.citizen, now=timezone.now(), cap=10) == 0
