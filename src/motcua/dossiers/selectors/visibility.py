"""Which dossiers a user may see and what they may do to one now: the pages' reads of ``dossiers.access``."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Hashable
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.db import router
from django.db.models import ForeignKey, Model, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ProcedureVersion, RequiredDocument
from motcua.core import prepared
from motcua.core.errors import DomainError
from motcua.dossiers import access, errors, lookups
from motcua.dossiers.access import Act
from motcua.dossiers.models import (
    ApologyNotice,
    Consultation,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierResult,
    DossierStep,
    RatingChannel,
    SatisfactionRating,
    StopNotice,
    WithdrawalRequest,
)
from motcua.dossiers.selectors.json_rows import (
    Shape,
    children,
    compiled,
    forget_compiled,
    instances,
    json_rows,
    prefetched,
    shared_row,
)
from motcua.geo.models import AdministrativeUnit

# What the dossier page reads of each child relation, with the rows their foreign keys name: (shape, order).
# The reference rows among them (agencies, staff, workflow steps) come from the organization's and the
# catalog's snapshots, not from the page's query (``Shape.shared``): no join or JSON object per row on the
# server, no instance per row here (issue 13).
PAGE_CHILDREN: dict[str, tuple[Shape, tuple[str, ...]]] = {
    "events": (
        Shape(
            DossierEvent,
            related={"actor": Shape(get_user_model(), fields=("username", "full_name"))},
            shared={"actor_staff": "org", "actor_agency": "org"},
        ),
        ("sequence",),
    ),
    "documents": (Shape(DossierDocument), ("id",)),
    "steps": (
        Shape(
            DossierStep,
            shared={"step": "catalog", "agency": "org", "assignee": "org", "finished_by": "org"},
        ),
        ("sequence",),
    ),
    "consultations": (
        Shape(Consultation, shared={"agency": "org", "requested_by": "org", "answered_by": "org"}),
        ("requested_at", "id"),
    ),
    "apologies": (
        Shape(ApologyNotice, shared={"drafted_by": "org", "signed_by": "org"}),
        ("drafted_at", "id"),
    ),
    "stop_notices": (
        Shape(StopNotice, shared={"agency": "org", "proposed_by": "org", "decided_by": "org"}),
        ("id",),
    ),
    "withdrawal_requests": (Shape(WithdrawalRequest, shared={"recorded_by": "org"}), ("id",)),
    "results": (Shape(DossierResult, shared={"attached_by": "org", "removed_by": "org"}), ("id",)),
}
# The rows the dossier's own foreign keys name that its page shows, read the same way (one JSON row each):
# as joined columns (``select_related``) they cost more Python to compile at every request than to decode.
PAGE_PARENTS: dict[str, Shape] = {
    "procedure_version": Shape(ProcedureVersion),
    "current_step": Shape(DossierStep, shared={"step": "catalog"}),
    "place_unit": Shape(AdministrativeUnit, related={"parent": Shape(AdministrativeUnit)}),
}
# The dossier's own reference rows, from the snapshots as above (``json_rows.shared_row``).
SHARED_PARENTS: dict[str, str] = {"procedure": "catalog", "competent_agency": "org", "reception_point": "org"}
_RATING = Shape(SatisfactionRating)
_REQUIRED = Shape(RequiredDocument)


@functools.cache
def _shared_parents() -> tuple[tuple[str, type[Model], str, str], ...]:
    """``SHARED_PARENTS`` as (field name, the model it points to, its attname, domain)."""
    found = []
    for name, domain in SHARED_PARENTS.items():
        field = Dossier._meta.get_field(name)
        assert isinstance(field, ForeignKey) and field.related_model is not None
        found.append((name, cast(type[Model], field.related_model), field.attname, domain))
    return tuple(found)


def add_page_child(accessor: str, shape: Shape, order: tuple[str, ...]) -> None:
    """Let an app above dossiers have the officer's dossier page query read one more reverse relation of
    ``Dossier`` (``accessor``) into the prefetch cache: its rows then cost no query of their own (the
    registries' provenance: ``registries.apps``). Called from an ``AppConfig.ready``, before the page query
    is first compiled; a second call for the same accessor replaces the first."""
    relation = Dossier._meta.get_field(accessor)
    if not (relation.one_to_many and relation.related_model is shape.model):
        raise ValueError(f"{accessor} is not a reverse relation of Dossier to {shape.model.__name__}")
    PAGE_CHILDREN[accessor] = (shape, order)
    forget_compiled("dossiers.page_rows")
    _page_queries.clear()


def not_found() -> DomainError:
    """The one answer for a dossier the user may not see: it never says whether it exists."""
    return DomainError(errors.FORBIDDEN, _("Không tìm thấy hồ sơ hoặc bạn không có quyền xem hồ sơ này."))


def visible_dossiers(*, user: Any, on: dt.date) -> QuerySet[Dossier]:
    """Dossiers the user may read (``access.visible_dossiers``)."""
    return access.visible_dossiers(user=user, on=on)


def _parent(name: str) -> QuerySet[Any]:
    """The row the outer dossier's foreign key ``name`` points to (none when it is null)."""
    field = Dossier._meta.get_field(name)
    model = field.related_model
    return model._base_manager.filter(pk=OuterRef(field.attname)).order_by()  # type: ignore[union-attr]


def _page_children() -> dict[str, Any]:
    rating = SatisfactionRating.objects.filter(dossier=OuterRef("pk")).order_by()
    required = RequiredDocument.objects.filter(version=OuterRef("procedure_version_id")).order_by()
    return {
        **{
            f"_rows_{name}": json_rows(children(Dossier, name), shape)
            for name, (shape, _o) in PAGE_CHILDREN.items()
        },
        **{f"_parent_{name}": json_rows(_parent(name), shape) for name, shape in PAGE_PARENTS.items()},
        "_rows_rating": json_rows(rating, _RATING),
        "_rows_required": json_rows(required, _REQUIRED),
    }


# Set on a dossier read through ``visible_dossiers`` for this (user id, day): no second visibility query.
_SEEN_BY = "_motcua_visible_to"


def can_view(*, dossier: Dossier, user: Any, on: dt.date) -> bool:
    if getattr(dossier, _SEEN_BY, None) == (getattr(user, "pk", None), on):
        return True
    return visible_dossiers(user=user, on=on).filter(pk=dossier.pk).exists()


# The value the dossier code takes while a page query is compiled; the real code replaces it at each run.
_CODE = "\x1fmotcua-dossier-code\x1f"
# Compiled page queries by (database, visibility key); started afresh when full.
_page_queries: dict[Hashable, prepared.CompiledQuery] = {}
_QUERIES_KEPT = 2000


def _page_row(*, code: str, user: Any, on: dt.date, db: str) -> tuple[Dossier, dict[str, Any]] | None:
    """The dossier (if ``user`` may see it) and its JSON columns, by a query compiled once per process for
    each visibility key (``access.visibility_key``) and prepared on PostgreSQL (``core.prepared``)."""
    visibility = access.visibility_key(user=user, on=on)
    if visibility[0] is None:  # nobody logged in sees no dossier (``visible_dossiers`` is empty)
        return None
    key = (db, visibility)
    query = _page_queries.get(key)
    if query is None:
        if len(_page_queries) >= _QUERIES_KEPT:
            _page_queries.clear()
        queryset = (
            visible_dossiers(user=user, on=on)
            .filter(code=_CODE)
            .select_related(None)
            .annotate(**compiled("dossiers.page_rows", Dossier, _page_children, db))
            .order_by()[:1]
        )
        query = _page_queries[key] = prepared.compile_queryset(
            queryset, {"code": (_CODE, Dossier._meta.get_field("code"))}, db
        )
    return prepared.first(query, db, code=code)  # type: ignore[return-value]


def get_dossier(*, code: str, user: Any, on: dt.date) -> Dossier:
    """The dossier with this code, if the user may see it, in ONE query: the rows its page always shows
    (``PAGE_PARENTS``: the procedure, its version, the agency, the current step, the place) and every child
    relation the page reads (events, documents, steps, consultations, notices, results, rating, the
    version's required documents) as JSON, put into the related-object and prefetch caches, so that
    ``dossier.procedure_version`` and ``dossier.events.all()`` etc. cost nothing. The SQL is compiled once
    per process for each visibility key (``_page_row``) and prepared on PostgreSQL."""
    db = router.db_for_read(Dossier)
    found = _page_row(code=code, user=user, on=on, db=db)
    if found is None:
        raise not_found()
    dossier, json_columns = found
    for name, shape in PAGE_PARENTS.items():
        parent = instances(shape, json_columns[f"_parent_{name}"], db)
        dossier._state.fields_cache[name] = parent[0] if parent else None
    for name, model, attname, domain in _shared_parents():
        dossier._state.fields_cache[name] = shared_row(model, domain, getattr(dossier, attname))
    for name, (shape, order) in PAGE_CHILDREN.items():
        prefetched(dossier, name, instances(shape, json_columns[f"_rows_{name}"], db, order))
    rating = instances(_RATING, json_columns["_rows_rating"], db)
    dossier._state.fields_cache["rating"] = rating[0] if rating else None
    version: ProcedureVersion = dossier.procedure_version
    documents = instances(_REQUIRED, json_columns["_rows_required"], db, ("order", "id"))
    prefetched(version, "documents", documents)
    setattr(dossier, _SEEN_BY, (getattr(user, "pk", None), on))
    return dossier


def allowed_actions(*, dossier: Dossier, user: Any, now: dt.datetime) -> list[str]:
    """What this user may do to the dossier now (the buttons a page shows): ``access.allowed_actions``."""
    return access.allowed_actions(user=user, dossier=dossier, on=timezone.localdate(now))


def can_attach_result(*, dossier: Dossier, user: Any, now: dt.datetime) -> bool:
    return access.may(user, Act.ATTACH_RESULT, dossier, on=timezone.localdate(now))


def can_extend(*, dossier: Dossier, user: Any, now: dt.datetime) -> bool:
    """Whether the page offers the extension (gia hạn) form: ``access`` rule ``extend``."""
    return access.may(user, Act.EXTEND, dossier, on=timezone.localdate(now))


def extension_latest(dossier: Dossier) -> dt.datetime | None:
    """The latest appointment an extension may set: ``extension_max`` working days counted from the first
    appointment (None when the version allows no extension)."""
    days = dossier.procedure_version.extension_max
    if days is None or dossier.initial_appointment_at is None:
        return None
    return lookups.add_working_days(
        start=dossier.initial_appointment_at, days=days, agency_id=dossier.competent_agency_id
    )


def can_rate(*, dossier: Dossier, user: Any, now: dt.datetime | None = None) -> bool:
    """Whether the rating form is offered: to the applicant (``user``), or on the public lookup (no user,
    the caller checked the code and the ID digits)."""
    channel = RatingChannel.LOOKUP if user is None else RatingChannel.PORTAL
    return access.may(user, Act.RATE, dossier, on=timezone.localdate(now or timezone.now()), subject=channel)
