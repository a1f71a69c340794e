"""Taking a dossier's row for a change: the optimistic version check and the row lock.

``access.check`` judges the caller's copy, then takes the row (check, then lock), so every service changes
the row it judged; a caller holding an older version gets ``dossier.conflict`` and nothing changes. The check
is made by one UPDATE whose WHERE names the version the caller saw: at the start (``lock``), or, for the
services that write the dossier row before any row another service could hold (``defer``), folded into the
dossier's final UPDATE (``write``), which saves the lock's round trip."""

from __future__ import annotations

import copy
from typing import Any

from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.dossiers import errors
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep

# Set on the service's copy of a dossier whose version check waits for its final UPDATE.
_DEFERRED = "_version_check_on_write"
# The column values of that copy as the policy judged it: ``write`` sets only the columns that differ.
_JUDGED = "_columns_as_judged"


def conflict() -> DomainError:
    return DomainError(
        errors.CONFLICT,
        _("Hồ sơ vừa được người khác xử lý. Vui lòng tải lại hồ sơ để xem trạng thái mới nhất."),
    )


def lock(dossier: Dossier, *, check_version: bool = True) -> Dossier:
    """Take the row for a change: bump the version if it is still the one the caller saw (the UPDATE locks
    the row until commit); a newer version means someone else acted first. With the version checked, the
    caller's copy is the row (returned as a copy, so a refused change leaves the caller's object as it was);
    without, the row is read again."""
    rows = Dossier.objects.filter(pk=dossier.pk)
    if check_version:
        rows = rows.filter(version=dossier.version)
    if rows.update(version=F("version") + 1) != 1:
        raise conflict()
    if check_version:
        held = copy.copy(dossier)
        _settled(held)  # a copy an earlier service deferred is written: this one is locked
        held.version += 1
        return held
    # Few joins: on PostgreSQL planning a wide join costs more than the lazy reads it saves.
    return Dossier.objects.select_related("procedure", "procedure_version", "current_step__step").get(
        pk=dossier.pk
    )


def hold(dossier: Dossier) -> Dossier:
    """Take the row (locked until commit, so events are numbered under it) WITHOUT bumping the version,
    and read it again: for the delivery workers' writers that record a fact beside the dossier but change
    nothing an officer judges (a shipment's waybill and status, a payment opened, a fee paid while no
    decision waits for it). The version is what an officer's open page posts back
    (``workspace.views.actions``): bumping it for such a fact made the page say "Hồ sơ đã thay đổi" though
    nothing the officer decides on had changed."""
    if Dossier.objects.filter(pk=dossier.pk).update(version=F("version")) != 1:
        raise conflict()
    return Dossier.objects.select_related("procedure", "procedure_version", "current_step__step").get(
        pk=dossier.pk
    )


def _columns() -> list[Any]:
    return [field for field in Dossier._meta.concrete_fields if not field.primary_key]


def defer(dossier: Dossier) -> Dossier:
    """The service's copy of the dossier the policy judged; its version is checked by ``write``, which
    writes the columns the service changed on it."""
    held = copy.copy(dossier)
    setattr(held, _DEFERRED, True)
    # A JSON value is copied: a service that changed it in place has changed the column.
    judged = {}
    for field in _columns():
        value = getattr(held, field.attname)
        judged[field.attname] = copy.deepcopy(value) if isinstance(value, dict | list) else value
    setattr(held, _JUDGED, judged)
    return held


def deferred(dossier: Dossier) -> bool:
    """Whether the dossier's version check waits for its final UPDATE (``write``)."""
    return getattr(dossier, _DEFERRED, False)


def write(dossier: Dossier, **columns: Any) -> None:
    """The final UPDATE of a deferred check: the columns the service changed on its copy (``columns``
    overrides some with expressions), the version bumped, WHERE the version is the one judged. No row means
    someone else acted first: ``dossier.conflict``, and the service's transaction rolls back.

    The other columns are the row's already: the version says nobody changed it since the copy was read,
    so leaving them out changes nothing but the statement's size (the step action's UPDATE names a handful
    of its 45 columns, not the form's JSON)."""
    judged: dict[str, Any] = getattr(dossier, _JUDGED, {})
    missing = object()
    values = {}
    for field in _columns():
        value = field.pre_save(dossier, False)
        before = judged.get(field.attname, missing)
        if before is missing or (before is not value and before != value):
            values[field.attname] = value
    values.update(columns, version=F("version") + 1)
    if Dossier.objects.filter(pk=dossier.pk, version=dossier.version).update(**values) != 1:
        raise conflict()
    dossier.version += 1
    _settled(dossier)


def _settled(dossier: Dossier) -> None:
    """The copy is the row again (written, or locked): the next service judges and defers it afresh."""
    dossier.__dict__.pop(_DEFERRED, None)
    dossier.__dict__.pop(_JUDGED, None)


def next_sequence(
    model: type[DossierStep] | type[DossierEvent], dossier: Dossier, *, offset: int = 1
) -> RawSQL:
    """The next ``sequence`` of the dossier's steps or events, computed by the INSERT itself (returned by it:
    ``models.SequenceField``). Safe because the dossier's row is locked first; the unique constraint on
    (dossier, sequence) stands behind it. ``offset``: the row's rank among the dossier's rows of one
    multi-row INSERT, whose rows all see the table as it was before the statement."""
    if dossier.pk is None:
        return RawSQL("%s", [offset])  # a dossier not written yet has no rows
    table = connection.ops.quote_name(model._meta.db_table)
    return RawSQL(
        f"SELECT COALESCE(MAX(sequence), 0) + %s FROM {table} WHERE dossier_id = %s", [offset, dossier.pk]
    )
