"""How the services write (issue 13): one transaction per intention, the version check in the dossier's
UPDATE, sequences and numbers drawn by the statements that write them, nothing read back that is held."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierCodeCounter, DossierEvent, DossierRegisterEntry, State
from motcua.dossiers.services import ApplicantInfo, CounterDecision, DocumentInput
from motcua.dossiers.services.unit import unit_of_work
from motcua.outbox.models import OutboxMessage, Topic

from .dossier_world import COMPLETE, T0, accepted, receive_px_for_pv, to_review

H = dt.timedelta(hours=1)


def counter_walk_in(world, *, decision: str, documents=COMPLETE):
    return services.receive_and_decide(
        by=world.officer_px,
        decision=decision,
        reception_point=world.point_phu_xuan,
        procedure=world.procedure,
        place_unit=world.phu_vang,
        applicant_info=ApplicantInfo(name="Nguyễn Thị Hoa", id_number="046190000001"),
        documents=documents,
        now=T0,
    )


def savepoints(queries) -> int:
    return sum(q["sql"].startswith("SAVEPOINT") for q in queries.captured_queries)


def test_receive_and_decide_is_one_transaction_without_a_savepoint_per_service(world):
    with CaptureQueriesContext(connection) as queries:
        dossier = counter_walk_in(world, decision=CounterDecision.ACCEPT)
    assert dossier.state == State.IN_PROCESS
    assert savepoints(queries) == 1  # the test's transaction holds it; in production it is BEGIN ... COMMIT


def test_an_error_in_a_service_joined_by_another_rolls_the_whole_intention_back(world):
    with pytest.raises(DomainError) as error:
        counter_walk_in(world, decision=CounterDecision.ACCEPT, documents=[DocumentInput(code="TK")])
    assert error.value.code == "reception.incomplete"
    assert not Dossier.objects.exists()
    # The code of the day was given back with the rest: the next walk-in takes it.
    assert not DossierCodeCounter.objects.filter(last__gt=0).exists()
    assert counter_walk_in(world, decision=CounterDecision.ACCEPT).code.endswith("-0001")


def test_a_stale_copy_at_accept_gets_a_conflict_and_writes_nothing(world):
    dossier = receive_px_for_pv(world)
    stale = Dossier.objects.get(pk=dossier.pk)
    services.accept(dossier=dossier, by=world.officer_px, now=T0)
    with pytest.raises(DomainError) as error:
        services.accept(dossier=stale, by=world.officer_px, now=T0)
    assert error.value.code == "dossier.conflict"
    assert dossier.steps.count() == 1 and DossierRegisterEntry.objects.filter(dossier=dossier).count() == 1
    assert stale.state == State.SUBMITTED and stale.current_step is None  # the caller's object is untouched


def test_a_refused_step_action_leaves_the_callers_dossier_and_step_as_they_were(world):
    dossier = to_review(world)
    stale = Dossier.objects.select_related("current_step").get(pk=dossier.pk)
    services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 2 * H)
    step = stale.current_step
    with pytest.raises(DomainError):
        services.perform(dossier=stale, by=world.specialist_pv, action="forward", now=T0 + 2 * H)
    assert stale.current_step is step and step.finished_at is None and stale.state == State.IN_PROCESS
    assert dossier.steps.filter(finished_at__isnull=True).count() == 1


def test_steps_and_events_are_numbered_in_order_and_the_service_knows_the_numbers(world):
    dossier = accepted(world)
    dossier = services.perform(dossier=dossier, by=world.officer_px, action="forward", now=T0 + H)
    dossier = services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 2 * H)
    assert dossier.current_step.sequence == 3
    assert list(dossier.steps.values_list("sequence", flat=True)) == [1, 2, 3]
    assert dossier.current_step_id == dossier.steps.get(sequence=3).pk
    assert list(dossier.events.values_list("sequence", flat=True)) == [1, 2, 3, 4]
    assert Dossier.objects.get(pk=dossier.pk).version == dossier.version


def test_the_register_numbers_the_dossiers_of_a_point_in_order(world):
    entries = [accepted(world).register_entry for _ in range(3)]
    assert [e.number for e in entries] == [1, 2, 3]
    assert {e.register.book_label for e in entries} == {"01/2026"}
    assert entries[2].register.last == 3


def test_accept_reads_nothing_the_reception_just_wrote(world):
    dossier = receive_px_for_pv(world)
    with CaptureQueriesContext(connection) as queries:
        services.accept(dossier=dossier, by=world.officer_px, now=T0)
    read = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert not [sql for sql in read if "dossiers_" in sql.split(" FROM ")[1].split()[0]], read


def writes_to(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'INSERT INTO "{table}"')]


def test_received_and_accepted_at_once_the_dossier_is_written_once_in_its_final_state(world):
    with CaptureQueriesContext(connection) as queries:
        dossier = counter_walk_in(world, decision=CounterDecision.ACCEPT)
    assert not any(q["sql"].startswith('UPDATE "dossiers_dossier"') for q in queries.captured_queries)
    row = Dossier.objects.select_related("current_step").get(pk=dossier.pk)
    assert row.state == State.IN_PROCESS and row.version == dossier.version
    assert row.received_at == T0 and row.appointment_at == dossier.appointment_at is not None
    assert row.current_step_id == dossier.current_step.pk and row.current_step.sequence == 1
    assert row.step_agency_id == row.current_step.agency_id and row.step_role == row.current_step.role
    assert DossierRegisterEntry.objects.filter(dossier=row).exists()


def test_the_events_of_an_intention_and_their_messages_are_written_in_one_insert_each(world):
    with CaptureQueriesContext(connection) as queries:
        dossier = counter_walk_in(world, decision=CounterDecision.ACCEPT)
    assert len(writes_to(queries, "dossiers_dossierevent")) == 1
    assert len(writes_to(queries, "integrations_outboxmessage")) == 1
    events = list(dossier.events.order_by("sequence"))
    assert [(e.kind, e.sequence) for e in events] == [("submitted", 1), ("received", 2)]
    status = OutboxMessage.objects.filter(topic=Topic.DOSSIER_STATUS).order_by("id")
    assert [(m.key, m.payload["event_id"], m.payload["sequence"], m.payload["state"]) for m in status] == [
        (f"dossier:{dossier.pk}:1:status", events[0].pk, 1, State.SUBMITTED),
        (f"dossier:{dossier.pk}:2:status", events[1].pk, 2, State.IN_PROCESS),
    ]


def test_events_held_in_one_unit_for_an_existing_dossier_follow_its_last_sequence(world):
    dossier = receive_px_for_pv(world)
    with unit_of_work():
        dossier = services.accept(dossier=dossier, by=world.officer_px, now=T0)
        services.perform(dossier=dossier, by=world.officer_px, action="forward", now=T0 + H)
        assert not DossierEvent.objects.filter(sequence__gt=1).exists()  # held until the unit ends
    assert list(DossierEvent.objects.order_by("sequence").values_list("kind", "sequence")) == [
        ("submitted", 1),
        ("received", 2),
        ("step_action", 3),
    ]


def test_an_error_after_events_were_held_writes_neither_them_nor_their_messages(world):
    dossier = receive_px_for_pv(world)
    before = DossierEvent.objects.count(), OutboxMessage.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), unit_of_work():
        services.accept(dossier=dossier, by=world.officer_px, now=T0)
        raise RuntimeError("after the event")
    assert (DossierEvent.objects.count(), OutboxMessage.objects.count()) == before


def dossier_updates(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "dossiers_dossier" ')]


def test_a_step_action_sets_only_the_columns_it_changes(world):
    dossier = accepted(world)
    with CaptureQueriesContext(connection) as queries:
        dossier = services.perform(dossier=dossier, by=world.officer_px, action="forward", now=T0 + H)
    (update,) = dossier_updates(queries)
    assigned = update.split(" SET ")[1].split(" WHERE ")[0]
    assert '"current_step_id"' in assigned and '"version"' in assigned
    assert '"form_data"' not in assigned and '"applicant_name"' not in assigned and '"code"' not in assigned
    row = Dossier.objects.get(pk=dossier.pk)
    assert (row.current_step_id, row.step_role, row.version) == (
        dossier.current_step.pk,
        dossier.current_step.role,
        dossier.version,
    )


def test_a_column_written_beside_the_version_is_not_overwritten_by_a_step_action(world):
    """The deferred UPDATE leaves alone what the service did not change: a column another writer set without
    bumping the version (the national portal's code of a dossier, say) survives a step action."""
    dossier = accepted(world)
    Dossier.objects.filter(pk=dossier.pk).update(national_code="G22.99-251001-0001")
    dossier = services.perform(dossier=dossier, by=world.officer_px, action="forward", now=T0 + H)
    assert dossier.national_code is None  # the service's copy never read it
    assert Dossier.objects.get(pk=dossier.pk).national_code == "G22.99-251001-0001"


def test_a_copy_returned_by_a_deferred_service_is_written_in_full_by_the_next_one(world):
    """A dossier returned by a step action (its check deferred to its UPDATE) and handed to the next service
    is judged afresh: every change of the next service reaches the row."""
    dossier = to_review(world)
    dossier = services.request_supplement(
        dossier=dossier, by=world.specialist_pv, missing=["TK"], reason="Ký thiếu", now=T0 + 2 * H
    )
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUPPLEMENT
    dossier = services.supply_documents(
        dossier=dossier, by=world.citizen, documents=[DocumentInput(code="TK")], now=T0 + 26 * H
    )
    assert Dossier.objects.get(pk=dossier.pk).state == State.IN_PROCESS == dossier.state
    dossier = services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 27 * H)
    row = Dossier.objects.get(pk=dossier.pk)
    assert (row.state, row.current_step_id, row.version) == (
        State.IN_PROCESS,
        dossier.current_step.pk,
        dossier.version,
    )


def register_statements(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if '"dossiers_dossierregister' in q["sql"]]


def test_the_register_line_is_drawn_and_written_by_one_statement(world):
    first = counter_walk_in(world, decision=CounterDecision.ACCEPT)
    entry = DossierRegisterEntry.objects.select_related("register").get(dossier=first)
    assert (entry.number, entry.register.last, entry.register.book_label) == (1, 1, "01/2026")
    with CaptureQueriesContext(connection) as queries:
        second = counter_walk_in(world, decision=CounterDecision.ACCEPT)
    # PostgreSQL: a data-modifying WITH; SQLite: an INSERT … SELECT whose trigger writes the number back.
    assert len(register_statements(queries)) == 1
    entry = DossierRegisterEntry.objects.select_related("register").get(dossier=second)
    assert (entry.number, entry.register.last) == (2, 2)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the write-back trigger is SQLite's")
def test_sqlite_a_connection_without_the_write_back_trigger_creates_it_and_sets_the_book_once(world):
    counter_walk_in(world, decision=CounterDecision.ACCEPT)
    # A new connection has no TEMP trigger; a transaction that rolled back its creation neither.
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER IF EXISTS "motcua_draw_dossiers_dossierregisterentry"')
    with CaptureQueriesContext(connection) as queries:
        second = counter_walk_in(world, decision=CounterDecision.ACCEPT)
    assert any("CREATE TEMP TRIGGER" in sql for sql in register_statements(queries))
    third = counter_walk_in(world, decision=CounterDecision.ACCEPT)
    entries = DossierRegisterEntry.objects.select_related("register").filter(dossier__in=[second, third])
    assert sorted((e.number, e.register.last) for e in entries) == [(2, 3), (3, 3)]


def test_a_reception_that_rolls_back_gives_its_register_number_back(world):
    counter_walk_in(world, decision=CounterDecision.ACCEPT)
    with pytest.raises(DomainError), transaction.atomic():
        counter_walk_in(world, decision=CounterDecision.ACCEPT)
        raise DomainError("test.rollback", "Hủy")
    entry = DossierRegisterEntry.objects.select_related("register").get(
        dossier=counter_walk_in(world, decision=CounterDecision.ACCEPT)
    )
    assert (entry.number, entry.register.last) == (2, 2)
