"""``json_rows.prefetched`` builds the queryset it caches from a plan made once per relation rather than
through Django's related manager: what the page and any later code read from it (``.all()``, a filter, a
count, the SQL, the hints, the database) is what the manager's own queryset gives, and the relations or
owners the plan cannot mirror still go through the manager."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models
from django.utils import timezone

from dossiers.dossier_catalog_world import actor_for
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers import selectors
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import json_rows
from motcua.dossiers.selectors.visibility import PAGE_CHILDREN
from performance.test_query_budgets import busy_dossier, world_and_procedure

pytestmark = pytest.mark.django_db

# Every relation ``get_dossier`` fills: (owner model, accessor).
RELATIONS = [(Dossier, name) for name in PAGE_CHILDREN] + [(ProcedureVersion, "documents")]


@pytest.fixture
def dossier():
    world, procedure = world_and_procedure(timezone.localdate())
    return world, busy_dossier(world, procedure)


def _owner(model: type[models.Model], dossier: Dossier) -> models.Model:
    pk = dossier.procedure_version_id if model is ProcedureVersion else dossier.pk
    return model._default_manager.get(pk=pk)


def _cached_both_ways(
    model: type[models.Model], accessor: str, dossier: Dossier
) -> tuple[Any, Any, list[Any]]:
    """Two copies of the owner, one filled by ``prefetched`` and one through the manager with the same rows
    (read by the ORM, each copy its own), and those rows' primary keys."""
    fast, slow = _owner(model, dossier), _owner(model, dossier)
    pks = list(getattr(fast, accessor).order_by("pk").values_list("pk", flat=True))
    json_rows.prefetched(fast, accessor, list(getattr(_owner(model, dossier), accessor).order_by("pk")))
    json_rows._prefetched_by_manager(
        slow, accessor, list(getattr(_owner(model, dossier), accessor).order_by("pk"))
    )
    return fast, slow, pks


def test_every_page_relation_takes_the_fast_path():
    for model, accessor in RELATIONS:
        assert json_rows._prefetch_plan(model, accessor) is not None, accessor


@pytest.mark.parametrize(("model", "accessor"), RELATIONS, ids=[f"{m.__name__}.{a}" for m, a in RELATIONS])
def test_the_cached_queryset_reads_as_the_related_managers_own(
    model, accessor, dossier, django_assert_num_queries
):
    _world, busy = dossier
    fast, slow, pks = _cached_both_ways(model, accessor, busy)
    fast_qs = fast._prefetched_objects_cache[accessor]
    slow_qs = slow._prefetched_objects_cache[accessor]
    assert type(fast_qs) is type(slow_qs)
    field = getattr(model, accessor).rel.field
    assert fast_qs._hints == slow_qs._hints and fast_qs._hints["instance"] is fast  # owners equal by pk
    assert fast_qs._known_related_objects == slow_qs._known_related_objects == {field: {fast.pk: fast}}
    assert fast_qs._known_related_objects[field][fast.pk] is fast
    assert fast_qs.db == slow_qs.db
    assert fast_qs._db is slow_qs._db is None

    with django_assert_num_queries(0):
        rows = list(getattr(fast, accessor).all())
        assert [r.pk for r in rows] == [r.pk for r in getattr(slow, accessor).all()] == pks
        assert all(r._state.fields_cache[field.name] is fast for r in rows)

    assert str(fast_qs.query) == str(slow_qs.query)
    some = pks[0] if pks else 0
    fast_rel, slow_rel = getattr(fast, accessor), getattr(slow, accessor)
    for derive in (
        lambda qs: qs.filter(pk=some),
        lambda qs: qs.exclude(pk=some),
        lambda qs: qs.order_by("-pk"),
        lambda qs: qs.filter(pk__gte=some).order_by("pk"),
    ):
        one, other = derive(fast_rel.all()), derive(slow_rel.all())
        assert str(one.query) == str(other.query)
        assert [r.pk for r in one] == [r.pk for r in other]
        assert one._hints["instance"] is fast and other._hints["instance"] is slow
        assert one.db == other.db
    assert fast_rel.filter(pk=some).count() == slow_rel.filter(pk=some).count() == (1 if pks else 0)
    assert fast_rel.all().exists() is slow_rel.all().exists() is bool(pks)
    assert fast_rel.count() == slow_rel.count() == len(pks)
    if pks:  # a row read through the derived queryset points back to the owner without a query
        row = fast_rel.filter(pk=some).get()
        with django_assert_num_queries(0):
            assert getattr(row, field.name) is fast


def test_get_dossier_caches_what_the_manager_would(dossier, django_assert_num_queries):
    world, busy = dossier
    loaded = selectors.get_dossier(code=busy.code, user=actor_for(world, busy), on=timezone.localdate())
    version = loaded.procedure_version
    for owner, accessor in [(loaded, name) for name in PAGE_CHILDREN] + [(version, "documents")]:
        cached = owner._prefetched_objects_cache[accessor]
        slow = _owner(type(owner), busy)
        json_rows._prefetched_by_manager(slow, accessor, [])
        expected = slow._prefetched_objects_cache[accessor]
        assert str(cached.query) == str(expected.query), accessor
        assert cached._hints["instance"] is owner and cached.db == expected.db
        with django_assert_num_queries(0):
            listed = [r.pk for r in getattr(owner, accessor).all()]
        assert sorted(listed) == sorted(getattr(slow, accessor).values_list("pk", flat=True)), accessor


def test_an_unsaved_owner_fails_as_the_manager_does():
    for prefetch in (json_rows.prefetched, json_rows._prefetched_by_manager):
        with pytest.raises(ValueError, match="primary key"):
            prefetch(Dossier(), "events", [])


def test_a_relation_already_cached_keeps_its_queryset_as_the_manager_does(dossier):
    _world, busy = dossier
    owner = _owner(Dossier, busy)
    json_rows.prefetched(owner, "events", [])
    first = owner._prefetched_objects_cache["events"]
    rows = list(busy.events.all())
    json_rows.prefetched(owner, "events", rows)
    assert owner._prefetched_objects_cache["events"] is first and list(owner.events.all()) == rows


def test_a_manager_with_its_own_queryset_is_not_mirrored():
    class Visible(models.Manager[Any]):
        def get_queryset(self) -> models.QuerySet[Any]:
            return super().get_queryset().filter(pk__gt=0)

    class Narrow(models.QuerySet[Any]):
        def filter(self, *args: Any, **kwargs: Any) -> Any:
            return super().filter(*args, **kwargs)

    assert json_rows._plain_manager(models.Manager)
    assert not json_rows._plain_manager(Visible)
    assert not json_rows._plain_manager(models.Manager.from_queryset(Narrow))
    assert json_rows._prefetch_plan(Dossier, "no_such_relation") is None
    assert json_rows._prefetch_plan(Dossier, "procedure") is None  # forward, not reverse


def test_a_relation_without_a_plan_goes_through_the_manager(dossier, monkeypatch):
    _world, busy = dossier
    calls = []
    slow = json_rows._prefetched_by_manager
    monkeypatch.setattr(json_rows, "_plain_manager", lambda manager_class: False)
    monkeypatch.setattr(json_rows, "_prefetch_plans", {})
    monkeypatch.setattr(json_rows, "_prefetched_by_manager", lambda *a: calls.append(a[1]) or slow(*a))
    owner = _owner(Dossier, busy)
    rows = list(busy.events.all())
    json_rows.prefetched(owner, "events", rows)
    assert calls == ["events"] and json_rows._prefetch_plans == {(Dossier, "events"): None}
    assert list(owner.events.all()) == rows
