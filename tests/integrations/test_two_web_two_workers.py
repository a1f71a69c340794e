"""Two web processes (gunicorn, ``motcua serve``) and two workers (``motcua worker``) on one PostgreSQL.

- a session opened once is valid on both web processes (sessions live in the database);
- the same step posted to both web processes at the same moment is taken once: one request moves the dossier,
  the other is told the dossier changed (HTTP 409) and changes nothing;
- the two workers drain the outbox those changes filled, and the reference national portal receives every
  message exactly once, from both workers.

Bounded: every wait has a timeout and every process started here is stopped when the test ends.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings

from dossiers.dossier_catalog_world import MOVES, actor_for
from integrations.delivery_workers import FAST_DELIVERY, Worker, wait_for, worker_environment
from integrations.test_delivery_faults import (  # the same world, dossiers and outbox queries
    DESTINATION,
    all_delivered,
    hue,  # noqa: F401  (fixture)
    portal_messages,
    received_dossier,
)
from motcua.dossiers.models import Dossier, EventKind
from motcua.outbox.models import AttemptOutcome, DeliveryAttempt, Status
from otp_sessions import verified_session

pytestmark = [
    pytest.mark.postgres,  # several delivery workers need FOR UPDATE SKIP LOCKED
    pytest.mark.subprocess_db,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reload_world_after_module"),
]

DOSSIERS = 4
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def process(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A child process in its own process group, stopped (then killed) with its children at the end."""
    with log.open("w") as out:
        child = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield child
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait(timeout=10)


class Web:
    """One ``motcua serve`` process on a port of its own."""

    def __init__(self, port: int, log: Path) -> None:
        self.port, self.log = port, log

    def request(self, method: str, path: str, *, cookies: dict[str, str], body: str = "") -> Any:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body.encode() or None, headers=headers)
        response = connection.getresponse()
        response.text = response.read().decode(errors="replace")
        connection.close()
        return response

    def up(self) -> bool:
        try:
            return self.request("GET", "/healthz", cookies={}).status == 200
        except OSError:
            return False


def post_together(webs: list[Web], path: str, *, cookies: dict[str, str], body: str) -> list[int]:
    """The same POST to each web process at the same moment; the statuses, in the order of ``webs``."""
    statuses = [0] * len(webs)
    start = threading.Barrier(len(webs))

    def post(n: int) -> None:
        start.wait(timeout=10)
        statuses[n] = webs[n].request("POST", path, cookies=cookies, body=body).status

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(webs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_two_web_processes_and_two_workers_act_once_and_deliver_once(hue, national_portal, tmp_path):  # noqa: F811
    dossiers = [received_dossier(hue, n) for n in range(DOSSIERS)]
    officer = actor_for(hue, dossiers[0])  # all at the first step of the workflow
    action = next(a for a in MOVES if a in dossiers[0].current_step.step.actions)
    session = verified_session(officer).cookies["sessionid"].value

    # The processes of one deployment share its secret key (sessions' auth hashes, CSRF, signed links).
    env = {**worker_environment(national_portal, tmp_path / "var"), "SECRET_KEY": settings.SECRET_KEY}
    (tmp_path / "var").mkdir()
    webs = [Web(free_port(), tmp_path / f"web{n}.log") for n in (1, 2)]
    overlap = {"MOTCUA_OUTBOX_BATCH": "2", "MOTCUA_OUTBOX_CLAIM_DELAY_SECONDS": "0.2", **FAST_DELIVERY}
    started: list[Worker] = []  # the processes, for their output when a wait fails
    with ExitStack() as stack:
        serve = [sys.executable, "-m", "motcua", "serve", "--workers", "1"]  # one gunicorn worker each
        for web in webs:
            command = [*serve, "--bind", f"127.0.0.1:{web.port}"]
            started.append(Worker(web.log.stem, stack.enter_context(process(command, env, web.log)), web.log))
        wait_for(
            lambda: all(web.up() for web in webs),
            timeout=60,
            what="both web processes up",
            workers=(*started,),
        )

        outcomes: list[tuple[str, list[int]]] = []
        for dossier in dossiers:
            path = f"/can-bo/ho-so/{dossier.code}/"
            pages = [web.request("GET", path, cookies={"sessionid": session}) for web in webs]
            assert [p.status for p in pages] == [200, 200]  # one session, valid on both processes
            csrf = re.search(r"csrftoken=([^;]+)", pages[0].getheader("Set-Cookie") or "")
            token = CSRF_FIELD.search(pages[0].text)
            assert csrf and token, pages[0].text[-500:]
            body = urlencode(
                {"csrfmiddlewaretoken": token.group(1), "action": action, "version": str(dossier.version)}
            )
            cookies = {"sessionid": session, "csrftoken": csrf.group(1)}
            statuses = post_together(webs, path + "thao-tac/", cookies=cookies, body=body)
            outcomes.append((dossier.code, sorted(statuses)))

        # Each step was taken once: one redirect to the page, one "dossier changed".
        assert [statuses for _code, statuses in outcomes] == [[302, 409]] * DOSSIERS, outcomes
        for dossier in Dossier.objects.filter(pk__in=[d.pk for d in dossiers]):
            assert dossier.events.filter(kind=EventKind.STEP_ACTION, action=action).count() == 1, dossier.code

        count = len(portal_messages())
        for n in (1, 2):
            command, log = [sys.executable, "-m", "motcua", "worker"], tmp_path / f"worker{n}.log"
            started.append(
                Worker(log.stem, stack.enter_context(process(command, {**env, **overlap}, log)), log)
            )
        wait_for(all_delivered, timeout=60, what="the two workers drained the outbox", workers=(*started,))

    received = Counter(r["key"] for r in national_portal.received())
    assert {key: n for key, n in received.items() if n > 1} == {}
    messages = portal_messages()
    assert len(messages) == count
    assert {m.status for m in messages} == {Status.DELIVERED}
    assert sum(received[m.key] for m in messages) == count
    attempts = DeliveryAttempt.objects.filter(message__destination=DESTINATION)
    assert {a.outcome for a in attempts} == {AttemptOutcome.DELIVERED}
    assert len({a.worker.rsplit(":", 1)[0] for a in attempts}) == 2  # host:pid of each of the two workers
