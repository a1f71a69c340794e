"""The signing worker's task (django-tasks, queue "signing"; ``motcua worker`` runs that queue).

Web processes import this module to queue a job; only the task's body, run by the worker, imports
``signing.worker`` and with it the key sources (``signing.keys``): keys are never loaded by a web process.
"""

from __future__ import annotations

from django_tasks import task

QUEUE = "signing"


@task(queue_name=QUEUE)
def make_signature(job_id: int) -> str:
    """Make one signature job; returns its state (``done`` or ``failed``: a failure is kept on the job)."""
    from motcua.signing import worker  # the keys are loaded here, in the worker process only

    return str(worker.run(job_id).state)
