"""Officers keep working while a plan applies (PostgreSQL row locks): every action and every move is kept."""

from __future__ import annotations

import time

import pytest

from concurrency import run_concurrently
from motcua.core.errors import DomainError
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, DossierEvent, EventKind
from motcua.reorg import plans, services

from .conftest import AFTER, build_reorg, receive_all

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reload_world_after_module"),
]


def test_officer_actions_during_apply_are_all_kept_with_every_move():
    world = build_reorg()
    dossiers = receive_all(world)
    plan = services.load_plan(
        text=plans.dump(world.plan(choices=[{"dossier": dossiers["d_in_c"].code, "unit": "99812"}]))
    )
    # The head who leads the step before and after the move gives it to someone who moves with them.
    work = [
        (dossiers["a"], world.staff["A.head"], world.staff["A.specialist"]),
        (dossiers["b"], world.staff["A.head"], world.staff["A.specialist"]),
        (dossiers["d_in_a"], world.staff["A.head"], world.staff["A.head"]),
        (dossiers["d_in_c"], world.staff["C.head"], world.staff["C.specialist"]),
    ]

    assigned_before = {
        d.pk: DossierEvent.objects.filter(dossier=d, kind=EventKind.STEP_ASSIGNED).count()
        for d, _h, _a in work
    }

    def officer() -> int:
        retries = 0
        deadline = time.monotonic() + 50
        for dossier, head, assignee in work:
            while True:
                fresh = Dossier.objects.get(pk=dossier.pk)
                try:
                    dossier_services.assign_step(dossier=fresh, by=head, assignee=assignee.staff, now=AFTER)
                    break
                except DomainError:  # not moved yet (no access at the old agency) or moved under our feet
                    retries += 1
                    assert time.monotonic() < deadline
                    time.sleep(0.01)
        return retries

    def act(i: int):
        if i == 0:
            return services.apply_plan(plan=plan, batch=1, now=AFTER)
        return officer()

    run, retries = run_concurrently(2, act)
    assert not isinstance(run, Exception), run
    assert not isinstance(retries, Exception), retries
    assert (run.moved, run.failed) == (4, 0)
    for dossier, _head, assignee in work:
        dossier.refresh_from_db()
        kinds = list(DossierEvent.objects.filter(dossier=dossier).values_list("kind", flat=True))
        assert kinds.count(EventKind.REORGANIZED) == 1
        # The officer's assignment (before or after the move, whichever the lock let through first) is kept.
        assert kinds.count(EventKind.STEP_ASSIGNED) == assigned_before[dossier.pk] + 1
        assert dossier.step_assignee_id == assignee.staff.pk
