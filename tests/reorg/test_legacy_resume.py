"""Legacy import killed mid-way (SIGKILL of a real ``motcua legacy import`` process) and run again: the same
end state as an import that was never interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from integrations.delivery_workers import subprocess_database_url
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.reorg.legacy.generate import generate
from motcua.reorg.legacy.importer import import_export, plan_import
from motcua.reorg.legacy.reconcile import reconcile
from motcua.reorg.legacy_models import LegacyAttachment, LegacyRun, LegacyRunStatus

pytestmark = [
    pytest.mark.subprocess_db,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reload_world_after_module"),
]
KILL_WITHIN_SECONDS = 240


def _imported() -> tuple[int, int, int]:
    dossiers = Dossier.objects.exclude(legacy_code="")
    return (
        dossiers.count(),
        DossierEvent.objects.filter(dossier__in=dossiers).count(),
        LegacyAttachment.objects.count(),
    )


def test_an_import_killed_mid_way_and_run_again_ends_as_an_uninterrupted_one(tmp_path, settings):
    var = tmp_path / "var"
    settings.MEDIA_ROOT = var / "media"
    export = generate(tmp_path / "export", dossiers=60, seed=11).directory
    plan = plan_import(export)
    uninterrupted = (
        len(plan.dossiers),
        sum(len(d.events) for d in plan.dossiers),
        sum(len(d.attachments) for d in plan.dossiers),
    )
    env = {
        **os.environ,
        "MOTCUA_ENV": "test",
        "MOTCUA_VAR_DIR": str(var),
        "DATABASE_URL": subprocess_database_url(),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    command = [
        sys.executable,
        "-m",
        "motcua",
        "legacy",
        "import",
        str(export),
        "--batch-size",
        "5",
        "--throttle",
        "1",
    ]
    with (tmp_path / "import.log").open("w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + KILL_WITHIN_SECONDS
            while not LegacyRun.objects.filter(batches_done__gte=2).exists():
                assert process.poll() is None, (tmp_path / "import.log").read_text()
                assert time.monotonic() < deadline, "the import did not reach its second batch in time"
                time.sleep(0.2)
            os.kill(process.pid, signal.SIGKILL)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)

    run = LegacyRun.objects.get()
    assert run.status == LegacyRunStatus.IMPORTING and 2 <= run.batches_done < run.batches_total
    halfway = _imported()
    assert 0 < halfway[0] < uninterrupted[0]

    outcome = import_export(directory=export, batch_size=5, report_path=tmp_path / "report.csv")

    assert _imported() == uninterrupted
    assert outcome.imported["dossier"] == uninterrupted[0] - halfway[0]
    assert LegacyRun.objects.get().status == LegacyRunStatus.DONE
    assert reconcile(export).clean
