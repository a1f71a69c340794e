"""Prefill of an e-form from a registry, with consent, preview and corrections (issue 14).

The catalog maps e-form fields to registry fields (``registries.mapping``, keyword ``x-registry``). Filling
a form from a registry is three steps, each a function here:

1. ``consent_text``: what the person is shown before the lookup (registry, fields, purpose); the same text
   is stored with the consent (Decree 13/2023/NĐ-CP on personal data protection, Art. 11: consent is given
   for a stated purpose and names the data; Law on Personal Data Protection 2025, No. 91/2025/QH15, from
   1 January 2026 [check article]; Law on Identification 2023: population data used with the person's
   consent or where a law allows it [check article]).
2. ``fetch``: records the consent (or the legal basis the officer names at the counter), asks the registry
   through ``registries.services.lookup`` (audited there) and keeps one ``PrefilledValue`` per field for
   the form being filled; the page shows them as coming from the registry.
3. ``settle``: on submission each prefilled value is compared with what was submitted; a changed value
   needs a reason (``correction_errors`` says which are missing) and the rows are linked to the dossier, so
   that the officer sees the correction beside the registry value (``provenance_of``).

A registry that is down or slow raises ``RegistryUnavailable`` within the configured timeout: the page says
so and the person fills the form by hand (nothing here blocks the submission).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.eforms import UNIT_SUFFIX
from motcua.core import prepared
from motcua.core.errors import DomainError, register
from motcua.geo import selectors as geo

from . import mapping, services
from .fields import normalize_identifier, registry_label
from .mapping import known_fields
from .provenance import PrefilledValue

# Errors of this module (DomainError codes).
NO_IDENTIFIER = "registries.no_identifier"
NO_SOURCE = "registries.no_source"
REASON_MISSING = "registries.reason_missing"
REASON_MAX_LENGTH = 500
# The input beside a prefilled field where the person says why they corrected it: "<field>__reason".
REASON_SUFFIX = "__reason"
register({NO_IDENTIFIER: 400, NO_SOURCE: 404, REASON_MISSING: 400})


@dataclass
class Fetched:
    """What a lookup put into the form: e-form field -> value (text), and the rows kept."""

    values: dict[str, str] = field(default_factory=dict)
    rows: list[PrefilledValue] = field(default_factory=list)


def purpose_of(*, procedure: Any) -> str:
    """The purpose stated to the registry and to the person: filling this procedure's form."""
    return _("Điền tờ khai thủ tục “%(name)s” (mã %(code)s)") % {
        "name": procedure.name,
        "code": procedure.code,
    }


def field_labels(source: mapping.Source) -> list[str]:
    labels = known_fields().get(source.registry, {})
    return [str(labels.get(m.source, m.source)) for m in source.fields]


def consent_text(*, source: mapping.Source, procedure: Any, identifier: str) -> str:
    """The words the person agrees to (``services.consent_text``), stored exactly as shown."""
    return services.consent_text(
        registry=source.registry,
        fields=source.registry_fields,
        purpose=purpose_of(procedure=procedure),
        subject_id=identifier,
    )


def draft_reference(*, user: Any, procedure: Any, identifier: str) -> str:
    """The form being filled about one person, as the registries' consents and lookups name it until it is
    a dossier."""
    return f"form:{user.pk}:{procedure.code}:{identifier}"[:80]


def source_for(*, version: Any, slug: str) -> mapping.Source:
    source = mapping.source_by_slug(version.form_schema or {}, slug, known_fields())
    if source is None:
        raise DomainError(NO_SOURCE, _("Tờ khai này không lấy được thông tin từ cơ sở dữ liệu đã chọn."))
    return source


def sources_of(*, version: Any) -> list[mapping.Source]:
    return mapping.sources(version.form_schema or {}, known_fields())


def fetch(
    *,
    actor: Any,
    procedure: Any,
    source: mapping.Source,
    identifier: str,
    shown_text: str = "",
    legal_basis: str = "",
) -> Fetched:
    """Record the consent ``shown_text`` (given by ``actor`` on the portal, recorded by ``actor`` the officer
    at the counter) or the ``legal_basis`` the officer names, look the record up, and keep the values for
    the form being filled.

    Raises ``DomainError`` (``registries.no_consent`` without consent or legal basis), ``RecordNotFound``
    or ``RegistryUnavailable``. Not one transaction: the consent and the audit row of a failed lookup
    stay (``services.lookup`` records every attempt); only the form's values are written together."""
    if not identifier:
        raise DomainError(NO_IDENTIFIER, _("Vui lòng nhập số định danh trước khi lấy thông tin."))
    identifier = normalize_identifier(source.registry, identifier) or identifier  # the lookup refuses it
    purpose = purpose_of(procedure=procedure)
    reference = draft_reference(user=actor, procedure=procedure, identifier=identifier)
    consent = None
    if shown_text or legal_basis:
        consent = services.record_consent(
            by=actor,
            subject_id=identifier,
            registry=source.registry,
            fields=source.registry_fields,
            purpose=purpose,
            text=shown_text,
            legal_basis=legal_basis,
            draft_reference=reference,
        )
    result = services.lookup(
        actor=actor,
        registry=source.registry,
        identifier=identifier,
        fields=source.registry_fields,
        purpose=purpose,
        consent=consent,
        draft_reference=reference,
    )
    return _keep(actor=actor, procedure=procedure, source=source, result=result, consent=consent)


@transaction.atomic
def _keep(*, actor: Any, procedure: Any, source: mapping.Source, result: Any, consent: Any) -> Fetched:
    now = timezone.now()
    fetched = Fetched()
    PrefilledValue.objects.filter(
        filled_by=actor,
        procedure=procedure,
        dossier__isnull=True,
        form_field__in=[m.form_field for m in source.fields],
    ).delete()
    for m in source.fields:
        value = result.values.get(m.source)
        if value in (None, "", [], {}):
            continue
        text = _as_text(value)
        fetched.values[m.form_field] = text
        fetched.rows.append(
            PrefilledValue.objects.create(
                filled_by=actor,
                procedure=procedure,
                lookup=result.lookup,
                consent=consent,
                form_field=m.form_field,
                key_field=source.key,
                identifier=result.identifier,
                registry=source.registry,
                registry_field=m.source,
                registry_value=text,
                fetched_at=now,
            )
        )
    return fetched


def _as_text(value: Any) -> str:
    """A registry value as the form's text: an address as written (its ``text``), a list joined."""
    if isinstance(value, Mapping) and isinstance(value.get("text"), str):
        return value["text"]
    if isinstance(value, Mapping):
        return ", ".join(str(v) for v in value.values() if v not in (None, ""))
    if isinstance(value, list | tuple):
        return "; ".join(_as_text(v) for v in value)
    return str(value)


def pending(*, user: Any, procedure: Any, values: Mapping[str, Any] | None) -> dict[str, PrefilledValue]:
    """The values prefilled in the form ``user`` is filling (its raw ``values``), by e-form field: those
    whose key field still holds the identifier the registry was asked with (another person's, left from
    an abandoned form, do not count)."""
    rows = PrefilledValue.objects.filter(filled_by=user, procedure=procedure, dossier__isnull=True)
    return {row.form_field: row for row in rows if _still_keyed(row, values or {})}


def _still_keyed(row: PrefilledValue, values: Mapping[str, Any]) -> bool:
    typed = normalize_identifier(row.registry, str(values.get(row.key_field) or ""))
    return typed is not None and typed == row.identifier


def submitted_text(value: Any) -> str:
    return "" if value is None else _as_text(value)


def correction_errors(
    *, prefilled: Mapping[str, PrefilledValue], data: Mapping[str, Any], reasons: Mapping[str, str]
) -> dict[str, list[str]]:
    """A prefilled value changed without a reason (or with a reason too long): a message per field."""
    errors: dict[str, list[str]] = {}
    for name, row in prefilled.items():
        reason = str(reasons.get(name) or "").strip()
        if submitted_text(data.get(name)) != row.registry_value and not reason:
            errors[name] = [
                _("Bạn đã sửa thông tin lấy từ %(registry)s: vui lòng nêu lý do sửa.")
                % {"registry": registry_label(row.registry)}
            ]
        elif len(reason) > REASON_MAX_LENGTH:
            errors[name] = [_("Lý do sửa tối đa %(n)s ký tự.") % {"n": REASON_MAX_LENGTH}]
    return errors


@transaction.atomic
def settle(
    *,
    user: Any,
    procedure: Any,
    dossier: Any,
    data: Mapping[str, Any],
    reasons: Mapping[str, str],
) -> list[PrefilledValue]:
    """Link the form's prefilled values to the submitted dossier with what was submitted and why it
    differs. Call inside the submission's transaction, after ``correction_errors`` found nothing."""
    current = pending(user=user, procedure=procedure, values=data)
    problems = correction_errors(prefilled=current, data=data, reasons=reasons)
    if problems:
        raise DomainError(REASON_MISSING, next(iter(problems.values()))[0])
    now = timezone.now()
    rows = list(PrefilledValue.objects.select_for_update().filter(pk__in=[r.pk for r in current.values()]))
    # Values fetched about someone else in an earlier, abandoned form: no longer needed.
    PrefilledValue.objects.filter(filled_by=user, procedure=procedure, dossier__isnull=True).exclude(
        pk__in=[r.pk for r in rows]
    ).delete()
    for row in rows:
        row.submitted_value = submitted_text(data.get(row.form_field))
        row.corrected = row.submitted_value != row.registry_value
        row.reason = str(reasons.get(row.form_field) or "").strip() if row.corrected else ""
        row.dossier = dossier
        row.submitted_at = now
        row.save(update_fields=["submitted_value", "corrected", "reason", "dossier", "submitted_at"])
    for identifier in sorted({row.identifier for row in rows}):
        reference = draft_reference(user=user, procedure=procedure, identifier=identifier)
        services.link_draft_to_dossier(draft_reference=reference, dossier=dossier)
    return rows


def forget_unsubmitted(*, before: Any) -> int:
    """Forget the registry values of forms abandoned before ``before`` (never submitted): personal data is
    kept no longer than its purpose needs (Decree 13/2023/NĐ-CP [check article]). Returns rows deleted."""
    deleted, _rows = PrefilledValue.objects.filter(dossier__isnull=True, fetched_at__lt=before).delete()
    return deleted


# The dossier's id while the provenance query is compiled; the real id replaces it at each run.
_DOSSIER = -7_919_000_001
# The provenance query by database, compiled once per process (the officer's dossier page reads it).
_provenance_queries: dict[str, prepared.CompiledQuery] = {}


def provenance_of(*, dossier: Any) -> list[PrefilledValue]:
    """The dossier's values taken from registries, with corrections, in form order of fetching (a query
    compiled once per process and prepared on PostgreSQL: ``core.prepared``). A dossier read for its page
    (``dossiers.selectors.get_dossier``) carries them already: no query then."""
    cached = getattr(dossier, "_prefetched_objects_cache", {}).get("prefilled_values")
    if cached is not None:
        return list(cached)
    using = router.db_for_read(PrefilledValue)
    query = _provenance_queries.get(using)
    if query is None:
        query = _provenance_queries[using] = prepared.compile_queryset(
            PrefilledValue.objects.using(using).filter(dossier_id=_DOSSIER).order_by("id"),
            {"dossier": (_DOSSIER, PrefilledValue._meta.get_field("dossier"))},
            using,
        )
    return prepared.instances(query, using, dossier=dossier.pk)  # type: ignore[return-value]


def read_address(text: str) -> geo.AddressReading | None:
    """A registry address (often still written with pre-2025 units) read into the 2025 units, for the page
    to show "<2025 unit> (trước đây: <old unit>)" (``label``) or the candidates when it is ambiguous, and
    to propose the commune in the address widget's select. None when the text names no commune."""
    reading = geo.read_address(text)
    return reading if reading.recognised else None


@dataclass(frozen=True)
class ProvenanceEntry:
    """One line of "Thông tin lấy từ cơ sở dữ liệu" on the officer's dossier page."""

    label: str
    registry: str
    registry_value: str
    submitted_value: str
    corrected: bool
    reason: str
    reading: geo.AddressReading | None


def provenance_entries(*, dossier: Any) -> list[ProvenanceEntry]:
    """The dossier's prefilled values for its page, the correction beside the registry value. A form that
    maps no field to a registry cannot have any: no query then (the page's query budget)."""
    version = dossier.procedure_version
    schema = version.form_schema or {}
    if not mapping.field_mappings(schema):
        return []
    ui = version.ui_schema or {}
    labels = ui.get("labels") or {}
    widgets = ui.get("widgets") or {}
    properties = schema.get("properties") or {}
    entries = []
    for row in provenance_of(dossier=dossier):
        sub = properties.get(row.form_field) or {}
        entries.append(
            ProvenanceEntry(
                label=str(labels.get(row.form_field) or sub.get("title") or row.form_field),
                registry=registry_label(row.registry),
                registry_value=row.registry_value,
                submitted_value=row.submitted_value,
                corrected=row.corrected,
                reason=row.reason,
                reading=read_address(row.registry_value)
                if widgets.get(row.form_field) == "address"
                else None,
            )
        )
    return entries


def put_values(raw: dict[str, Any], values: Mapping[str, str], *, version: Any) -> None:
    """The registry's values into a form's raw values (a draft, or the counter's posted form); an address
    also proposes its 2025 commune in the address widget's commune select."""
    widgets = (version.ui_schema or {}).get("widgets") or {}
    for name, value in values.items():
        raw[name] = value
        raw.pop(name + REASON_SUFFIX, None)  # a new lookup: nothing corrected yet
        if widgets.get(name) == "address":
            reading = read_address(value)
            raw[name + UNIT_SUFFIX] = reading.commune.code if reading and reading.commune else ""


def origin_of(row: PrefilledValue, *, widget: str, reason: str) -> dict[str, Any]:
    """What a form shows beside a prefilled field (``EFormField.origin``, template
    registries/_prefill_note.html)."""
    return {
        "registry": registry_label(row.registry),
        "value": row.registry_value,
        "reason": reason,
        "reading": read_address(row.registry_value) if widget == "address" else None,
    }
