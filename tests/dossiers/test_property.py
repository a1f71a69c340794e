"""Random valid and invalid action sequences never corrupt a dossier.

Invariants after every action: one current step exactly when the dossier is being processed, the
appointment never moves earlier and moves later only with a logged apology or the restart of a stopped
clock, a rejected action changes nothing, and the event log replays to the stored state.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from motcua.core.errors import DomainError
from motcua.dossiers import selectors, services
from motcua.dossiers.models import (
    Consultation,
    Dossier,
    DossierStep,
    EventKind,
    State,
    StopNotice,
    WithdrawalRequest,
)
from motcua.dossiers.replay import current_as_replayed, replay
from motcua.org.models import Role

from .dossier_world import T0, move, receive_px_for_pv

PROCESSING = {State.IN_PROCESS, State.RESULT_READY, State.SUPPLEMENT, State.CONSULTING}
MOVES = ["forward", "approve", "sign", "issue_number", "return", "refuse", "return_result"]
OPS = [
    *MOVES,
    "accept",
    "reception_supplement",
    "refuse_reception",
    "supply",
    "request_supplement",
    "consult",
    "answer",
    "withdraw",
    "accept_withdrawal",
    "decline_withdrawal",
    "propose_stop",
    "sign_stop",
    "decline_stop",
    "assign",
    "apology",
]
# Ending actions are drawn rarely so that most sequences travel deep into the workflow.
ENDING = ("refuse", "refuse_reception", "withdraw", "accept_withdrawal", "sign_stop")
WEIGHTED = [op for op in OPS for _ in range(1 if op in ENDING else 6)]


def test_random_action_sequences_keep_the_dossier_consistent(world):
    by_role = {
        (world.ubnd_phu_xuan.pk, Role.RECEPTION_OFFICER): world.officer_px,
        (world.ubnd_phu_vang.pk, Role.SPECIALIST): world.specialist_pv,
        (world.ubnd_phu_vang.pk, Role.HEAD): world.head_pv,
        (world.ubnd_phu_vang.pk, Role.LEADER): world.leader_pv,
        (world.ubnd_phu_vang.pk, Role.CLERK): world.clerk_pv,
    }
    everyone = [
        world.officer_px,
        world.specialist_pv,
        world.specialist2_pv,
        world.head_pv,
        world.leader_pv,
        world.clerk_pv,
        world.citizen,
        world.stranger,
        world.dept_specialist,
        world.specialist_px,
    ]

    class DossierMachine(RuleBasedStateMachine):
        @initialize(complete=st.booleans())
        def receive(self, complete):
            documents = [services.DocumentInput(code="TK")] + (
                [services.DocumentInput(code="XNTT")] if complete else []
            )
            self.now = T0
            self.dossier = receive_px_for_pv(world, documents=documents, now=self.now)
            self.appointment = None

        def right_actor(self, op=""):
            step = self.dossier.current_step
            if op in ("accept_withdrawal", "decline_withdrawal", "sign_stop", "decline_stop", "refuse"):
                return world.leader_pv  # the leader of the competent agency decides every ending
            if self.dossier.state == State.CONSULTING:
                return world.dept_specialist
            if self.dossier.state in (State.SUPPLEMENT, State.RECEPTION_SUPPLEMENT):
                return world.citizen
            if step is None:
                return world.officer_px
            return by_role.get((step.agency_id, step.role), world.stranger)

        def do(self, op, by, reason):
            d = Dossier.objects.get(pk=self.dossier.pk)
            before = (d.version, d.events.count())
            try:
                if op in MOVES:
                    move(dossier=d, by=by, action=op, reason=reason, now=self.now)
                elif op == "accept":
                    services.accept(dossier=d, by=by, now=self.now)
                elif op in ("reception_supplement", "request_reception_supplement"):
                    services.request_reception_supplement(
                        dossier=d, by=by, missing=["XNTT"], reason=reason, now=self.now
                    )
                elif op == "refuse_reception":
                    services.refuse_reception(dossier=d, by=by, reason=reason, now=self.now)
                elif op == "supply":
                    services.supply_documents(
                        dossier=d, by=by, documents=[services.DocumentInput(code="XNTT")], now=self.now
                    )
                elif op == "request_supplement":
                    services.request_supplement(dossier=d, by=by, missing=["TK"], reason=reason, now=self.now)
                elif op == "consult":
                    services.consult(
                        dossier=d, by=by, agency=world.department, question=reason or "?", now=self.now
                    )
                elif op == "answer":
                    consultation = Consultation.objects.filter(dossier=d, answered_at__isnull=True).first()
                    if consultation is not None:
                        services.answer_consultation(
                            consultation=consultation, by=by, answer="Đồng ý", now=self.now
                        )
                elif op == "withdraw":
                    services.request_withdrawal(dossier=d, by=by, reason=reason, now=self.now)
                elif op in ("accept_withdrawal", "decline_withdrawal"):
                    request = WithdrawalRequest.objects.filter(dossier=d, outcome="").first()
                    if request is not None and op == "accept_withdrawal":
                        services.accept_withdrawal(
                            request=request,
                            by=by,
                            originals_returned="Tờ khai",
                            fee_refunded=False,
                            fee_note=reason,
                            now=self.now,
                        )
                    elif request is not None:
                        services.decline_withdrawal(request=request, by=by, reason=reason, now=self.now)
                elif op == "propose_stop":
                    services.propose_stop(dossier=d, by=by, reasons=reason, now=self.now)
                elif op in ("sign_stop", "decline_stop"):
                    notice = StopNotice.objects.filter(dossier=d, outcome="").first()
                    if notice is not None and op == "sign_stop":
                        services.sign_stop(notice=notice, by=by, now=self.now)
                    elif notice is not None:
                        services.decline_stop(notice=notice, by=by, note=reason, now=self.now)
                elif op == "assign":
                    services.assign_step(dossier=d, by=by, assignee=world.specialist2_pv.staff, now=self.now)
                elif op == "apology" and d.appointment_at is not None:
                    notice = services.draft_apology(
                        dossier=d,
                        by=by,
                        reason=reason,
                        new_appointment_at=d.appointment_at + dt.timedelta(days=1),
                        now=self.now,
                    )
                    services.sign_apology(notice=notice, by=world.leader_pv, now=self.now)
            except DomainError:
                after = Dossier.objects.get(pk=d.pk)
                assert (after.version, after.events.count()) == before, (
                    "a rejected action changed the dossier"
                )
            self.dossier = Dossier.objects.select_related("current_step", "current_step__step").get(pk=d.pk)

        @rule(
            op=st.sampled_from(WEIGHTED),
            right=st.integers(0, 4).map(bool),
            other=st.sampled_from(everyone),
            hours=st.integers(min_value=0, max_value=30),
            with_reason=st.integers(0, 4).map(bool),
        )
        def act(self, op, right, other, hours, with_reason):
            """Any operation by the right actor or by anyone, sometimes without a reason."""
            self.now += dt.timedelta(hours=hours)
            self.do(op, self.right_actor(op) if right else other, "Lý do kiểm thử" if with_reason else "")

        @rule(choice=st.integers(min_value=0, max_value=20), hours=st.integers(min_value=0, max_value=12))
        def advance(self, choice, hours):
            """One of the actions the page would offer the right actor (the path forward is drawn often)."""
            self.now += dt.timedelta(hours=hours)
            by = self.right_actor()
            offered = selectors.allowed_actions(dossier=self.dossier, user=by, now=self.now)
            if self.dossier.state == State.CONSULTING:
                offered = ["answer"]
            offered = [
                op for op in offered if op not in ("withdraw", "refuse", "refuse_reception")
            ] or offered
            if offered:
                self.do(offered[choice % len(offered)], by, "Lý do kiểm thử")

        @invariant()
        def one_current_step_while_processing(self):
            d = self.dossier
            open_steps = list(DossierStep.objects.filter(dossier=d, finished_at__isnull=True))
            if d.state in PROCESSING:
                assert len(open_steps) == 1 and d.current_step_id == open_steps[0].pk
            else:
                assert open_steps == [] and d.current_step_id is None

        @invariant()
        def appointment_moves_only_later_and_only_when_logged(self):
            d = self.dossier
            if d.appointment_at != self.appointment:
                if self.appointment is not None:
                    assert d.appointment_at > self.appointment
                    last = d.events.order_by("-sequence").first()
                    assert last.kind in (EventKind.APOLOGY_SIGNED, EventKind.SUPPLEMENT_PROVIDED)
                self.appointment = d.appointment_at

        @invariant()
        def the_log_replays_to_the_state(self):
            d = self.dossier
            events = list(d.events.order_by("sequence"))
            assert [e.sequence for e in events] == list(range(1, len(events) + 1))
            replayed = replay(events)
            expected = current_as_replayed(d)
            expected.appointments = replayed.appointments
            assert replayed == expected

    run_state_machine_as_test(
        DossierMachine,
        settings=settings(
            max_examples=30, stateful_step_count=40, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
