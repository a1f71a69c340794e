"""bench/scale.py's data set: the sample made through the services, cloned in SQL, stays a set of dossiers the
application accepts: each clone's event log replays to its state, its steps and documents are its own, its
code is unique and dated, the tables keep their indexes, and the clones follow the distribution (most
finished, a few in flight and recent, the biggest ward several times the average)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count

from motcua.dossiers import models
from motcua.dossiers.models import Dossier

from .scale_bench import scale_module


def index_definitions(scale) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relname = ANY(%s)",
            [scale.cloned_tables()],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.postgres  # jsonb, COPY and session_replication_role
@pytest.mark.django_db
def test_the_clones_of_the_sample_replay_and_keep_their_own_steps_codes_and_indexes():
    scale = scale_module()
    templates = scale.make_sample(lambda _message: None, communes_limit=2)
    assert {t.in_flight for t in templates} == {True, False}
    indexes = index_definitions(scale)
    before = set(Dossier.objects.values_list("pk", flat=True))
    scale.load_clones(templates, count=120, in_flight=0.3, seed=1, progress=lambda _message: None)

    clones = Dossier.objects.exclude(pk__in=before).select_related("current_step")
    assert clones.count() == 120
    assert index_definitions(scale) == indexes
    # Every event log replays to the stored state (appointments moved with the dossier).
    assert scale.check_replay(templates, sample=3000) >= 120 + len(templates)
    by_id = {t.dossier_id: t for t in templates}
    steps = dict(Dossier.objects.annotate(n=Count("steps")).values_list("pk", "n"))
    events = dict(Dossier.objects.annotate(n=Count("events")).values_list("pk", "n"))
    codes: Counter[str] = Counter()
    prefixes = {
        re.sub(r"-\d{6}-\d+$", "", code)
        for code in Dossier.objects.filter(pk__in=by_id).values_list("code", flat=True)
    }
    for clone in clones:
        # Which sample it copies: the same receiving agency's code, the same number of steps and events.
        prefix, day, number = re.fullmatch(r"(.+)-(\d{6})-(\d{8})", clone.code).groups()
        assert prefix in prefixes
        assert int(number) == clone.pk
        assert day == clone.submitted_at.astimezone(scale.TZ).strftime("%y%m%d")
        codes[clone.code] += 1
        if clone.current_step is not None:
            assert clone.current_step.dossier_id == clone.pk
            assert clone.step_agency_id == clone.current_step.agency_id
    assert max(codes.values()) == 1
    shapes = {(steps[t.dossier_id], events[t.dossier_id]) for t in by_id.values()}
    assert {(steps[c.pk], events[c.pk]) for c in clones} <= shapes
    consulted = list(models.Consultation.objects.filter(dossier__in=clones).select_related("dossier_step"))
    assert consulted  # some clones asked another agency (30 % in flight: some still wait for the answer)
    assert all(c.dossier_step.dossier_id == c.dossier_id for c in consulted)
    # In flight: recent, at a step; finished: no step.
    today = dt.date.today()
    flying = [c for c in clones if c.current_step is not None]
    assert flying and len(flying) < len(clones)
    assert all((today - c.submitted_at.date()).days <= 6 * 7 for c in flying)


def test_the_clone_plan_puts_a_few_in_flight_and_several_times_the_average_in_the_biggest_ward():
    scale = scale_module()
    templates = [
        scale.Template(dossier_id=agency * 10 + kind, agency_id=agency, in_flight=bool(kind), step_code="")
        for agency in range(1, 41)
        for kind in (0, 1)
    ]
    plan = list(
        scale.plan_clones(templates, count=20_000, in_flight=0.04, seed=3, today=dt.date(2026, 11, 30))
    )
    assert [n for n, _template, _weeks in plan] == list(range(20_000))
    flying = sum(1 for _n, template, _weeks in plan if template % 10 == 1)
    assert 0.03 < flying / len(plan) < 0.05
    per_ward = Counter(template // 10 for _n, template, _weeks in plan)
    assert max(per_ward.values()) > 4 * len(plan) / 40
    weeks = [w for _n, _template, w in plan]
    assert min(weeks) >= scale.FIRST_WEEK
    assert max(weeks) <= (dt.date(2026, 11, 30) - scale.START.date()).days // 7


def test_every_table_hanging_from_a_dossier_is_cloned_or_named_as_not_cloned():
    scale = scale_module()
    children = {
        f.related_model.__name__
        for f in Dossier._meta.related_objects
        if f.related_model is not Dossier and f.related_model._meta.app_label == "dossiers"
    }
    assert children == set(scale.CHILDREN) | set(scale.NOT_CLONED)
