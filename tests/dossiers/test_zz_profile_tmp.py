import datetime as dt, time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from conftest import accepted
from dossier_world import T0
from motcua.dossiers import services

def test_profile(world):
    d = accepted(world)
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as q:
        d = services.perform(dossier=d, by=world.officer_px, action="forward", now=T0 + dt.timedelta(hours=1))
    print("total", time.perf_counter() - t)
    for x in q.captured_queries: print(x["time"], x["sql"][:120])
