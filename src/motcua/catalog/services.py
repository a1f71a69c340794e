"""Writes to the catalog: import/export, drafts, publication (guarded by the verifier)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import snapshots
from motcua.core.errors import DomainError
from motcua.geo.models import AdministrativeUnit
from motcua.geo.models import Level as UnitLevel
from motcua.org.models import DISTRICT_LEVEL_ENDS, Agency, AgencyLevel

from . import interchange
from . import national as national_records
from .interchange import CatalogFormatError, Problem
from .models import (
    AgencyRule,
    CompetenceRule,
    Field,
    LegalDocument,
    OnlineLevel,
    PlaceBasis,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    SupplementClock,
    TimeUnit,
    Transition,
    VersionStatus,
    Workflow,
    WorkflowStep,
)
from .verifier import Report, verify

SAMPLE_CATALOG = Path(__file__).resolve().parent / "data" / "hue.yaml"

Progress = Callable[[str], None] | None


# --- competence rules -----------------------------------------------------------------------------------


class CompetenceError(DomainError):
    """A competence rule was refused; nothing was changed."""


def check_competence_rule(rule: CompetenceRule) -> None:
    """Raise CompetenceError unless ``rule`` (unsaved, its scope and agency attached) may exist.

    The scope is a province or a commune in force on the rule's first day (catalog/competence.py); a named
    agency is in force then; a rule for the commune's People's Committee names none. A district agency
    (UBND huyện and its divisions) decides nothing from 1 July 2025: the Law on Organisation of Local
    Government 2025 (Luật Tổ chức chính quyền địa phương số 72/2025/QH15) ends the district level, so its
    rule must end by then (org.models.DISTRICT_LEVEL_ENDS)."""
    if rule.place_basis not in PlaceBasis.values:
        raise CompetenceError(
            "competence.place_basis", _("Căn cứ địa bàn %(basis)s không hợp lệ."), basis=rule.place_basis
        )
    if rule.agency_rule not in AgencyRule.values:
        raise CompetenceError(
            "competence.agency_rule", _("Cách xác định cơ quan %(rule)s không hợp lệ."), rule=rule.agency_rule
        )
    if rule.valid_to is not None and rule.valid_to <= rule.valid_from:
        raise CompetenceError(
            "competence.end_before_start", _("Ngày kết thúc phải sau ngày bắt đầu hiệu lực.")
        )
    scope = rule.scope
    if scope.level not in (UnitLevel.PROVINCE, UnitLevel.COMMUNE) or not scope.is_valid_on(rule.valid_from):
        raise CompetenceError(
            "competence.scope",
            _("Phạm vi %(unit)s phải là tỉnh hoặc xã, phường có hiệu lực ngày %(day)s."),
            unit=scope.name,
            day=f"{rule.valid_from:%d/%m/%Y}",
        )
    agency = rule.agency
    if rule.agency_rule == AgencyRule.COMMUNE_COMMITTEE:
        if agency is not None:
            raise CompetenceError(
                "competence.agency", _("Quy tắc giao UBND xã nơi có địa bàn không nêu cơ quan cụ thể.")
            )
        return
    if agency is None or not agency.is_valid_on(rule.valid_from):
        raise CompetenceError(
            "competence.agency",
            _("Cần một cơ quan có hiệu lực ngày %(day)s."),
            day=f"{rule.valid_from:%d/%m/%Y}",
        )
    if agency.level == AgencyLevel.DISTRICT and (
        rule.valid_to is None or rule.valid_to > DISTRICT_LEVEL_ENDS
    ):
        raise CompetenceError(
            "competence.district_agency",
            _(
                "%(agency)s là cơ quan cấp huyện: không có thẩm quyền từ ngày 01/07/2025 "
                "(Luật Tổ chức chính quyền địa phương số 72/2025/QH15)."
            ),
            agency=agency.name,
        )


@transaction.atomic
def add_competence_rules(*, rules: list[CompetenceRule]) -> list[CompetenceRule]:
    """Save new competence rules in one go (a period the catalog did not cover yet, e.g. before a reform),
    each checked by ``check_competence_rule`` first: one refused, none saved."""
    for rule in rules:
        check_competence_rule(rule)
    saved = CompetenceRule.objects.bulk_create(rules)
    snapshots.changed()
    return saved


@transaction.atomic
def move_competence(
    *,
    procedure: Procedure,
    scope: AdministrativeUnit,
    on: dt.date,
    place_basis: str,
    agency_rule: str,
    agency: Agency | None = None,
    place_fields: list[str] | None = None,
    legal_basis: str,
) -> CompetenceRule:
    """Competence for ``procedure`` within ``scope`` from ``on``: the rules in force the day before that it
    replaces (for a province: every rule of the province; for a commune: the commune's own rule, the
    province's staying for the other communes) end that day (``valid_to`` = ``on``, exclusive), and the
    new rule opens on ``on``. Moving to the same rule again changes nothing.
    Rules that start on ``on`` too (other entries of the same change set: a province rule beside a
    commune's own) and rules that start later are left as they are.

    A move follows a legal document on decentralization or delegation, so ``legal_basis`` is required."""
    if not legal_basis.strip():
        raise CompetenceError(
            "competence.legal_basis", _("Cần nêu căn cứ pháp lý của việc chuyển thẩm quyền.")
        )
    wanted = {
        "place_basis": place_basis,
        "agency_rule": agency_rule,
        "agency": agency,
        "place_fields": list(place_fields or []),
        "legal_basis": legal_basis,
    }
    same = CompetenceRule.objects.filter(procedure=procedure, scope=scope, valid_from=on, **wanted).first()
    if same is not None:
        return same
    rule = CompetenceRule(procedure=procedure, scope=scope, valid_from=on, **wanted)
    check_competence_rule(rule)
    # A province-wide move states the province's competence anew: every rule of the province ends. A
    # commune's own rule wins over the province's (catalog.competence), so a move for one commune ends only
    # that commune's rule: the province's keeps deciding for every other commune.
    if scope.level == UnitLevel.PROVINCE:
        overlaps = Q(scope__province_code=scope.province_code)
    else:
        overlaps = Q(scope=scope)
    overlapping = (
        CompetenceRule.objects.filter(procedure=procedure)
        .filter(overlaps)
        .filter(valid_from__lt=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    )
    overlapping.update(valid_to=on)
    rule.save()
    return rule


# --- verification and publication -------------------------------------------------------------------


def verification_dates(version: ProcedureVersion, today: dt.date | None = None) -> list[dt.date]:
    """The dates a version is checked on before publication: its first day, and today if it is in force."""
    today = today or timezone.localdate()
    dates = [version.valid_from]
    if today > version.valid_from and version.is_valid_on(today):
        dates.append(today)
    return dates


def verify_version(*, version: ProcedureVersion, on: dt.date | None = None) -> list[Report]:
    """Run the verifier on one version (draft or not) for each date it must hold on."""
    dates = [on] if on else verification_dates(version)
    return [verify(on=day, versions=[version]) for day in dates]


def _user(by: Any) -> Any:
    return getattr(by, "user", by)


@transaction.atomic
def publish_version(*, version: ProcedureVersion, by: Any, on: dt.date | None = None) -> ProcedureVersion:
    """Publish a draft: refused while the verifier reports errors; closes the version it supersedes."""
    version = ProcedureVersion.objects.select_for_update().select_related("procedure").get(pk=version.pk)
    if version.is_published:
        raise DomainError(
            "version.published", _("Phiên bản %(version)s đã được công bố."), version=str(version)
        )
    reports = verify_version(version=version, on=on)
    errors = [finding for report in reports for finding in report.errors]
    if errors:
        raise DomainError(
            "version.unverified",
            _("Không thể công bố %(version)s: trình kiểm tra báo %(count)s lỗi.\n%(details)s"),
            version=str(version),
            count=len(errors),
            details="\n".join(str(f) for f in errors),
        )
    others = (
        ProcedureVersion.objects.select_for_update()
        .filter(procedure=version.procedure, status=VersionStatus.PUBLISHED)
        .exclude(pk=version.pk)
    )
    overlapping = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=version.valid_from))
    if version.valid_to is not None:
        overlapping = overlapping.filter(valid_from__lt=version.valid_to)
    for other in overlapping:
        if other.valid_from >= version.valid_from:
            raise DomainError(
                "version.overlap",
                _("Phiên bản %(other)s đã công bố có hiệu lực từ %(day)s, trùng thời gian với %(version)s."),
                other=str(other),
                day=other.valid_from.strftime("%d/%m/%Y"),
                version=str(version),
            )
        other.valid_to = version.valid_from  # the only change a published version accepts
        other.save(update_fields=["valid_to"])
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    user = _user(by)
    version.published_by = user if getattr(user, "pk", None) else None
    version.save()
    return version


@transaction.atomic
def create_draft_version(
    *, procedure: Procedure, from_version: ProcedureVersion | None = None, valid_from: dt.date | None = None
) -> ProcedureVersion:
    """A new draft version copied (documents, form, fees, workflow) from ``from_version`` or the latest."""
    if from_version is None:
        from_version = procedure.versions.order_by("-number").first()
    number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    today = timezone.localdate()
    if from_version is None:
        return ProcedureVersion.objects.create(
            procedure=procedure,
            number=number,
            valid_from=valid_from or today,
            time_limit_amount=Decimal(1),
            time_limit_unit=TimeUnit.WORKING_DAYS,
            online_level=OnlineLevel.OFFLINE,
            result_name="",
        )
    copied = ProcedureVersion.objects.get(pk=from_version.pk)
    copied.pk = None
    copied.id = None
    copied._state.adding = True
    copied.number = number
    copied.status = VersionStatus.DRAFT
    copied.valid_from = valid_from or max(today, from_version.valid_from)
    copied.valid_to = None
    copied.published_at = None
    copied.published_by = None
    copied.save()
    for doc in from_version.documents.all():
        doc.pk = None
        doc.id = None
        doc._state.adding = True
        doc.version = copied
        doc.save()
    workflow = Workflow.objects.filter(version=from_version).first()
    if workflow is not None:
        new_workflow = Workflow.objects.create(version=copied, name=workflow.name)
        step_map: dict[int, WorkflowStep] = {}
        old_steps = list(workflow.steps.all())
        for step in old_steps:
            old_id = step.pk
            step.pk = None
            step.id = None
            step._state.adding = True
            step.workflow = new_workflow
            step.save()
            step_map[old_id] = step
        for t in Transition.objects.filter(source__workflow=workflow):
            Transition.objects.create(
                source=step_map[t.source_id],
                action=t.action,
                target=step_map[t.target_id] if t.target_id else None,
                requires_reason=t.requires_reason,
            )
    return copied


# --- the national procedure database ----------------------------------------------------------------


def _published_version(procedure: Procedure) -> ProcedureVersion:
    today = timezone.localdate()
    published = procedure.versions.filter(status=VersionStatus.PUBLISHED)
    version = published.valid_on(today).order_by("-number").first() or published.order_by("-number").first()
    if version is None:
        raise DomainError(
            "catalog.national_no_published",
            _("Thủ tục %(procedure)s chưa có phiên bản đã công bố để so sánh."),
            procedure=procedure.code,
        )
    return version


@transaction.atomic
def pull_national_draft(
    *, national: national_records.NationalProcedure, now: dt.datetime | None = None
) -> ProcedureVersion:
    """A draft of the procedure with the national record applied (time limit, documents, legal basis), and
    the field-by-field difference from the published version stored on it (``national_diff``). A second
    pull updates the same draft. Never publishes: the administrator reviews the draft and publishes it
    through the verifier (``publish_version``)."""
    now = now or timezone.now()
    procedure = Procedure.objects.select_for_update().filter(code=national.code).first()
    if procedure is None:
        raise DomainError(
            "catalog.national_unknown",
            _("Thủ tục %(procedure)s chưa có trong danh mục thủ tục của hệ thống."),
            procedure=national.code,
        )
    published = _published_version(procedure)
    draft = (
        procedure.versions.filter(status=VersionStatus.DRAFT, national_pulled_at__isnull=False)
        .order_by("-number")
        .first()
    ) or create_draft_version(procedure=procedure, from_version=published)
    if national.time_limit_amount is not None and national.time_limit_unit:
        draft.time_limit_amount = national.time_limit_amount
        draft.time_limit_unit = national.time_limit_unit
    if national.legal_basis:
        draft.legal_basis = national.legal_basis_text
    draft.national_diff = national_records.diff(published, national)
    draft.national_pulled_at = now
    draft.save()
    if national.documents:
        kept = {d.code: d for d in draft.documents.all()}
        for order, document in enumerate(national.documents, start=1):
            row = kept.pop(document.code, None) or RequiredDocument(version=draft, code=document.code)
            row.name = document.name[:500]
            row.originals, row.copies, row.order = document.originals, document.copies, order
            row.save()
        for row in kept.values():
            row.delete()
    return draft


# --- import -------------------------------------------------------------------------------------------


def _agency_resolver(province_code: str) -> interchange.AgencyResolver:
    cache: dict[tuple[str, dt.date], tuple[str | None, str | None]] = {}

    def resolve(ref: str, on: dt.date) -> tuple[str | None, str | None]:
        key = (ref, on)
        if key not in cache:
            cache[key] = _resolve_agency(ref, on, province_code)
        return cache[key]

    return resolve


def _resolve_agency(ref: str, on: dt.date, province_code: str) -> tuple[str | None, str | None]:
    """An agency reference in a file: its code, else its exact (short) name, else a unique name prefix."""
    qs = Agency.objects.valid_on(on).filter(province_code=province_code)
    for query in (
        Q(code=ref),
        Q(name=ref) | Q(short_name=ref),
        Q(name__iexact=ref) | Q(short_name__iexact=ref),
        Q(name__istartswith=ref),
    ):
        found = list(qs.filter(query).values_list("code", "name")[:5])
        if len(found) == 1:
            return found[0][0], None
        if len(found) > 1:
            names = ", ".join(name for _code, name in found)
            return None, _("tên cơ quan '%(ref)s' không rõ ràng (%(names)s); hãy dùng mã cơ quan") % {
                "ref": ref,
                "names": names,
            }
    return None, _("không tìm thấy cơ quan '%(ref)s' có hiệu lực ngày %(day)s") % {
        "ref": ref,
        "day": f"{on:%d/%m/%Y}",
    }


def _unit_resolver(ref: str, on: dt.date) -> str | None:
    if AdministrativeUnit.objects.valid_on(on).filter(code=ref).exists():
        return None
    return _("không có đơn vị hành chính mã '%(ref)s' có hiệu lực ngày %(day)s") % {
        "ref": ref,
        "day": f"{on:%d/%m/%Y}",
    }


def _agency(code: str | None, on: dt.date) -> Agency | None:
    if not code:
        return None
    return Agency.objects.valid_on(on).filter(code=code).order_by("-valid_from").first()


def _unit(code: str, on: dt.date) -> AdministrativeUnit:
    return AdministrativeUnit.objects.valid_on(on).filter(code=code).order_by("-valid_from").first()  # type: ignore[return-value]


def _procedures_qs() -> Any:
    steps = WorkflowStep.objects.select_related("performer_agency").prefetch_related(
        Prefetch("transitions", queryset=Transition.objects.order_by("id"))
    )
    versions = ProcedureVersion.objects.select_related("workflow").prefetch_related(
        "documents", Prefetch("workflow__steps", queryset=steps)
    )
    return Procedure.objects.select_related("field").prefetch_related(
        Prefetch("competence_rules", queryset=CompetenceRule.objects.select_related("scope", "agency")),
        Prefetch("versions", queryset=versions),
    )


def _comparable(version: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in version.items() if k not in ("status", "valid_to", "online_only")}


def _online_only(entry: dict[str, Any]) -> tuple[dt.date | None, str]:
    only = entry.get("online_only") or {}
    return only.get("from"), only.get("basis", "")


@transaction.atomic
def set_online_only(*, version: ProcedureVersion, start: dt.date | None, basis: str = "") -> ProcedureVersion:
    """Mark a version online-only from ``start`` (None: paper dossiers accepted again), published or not.

    Directive 24/CT-TTg made services online-only at the centres from 1 October 2025, during the life of
    versions already published: this attribute changes without a new version (``MUTABLE_WHEN_PUBLISHED``)."""
    version.online_only_from = start
    version.online_only_basis = (basis or "").strip() if start else ""
    version.save(update_fields=["online_only_from", "online_only_basis"])
    return version


def _ended_by(end: dt.date | None, start: dt.date | None) -> bool:
    return end is not None and start is not None and end <= start


@transaction.atomic
def import_catalog(
    *,
    text: str | None = None,
    path: str | Path | None = None,
    publish: bool,
    by: Any = None,
    progress: Progress = None,
) -> dict[str, int]:
    """Import a catalog file: all of it or, on any problem, nothing (CatalogFormatError / DomainError).

    Fields and procedures are created or updated, competence rules replaced when they differ (those that
    ended by the start of the file's first rule, a reorganization's earlier rules, are kept),
    versions created by number (a draft with the same number is replaced; a published one must be
    identical). With ``publish``, versions not marked ``status: draft`` are published through
    publish_version, so the verifier must pass for each. Running the same file twice changes nothing.
    """
    say = progress or (lambda _msg: None)
    if text is None:
        if path is None:
            raise ValueError("import_catalog needs text or path")
        text = Path(path).read_text(encoding="utf-8")
    province_code = settings.MOTCUA_PROVINCE_CODE
    document, lines = interchange.parse(
        text, resolve_agency=_agency_resolver(province_code), resolve_unit=_unit_resolver
    )
    counts = dict.fromkeys(
        (
            "fields",
            "legal_documents",
            "procedures_created",
            "procedures_updated",
            "competence_replaced",
            "versions_created",
            "versions_replaced",
            "versions_unchanged",
            "versions_updated",
            "versions_published",
        ),
        0,
    )
    fields = {f.code: f for f in Field.objects.all()}
    for entry in document["fields"]:
        current = fields.get(entry["code"])
        if current is None:
            fields[entry["code"]] = Field.objects.create(**entry)
            counts["fields"] += 1
        elif current.name != entry["name"]:
            current.name = entry["name"]
            current.save()
            counts["fields"] += 1
    counts["legal_documents"] = _import_legal_documents(document.get("legal_documents", []))
    existing = {
        p.code: p for p in _procedures_qs().filter(code__in=[p["code"] for p in document["procedures"]])
    }
    problems: list[Problem] = []
    to_publish: list[ProcedureVersion] = []
    for entry in document["procedures"]:
        procedure = existing.get(entry["code"])
        attrs = {
            "name": entry["name"],
            "field": fields[entry["field"]],
            "target": entry["target"],
            "at_province": "province" in entry["levels"],
            "at_commune": "commune" in entry["levels"],
            "name_en": entry.get("name_en", ""),
            "keywords": ", ".join(entry.get("keywords", [])),
            "featured": entry.get("featured", False),
        }
        if procedure is None:
            procedure = Procedure.objects.create(code=entry["code"], **attrs)
            counts["procedures_created"] += 1
            current_dump = None
        else:
            current_dump = interchange.dump_procedure(procedure, list(procedure.versions.all()))
            if any(getattr(procedure, k) != v for k, v in attrs.items()):
                for key, value in attrs.items():
                    setattr(procedure, key, value)
                procedure.save()
                counts["procedures_updated"] += 1
        # Rules that ended by the file's first one are history the file does not speak of (those in force
        # before a reorganization: reorg.hue2025's before 1 July 2025): kept, and left out of the comparison.
        first = min((rule["valid_from"] for rule in entry["competence"]), default=None)
        stored_rules = [
            rule
            for rule in (current_dump or {}).get("competence", [])
            if not _ended_by(rule.get("valid_to"), first)
        ]
        if current_dump is None or stored_rules != entry["competence"]:
            if current_dump is not None:
                replaced = CompetenceRule.objects.filter(procedure=procedure)
                if first is not None:
                    replaced = replaced.exclude(valid_to__lte=first)  # an open-ended rule is replaced
                replaced.delete()
                counts["competence_replaced"] += 1
            for rule in entry["competence"]:
                CompetenceRule.objects.create(
                    procedure=procedure,
                    place_basis=rule["place_basis"],
                    place_fields=list(rule.get("place_fields", [])),
                    scope=_unit(rule["scope"], rule["valid_from"]),
                    agency_rule=rule["agency_rule"],
                    agency=_agency(rule.get("agency"), rule["valid_from"]),
                    valid_from=rule["valid_from"],
                    valid_to=rule.get("valid_to"),
                    legal_basis=rule.get("legal_basis", ""),
                )
        stored: dict[int, ProcedureVersion] = (
            {v.number: v for v in procedure.versions.all()}  # type: ignore[misc]
            if current_dump is not None
            else {}
        )
        dumped = {v["number"]: v for v in current_dump["versions"]} if current_dump else {}
        for version_entry in entry["versions"]:
            number = version_entry["number"]
            line = lines.get(("version", entry["code"], number), 0)
            version = stored.get(number)
            if version is not None and _comparable(dumped[number]) == _comparable(version_entry):
                if dumped[number].get("online_only") != version_entry.get("online_only"):
                    start, basis = _online_only(version_entry)
                    set_online_only(version=version, start=start, basis=basis)
                    counts["versions_updated"] += 1
                else:
                    counts["versions_unchanged"] += 1
            elif version is not None and version.is_published:
                problems.append(
                    Problem(
                        line,
                        _(
                            "thủ tục %(code)s v%(number)s đã công bố và khác nội dung trong tệp: "
                            "phiên bản đã công bố không được sửa, hãy thêm số phiên bản mới"
                        )
                        % {"code": entry["code"], "number": number},
                    )
                )
                continue
            else:
                if version is not None:
                    version.delete()
                    counts["versions_replaced"] += 1
                else:
                    counts["versions_created"] += 1
                version = _create_version(procedure, version_entry)
            if publish and version_entry.get("status") != VersionStatus.DRAFT and not version.is_published:
                to_publish.append(version)
        say(f"{entry['code']} – {entry['name']}")
    if problems:
        raise CatalogFormatError(problems)
    for version in sorted(to_publish, key=lambda v: (v.procedure_id, v.number)):
        try:
            publish_version(version=version, by=by)
        except DomainError as exc:
            line = lines.get(("version", version.procedure.code, version.number), 0)
            problems.append(Problem(line, str(exc)))
            continue
        counts["versions_published"] += 1
    if problems:
        raise CatalogFormatError(problems)
    return counts


def _import_legal_documents(entries: list[dict[str, Any]]) -> int:
    """Create or update the listed legal documents (by number); returns how many changed."""
    changed = 0
    stored = {d.number: d for d in LegalDocument.objects.all()}
    for entry in entries:
        attrs = {
            "title": entry["title"],
            "in_force_from": entry.get("in_force_from"),
            "in_force_to": entry.get("in_force_to"),
            "notes": entry.get("notes", ""),
        }
        current = stored.get(entry["number"])
        if current is None:
            stored[entry["number"]] = LegalDocument.objects.create(number=entry["number"], **attrs)
            changed += 1
        elif any(getattr(current, k) != v for k, v in attrs.items()):
            for key, value in attrs.items():
                setattr(current, key, value)
            current.save()
            changed += 1
    for entry in entries:
        current = stored[entry["number"]]
        target = stored.get(entry.get("replaced_by", ""))
        if current.replaced_by_id != (target.pk if target else None):
            current.replaced_by = target
            current.save(update_fields=["replaced_by"])
            changed += 1
    return changed


def _create_version(procedure: Procedure, entry: dict[str, Any]) -> ProcedureVersion:
    limit = entry["time_limit"]
    cutoff = limit.get("same_day_cutoff")
    form = entry.get("form", {})
    result = entry["result"]
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=entry["number"],
        status=VersionStatus.DRAFT,
        valid_from=entry["valid_from"],
        valid_to=entry.get("valid_to"),
        time_limit_amount=Decimal(str(limit["amount"])),
        time_limit_unit=limit["unit"],
        same_day_cutoff=dt.time.fromisoformat(cutoff) if cutoff else None,
        extension_max=limit.get("extension_max"),
        extension_basis=limit.get("extension_basis", ""),
        apologies_allowed=entry.get("apologies_allowed", 1),
        online_level=entry["online_level"],
        location_independent=entry["location_independent"],
        supplement_clock=entry.get("supplement_clock") or SupplementClock.RESUME,
        supplement_request_days=entry.get("supplement_request_days"),
        legal_basis=entry.get("legal_basis", ""),
        source=entry.get("source", ""),
        result_name=result["name"],
        result_template=result.get("template", ""),
        result_validity=result.get("validity", ""),
        result_kind=result.get("kind", ""),
        fee_rules=entry.get("fees", []),
        form_schema=form.get("schema", {}),
        ui_schema=form.get("ui", {}),
        notes=entry.get("notes", ""),
        online_only_from=_online_only(entry)[0],
        online_only_basis=_online_only(entry)[1],
    )
    for order, doc in enumerate(entry.get("documents", []), start=1):
        RequiredDocument.objects.create(
            version=version,
            order=order,
            code=doc["code"],
            name=doc["name"],
            originals=doc["originals"],
            copies=doc["copies"],
            mandatory=doc.get("mandatory", True),
            reuse=doc.get("reuse", ""),
            reuse_key=doc.get("reuse_key", ""),
            form_field=doc.get("form_field", ""),
            condition=doc.get("condition", ""),
        )
    workflow_entry = entry["workflow"]
    workflow = Workflow.objects.create(version=version, name=workflow_entry.get("name", ""))
    steps: dict[str, WorkflowStep] = {}
    for order, step in enumerate(workflow_entry.get("steps", []), start=1):
        steps[step["code"]] = WorkflowStep.objects.create(
            workflow=workflow,
            code=step["code"],
            name=step["name"],
            order=order,
            role=step["role"],
            performer=step["performer"],
            performer_agency=_agency(step.get("agency"), entry["valid_from"]),
            allotment_hours=Decimal(str(step["hours"])),
            actions=step.get("actions", []),
            is_initial=step.get("initial", False),
        )
    for step in workflow_entry.get("steps", []):
        for t in step.get("transitions", []):
            Transition.objects.create(
                source=steps[step["code"]],
                action=t["action"],
                target=steps[t["to"]] if t.get("to") else None,
                requires_reason=t.get("requires_reason", False),
            )
    return version


# --- export -------------------------------------------------------------------------------------------


def export_catalog(*, procedures: Iterable[Procedure] | None = None, published_only: bool = False) -> str:
    """The catalog (or the given procedures) in the interchange format; importing it back changes nothing."""
    qs = _procedures_qs().order_by("code")
    if procedures is not None:
        qs = qs.filter(pk__in=[p.pk for p in procedures])
    procedure_dicts = []
    used_fields: dict[str, str] = {}
    for procedure in qs:
        versions = [v for v in procedure.versions.all() if v.is_published or not published_only]
        procedure_dicts.append(interchange.dump_procedure(procedure, versions))
        used_fields[procedure.field.code] = procedure.field.name
    document: dict[str, Any] = {
        "format": interchange.FORMAT,
        "fields": [{"code": code, "name": name} for code, name in sorted(used_fields.items())],
    }
    legal = LegalDocument.objects.select_related("replaced_by").order_by("number")
    if procedures is None and legal.exists():
        # The whole catalog carries the list of legal documents the verifier checks citations against.
        document["legal_documents"] = [interchange.dump_legal_document(d) for d in legal]
    document["procedures"] = procedure_dicts
    return interchange.dumps(document)


def import_sample_catalog(*, progress: Progress = None) -> dict[str, int]:
    """Import and publish the shipped Huế sample catalog; a second run changes nothing."""
    return import_catalog(path=SAMPLE_CATALOG, publish=True, progress=progress)


__all__ = [
    "CatalogFormatError",
    "create_draft_version",
    "export_catalog",
    "import_catalog",
    "import_sample_catalog",
    "publish_version",
    "verification_dates",
    "verify_version",
]
