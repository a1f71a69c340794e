"""Reading consents and the lookup audit: what citizens see about themselves, what the auditor reviews."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.org import selectors as org_selectors
from motcua.org.models import Role
from motcua.registries.models import Consent, Lookup

# Columns the audit pages show: no per-row query (actor_label is the actor's name and agency as they were).
_LIST_FIELDS = (
    "id",
    "actor_id",
    "registry",
    "identifier",
    "subject_id",
    "purpose",
    "actor_kind",
    "actor_label",
    "dossier__code",
    "legal_basis",
    "consent_id",
    "fields_requested",
    "fields_returned",
    "outcome",
    "error_code",
    "created_at",
    "flagged",
    "reviewed_at",
    "review_note",
    "province_code",
)


def lookups_about(person_id_number: str) -> QuerySet[Lookup]:
    """Every lookup about a person (their ID number as identifier, or as the land holder), newest first."""
    if not person_id_number:
        return Lookup.objects.none()
    return (
        Lookup.objects.filter(Q(subject_id=person_id_number) | Q(identifier=person_id_number))
        .select_related("dossier")
        .only(*_LIST_FIELDS)
        .order_by("-created_at", "-id")
    )


def lookups_for_dossier(dossier: Any) -> QuerySet[Lookup]:
    return Lookup.objects.filter(dossier=dossier).order_by("-created_at", "-id")


def consents_for_dossier(dossier: Any) -> QuerySet[Consent]:
    return Consent.objects.filter(dossier=dossier).order_by("-created_at", "-id")


def consents_for_draft(draft_reference: str) -> QuerySet[Consent]:
    if not draft_reference:
        return Consent.objects.none()
    return Consent.objects.filter(draft_reference=draft_reference).order_by("-created_at", "-id")


def auditor_provinces(*, user: Any, on: dt.date | None = None) -> set[str]:
    """Provinces whose lookups ``user`` audits: those of the agencies where they hold the auditor role."""
    on = on or timezone.localdate()
    return {
        p.agency.province_code for p in org_selectors.positions_of(user=user, on=on) if p.role == Role.AUDITOR
    }


def is_auditor(*, user: Any, on: dt.date | None = None) -> bool:
    return bool(auditor_provinces(user=user, on=on))


def flagged_lookups(*, provinces: set[str] | None = None, reviewed: bool | None = False) -> QuerySet[Lookup]:
    """Staff lookups outside a dossier, for the auditor: unreviewed by default, of ``provinces`` if given."""
    rows = Lookup.objects.filter(flagged=True)
    if reviewed is not None:
        rows = rows.filter(reviewed_at__isnull=not reviewed)
    if provinces is not None:
        rows = rows.filter(province_code__in=provinces)
    return rows.select_related("dossier").only(*_LIST_FIELDS).order_by("-created_at", "-id")


def consents_of(*, citizen: Any) -> QuerySet[Consent]:
    """The consents a citizen gave online, newest first."""
    if citizen is None or not getattr(citizen, "pk", None):
        return Consent.objects.none()
    return Consent.objects.filter(citizen=citizen).select_related("dossier").order_by("-created_at", "-id")
