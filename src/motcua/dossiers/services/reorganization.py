"""Re-routing an in-flight dossier when a reorganization ends its agency (``motcua.reorg`` decides where).

The dossier keeps its code, history, deadlines, appointment and documents; its competent agency (and the
receiving agency, when that one ended too) changes, the current step's performer is resolved again under the
workflow version it was received with, and an officer assigned to the step keeps it only if they hold the
step's role at the new agency. The move is an event (``reorganized``): the applicant reads it in plain
words, the national portal gets the new processing agency through the outbox. Basis: Decree 118/2025/NĐ-CP
(the one-stop mechanism: the competent agency handles the dossier received; which article governs a
dossier in flight when its agency ends is "[kiểm tra]"), docs/reorg.md.

Open consultations addressed to an agency that ended go to its successor, as the receiving agency does;
answered ones keep the agency that answered. ``reroute_batch`` moves many dossiers at once with the same
rules (the performers and roles resolved once per distinct key, a few grouped UPDATEs, the events written
together): the apply's batches take it, and fall back to ``reroute`` one by one when a row lost a race."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F

from motcua.catalog.models import WorkflowStep
from motcua.core.errors import DomainError
from motcua.dossiers import errors, events, locking, lookups
from motcua.dossiers.constants import TERMINAL_STATES
from motcua.dossiers.models import Consultation, Dossier, DossierStep
from motcua.dossiers.services.steps import keep_step_on_row, performer_of, save_dossier
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


@dataclass(frozen=True)
class Move:
    """Where one dossier goes (``motcua.reorg.selectors.Routing`` decided): ``successors`` maps an ended
    agency's id to the agency taking over from it for this dossier's procedure and place."""

    dossier: Dossier
    competent_agency: Agency
    place_unit: AdministrativeUnit | None
    successors: Mapping[int, Agency]


@dataclass
class _Resolved:
    """The reads a move needs, each made once per distinct key (one dossier, or a whole batch)."""

    on: dt.date
    performers: dict[tuple[Any, ...], tuple[Agency, str]] = field(default_factory=dict)
    roles: dict[tuple[int, str, int], bool] = field(default_factory=dict)
    agencies: dict[int, Agency | None] = field(default_factory=dict)

    def agency(self, pk: int) -> Agency | None:
        if pk not in self.agencies:
            self.agencies[pk] = lookups.agency(pk=pk)
        return self.agencies[pk]

    def performer(
        self, dossier: Dossier, step: WorkflowStep, successors: Mapping[int, Agency]
    ) -> tuple[Agency, str]:
        # What ``performer_after`` reads: the step, the dossier's agencies and place, the named successor.
        named = successors.get(step.performer_agency_id) if step.performer_agency_id is not None else None
        key = (
            step.pk,
            dossier.competent_agency_id,
            dossier.receiving_agency_id,
            dossier.place_unit_id,
            named.pk if named is not None else None,
        )
        if key not in self.performers:
            self.performers[key] = performer_after(dossier, step, successors=successors, on=self.on)
        return self.performers[key]

    def has_role(self, *, user: Any, role: str, agency: Agency) -> bool:
        key = (user.pk, role, agency.pk)
        if key not in self.roles:
            self.roles[key] = org_selectors.has_role(user=user, role=role, agency=agency, on=self.on)
        return self.roles[key]


@dataclass(frozen=True)
class _Change:
    """One dossier changed in memory, ready to be written with its event."""

    dossier: Dossier
    from_agency: Agency
    from_step_agency_id: int | None
    to_agency: Agency
    assignee_cleared: bool
    consultations: list[Consultation]


def _change(
    dossier: Dossier,
    *,
    competent_agency: Agency,
    place_unit: AdministrativeUnit | None,
    successors: Mapping[int, Agency],
    consultations: list[Consultation],
    resolved: _Resolved,
) -> _Change | None:
    """Change the dossier (and its current step and open consultations) in memory; None when nothing
    changes (ended meanwhile, or already there)."""
    if dossier.state in TERMINAL_STATES:
        return None
    old_competent = resolved.agency(dossier.competent_agency_id) or dossier.competent_agency
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
        agency, role = resolved.performer(dossier, current.step, successors)
        if current.agency_id != agency.pk or current.role != role:
            current.agency = agency
            current.role = role
            changed = True
        assignee = current.assignee
        if assignee is not None and not resolved.has_role(user=assignee.user, role=role, agency=agency):
            current.assignee = None
            cleared = True
            changed = True
    # An open request for an opinion follows the consulted agency to its successor; an answer stays
    # with the agency that gave it.
    readdressed = []
    for consultation in consultations:
        if consultation.answered_at is None and consultation.agency_id in successors:
            consultation.agency = successors[consultation.agency_id]
            readdressed.append(consultation)
    if not changed and not readdressed:
        return None
    keep_step_on_row(dossier)
    return _Change(
        dossier=dossier,
        from_agency=old_competent,
        from_step_agency_id=old_step_agency,
        to_agency=competent_agency,
        assignee_cleared=cleared,
        consultations=readdressed,
    )


def _recorded(change: _Change, *, now: dt.datetime, plan: str, reason: str) -> None:
    events.reorganized(
        change.dossier,
        now=now,
        plan=plan,
        from_agency=change.from_agency,
        to_agency=change.to_agency,
        from_step_agency_id=change.from_step_agency_id,
        assignee_cleared=change.assignee_cleared,
        consultations=[c.pk for c in change.consultations],
        reason=reason,
    )


def _open_consultations(dossier_ids: list[int], agency_ids: set[int]) -> dict[int, list[Consultation]]:
    found: dict[int, list[Consultation]] = defaultdict(list)
    if not dossier_ids or not agency_ids:
        return found
    rows = Consultation.objects.filter(
        dossier_id__in=dossier_ids, agency_id__in=agency_ids, answered_at__isnull=True
    ).order_by("pk")
    for consultation in rows:
        found[consultation.dossier_id].append(consultation)
    return found


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

    ``successors``: old agency id -> the agency taking over from it, for the receiving agency, a step
    performed by a named agency and an open consultation when those ended. The dossier's UPDATE checks the
    version of the caller's copy and takes the row lock (``locking.defer``, one statement for the lock and
    the write); when someone acted since the copy was read, the row is taken as it is now (``locking.lock``)
    and moved: an officer's concurrent action either committed before (and is kept) or waits and then works
    on the moved dossier. Returns None, changing nothing, when the dossier has ended meanwhile or is already
    there."""

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
    change = _change(
        dossier,
        competent_agency=competent_agency,
        place_unit=place_unit,
        successors=successors,
        consultations=_open_consultations([dossier.pk], set(successors))[dossier.pk],
        resolved=_Resolved(on=on),
    )
    if change is None:
        return None
    current = dossier.current_step
    save_dossier(dossier)  # the dossier's row first (its lock), then its step, as every service does
    if current is not None:
        current.save(update_fields=["agency", "role", "assignee"])
    for consultation in change.consultations:
        consultation.save(update_fields=["agency"])
    _recorded(change, now=now, plan=plan, reason=reason)
    return dossier


# The dossier columns a move changes (``_change``; the step's copied onto the row by ``keep_step_on_row``).
_MOVED_COLUMNS = (
    "competent_agency_id",
    "place_unit_id",
    "receiving_agency_id",
    "step_agency_id",
    "step_role",
    "step_assignee_id",
)


@service
def reroute_batch(
    *, moves: list[Move], on: dt.date, now: dt.datetime, plan: str, reason: str
) -> dict[int, Dossier | DomainError | None]:
    """Move many in-flight dossiers as ``reroute`` moves each, in the caller's transaction: dossier id -> the
    moved dossier, None (nothing to change) or the DomainError that kept that one dossier where it was. The
    given dossiers are changed in place (read them again if the caller's savepoint rolls back).

    The moves are worked out in memory, with each performer and role read once per distinct key; then the
    dossiers are written by a few UPDATEs (one per distinct set of new values and version read) whose WHERE
    names the version as read, then their steps and re-addressed consultations, then one event each
    (written together at the end of the unit of work, with their outbox messages). When a row's version
    moved since it was read (someone acted first), nothing of the batch is kept: ``dossier.conflict`` is
    raised for the caller to roll back its savepoint and move those dossiers one by one (``reroute``)."""
    resolved = _Resolved(on=on)
    consultations = _open_consultations(
        [m.dossier.pk for m in moves], {pk for m in moves for pk in m.successors}
    )
    outcomes: dict[int, Dossier | DomainError | None] = {}
    changes: list[_Change] = []
    for move in moves:
        dossier = move.dossier
        try:
            change = _change(
                dossier,
                competent_agency=move.competent_agency,
                place_unit=move.place_unit,
                successors=move.successors,
                consultations=consultations.get(dossier.pk, []),
                resolved=resolved,
            )
        except DomainError as exc:
            outcomes[dossier.pk] = exc
            continue
        outcomes[dossier.pk] = change.dossier if change is not None else None
        if change is not None:
            changes.append(change)
    _write_moved(changes)
    for change in changes:
        _recorded(change, now=now, plan=plan, reason=reason)
    return outcomes


def _write_moved(changes: list[_Change]) -> None:
    """The grouped UPDATEs of ``reroute_batch``: dossiers (version-checked) first, then steps and
    consultations, the order every service takes its rows in."""
    groups: dict[tuple[Any, ...], list[Dossier]] = defaultdict(list)
    for change in changes:
        dossier = change.dossier
        groups[(dossier.version, *(getattr(dossier, column) for column in _MOVED_COLUMNS))].append(dossier)
    for (version, *values), dossiers in groups.items():
        written = Dossier.objects.filter(pk__in=[d.pk for d in dossiers], version=version).update(
            version=F("version") + 1, **dict(zip(_MOVED_COLUMNS, values, strict=True))
        )
        if written != len(dossiers):
            raise locking.conflict()
        for dossier in dossiers:
            dossier.version += 1
    steps: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for change in changes:
        step = change.dossier.current_step
        if step is not None:
            steps[(step.agency_id, step.role, step.assignee_id)].append(step.pk)
    for (agency_id, role, assignee_id), ids in steps.items():
        DossierStep.objects.filter(pk__in=ids).update(agency_id=agency_id, role=role, assignee_id=assignee_id)
    consulted: dict[int, list[int]] = defaultdict(list)
    for change in changes:
        for consultation in change.consultations:
            consulted[consultation.agency_id].append(consultation.pk)
    for agency_id, ids in consulted.items():
        Consultation.objects.filter(pk__in=ids, answered_at__isnull=True).update(agency_id=agency_id)
