"""Reads of the citizen portal: procedure search and the procedure page, through the catalog and org apps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.catalog import fees as catalog_fees
from motcua.catalog import selectors as catalog
from motcua.catalog import time_limits
from motcua.catalog.forms import field_title
from motcua.catalog.models import (
    AgencyRule,
    CompetenceRule,
    Field,
    OnlineLevel,
    PlaceBasis,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
)
from motcua.core import snapshots
from motcua.core.errors import DomainError
from motcua.org.models import Agency, ReceptionPoint, ReceptionPointKind
from motcua.org.selectors import agency_by_code, reception_points_valid_on

LEVELS = ("province", "commune")


def search_procedures(
    *, text: str = "", field_code: str = "", level: str = "", agency_code: str = "", on: dt.date
) -> QuerySet[Procedure]:
    """Procedures in force on ``on`` whose code, Vietnamese or English name or keywords contain every word of
    ``text`` (accents optional), of one sector, level or competent agency when asked."""
    return catalog.search_procedures(
        text=text,
        field_code=field_code or None,
        level=level if level in LEVELS else None,
        agency_code=agency_code or None,
        on=on,
    )


def featured_procedures(*, on: dt.date) -> list[Procedure]:
    """The home page's task-led entries: what the catalog marks as most asked for ("Đăng ký khai sinh", …).
    From the catalog's snapshot (``core.snapshots``): shared instances, read-only (their sector joined)."""
    found = snapshots.remember(
        "catalog", ("portal.featured", on), lambda: tuple(catalog.featured_procedures(on=on))
    )
    return list(found)


def agencies_with_procedures(*, on: dt.date) -> frozenset[str]:
    """Codes of the agencies competent for at least one procedure in force: the home page links these. From
    the catalog's and the organization's snapshots (a rule names an agency by its row, the page by code)."""
    return snapshots.remember(
        ("catalog", "org"),
        ("portal.agencies_with_procedures", on),
        lambda: catalog.agencies_with_procedures(on=on),
    )


def agency_named(*, code: str, on: dt.date) -> Agency | None:
    """The agency a search is filtered by, in force on ``on``."""
    return agency_by_code(code=code, on=on) if code else None


def sectors(*, on: dt.date) -> QuerySet[Field]:
    """Sectors (lĩnh vực) having at least one procedure in force on ``on``, with how many."""
    in_force = catalog.search_procedures(on=on).values("id")
    return (
        Field.objects.annotate(procedure_count=Count("procedures", filter=Q(procedures__in=in_force)))
        .filter(procedure_count__gt=0)
        .order_by("name")
    )


@dataclass(frozen=True)
class FeeItem:
    name: str
    amount: Decimal | None  # None when the fee depends on the dossier (a formula)
    formula: str = ""
    note: str = ""
    exemptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReceptionGroup:
    kind: str
    label: str
    points: tuple[ReceptionPoint, ...]


@dataclass(frozen=True)
class ProcedurePage:
    """Everything the procedure page shows, for the version in force on the day asked."""

    procedure: Procedure
    version: ProcedureVersion
    competence: tuple[str, ...]
    reception_groups: tuple[ReceptionGroup, ...]
    online: bool
    documents: tuple[RequiredDocument, ...]
    fees: tuple[FeeItem, ...]
    time_limit: str
    levels: tuple[str, ...] = field(default=())


def procedure_page(*, code: str, on: dt.date) -> ProcedurePage:
    """The page for ``code``; raises Procedure.DoesNotExist, or DomainError when no version is in force."""
    procedure = Procedure.objects.select_related("field").get(code=code)
    version = catalog.version_in_force(procedure=procedure, on=on)
    rules = catalog.competence_rules(procedure=procedure, on=on).order_by("id")
    return ProcedurePage(
        procedure=procedure,
        version=version,
        competence=tuple(describe_competence(rule, version=version) for rule in rules),
        reception_groups=_reception_groups(version=version, rules=list(rules), on=on),
        online=version.online_level != OnlineLevel.OFFLINE,
        documents=tuple(version.documents.order_by("order", "id")),
        fees=tuple(_fee_item(dict(rule)) for rule in catalog_fees.in_force(version.fee_rules or [], on)),
        time_limit=describe_time_limit(version),
        levels=tuple(
            label
            for flag, label in ((procedure.at_province, _("cấp tỉnh")), (procedure.at_commune, _("cấp xã")))
            if flag
        ),
    )


def _named_place(rule: CompetenceRule, version: ProcedureVersion | None) -> str:
    """The place the rule's e-form fields name, in their own words and fallback order ("xã, phường, đặc khu
    nơi cư trú cuối cùng của người chết; nếu không có: xã, phường, đặc khu nơi chết; …"); '' without."""
    if version is None or not rule.place_fields:
        return ""
    schema, ui = version.form_schema or {}, version.ui_schema or {}
    titles = [field_title(schema, ui, str(name)) for name in rule.place_fields]
    titles = [title[:1].lower() + title[1:] for title in titles]
    return ("; " + _("nếu không có") + ": ").join(titles)


def describe_competence(rule: CompetenceRule, *, version: ProcedureVersion | None = None) -> str:
    """One sentence a citizen understands: who decides, for which places (named as the version's e-form
    asks them, when the rule names its place fields)."""
    place = _named_place(rule, version)
    if place and rule.agency_rule == AgencyRule.COMMUNE_COMMITTEE:
        sentence = _("Ủy ban nhân dân của %(place)s (trong %(scope)s).")
        return sentence % {"place": place, "scope": rule.scope.name}
    if place:
        agency = rule.agency.name if rule.agency else _("cơ quan được chỉ định")
        return _("%(agency)s, đối với %(basis)s trong %(scope)s.") % {
            "agency": agency,
            "basis": place,
            "scope": rule.scope.name,
        }
    if rule.agency_rule == AgencyRule.COMMUNE_COMMITTEE:
        if rule.place_basis == PlaceBasis.NONE:
            return _("Ủy ban nhân dân xã, phường (trong %(scope)s).") % {"scope": rule.scope.name}
        return _("Ủy ban nhân dân xã, phường %(basis)s (trong %(scope)s).") % {
            "basis": PlaceBasis(rule.place_basis).label,
            "scope": rule.scope.name,
        }
    agency = rule.agency.name if rule.agency else _("cơ quan được chỉ định")
    if rule.place_basis == PlaceBasis.NONE:
        return _("%(agency)s.") % {"agency": agency}
    return _("%(agency)s, đối với %(basis)s trong %(scope)s.") % {
        "agency": agency,
        "basis": PlaceBasis(rule.place_basis).label,
        "scope": rule.scope.name,
    }


def _reception_groups(
    *, version: ProcedureVersion, rules: list[CompetenceRule], on: dt.date
) -> tuple[ReceptionGroup, ...]:
    """Where a paper dossier can be handed in: every point of the province when location-independent,
    otherwise the provincial center and the named agencies' points (commune competence: its own desk)."""
    points = reception_points_valid_on(on=on, province_code=settings.MOTCUA_PROVINCE_CODE).exclude(
        kind=ReceptionPointKind.ONLINE
    )
    if not version.location_independent:
        if any(r.agency_rule == AgencyRule.COMMUNE_COMMITTEE for r in rules):
            return ()  # the page names the commune's own desk through the competence sentence
        named = [r.agency_id for r in rules if r.agency_rule == AgencyRule.NAMED and r.agency_id]
        points = points.filter(
            Q(agency_id__in=named) | Q(kind=ReceptionPointKind.SERVICE_CENTER, unit__level="province")
        )
    groups = []
    kinds = (
        ReceptionPointKind.SERVICE_CENTER,
        ReceptionPointKind.ONE_STOP_DESK,
        ReceptionPointKind.POST_OFFICE,
    )
    for kind in kinds:
        members = sorted(
            (p for p in points if p.kind == kind), key=lambda p: (p.unit.level != "province", p.name)
        )
        if members:
            label = str(ReceptionPointKind(kind).label)
            groups.append(ReceptionGroup(kind=kind, label=label, points=tuple(members)))
    return tuple(groups)


def _fee_item(rule: dict[str, Any]) -> FeeItem:
    exemptions = tuple(str(e.get("reason", "")) for e in rule.get("exemptions") or [] if e.get("reason"))
    name = str(rule.get("name") or rule.get("code") or _("Phí, lệ phí"))
    if rule.get("kind") == "fixed":
        return FeeItem(
            name=name,
            amount=Decimal(str(rule["amount"])),
            note=str(rule.get("note", "")),
            exemptions=exemptions,
        )
    return FeeItem(
        name=name,
        amount=None,
        formula=str(rule.get("expr", "")),
        note=str(rule.get("note", "")),
        exemptions=exemptions,
    )


def describe_time_limit(version: ProcedureVersion) -> str:
    return time_limits.describe_time_limit(version)


def find_procedure(*, code: str, on: dt.date) -> ProcedurePage | None:
    """The procedure page, or None when there is no such procedure or no version is in force."""
    try:
        return procedure_page(code=code, on=on)
    except (Procedure.DoesNotExist, DomainError):
        return None
