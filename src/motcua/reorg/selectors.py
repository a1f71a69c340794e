"""Reads of the reorganization: plans, their runs, and where an in-flight dossier goes (``Routing``).

Where a dossier of an ended agency goes, one rule for the dry-run, the apply and the forecast
(docs/reorg.md, "Where a dossier goes"):

1. its place (``Dossier.place_unit``) is mapped to the unit in force on the effective date: the unit itself
   if still in force; else the plan's own unit change (merge, split, rename); else the geography's
   ``UnitSuccession``. A place split into several units takes the plan's ``choices`` entry for that dossier;
   without one it is *ambiguous* and listed by the dry-run for a person to choose;
2. the competent agency is what the competence rules resolve on the effective date for the procedure and
   that unit (``catalog.selectors.resolve_competent_agency``, the rule reception uses);
3. when the rules resolve none, the plan's successors of the old agency for that unit and procedure decide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from motcua.catalog import selectors as catalog_selectors
from motcua.catalog.models import Procedure
from motcua.core.errors import DomainError
from motcua.dossiers.constants import TERMINAL_STATES, State
from motcua.dossiers.models import Dossier
from motcua.geo import selectors as geo_selectors
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Agency

from . import plans
from .models import Plan, PlanRun

# Dossiers the apply moves: received or waiting and not ended. Finished dossiers keep their agency (the
# statistics of the old agency stay as they were).
NOT_IN_FLIGHT_STATES = frozenset(TERMINAL_STATES)


def plan_by_code(*, code: str) -> Plan:
    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        raise DomainError("reorg.plan_not_found", _("Không có phương án mã %(plan)s."), plan=code)
    return plan


def runs_of(*, plan: Plan) -> QuerySet[PlanRun]:
    return PlanRun.objects.filter(plan=plan).order_by("-started_at")


class DossierRow(Protocol):
    """What routing reads of a dossier (a ``Dossier`` or a light row of the forecast's history)."""

    @property
    def procedure_id(self) -> int: ...

    @property
    def place_unit_id(self) -> int | None: ...

    @property
    def competent_agency_id(self) -> int | None: ...


@dataclass(frozen=True)
class Successor:
    agency: str
    share: float | None
    units: frozenset[str]
    procedures: frozenset[str]

    def takes(self, *, unit_code: str | None, procedure_code: str | None) -> bool:
        return (not self.units or unit_code in self.units) and (
            not self.procedures or procedure_code in self.procedures
        )


@dataclass(frozen=True)
class Destination:
    """Where one dossier goes: its new place and agency, or why not (``problem``); ``choices``: the units a
    person must choose between (an ambiguous split)."""

    agency: Agency | None
    place: AdministrativeUnit | None
    problem: str = ""
    choices: tuple[AdministrativeUnit, ...] = ()
    by_successor: bool = False


@dataclass
class Routing:
    """The plan's routing rule, with its lookups cached (one plan, one effective date)."""

    document: dict[str, Any]
    on: dt.date = field(init=False)
    successors: dict[str, list[Successor]] = field(init=False)
    unit_moves: dict[str, list[tuple[str, float | None, bool]]] = field(init=False)
    choices: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.on = plans.effective_date(self.document)
        self.successors = {
            item["code"]: [
                Successor(
                    agency=s["agency"],
                    share=s.get("share"),
                    units=frozenset(s.get("units") or ()),
                    procedures=frozenset(s.get("procedures") or ()),
                )
                for s in item["successors"]
            ]
            for item in (self.document.get("agencies") or {}).get("end") or []
        }
        moves: dict[str, list[tuple[str, float | None, bool]]] = {}
        for change in self.document.get("units") or []:
            if change["change"] == "merge":
                for code in change["from"]:
                    moves[code] = [(change["into"], 1.0, True)]
            elif change["change"] == "split":
                moves[change["from"]] = [
                    (p["code"], p.get("share"), bool(p.get("default"))) for p in change["into"]
                ]
            elif change["change"] == "rename":
                moves[change["code"]] = [(change["code"], 1.0, True)]
        self.unit_moves = moves
        self.choices = {c["dossier"]: c["unit"] for c in self.document.get("choices") or []}
        self._agencies: dict[str, Agency | None] = {}
        self._units: dict[int, AdministrativeUnit | None] = {}
        self._procedures: dict[int, Procedure] = {}
        self._places: dict[int, list[tuple[AdministrativeUnit, float]]] = {}
        self._ended_ids: dict[int, str] | None = None

    # --- lookups ----------------------------------------------------------------------------------

    def agency(self, code: str) -> Agency | None:
        """The agency carrying ``code`` on the effective date."""
        if code not in self._agencies:
            self._agencies[code] = Agency.objects.valid_on(self.on).filter(code=code).first()
        return self._agencies[code]

    def unit_in_force(self, code: str) -> AdministrativeUnit | None:
        try:
            return geo_selectors.unit_by_code(code=code, on=self.on)
        except DomainError:
            return None

    def unit(self, pk: int | None) -> AdministrativeUnit | None:
        if pk is None:
            return None
        if pk not in self._units:
            self._units[pk] = AdministrativeUnit.objects.filter(pk=pk).first()
        return self._units[pk]

    def procedure(self, pk: int) -> Procedure:
        if pk not in self._procedures:
            self._procedures[pk] = Procedure.objects.get(pk=pk)
        return self._procedures[pk]

    def ended_agency_ids(self) -> dict[int, str]:
        """The ids of the agencies the plan ends (their records in force the day before), with their codes."""
        if self._ended_ids is None:
            before = self.on - dt.timedelta(days=1)
            self._ended_ids = dict(
                Agency.objects.filter(code__in=list(self.successors))
                .filter(valid_from__lte=before)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.on))
                .values_list("id", "code")
            )
        return self._ended_ids

    # --- places -----------------------------------------------------------------------------------

    def new_places(self, unit: AdministrativeUnit | None) -> list[tuple[AdministrativeUnit, float]]:
        """The units in force on the effective date that ``unit`` became, with their weights (a split's
        shares, equal when the plan gives none); the default successor first."""
        if unit is None:
            return []
        if unit.pk in self._places:
            return self._places[unit.pk]
        found: list[tuple[AdministrativeUnit, float | None, bool]] = []
        if unit.code in self.unit_moves:
            for code, share, default in self.unit_moves[unit.code]:
                successor = self.unit_in_force(code)
                if successor is not None:
                    found.append((successor, share, default))
        elif unit.is_valid_on(self.on):
            found = [(unit, 1.0, True)]
        else:
            for link in geo_selectors.succession_links(unit):
                if link.successor.is_valid_on(self.on):
                    found.append((link.successor, None, link.is_default))
        found.sort(key=lambda item: not item[2])
        equal = 1 / len(found) if found else 0.0
        places = [(u, share if share is not None else equal) for u, share, _default in found]
        self._places[unit.pk] = places
        return places

    def place_of(self, dossier_code: str, unit: AdministrativeUnit | None) -> Destination:
        """The dossier's place on the effective date (``agency`` unset), or the choice a person must make."""
        if unit is None:
            return Destination(agency=None, place=None)
        chosen = self.choices.get(dossier_code)
        if chosen is not None:
            return Destination(agency=None, place=self.unit_in_force(chosen))
        places = self.new_places(unit)
        if not places:
            return Destination(
                agency=None,
                place=None,
                problem=_("địa bàn %(place)s không có đơn vị kế thừa có hiệu lực ngày %(day)s")
                % {"place": unit.name, "day": self.on.strftime("%d/%m/%Y")},
            )
        if len(places) > 1:
            return Destination(
                agency=None,
                place=None,
                problem=_("địa bàn %(place)s được chia cho nhiều đơn vị: cần chọn đơn vị (mục choices)")
                % {"place": unit.name},
                choices=tuple(u for u, _share in places),
            )
        return Destination(agency=None, place=places[0][0])

    # --- agencies ---------------------------------------------------------------------------------

    def successor_for(
        self, old_code: str, *, unit: AdministrativeUnit | None, procedure_code: str | None
    ) -> Agency | None:
        """The plan's successor of ``old_code`` taking over this unit and procedure (the first listed that
        does), or None."""
        for successor in self.successors.get(old_code, []):
            if successor.takes(unit_code=unit.code if unit else None, procedure_code=procedure_code):
                return self.agency(successor.agency)
        return None

    def successors_for(self, *, procedure_code: str, place: AdministrativeUnit | None) -> dict[int, Agency]:
        """Old agency id -> the successor taking over a dossier of this procedure in this (new) place."""
        found = {}
        for old_id, code in self.ended_agency_ids().items():
            successor = self.successor_for(code, unit=place, procedure_code=procedure_code)
            if successor is not None:
                found[old_id] = successor
        return found

    def competent_on(
        self, *, procedure: Procedure, place: AdministrativeUnit | None
    ) -> tuple[Agency | None, str]:
        try:
            return (
                catalog_selectors.resolve_competent_agency(procedure=procedure, on=self.on, place_unit=place),
                "",
            )
        except DomainError as exc:
            return None, str(exc)

    def destination(self, *, code: str, row: DossierRow) -> Destination:
        """Where the dossier ``code`` (``row``) goes on the effective date."""
        old_place = self.unit(row.place_unit_id)
        placed = self.place_of(code, old_place)
        if placed.problem:
            return placed
        procedure = self.procedure(row.procedure_id)
        agency, problem = self.competent_on(procedure=procedure, place=placed.place)
        if agency is not None:
            return Destination(agency=agency, place=placed.place)
        old_code = self.ended_agency_ids().get(row.competent_agency_id or 0)
        fallback = (
            self.successor_for(old_code, unit=placed.place, procedure_code=procedure.code)
            if old_code
            else None
        )
        if fallback is not None:
            return Destination(agency=fallback, place=placed.place, by_successor=True)
        return Destination(agency=None, place=placed.place, problem=problem)

    def weighted(self, row: DossierRow) -> list[tuple[int, float]]:
        """Where a dossier-like row would go, with weights: a split place shares the row between its units
        (plan shares, else equal), each resolved as ``destination`` does (for the forecast)."""
        old_place = self.unit(row.place_unit_id)
        procedure = self.procedure(row.procedure_id)
        places: list[tuple[AdministrativeUnit | None, float]] = (
            list(self.new_places(old_place)) if old_place is not None else [(None, 1.0)]
        )
        weights: dict[int, float] = {}
        for place, weight in places:
            agency, _problem = self.competent_on(procedure=procedure, place=place)
            if agency is None:
                old_code = self.ended_agency_ids().get(row.competent_agency_id or 0)
                agency = (
                    self.successor_for(old_code, unit=place, procedure_code=procedure.code)
                    if old_code
                    else None
                )
            if agency is not None:
                weights[agency.pk] = weights.get(agency.pk, 0.0) + weight
        return sorted(weights.items(), key=lambda item: -item[1])


def plan_destinations(plan: Plan) -> Callable[[DossierRow], list[tuple[int, float]]]:
    """Where a dossier of an old agency would go, as (agency id, weight) pairs summing to 1 (splits shared).

    It reads the organization and competence in force on the plan's effective date: call it inside
    ``motcua.reorg.dry_run.simulated(plan)`` so that agencies and rules the plan opens are there."""
    return Routing(plan.document).weighted


def in_flight_at(*, agency_ids: list[int], after_id: int = 0) -> QuerySet[Dossier]:
    """In-flight dossiers whose competent agency or current step's agency is one of ``agency_ids``, by id."""
    return (
        Dossier.objects.filter(Q(competent_agency_id__in=agency_ids) | Q(step_agency_id__in=agency_ids))
        .exclude(state__in=NOT_IN_FLIGHT_STATES)
        .filter(id__gt=after_id)
        .order_by("id")
    )


# States whose dossier has a current step (its performer is re-resolved on the move).
AT_STEP_STATES = frozenset({State.IN_PROCESS, State.RESULT_READY, State.SUPPLEMENT, State.CONSULTING})
