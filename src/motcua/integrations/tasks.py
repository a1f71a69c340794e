"""Background tasks (django-tasks, database backend; ``motcua worker`` runs them).

``submit_offline_dossiers``: submit the dossiers the counter recorded while the online path was down, once
the national e-ID answers again (``online_path.is_up``); while it does not, the task runs again after
``MOTCUA_OFFLINE_RETRY_SECONDS``. ``motcua submit_offline`` does the same from the command line (cron).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from motcua.dossiers import selectors, services
from motcua.integrations import online_path

logger = logging.getLogger(__name__)


def submit_offline_now() -> int | None:
    """Submit every pending offline dossier if the online path is up: how many, or None when it is down."""
    if not online_path.is_up():
        return None
    submitted = services.submit_pending_offline()
    if submitted:
        logger.info("submitted %d dossiers recorded offline", len(submitted))
    return len(submitted)


@task()
def submit_offline_dossiers() -> int:
    """Submit the pending offline dossiers; while the online path is down, try again later."""
    done = submit_offline_now()
    if done is None and selectors.pending_offline_count():
        later = timezone.now() + dt.timedelta(seconds=settings.MOTCUA_OFFLINE_RETRY_SECONDS)
        submit_offline_dossiers.using(run_after=later).enqueue()
    return done or 0
