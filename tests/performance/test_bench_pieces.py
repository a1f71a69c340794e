"""`make bench`'s pieces keep working without running it: the seeding of a realistic mix of dossiers, every
scenario answering as it must through Django's test client (with its query count), wrk's per-request
script, and the surge's day shape and report. No server, no wrk, no timing asserted."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from django.db.models import Count, F

from motcua.dossiers.models import Dossier, DossierEvent, State

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import http_pages
import seed
import surge

pytestmark = pytest.mark.django_db


def test_the_seed_makes_a_realistic_mix_of_dossiers_with_their_history():
    before = Dossier.objects.count()
    seeded = seed.seed(count=240, communes=2, progress=False)
    dossiers = Dossier.objects.filter(procedure=seeded.procedure)
    assert dossiers.count() - before == 240 == seeded.count
    states = dict(dossiers.values_list("state").annotate(n=Count("id")))
    assert states[State.RETURNED] >= 0.85 * 240  # most finished
    assert sum(n for s, n in states.items() if s != State.RETURNED) >= 1  # a few in flight
    online = dossiers.filter(channel="online").count()
    assert online >= 0.8 * 240
    assert dossiers.filter(applicant=seeded.citizen).exists()
    # Every copy has its own code and its own history; an open step is the dossier's own.
    assert dossiers.values("code").distinct().count() == 240
    assert (
        not DossierEvent.objects.filter(dossier__in=dossiers)
        .values("dossier")
        .annotate(n=Count("id"))
        .filter(n=0)
    )
    assert dossiers.annotate(n=Count("events")).filter(n=0).count() == 0
    in_flight = dossiers.exclude(current_step=None)
    assert in_flight.filter(current_step__dossier_id=F("id")).count() == in_flight.count()


def test_the_plan_weights_communes_unevenly_and_adds_up():
    weights, buckets = seed.plan(5000, 40)
    assert sum(sum(c.values()) for c in buckets.values()) == 5000
    assert max(weights) >= 3 * (sum(weights) / len(weights))  # the biggest wards several times the average
    assert all(stage != 0 for (_, channel), c in buckets.items() if channel == "counter" for stage in c)


def test_every_scenario_answers_and_counts_its_queries():
    bench = http_pages.build(dossiers=120, writes=8, step_pool=5, communes=1)
    names = [s.name for s in bench.scenarios]
    for wanted in (
        "trivial view",
        "home page",
        "procedure search",
        "public lookup",
        "officer inbox, first page",
        "officer inbox, deep page",
        "officer inbox with filters",
        "officer dossier page",
        "citizen dossier page",
        "counter reception + accept",
        "step action",
        "online submission",
    ):
        assert any(n.startswith(wanted) for n in names), wanted
    for scenario in bench.scenarios:
        http_pages.count_queries(scenario)  # raises on a wrong status, a missing text or a write not done
        assert scenario.queries is not None
    assert bench.writes[1] > 0 and bench.writes[3] > 0  # queries of reception + accept, of a step


def test_wrk_gives_each_write_its_own_path_and_serial():
    scenario = http_pages.Scenario(
        "step",
        "",
        {"sessionid": "s"},
        form={"action": "forward", "key": f"k-{http_pages.SERIAL}"},
        paths=[f"/p{n}/" for n in range(6)],
        status=302,
    )
    assert scenario.request(4, "x") == ("/p4/", {"action": "forward", "key": "k-x4"})
    lua = http_pages.lua_request(scenario, threads=2)
    assert '"/p3/", "/p4/", "/p5/"' in lua and '"/p0/"' not in lua  # the first three serve the checks
    assert f'body:gsub("{http_pages.SERIAL}"' in lua and "thread:set('id'" in lua
    # A page is the same request each time: wrk builds it once, no request() to slow the trivial view.
    page = http_pages.Scenario("page", "/healthz", {"sessionid": "s"})
    assert http_pages.lua_request(page, threads=2) == 'wrk.headers["Cookie"] = "sessionid=s"'


def test_the_surge_follows_the_day_and_reports_per_page_kind():
    times = surge.arrival_times(3425, 600 * 0.8, random.Random(1))
    assert len(times) == 3425 and times[0] >= 0 and times[-1] < 480
    morning_peak = sum(1 for t in times if 48 <= t < 144)
    lunch = sum(1 for t in times if 240 <= t < 288)
    assert morning_peak > 4 * lunch
    stats = surge.Stats()
    for ms in (10.0, 20.0, 30.0):
        stats.add("officer dossier page", ms)
    stats.add("step action (POST)", 700.0, "answered 409")
    table, held = surge.report(
        stats, vendor="sqlite", dossiers=3, minutes=1, background=100, workers=2, clients=4, elapsed=60
    )
    assert not held
    assert "| officer dossier page | 3 | 20.0 | 30.0 | 30.0 | 0 |" in table
    assert "step action (POST): answered 409" in table
