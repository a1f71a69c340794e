"""Writes of the reorganization: loading, cancelling and applying a plan (docs/reorg.md).

Applying runs in two phases. The organization changes come first, in one transaction: old units, agencies,
reception points and positions end the day before the effective date (``valid_to`` = the effective date,
exclusive), new ones open, competence rules move, staff take their new positions, new agencies get office
hours, and each ended agency records its successors (``AgencySuccession`` with their shares; in the
organization ``Agency.successors``, all of which read its archive, and ``Agency.successor`` = the first, main
one). Every change checks what is already there, so a second run changes nothing. Then the in-flight
dossiers move in batches, each batch one transaction with the run's progress (``PlanRun``): a run stopped
half-way resumes after the last dossier it committed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.calendar import services as calendar_services
from motcua.calendar.models import OfficeHours
from motcua.catalog import services as catalog_services
from motcua.catalog.models import Procedure
from motcua.core import snapshots
from motcua.core.errors import DomainError
from motcua.dossiers import errors as dossier_errors
from motcua.dossiers import events
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.reorganization import Move, reroute, reroute_batch
from motcua.dossiers.services.unit import unit_of_work
from motcua.geo.models import AdministrativeUnit, UnitSuccession
from motcua.org import services as org_services
from motcua.org.models import Agency, Position, ReceptionPoint, Staff

from . import plans
from .models import AgencySuccession, Plan, PlanRun, PlanStatus, RunState
from .selectors import Routing, in_flight_at

DEFAULT_BATCH = 500
# How many failed dossiers a run keeps with their reason (the count is always complete).
FAILURES_KEPT = 1000

Progress = Callable[[int, int], None]


# --- loading and cancelling ------------------------------------------------------------------------------


@transaction.atomic
def load_plan(*, text: str) -> Plan:
    """Read, validate and save a plan's YAML (a new plan, or a draft of the same code replaced). PlanError
    lists every problem with its path; nothing is saved then."""
    return save_plan(document=plans.read(text))


@transaction.atomic
def save_plan(*, document: dict[str, Any], plan: Plan | None = None) -> Plan:
    """Save a validated ``document`` as the plan of its code (``plan``: the one being edited in the admin)."""
    plans.validate(document)
    existing = Plan.objects.select_for_update().filter(code=document["code"]).first()
    if plan is not None and existing is not None and existing.pk != plan.pk:
        raise DomainError(
            "reorg.plan_code_taken", _("Mã phương án %(plan)s đã được dùng."), plan=document["code"]
        )
    target = existing or (
        Plan.objects.select_for_update().get(pk=plan.pk) if plan is not None and plan.pk else None
    )
    if target is not None and target.status != PlanStatus.DRAFT:
        raise DomainError(
            "reorg.plan_not_draft",
            _("Phương án %(plan)s đang ở trạng thái “%(status)s”: chỉ sửa được phương án dự thảo."),
            plan=target.code,
            status=target.get_status_display(),
        )
    target = target or Plan()
    target.code = document["code"]
    target.name = document["name"]
    target.effective_at = plans.effective_moment(document)
    target.province_code = document["province"]
    target.document = document
    target.save()
    return target


@transaction.atomic
def cancel_plan(*, plan: Plan) -> Plan:
    """Cancel a plan that has not started to apply; it stays for the record."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise DomainError(
            "reorg.plan_not_cancellable",
            _("Không hủy được phương án %(plan)s: trạng thái “%(status)s” (chỉ hủy được trước khi áp dụng)."),
            plan=plan.code,
            status=plan.get_status_display(),
        )
    plan.status = PlanStatus.CANCELLED
    plan.save(update_fields=["status", "updated_at"])
    return plan


# --- organization ----------------------------------------------------------------------------------------


def _unit(code: str, on: dt.date) -> AdministrativeUnit:
    return AdministrativeUnit.objects.valid_on(on).get(code=code)


def _end(rows: Any, on: dt.date) -> None:
    """End the rows still open on ``on`` (exclusive end): from that day they no longer count."""
    rows.filter(valid_from__lt=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on)).update(valid_to=on)


def _change_units(document: dict[str, Any], on: dt.date) -> None:
    before = on - dt.timedelta(days=1)
    links: list[tuple[AdministrativeUnit, AdministrativeUnit | None, bool, bool]]
    for change in document.get("units") or []:
        kind = change["change"]
        if kind == "rename":
            old = AdministrativeUnit.objects.valid_on(before).get(code=change["code"])
            new = AdministrativeUnit.objects.filter(code=old.code, valid_from=on).first()
            if new is None:
                new = AdministrativeUnit.objects.create(
                    code=old.code,
                    name=change["name"],
                    level=old.level,
                    unit_type=old.unit_type,
                    parent=old.parent if old.parent is None or old.parent.is_valid_on(on) else None,
                    province_code=old.province_code,
                    source="reorg",
                    valid_from=on,
                )
            links = [(old, new, False, True)]
        elif kind == "merge":
            into = _unit(change["into"], on)
            links = [
                (AdministrativeUnit.objects.valid_on(before).get(code=c), into, False, True)
                for c in change["from"]
            ]
        elif kind == "split":
            old = AdministrativeUnit.objects.valid_on(before).get(code=change["from"])
            parts = change["into"]
            default = next((p["code"] for p in parts if p.get("default")), parts[0]["code"])
            links = [(old, _unit(p["code"], on), True, p["code"] == default) for p in parts]
        else:
            old = AdministrativeUnit.objects.valid_on(before).get(code=change["code"])
            links = [(old, None, False, False)]
        for predecessor, successor, partial, is_default in links:
            _end(AdministrativeUnit.objects.filter(pk=predecessor.pk), on)
            if successor is not None and successor.pk != predecessor.pk:
                UnitSuccession.objects.get_or_create(
                    predecessor=predecessor,
                    successor=successor,
                    defaults={"effective_on": on, "partial": partial, "is_default": is_default},
                )


def _open_agencies(document: dict[str, Any], on: dt.date) -> None:
    opened = (document.get("agencies") or {}).get("open") or []
    for item in opened:
        if Agency.objects.valid_on(on).filter(code=item["code"]).exists():
            continue  # prepared in advance: the plan checks it instead of creating it
        org_services.create_agency(
            code=item["code"],
            name=item["name"],
            short_name=item.get("short_name", ""),
            kind=item["kind"],
            level=item["level"],
            unit=_unit(item["unit"], on),
            address=item.get("address", ""),
            valid_from=on,
        )
    for item in opened:
        if item.get("parent"):
            Agency.objects.valid_on(on).filter(code=item["code"], parent__isnull=True).update(
                parent=Agency.objects.valid_on(on).get(code=item["parent"])
            )


def _open_reception_points(document: dict[str, Any], on: dt.date) -> None:
    for item in (document.get("reception_points") or {}).get("open") or []:
        if ReceptionPoint.objects.valid_on(on).filter(code=item["code"]).exists():
            continue
        org_services.create_reception_point(
            code=item["code"],
            name=item["name"],
            kind=item["kind"],
            agency=Agency.objects.valid_on(on).get(code=item["agency"]),
            unit=_unit(item["unit"], on),
            address=item.get("address", ""),
            valid_from=on,
        )


def _competence(document: dict[str, Any], on: dt.date) -> None:
    """Each entry moves the procedure's competence from the effective date (the schema's description):
    ``catalog.services.move_competence`` ends the rules whose scope overlaps and opens the entry's."""
    for item in document.get("competence") or []:
        catalog_services.move_competence(
            procedure=Procedure.objects.get(code=item["procedure"]),
            scope=_unit(item["scope"], on),
            on=on,
            place_basis=item["place_basis"],
            agency_rule=item["agency_rule"],
            agency=Agency.objects.valid_on(on).get(code=item["agency"]) if item.get("agency") else None,
            place_fields=item.get("place_fields") or [],
            legal_basis=item["legal_basis"],
        )


def _end_agencies(document: dict[str, Any], plan: Plan, on: dt.date) -> None:
    before = on - dt.timedelta(days=1)
    for item in (document.get("agencies") or {}).get("end") or []:
        agency = (
            Agency.objects.filter(code=item["code"], valid_from__lte=before).order_by("-valid_from").first()
        )
        assert agency is not None  # validated
        successors = [Agency.objects.valid_on(on).get(code=s["agency"]) for s in item["successors"]]
        # Every successor reads the ended agency's archive (Agency.successors); the first is the main one.
        if agency.valid_to is None or agency.valid_to > on:
            org_services.end_agency(agency=agency, on=on, successor=successors[0], successors=successors)
        else:
            org_services.add_successors(agency=agency, successors=successors)
        for entry, successor in zip(item["successors"], successors, strict=True):
            AgencySuccession.objects.get_or_create(
                plan=plan,
                predecessor=agency,
                successor=successor,
                defaults={
                    "share": entry.get("share"),
                    "units": entry.get("units") or [],
                    "procedures": entry.get("procedures") or [],
                },
            )


def _close_reception_points(document: dict[str, Any], on: dt.date) -> None:
    codes = (document.get("reception_points") or {}).get("close") or []
    if not codes:
        return
    points = ReceptionPoint.objects.filter(code__in=codes)
    _end(Position.objects.filter(reception_point__in=points), on)
    _end(points, on)


def _staff(document: dict[str, Any], on: dt.date, ended: set[str]) -> None:
    for item in document.get("staff") or []:
        staff = Staff.objects.select_related("agency").get(user__username=item["username"])
        agency = Agency.objects.valid_on(on).get(code=item["agency"])
        point = (
            ReceptionPoint.objects.valid_on(on).get(code=item["reception_point"])
            if item.get("reception_point")
            else None
        )
        _end(Position.objects.filter(staff=staff, agency__code__in=ended), on)
        if not Position.objects.valid_on(on).filter(staff=staff, role=item["role"], agency=agency).exists():
            org_services.add_position(
                staff=staff, role=item["role"], agency=agency, reception_point=point, valid_from=on
            )
        if staff.agency.code in ended and staff.agency_id != agency.pk:
            Staff.objects.filter(pk=staff.pk).update(agency=agency)


def _office_hours(document: dict[str, Any], on: dt.date) -> None:
    before = on - dt.timedelta(days=1)
    for item in document.get("office_hours") or []:
        agency = Agency.objects.valid_on(on).get(code=item["agency"])
        if OfficeHours.objects.filter(agency=agency, valid_from=on).exists():
            continue
        week: dict[int, list[tuple[dt.time, dt.time]]] = {}
        if item.get("copy_from"):
            source = OfficeHours.objects.valid_on(before).filter(agency__code=item["copy_from"]).first()
            if source is None:
                continue  # the old agency kept the default schedule: so does the new one
            for interval in source.intervals.all():
                week.setdefault(interval.weekday, []).append((interval.start, interval.end))
        for interval in item.get("intervals") or []:
            week.setdefault(interval["weekday"], []).append(
                (dt.time.fromisoformat(interval["start"]), dt.time.fromisoformat(interval["end"]))
            )
        calendar_services.set_office_hours(
            agency=agency,
            week=week,
            valid_from=on,
            note=_("Theo phương án %(code)s") % {"code": document["code"]},
        )


@transaction.atomic
def change_organization(*, plan: Plan) -> None:
    """The plan's organization changes, as of its effective date (idempotent). The dry-run runs them in a
    transaction it rolls back; the apply commits them before moving any dossier."""
    document = plan.document
    on = plans.effective_date(document)
    ended = {item["code"] for item in (document.get("agencies") or {}).get("end") or []}
    _change_units(document, on)
    _open_agencies(document, on)
    _open_reception_points(document, on)
    _competence(document, on)
    _staff(document, on, ended)
    _end_agencies(document, plan, on)
    _close_reception_points(document, on)
    _office_hours(document, on)
    snapshots.changed()  # bulk updates above: the unit's reads must see the new organization


# --- applying --------------------------------------------------------------------------------------------


def _reason(plan: Plan) -> str:
    return _("Sắp xếp tổ chức theo phương án %(code)s (%(name)s).") % {"code": plan.code, "name": plan.name}


def move_dossier(*, routing: Routing, plan: Plan, dossier: Dossier, now: dt.datetime) -> str:
    """Move one dossier; returns "moved", "skipped" (already there, or ended) or raises DomainError."""
    destination = routing.destination(code=dossier.code, row=dossier)
    if destination.agency is None:
        raise DomainError("reorg.no_destination", "%(problem)s", problem=destination.problem)
    moved = reroute(
        dossier=dossier,
        competent_agency=destination.agency,
        place_unit=destination.place,
        successors=routing.successors_for(procedure_code=dossier.procedure.code, place=destination.place),
        on=routing.on,
        now=now,
        plan=plan.code,
        reason=_reason(plan),
    )
    return "moved" if moved is not None else "skipped"


def _batch_rows(ids: list[int]) -> list[Dossier]:
    """The batch's dossiers with what a move reads, their rows locked until the batch commits (PostgreSQL;
    SQLite's IMMEDIATE transaction holds the database's write lock): officers wait, then see them moved."""
    return list(
        Dossier.objects.filter(id__in=ids)
        .select_related("procedure", "place_unit", "current_step__step", "current_step__assignee__user")
        .select_for_update(of=("self",))
        .order_by("id")
    )


def _move_batch(
    *, routing: Routing, plan: Plan, rows: list[Dossier], now: dt.datetime
) -> dict[int, str | DomainError]:
    """Move a batch of dossiers (their rows locked by the caller's read): dossier id -> "moved", "skipped"
    or the DomainError that kept it in place. Destinations and successors are resolved once per distinct
    (procedure, place, agency) and the dossiers written together (``reroute_batch``); when a row lost a race
    the batch's writes roll back to a savepoint and each dossier moves on its own (``move_dossier``)."""
    outcomes: dict[int, str | DomainError] = {}
    destinations: dict[tuple[Any, ...], Any] = {}
    successors: dict[tuple[Any, ...], dict[int, Agency]] = {}
    moves = []
    for dossier in rows:
        key: tuple[Any, ...] = (dossier.procedure_id, dossier.place_unit_id, dossier.competent_agency_id)
        # A choice in the plan names one dossier: its destination is its own.
        if dossier.code in routing.choices or key not in destinations:
            destination = routing.destination(code=dossier.code, row=dossier)
            if dossier.code in routing.choices:
                key = (*key, dossier.code)
            destinations[key] = destination
        destination = destinations[key]
        if destination.agency is None:
            outcomes[dossier.pk] = DomainError(
                "reorg.no_destination", "%(problem)s", problem=destination.problem
            )
            continue
        place_key = (dossier.procedure.code, destination.place.pk if destination.place else None)
        if place_key not in successors:
            successors[place_key] = routing.successors_for(
                procedure_code=dossier.procedure.code, place=destination.place
            )
        moves.append(
            Move(
                dossier=dossier,
                competent_agency=destination.agency,
                place_unit=destination.place,
                successors=successors[place_key],
            )
        )
    held = events.mark()
    try:
        with transaction.atomic():
            moved = reroute_batch(moves=moves, on=routing.on, now=now, plan=plan.code, reason=_reason(plan))
    except DomainError as exc:
        if exc.code != dossier_errors.CONFLICT:
            raise
        events.forget_since(held)
        fresh = {dossier.pk: dossier for dossier in _batch_rows([move.dossier.pk for move in moves])}
        for move in moves:
            held = events.mark()
            try:
                with transaction.atomic():
                    outcomes[move.dossier.pk] = move_dossier(
                        routing=routing, plan=plan, dossier=fresh[move.dossier.pk], now=now
                    )
            except DomainError as error:
                events.forget_since(held)
                outcomes[move.dossier.pk] = error
        return outcomes
    for pk, result in moved.items():
        outcomes[pk] = (
            result if isinstance(result, DomainError) else "moved" if result is not None else "skipped"
        )
    return outcomes


def _start(plan: Plan, now: dt.datetime) -> PlanRun:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == PlanStatus.CANCELLED:
        raise DomainError("reorg.plan_cancelled", _("Phương án %(plan)s đã bị hủy."), plan=plan.code)
    if now < plan.effective_at:
        raise DomainError(
            "reorg.plan_not_yet",
            _("Chỉ áp dụng được phương án %(plan)s từ %(moment)s."),
            plan=plan.code,
            moment=timezone.localtime(plan.effective_at).strftime("%H:%M %d/%m/%Y"),
        )
    if plan.status == PlanStatus.DRAFT:
        plans.validate(plan.document)  # the database may have changed since the plan was loaded
    run = PlanRun.objects.filter(plan=plan, state=RunState.RUNNING).order_by("-started_at").first()
    if run is None:
        run = PlanRun.objects.create(plan=plan, started_at=now)
    if plan.status == PlanStatus.DRAFT:
        plan.status = PlanStatus.APPLYING
        plan.save(update_fields=["status", "updated_at"])
    return run


def apply_plan(
    *,
    plan: Plan,
    batch: int = DEFAULT_BATCH,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    stop_after_batches: int | None = None,
) -> PlanRun:
    """Apply ``plan`` (at or after its effective moment): the organization, then the in-flight dossiers of the
    ended agencies, ``batch`` per transaction. Resumes an unfinished run; a finished plan is scanned again and
    finds nothing left to move (dossiers that could not move before are retried). ``stop_after_batches``:
    stop early, as a crash would (tests, operators testing a resume)."""
    now = now or timezone.now()
    with transaction.atomic():
        run = _start(plan, now)
        plan = run.plan
        if not run.organization_done:
            change_organization(plan=plan)
            run.organization_done = True
            run.save(update_fields=["organization_done"])
    routing = Routing(plan.document)
    ended = list(routing.ended_agency_ids())
    if not run.total:
        run.total = in_flight_at(agency_ids=ended, after_id=run.last_dossier_id).count()
        run.save(update_fields=["total"])
    batches = 0
    while True:
        ids = list(
            in_flight_at(agency_ids=ended, after_id=run.last_dossier_id).values_list("id", flat=True)[:batch]
        )
        if not ids:
            break
        if stop_after_batches is not None and batches >= stop_after_batches:
            return run  # stopped half-way: the next apply resumes after ``last_dossier_id``
        with unit_of_work():
            rows = _batch_rows(ids)
            outcomes = _move_batch(routing=routing, plan=plan, rows=rows, now=now)
            for dossier in rows:
                outcome = outcomes[dossier.pk]
                if isinstance(outcome, DomainError):
                    run.failed += 1
                    if len(run.failures) < FAILURES_KEPT:
                        run.failures = [*run.failures, {"dossier": dossier.code, "problem": str(outcome)}]
                elif outcome == "moved":
                    run.moved += 1
                else:
                    run.skipped += 1
            run.last_dossier_id = ids[-1]
            run.save(update_fields=["last_dossier_id", "moved", "skipped", "failed", "failures"])
        batches += 1
        if progress is not None:
            progress(run.moved + run.skipped + run.failed, run.total)
    with transaction.atomic():
        run.state = RunState.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "finished_at"])
        Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPLIED, updated_at=timezone.now())
    plan.refresh_from_db()
    return run
