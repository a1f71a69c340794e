"""Re-routing an in-flight dossier when a reorganization ends its agency (``motcua.reorg`` decides where).

The dossier keeps its code, history, deadlines, appointment and documents; its competent agency (and the
receiving agency, when that one ended too) changes, the current step's performer is resolved again under the
workflow version it was received with, and an officer assigned to the step keeps it only if they hold the
step's role at the new agency. The move is an event (``reorganized``): the applicant reads it in plain
words, the national portal gets the new processing agency through the outbox. Basis: Decree 118/2025/NĐ-CP
(the one-stop mechanism: the competent agency handles the dossier received; which article governs a
dossier in flight when its agency ends is "[kiểm tra]"), docs/reorg.md."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from motcua.catalog.models import WorkflowStep
from motcua.core.errors import DomainError
from motcua.dossiers import errors, events, locking, lookups
from motcua.dossiers.constants import TERMINAL_STATES
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.steps import performer_of, save_dossier
from motcua.dossiers.services.unit import service
from motcua.geo.models import AdministrativeUnit
from motcua.org import selectors as org_selectors
from motcua.org.models import Agency


def performer_after(
    dossier: Dossier, step: WorkflowStep, *, successors: Mapping[int, Agency], on: dt.date
) -> tuple[Agency, str]:
    """Who performs ``step`` once the dossier moved: a named agency that ended gives way to its successor;
    the other performer rules resolve again on the moved dossier (``steps.performer_of``)."""
    if step.performer_agency_id is not None and step.performer_agency_id in successors:
        return successors[step.performer_agency_id], step.role
    return performer_of(dossier, step, on=on)


@service
def reroute(
    *,
    dossier: Dossier,
    competent_agency: Agency,
    place_unit: AdministrativeUnit | None,
    successors: Mapping[int, Agency],
    on: dt.date,
    now: dt.datetime,
    plan: str,
    reason: str,
) -> Dossier | None:
    """Move one in-flight dossier to ``competent_agency`` (its place mapped to ``place_unit``) as of ``on``.

    ``successors``: old agency id -> the agency taking over from it, for the receiving agency and a step
    performed by a named agency when those ended. The dossier's UPDATE checks the version of the caller's
    copy and takes the row lock (``locking.defer``, one statement for the lock and the write); when someone
    acted since the copy was read, the row is taken as it is now (``locking.lock``) and moved: an officer's
    concurrent action either committed before (and is kept) or waits and then works on the moved dossier.
    Returns None, changing nothing, when the dossier has ended meanwhile or is already there."""

    def move(row: Dossier) -> Dossier | None:
        return _move(
            row,
            competent_agency=competent_agency,
            place_unit=place_unit,
            successors=successors,
            on=on,
            now=now,
            plan=plan,
            reason=reason,
        )

    try:
        return move(locking.defer(dossier))
    except DomainError as exc:
        if exc.code != errors.CONFLICT:
            raise
    return move(locking.lock(dossier, check_version=False))


def _move(
    dossier: Dossier,
    *,
    competent_agency: Agency,
    place_unit: AdministrativeUnit | None,
    successors: Mapping[int, Agency],
    on: dt.date,
    now: dt.datetime,
    plan: str,
    reason: str,
) -> Dossier | None:
    if dossier.state in TERMINAL_STATES:
        return None
    old_competent = lookups.agency(pk=dossier.competent_agency_id) or dossier.competent_agency
    old_step_agency = dossier.step_agency_id
    changed = dossier.competent_agency_id != competent_agency.pk
    dossier.competent_agency = competent_agency
    if place_unit is not None and dossier.place_unit_id != place_unit.pk:
        dossier.place_unit = place_unit
        changed = True
    if dossier.receiving_agency_id in successors:
        dossier.receiving_agency = successors[dossier.receiving_agency_id]
        changed = True
    cleared = False
    current = dossier.current_step
    if current is not None:
        agency, role = performer_after(dossier, current.step, successors=successors, on=on)
        if current.agency_id != agency.pk or current.role != role:
            current.agency = agency
            current.role = role
            changed = True
        assignee = current.assignee
        if assignee is not None and not org_selectors.has_role(
            user=assignee.user, role=role, agency=agency, on=on
        ):
            current.assignee = None
            cleared = True
            changed = True
    if not changed:
        return None
    save_dossier(dossier)  # the dossier's row first (its lock), then its step, as every service does
    if current is not None:
        current.save(update_fields=["agency", "role", "assignee"])
    events.reorganized(
        dossier,
        now=now,
        plan=plan,
        from_agency=old_competent,
        to_agency=competent_agency,
        from_step_agency_id=old_step_agency,
        assignee_cleared=cleared,
        reason=reason,
    )
    return dossier
