"""Delivery under faults: the reference national portal (its own gunicorn process) and ``motcua deliver``
workers (their own processes) on the test database; dossiers change through the engine's services.

- the portal stops during a stream of dossier changes and starts again: failed attempts are recorded while
  it is down, then every effect is recorded once, in order per dossier, and nothing ends in dead letter;
- a worker is killed (SIGKILL) after the portal committed and before it answered: after a restart the same
  key arrives again and the portal records one effect;
- two workers drain one queue with their claims forced to overlap (PostgreSQL): no key sent twice.

Each test is bounded: every wait has a timeout, every worker is killed when its block ends, and the workers
stop by themselves after ``--max-seconds``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from dossiers.dossier_catalog_world import MARRIAGE, MOVES, Hue, actor_for, hue_world, receive
from dossiers.dossier_world import move
from integrations.delivery_workers import delivering, wait_for
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.org.models import Role
from motcua.outbox.models import AttemptOutcome, DeliveryAttempt, OutboxMessage, Status

pytestmark = [
    pytest.mark.subprocess_db,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reload_world_after_module"),
]

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Monday 9 March 2026, 08:00 in Huế, an ordinary working week; in the past, so every message is due at once.
T0 = dt.datetime(2026, 3, 9, 8, 0, tzinfo=TZ)
DESTINATION = "national_portal"
CLAIM_DELAY = 0.3  # seconds between a claim and its send, in the overlap test


@pytest.fixture
def hue(transactional_db) -> Hue:
    """Huế's geography, demo organization and sample catalog, loaded again after the previous flush."""
    from motcua.operations.demo import load_demo

    load_demo(all_provinces=False)
    return hue_world(T0.date())


def received_dossier(hue: Hue, n: int) -> Dossier:
    """A marriage registration received at Phú Xuân's center (status 1) and accepted (status 2)."""
    now = T0 + dt.timedelta(minutes=n)
    dossier = receive(hue, hue.procedure(MARRIAGE), point=hue.point_phu_xuan, place=hue.phu_xuan, now=now)
    officer = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan)
    return services.accept(dossier=dossier, by=officer, now=now)


def step(hue: Hue, dossier: Dossier, *, now: dt.datetime) -> Dossier:
    """The next move on the forward path (forward, approve, sign, issue the number, return the result)."""
    current = dossier.current_step
    assert current is not None, dossier.state
    action = next(a for a in MOVES if a in current.step.actions)
    return move(dossier=dossier, by=actor_for(hue, dossier), action=action, now=now)


def portal_messages() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(destination=DESTINATION).order_by("id"))


def all_delivered() -> bool:
    messages = OutboxMessage.objects.filter(destination=DESTINATION)
    return messages.exists() and not messages.exclude(status=Status.DELIVERED).exists()


def first_receipts(received: list[dict]) -> list[dict]:
    """The portal's receipt log without the answers to redeliveries (``duplicate``), in arrival order."""
    return [r for r in received if not r["duplicate"]]


def test_a_portal_down_during_a_stream_of_changes_gets_every_effect_once_and_in_order_after_it_restarts(
    hue, national_portal, tmp_path
):
    with delivering(national_portal, tmp_path, worker_id="w1", max_seconds=55) as worker:
        dossiers = [received_dossier(hue, n) for n in range(3)]
        wait_for(
            lambda: OutboxMessage.objects.filter(destination=DESTINATION, status=Status.DELIVERED).exists(),
            timeout=20,
            what="a first message delivered while the portal is up",
            workers=(worker,),
        )

        national_portal.stop()
        moment = T0 + dt.timedelta(hours=1)
        dossiers = [step(hue, d, now=moment) for d in dossiers]  # the stream goes on while the portal is down
        wait_for(
            lambda: (
                DeliveryAttempt.objects.filter(
                    message__destination=DESTINATION, outcome=AttemptOutcome.FAILED
                ).count()
                >= 2
            ),
            timeout=20,
            what="failed attempts recorded while the portal is down",
            workers=(worker,),
        )
        failed_while_down = DeliveryAttempt.objects.filter(outcome=AttemptOutcome.FAILED).count()
        for hour in (2, 3):
            moment = T0 + dt.timedelta(hours=hour)
            dossiers = [step(hue, d, now=moment) for d in dossiers]
        assert not OutboxMessage.objects.filter(destination=DESTINATION, status=Status.DEAD).exists()

        national_portal.start()
        for hour in (4, 5, 6):  # and after it is back, to the returned result
            moment = T0 + dt.timedelta(hours=hour)
            dossiers = [step(hue, d, now=moment) if d.current_step else d for d in dossiers]
        wait_for(
            all_delivered, timeout=30, what="every message delivered after the restart", workers=(worker,)
        )

    assert failed_while_down >= 2
    assert {d.state for d in Dossier.objects.filter(pk__in=[d.pk for d in dossiers])} == {"returned"}
    messages = portal_messages()
    assert not [m for m in messages if m.status != Status.DELIVERED]
    assert sum(m.failures for m in messages) >= failed_while_down
    assert {r["error_code"] for r in national_portal.received()} == {"00"}  # nothing refused

    # Every effect recorded once: one effect per key, one per message we sent.
    effects = national_portal.effects()
    effect_keys = Counter(e["key"] for e in effects)
    assert {key: n for key, n in effect_keys.items() if n > 1} == {}
    assert {m.key for m in messages} <= set(effect_keys)

    # In order per dossier: each dossier's records arrived by event sequence (an event's status record, then
    # its progress record, share its number), and per service each number once, increasing.
    per_dossier: dict[str, list[int]] = defaultdict(list)
    per_service: dict[tuple[str, str], list[int]] = defaultdict(list)
    for receipt in first_receipts(national_portal.received()):
        per_dossier[receipt["MaHoSo"]].append(int(receipt["seq"]))
        per_service[(receipt["service"], receipt["MaHoSo"])].append(int(receipt["seq"]))
    codes = {d.code for d in Dossier.objects.filter(pk__in=[d.pk for d in dossiers])}
    assert codes == set(per_dossier)
    for code, seqs in per_dossier.items():
        assert seqs == sorted(seqs), (code, seqs)
    for (service, code), seqs in per_service.items():
        assert seqs == sorted(set(seqs)), (service, code, seqs)


def test_a_worker_killed_after_the_portal_committed_leads_to_one_effect_and_a_counted_redelivery(
    hue, national_portal, tmp_path
):
    dossiers = [received_dossier(hue, n) for n in range(2)]
    keys = {m.key for m in portal_messages()}
    assert keys
    # The portal commits, then waits before answering: the worker dies in that window.
    national_portal.faults(after_commit_delay_seconds=8)
    short_claim = {"MOTCUA_OUTBOX_CLAIM_SECONDS": "2"}
    with delivering(national_portal, tmp_path, worker_id="killed", **short_claim) as first:
        sent = wait_for(
            lambda: [r for r in national_portal.received() if r["key"] in keys],
            timeout=20,
            what="the portal received and committed a first record",
            workers=(first,),
        )
        first.kill()
    committed = {r["key"] for r in sent}
    assert not OutboxMessage.objects.filter(key__in=committed, status=Status.DELIVERED).exists()

    national_portal.clear_faults()
    with delivering(national_portal, tmp_path, worker_id="restarted", **short_claim) as second:
        wait_for(
            all_delivered, timeout=30, what="every message delivered after the restart", workers=(second,)
        )

    received = Counter(r["key"] for r in national_portal.received())
    effects = Counter(e["key"] for e in national_portal.effects())
    for key in committed:
        assert received[key] == 2, (key, received[key])  # the same key arrived again ...
        assert effects[key] == 1, (key, effects[key])  # ... and was recorded once
    again = OutboxMessage.objects.filter(destination=DESTINATION, key__in=committed)
    assert {m.status for m in again} == {Status.DELIVERED}
    assert all(m.redeliveries >= 1 for m in again), [(m.key, m.redeliveries) for m in again]
    assert DeliveryAttempt.objects.filter(message__in=again, outcome=AttemptOutcome.EXPIRED).exists()
    assert len(dossiers) == 2


def test_two_workers_with_overlapping_claims_never_send_the_same_message_twice(
    hue, national_portal, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("several delivery workers need PostgreSQL (FOR UPDATE SKIP LOCKED); SQLite runs one")
    for n in range(30):
        dossier = received_dossier(hue, n)
        step(hue, dossier, now=T0 + dt.timedelta(hours=1))
    count = OutboxMessage.objects.filter(destination=DESTINATION).count()
    # Small claims, each held a while before its send: the two workers' claims overlap in time.
    overlap = {"MOTCUA_OUTBOX_BATCH": "10", "MOTCUA_OUTBOX_CLAIM_DELAY_SECONDS": str(CLAIM_DELAY)}
    with (
        delivering(national_portal, tmp_path, worker_id="left", **overlap) as left,
        delivering(national_portal, tmp_path, worker_id="right", **overlap) as right,
    ):
        wait_for(all_delivered, timeout=40, what="the queue drained", workers=(left, right))

    received = Counter(r["key"] for r in national_portal.received())
    assert {key: n for key, n in received.items() if n > 1} == {}
    assert sum(received[m.key] for m in portal_messages()) == count
    # The claims did overlap in time. A worker held each claim at least from ``CLAIM_DELAY`` before the send
    # started (the dispatcher sleeps that long right after its claim commits) until the outcome was recorded.
    attempts = list(DeliveryAttempt.objects.filter(message__destination=DESTINATION))
    assert {a.worker for a in attempts} == {"left", "right"}
    held = [(a.worker, a.started_at - dt.timedelta(seconds=CLAIM_DELAY), a.finished_at) for a in attempts]
    assert any(
        one != other and start < other_end and other_start < end
        for one, start, end in held
        for other, other_start, other_end in held
    )
    assert {a.outcome for a in attempts} == {AttemptOutcome.DELIVERED}
