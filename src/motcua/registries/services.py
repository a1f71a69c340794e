"""Consent and lookups: the only way motcua reads a registry.

``record_consent`` stores a person's consent (the exact text they were shown) or, at the counter, the legal
basis an officer records instead; ``lookup`` refuses without one of them, asks the registry only for the
fields the consent covers, and writes a ``Lookup`` row for every attempt, whatever its outcome.

Legal frame: Law on Personal Data Protection No. 91/2025/QH15 (in force 1 January 2026): consent of the data
subject, given knowing the kind of data, the purpose and who processes it (Art. 9), the subject's right to
withdraw it (Art. 4), processing without consent where a law provides (Art. 19 [check]); before 2026 Decree
13/2023/NĐ-CP (consent: Art. 11; without consent: Art. 17). Law on Identification 2023 and Decree
69/2024/NĐ-CP on agencies' use of the national population database [check article]; Decree 45/2020/NĐ-CP:
agencies do not ask again for information held in national databases [check article].
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError, FieldError
from motcua.core.text import LONG_TEXT, check_text, printable
from motcua.dossiers import access as dossier_access
from motcua.dossiers.models import Dossier
from motcua.org import selectors as org_selectors
from motcua.registries import adapters, conf, errors, selectors
from motcua.registries.fields import (
    KINDS,
    LAND,
    PERSONAL_KINDS,
    REGISTRY_FIELDS,
    field_label,
    normalize_identifier,
    registry_label,
    unknown_fields,
)
from motcua.registries.models import ActorKind, Consent, Lookup, Outcome

MAX_PURPOSE = 500
MAX_LEGAL_BASIS = 500
# A staff lookup outside a dossier states its purpose in at least this many characters (it is flagged).
MIN_PURPOSE_OUTSIDE_DOSSIER = 15


@dataclass(frozen=True)
class LookupResult:
    """What a lookup brought back: the values of the fields asked for, their labels, and its audit row."""

    lookup: Lookup
    registry: str
    identifier: str
    values: dict[str, Any]
    cached: bool = False
    labels: dict[str, Any] = field(default_factory=dict)

    @property
    def registry_label(self) -> Any:
        return registry_label(self.registry)

    def items(self) -> list[tuple[str, Any, Any]]:
        """(field, label, value) in the order the fields were asked for."""
        return [(key, self.labels.get(key, key), value) for key, value in self.values.items()]


# --- checks shared by consent and lookup -------------------------------------------------------------------


def _check_registry(registry: str) -> None:
    if registry not in KINDS:
        raise DomainError(
            errors.UNKNOWN_REGISTRY, _("Không có cơ sở dữ liệu “%(registry)s”."), registry=registry
        )


def _check_identifier(registry: str, identifier: str) -> str:
    cleaned = normalize_identifier(registry, identifier)
    if cleaned is None:
        raise FieldError(
            errors.BAD_IDENTIFIER,
            _("“%(identifier)s” không đúng dạng số định danh hoặc mã tra cứu của %(registry)s."),
            field="identifier",
            identifier=str(identifier)[:40],
            registry=registry_label(registry),
        )
    return cleaned


def _check_fields(registry: str, fields: list[str] | tuple[str, ...]) -> list[str]:
    if isinstance(fields, str) or not fields or not all(isinstance(f, str) for f in fields):
        raise DomainError(errors.UNKNOWN_FIELD, _("Hãy chọn ít nhất một trường thông tin cần lấy."))
    unknown = unknown_fields(registry, list(fields))
    if unknown:
        raise DomainError(
            errors.UNKNOWN_FIELD,
            _("%(registry)s không có trường thông tin: %(fields)s."),
            registry=registry_label(registry),
            fields=", ".join(unknown),
        )
    return list(dict.fromkeys(fields))


def _check_purpose(purpose: str, *, minimum: int = 1) -> str:
    purpose = check_text(
        " ".join(str(purpose or "").split()),
        field="purpose",
        label=_("Mục đích"),
        max_length=10 * MAX_PURPOSE,
    )
    if len(purpose) < minimum or len(purpose) > MAX_PURPOSE:
        raise FieldError(
            errors.PURPOSE_REQUIRED,
            _("Hãy nêu rõ mục đích khai thác dữ liệu (từ %(min)s đến %(max)s ký tự)."),
            field="purpose",
            min=minimum,
            max=MAX_PURPOSE,
        )
    return purpose


def _staff(user: Any) -> Any:
    return org_selectors.staff_of(user=user)


def _check_dossier(user: Any, dossier: Dossier | None, *, staff: Any) -> None:
    """The user may read this dossier (the dossier engine's one access policy), else a 404 refusal. An ended
    agency's archive, readable by its successor's officers, does not count: a look-up in a national registry
    serves a dossier being handled (Decree 13/2023/NĐ-CP, Art. 3: purpose limitation), never a closed one."""
    if dossier is None:
        return
    if staff is None:
        allowed = dossier.applicant_id is not None and dossier.applicant_id == user.pk
    else:
        allowed = (
            dossier_access.visible_dossiers(user=user, on=timezone.localdate(), archive=False)
            .filter(pk=dossier.pk)
            .exists()
        )
    if not allowed:
        raise DomainError(errors.DOSSIER_FORBIDDEN, _("Không tìm thấy hồ sơ."))


def consent_text(
    *, registry: str, fields: list[str] | tuple[str, ...], purpose: str, subject_id: str = ""
) -> str:
    """The standard text a person is shown before consenting (store exactly what was shown)."""
    labels = ", ".join(str(field_label(registry, f)) for f in fields)
    about = _gettext(" về %(subject)s") % {"subject": subject_id} if subject_id else ""
    return _gettext(
        "Tôi đồng ý để cơ quan giải quyết thủ tục hành chính lấy các thông tin sau%(about)s từ %(registry)s: "
        "%(fields)s. Mục đích: %(purpose)s. Thông tin chỉ được dùng cho mục đích này; mỗi lần lấy đều được "
        "ghi lại và tôi xem được trong trang tài khoản."
    ) % {"about": about, "registry": registry_label(registry), "fields": labels, "purpose": purpose}


# --- consent ---------------------------------------------------------------------------------------------


@transaction.atomic
def record_consent(
    *,
    by: Any,
    subject_id: str,
    registry: str,
    fields: list[str] | tuple[str, ...],
    purpose: str,
    text: str = "",
    legal_basis: str = "",
    dossier: Dossier | None = None,
    draft_reference: str = "",
    now: dt.datetime | None = None,
) -> Consent:
    """Ghi nhận sự đồng ý: store a person's consent to a lookup, or the legal basis that allows it without.

    ``by`` a citizen: their own consent, shown ``text`` (required), only about themselves for the population
    and civil-status registries; a citizen cannot record a legal basis. ``by`` an officer (at the counter):
    either the consent of the person present (``text`` as shown to them) or ``legal_basis`` instead.
    """
    _check_registry(registry)
    subject = _check_identifier(registry, subject_id)
    wanted = _check_fields(registry, fields)
    purpose = _check_purpose(purpose)
    text = check_text(
        str(text or "").strip(),
        field="text",
        label=_("Nội dung đã hiển thị"),
        max_length=LONG_TEXT,
        multiline=True,
    )
    legal_basis = check_text(
        " ".join(str(legal_basis or "").split()),
        field="legal_basis",
        label=_("Căn cứ pháp lý"),
        max_length=10 * MAX_LEGAL_BASIS,
    )
    staff = _staff(by)
    if staff is None:
        if legal_basis:
            raise DomainError(
                errors.LEGAL_BASIS_STAFF_ONLY,
                _("Chỉ cán bộ tiếp nhận mới ghi nhận căn cứ pháp lý thay cho sự đồng ý."),
            )
        if registry in PERSONAL_KINDS and subject != (getattr(by, "national_id", "") or ""):
            raise DomainError(
                errors.NOT_YOUR_DATA,
                _(
                    "Bạn chỉ có thể đồng ý cho lấy thông tin về chính mình. "
                    "Thông tin của người khác cần sự đồng ý của họ."
                ),
            )
    elif not text and not legal_basis:
        raise DomainError(
            errors.NO_CONSENT,
            _(
                "Cần ghi nhận sự đồng ý của người dân hoặc căn cứ pháp lý "
                "cho phép khai thác không cần đồng ý."
            ),
        )
    if not legal_basis and not text:
        raise FieldError(
            errors.CONSENT_TEXT_REQUIRED, _("Thiếu nội dung đã hiển thị cho người đồng ý."), field="text"
        )
    if len(legal_basis) > MAX_LEGAL_BASIS:
        raise FieldError(
            errors.NO_CONSENT,
            _("Căn cứ pháp lý quá dài (tối đa %(max)s ký tự)."),
            field="legal_basis",
            max=MAX_LEGAL_BASIS,
        )
    _check_dossier(by, dossier, staff=staff)
    return Consent.objects.create(
        subject_id=subject,
        registry=registry,
        fields=wanted,
        purpose=purpose,
        text=text,
        citizen=None if staff is not None else by,
        recorded_by=by if staff is not None else None,
        legal_basis=legal_basis,
        dossier=dossier,
        draft_reference=printable(str(draft_reference or ""))[:80],
        created_at=now or timezone.now(),
    )


@transaction.atomic
def withdraw_consent(*, consent: Consent, by: Any, now: dt.datetime | None = None) -> Consent:
    """Rút lại sự đồng ý: the citizen who gave it ends it; later lookups under it are refused."""
    if consent.citizen_id is None or consent.citizen_id != getattr(by, "pk", None):
        raise DomainError(errors.CONSENT_MISMATCH, _("Bạn không thể rút lại sự đồng ý này."))
    if consent.withdrawn_at is None:
        consent.withdrawn_at = now or timezone.now()
        consent.save(update_fields=["withdrawn_at"])
    return consent


def flagged(*, by_staff: bool, dossier: Dossier | None, subject_id: str = "", drafted: bool = False) -> bool:
    """Whether a lookup waits for the auditor (docs/legal-basis.md § 15: a staff lookup outside a dossier is
    flagged). A lookup made in a dossier is made for it. One made on the counter's draft (``drafted``), once
    the draft is the ``dossier``, was made for it when it was about the dossier's applicant or the person it
    concerns; about anyone else it stays flagged. A citizen's own lookup is never flagged."""
    if not by_staff:
        return False
    if dossier is None:
        return True
    people = {n for n in (dossier.applicant_id_number, dossier.concerned_id_number) if n}
    return drafted and subject_id not in people


@transaction.atomic
def link_draft_to_dossier(*, draft_reference: str, dossier: Dossier) -> int:
    """When a draft becomes a dossier: its consents and lookups now name the dossier, and the staff lookups
    made for it are no longer flagged (``flagged``; one reviewed already keeps its flag). Returns rows
    changed."""
    if not draft_reference:
        return 0
    changed = Consent.objects.filter(draft_reference=draft_reference, dossier__isnull=True).update(
        dossier=dossier
    )
    pending = Lookup.objects.filter(draft_reference=draft_reference, dossier__isnull=True)
    cleared = [
        row.pk
        for row in pending.filter(flagged=True, reviewed_at__isnull=True).only("actor_kind", "subject_id")
        if not flagged(
            by_staff=row.actor_kind == ActorKind.STAFF,
            dossier=dossier,
            subject_id=row.subject_id,
            drafted=True,
        )
    ]
    changed += Lookup.objects.filter(pk__in=cleared).update(dossier=dossier, flagged=False)
    changed += pending.update(dossier=dossier)
    return changed


@transaction.atomic
def review_lookup(*, lookup: Lookup, by: Any, note: str = "", now: dt.datetime | None = None) -> Lookup:
    """The auditor marks a flagged staff lookup reviewed (with a note); only an auditor of its province."""
    row = Lookup.objects.select_for_update().filter(pk=lookup.pk, flagged=True).first()
    if row is None or row.province_code not in selectors.auditor_provinces(user=by):
        raise DomainError(errors.LOOKUP_NOT_FOUND, _("Không tìm thấy lượt khai thác dữ liệu."))
    note = " ".join(str(note or "").split())
    if len(note) > 500:
        raise FieldError(errors.REVIEW_NOTE_TOO_LONG, _("Ghi chú tối đa 500 ký tự."), field="note")
    if row.reviewed_at is not None:
        raise DomainError(errors.ALREADY_REVIEWED, _("Lượt khai thác này đã được xem xét."))
    row.reviewed_by = by
    row.reviewed_at = now or timezone.now()
    row.review_note = note
    row.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    return row


def _consent_refusal(
    consent: Consent,
    *,
    actor: Any,
    registry: str,
    identifier: str,
    fields: list[str],
    purpose: str,
    dossier: Dossier | None,
    now: dt.datetime,
) -> DomainError | None:
    if consent.withdrawn_at is not None or consent.created_at < now - dt.timedelta(
        minutes=conf.consent_valid_minutes()
    ):
        return DomainError(
            errors.CONSENT_EXPIRED, _("Sự đồng ý đã hết hiệu lực hoặc đã bị rút lại. Vui lòng đồng ý lại.")
        )
    actor_id = getattr(actor, "pk", None)
    own = actor_id is not None and actor_id in (consent.citizen_id, consent.recorded_by_id)
    same_dossier = dossier is not None and consent.dossier_id == dossier.pk
    if (
        consent.registry != registry
        or consent.subject_id != identifier
        or not set(fields) <= set(consent.fields)
        or consent.purpose != purpose
        or not (own or same_dossier)
    ):
        return DomainError(
            errors.CONSENT_MISMATCH,
            _(
                "Sự đồng ý không bao gồm lần tra cứu này "
                "(cơ sở dữ liệu, người, trường thông tin hoặc mục đích khác)."
            ),
        )
    return None


# --- lookup ----------------------------------------------------------------------------------------------


def _actor_label(user: Any, staff: Any) -> str:
    if staff is not None:
        agency = getattr(getattr(staff, "agency", None), "name", "")
        return f"{staff.full_name} — {agency}"[:300] if agency else staff.full_name[:300]
    return (getattr(user, "full_name", "") or getattr(user, "username", ""))[:300]


def _province_of(staff: Any) -> str:
    agency = getattr(staff, "agency", None) if staff is not None else None
    return str(getattr(agency, "province_code", "") or settings.MOTCUA_PROVINCE_CODE)[:2]


def lookup(
    *,
    actor: Any,
    registry: str,
    identifier: str,
    fields: list[str] | tuple[str, ...],
    purpose: str,
    dossier: Dossier | None = None,
    consent: Consent | None = None,
    legal_basis: str = "",
    draft_reference: str = "",
) -> LookupResult:
    """Khai thác dữ liệu: read ``fields`` of a record, allowed by ``consent`` or an officer's ``legal_basis``.

    Writes one ``Lookup`` row for every attempt, also when refused or failed (not inside the caller's
    transaction's fate: call it outside ``atomic`` if the row must survive a rollback). Raises DomainError
    (``registries.no_consent`` and the other refusals), ``adapters.RecordNotFound`` or
    ``adapters.RegistryUnavailable`` (after at most the configured timeout); the raised error carries the
    audit row as ``error.lookup``.
    """
    started = time.monotonic()
    now = timezone.now()
    staff = _staff(actor)
    row = Lookup(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_kind=ActorKind.STAFF if staff is not None else ActorKind.CITIZEN,
        actor_label=_actor_label(actor, staff),
        province_code=_province_of(staff),
        registry=str(registry)[:20],
        identifier=printable(str(identifier or ""))[:40],
        purpose=printable(" ".join(str(purpose or "").split()))[:MAX_PURPOSE],
        dossier=dossier,
        draft_reference=printable(str(draft_reference or ""))[:80],
        consent=consent,
        legal_basis=printable(" ".join(str(legal_basis or "").split()))[:MAX_LEGAL_BASIS],
        fields_requested=[printable(str(f))[:60] for f in (fields or [])][:60]
        if not isinstance(fields, str)
        else [],
        created_at=now,
        flagged=flagged(by_staff=staff is not None, dossier=dossier),
    )

    def finish(outcome: str, *, error: DomainError | None = None, returned: list[str] | None = None) -> None:
        row.outcome = outcome
        row.error_code = error.code if error is not None else ""
        row.fields_returned = returned or []
        row.duration_ms = min(int((time.monotonic() - started) * 1000), 2**31 - 1)
        row.save(force_insert=True)
        if error is not None:
            error.lookup = row  # type: ignore[attr-defined]

    try:
        _check_registry(registry)
        cleaned = _check_identifier(registry, identifier)
        row.identifier = cleaned
        if registry in PERSONAL_KINDS:
            row.subject_id = cleaned
        wanted = _check_fields(registry, fields)
        row.purpose = _check_purpose(purpose, minimum=MIN_PURPOSE_OUTSIDE_DOSSIER if row.flagged else 1)
        _check_dossier(actor, dossier, staff=staff)
        if consent is None and not row.legal_basis:
            raise DomainError(
                errors.NO_CONSENT,
                _("Chưa có sự đồng ý của người có thông tin hoặc căn cứ pháp lý cho phép lấy thông tin này."),
            )
        if consent is None and staff is None:
            raise DomainError(
                errors.LEGAL_BASIS_STAFF_ONLY, _("Chỉ cán bộ mới khai thác dữ liệu theo căn cứ pháp lý.")
            )
        if consent is not None:
            refusal = _consent_refusal(
                consent,
                actor=actor,
                registry=registry,
                identifier=cleaned,
                fields=wanted,
                purpose=row.purpose,
                dossier=dossier,
                now=now,
            )
            if refusal is not None:
                raise refusal
            if consent.legal_basis and not row.legal_basis:
                row.legal_basis = consent.legal_basis
    except DomainError as error:
        finish(Outcome.REFUSED, error=error)
        raise

    asked = list(wanted)
    # Land: the holder decides whose lookup it is (the audit, and a citizen may read only their own parcel).
    if registry == LAND and "holder_id_number" not in asked:
        asked.append("holder_id_number")
    requester = row.actor_label or str(getattr(actor, "pk", ""))
    try:
        data, cached = adapters.client_for(registry).fetch_with_source(
            cleaned, purpose=row.purpose, fields=asked, requester=requester
        )
    except adapters.RecordNotFound as error:
        finish(Outcome.NOT_FOUND, error=error)
        raise
    except adapters.RegistryUnavailable as error:
        finish(Outcome.UNAVAILABLE, error=error)
        raise
    if registry == LAND:
        row.subject_id = str(data.get("holder_id_number") or "")[:40]
        if staff is None and row.subject_id != (getattr(actor, "national_id", "") or ""):
            # Never tells whose parcel it is.
            not_theirs = DomainError(
                errors.NOT_YOUR_DATA, _("Bạn chỉ có thể lấy thông tin thửa đất mà bạn là người sử dụng đất.")
            )
            finish(Outcome.REFUSED, error=not_theirs)
            raise not_theirs
    values = {key: data.get(key) for key in wanted if key in data}
    row.cached = cached
    finish(Outcome.OK, returned=list(values))
    labels = {key: REGISTRY_FIELDS[registry][key] for key in values}
    return LookupResult(
        lookup=row, registry=registry, identifier=cleaned, values=values, cached=cached, labels=labels
    )
