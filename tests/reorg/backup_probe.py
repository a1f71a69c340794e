"""Run against a restored installation (DATABASE_URL, MOTCUA_VAR_DIR of the restore) by test_backup.py:
the public lookup answers for a dossier code, a stored file reads back with its checksum, and the reception
officer accepts a dossier received before the backup. Prints what it saw as JSON."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")


def main(code: str, last4: str, dossier_id: int, officer_id: int, ref: str, now: str) -> None:
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from motcua.accounts.models import User
    from motcua.dossiers import files, services
    from motcua.dossiers.models import Dossier

    html = Client().post(reverse("portal:lookup"), {"ma_ho_so": code, "so_cuoi": last4}).content.decode()
    with files.open_stored(ref) as stream:
        sha = hashlib.file_digest(stream, "sha256").hexdigest()
    dossier = services.accept(
        dossier=Dossier.objects.get(pk=dossier_id),
        by=User.objects.get(pk=officer_id),
        now=dt.datetime.fromisoformat(now),
    )
    print(
        json.dumps(
            {
                "lookup_found": 'data-testid="lookup-result"' in html,
                "file_sha256": sha,
                "state": dossier.state,
                "open_steps": dossier.steps.filter(finished_at__isnull=True).count(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6])
