"""``motcua legacy import DIR``: check every row of an old system's export first, then import the rows that
passed, in batches (each one transaction), resumably and idempotently (docs/legacy-import.md).

``plan_import`` reads and checks the whole export without writing anything: each row on its own (``format``),
then against the other rows (duplicates, references, a history that replays to the dossier's status) and
against this system (procedures, pre-2025 units, agencies, codes already used; a dossier's dates within its
agency's, the agency's here when one is reused). A rejected row is listed with its reason and nothing of it is
imported; a dossier rejected takes its events and files with it. ``import_export`` writes the report, then
imports what the plan accepted; the progress is kept in a ``LegacyRun`` row and each imported row in a
``LegacyRecord``, so that a run killed mid-way and started again ends in the same state, and a second run of a
finished import changes nothing.

Old addresses go through the address normalizer (``geo.selectors.normalize_address``): the old unit code
given with the dossier names its 2025 successor when it had one; for a split unit the address text decides,
and where it cannot (ambiguous, unreadable) the unit is kept as given and listed in the report.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from motcua.catalog.models import Action, Procedure, ProcedureVersion
from motcua.core.errors import DomainError
from motcua.core.filecheck import check_upload
from motcua.dossiers.constants import EventKind, State
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import legacy as historical
from motcua.geo import selectors as geo_selectors
from motcua.geo.models import AdministrativeUnit, Level, UnitSuccession
from motcua.org import services as org_services
from motcua.org.models import Agency, AgencyKind, AgencyLevel, ReceptionPoint, ReceptionPointKind
from motcua.reorg.legacy import format as fmt
from motcua.reorg.legacy_models import (
    LegacyAttachment,
    LegacyEntity,
    LegacyRecord,
    LegacyRun,
    LegacyRunStatus,
)

REFORM_DATE = dt.date(2025, 7, 1)
REJECTED, MERGED, NOTICE = "rejected", "merged", "notice"

# The old system's words for what happened, in the engine's terms: (event kind, workflow action, state after).
EVENT_MAP: dict[str, tuple[str, str, str]] = {
    "nop": (EventKind.SUBMITTED, "", State.SUBMITTED),
    "tiep_nhan": (EventKind.RECEIVED, "", State.IN_PROCESS),
    "chuyen_xu_ly": (EventKind.STEP_ACTION, Action.FORWARD, State.IN_PROCESS),
    "yeu_cau_bo_sung": (EventKind.SUPPLEMENT_REQUESTED, "", State.SUPPLEMENT),
    "bo_sung": (EventKind.SUPPLEMENT_PROVIDED, "", State.IN_PROCESS),
    "co_ket_qua": (EventKind.STEP_ACTION, Action.FORWARD, State.RESULT_READY),
    "tra_ket_qua": (EventKind.STEP_ACTION, Action.RETURN_RESULT, State.RETURNED),
    "tu_choi": (EventKind.STOPPED, "", State.STOPPED),
    "rut_ho_so": (EventKind.WITHDRAWN, "", State.WITHDRAWN),
}
STATUS_MAP = {"da_tra_ket_qua": State.RETURNED, "tu_choi": State.STOPPED, "rut_ho_so": State.WITHDRAWN}
_LEVEL_UNIT = {"tinh": Level.PROVINCE, "huyen": Level.DISTRICT, "xa": Level.COMMUNE}
# An old district body keeps its historical level on its old district (it ended by 1 July 2025 at the latest).
_AGENCY_LEVEL = {"tinh": AgencyLevel.PROVINCE, "huyen": AgencyLevel.DISTRICT, "xa": AgencyLevel.COMMUNE}
_AGENCY_KIND = {
    "ubnd": AgencyKind.PEOPLES_COMMITTEE,
    "so": AgencyKind.DEPARTMENT,
    "phong": AgencyKind.DIVISION,
}
Progress = Callable[[int, int], None]


@dataclass
class AgencyPlan:
    row: fmt.Row
    unit: AdministrativeUnit
    existing: Agency | None
    successor: Agency | None


@dataclass
class DossierPlan:
    row: fmt.Row
    procedure: Procedure
    version: ProcedureVersion
    state: str
    place_unit: AdministrativeUnit
    place_note: dict[str, Any]
    events: list[fmt.Row] = field(default_factory=list)
    attachments: list[fmt.Row] = field(default_factory=list)


@dataclass
class ImportPlan:
    """What the export holds and what of it may be imported; nothing written yet."""

    directory: Path
    manifest: fmt.Manifest | None
    issues: list[tuple[str, fmt.RowError]] = field(default_factory=list)  # (outcome, error)
    agencies: list[AgencyPlan] = field(default_factory=list)
    dossiers: list[DossierPlan] = field(default_factory=list)
    read: Counter = field(default_factory=Counter)  # rows per data file
    status_of_line: dict[int, str] = field(default_factory=dict)  # dossiers.jsonl line -> old status
    rejected_rows: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))  # file -> lines
    merged_rows: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def reject(self, error: fmt.RowError) -> None:
        self.issues.append((REJECTED, error))
        self.rejected_rows[error.file].add(error.line)

    def merge(self, error: fmt.RowError) -> None:
        self.issues.append((MERGED, error))
        self.merged_rows[error.file].add(error.line)

    def notice(self, error: fmt.RowError) -> None:
        self.issues.append((NOTICE, error))

    @property
    def usable(self) -> bool:
        return self.manifest is not None

    def attachments(self) -> list[tuple[DossierPlan, fmt.Row]]:
        return [(d, a) for d in self.dossiers for a in d.attachments]


@dataclass
class ImportOutcome:
    plan: ImportPlan
    run: LegacyRun | None
    report_path: Path
    imported: Counter = field(default_factory=Counter)  # rows written by this run, per entity
    already_done: bool = False


# --- checking ---------------------------------------------------------------------------------------


def _dedupe(plan: ImportPlan, rows: list[fmt.Row], key: Callable[[fmt.Row], str]) -> list[fmt.Row]:
    """One row per key: identical repeats are merged (listed); differing ones all rejected, never chosen."""
    groups: dict[str, list[fmt.Row]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    kept = []
    for code, group in groups.items():
        if len({row.sha256 for row in group}) > 1:
            for row in group:
                plan.reject(
                    fmt.RowError(
                        row.file,
                        row.line,
                        "code",
                        _("Mã %(code)s xuất hiện nhiều lần với nội dung khác nhau: không nhập dòng nào.")
                        % {"code": code},
                        code,
                    )
                )
            continue
        kept.append(group[0])
        for row in group[1:]:
            plan.merge(
                fmt.RowError(
                    row.file,
                    row.line,
                    "code",
                    _("Trùng hoàn toàn với dòng %(line)s: gộp làm một.") % {"line": group[0].line},
                    code,
                )
            )
    return sorted(kept, key=lambda row: row.line)


def _read(plan: ImportPlan, name: str) -> list[fmt.Row]:
    rows = []
    for row, errors in fmt.read_rows(plan.directory, name):
        plan.read[name] += 1
        for error in errors:
            plan.reject(error)
        if row is not None:
            rows.append(row)
    return rows


class _Units:
    """Pre-2025 and 2025 units by code, read once."""

    def __init__(self, province_code: str) -> None:
        self.by_code: dict[str, list[AdministrativeUnit]] = defaultdict(list)
        for unit in AdministrativeUnit.objects.filter(province_code=province_code).select_related("parent"):
            self.by_code[unit.code].append(unit)
        # The successors of every old unit of the province, default first (geo_selectors.succession_links).
        self._successors: dict[int, list[AdministrativeUnit]] = defaultdict(list)
        links = UnitSuccession.objects.filter(predecessor__province_code=province_code).select_related(
            "successor"
        )
        for link in links.order_by("predecessor_id", "-is_default", "successor__code"):
            self._successors[link.predecessor_id].append(link.successor)

    def old(self, code: str, on: dt.date) -> AdministrativeUnit | None:
        return next(
            (u for u in self.by_code.get(code, ()) if u.valid_to is not None and u.is_valid_on(on)), None
        )

    def successors(self, unit: AdministrativeUnit) -> list[AdministrativeUnit]:
        return self._successors.get(unit.pk, [])


def _check_agencies(plan: ImportPlan, units: _Units) -> dict[str, Agency | None]:
    """Accepted agencies by code (the Agency when it already exists here, else None until imported)."""
    rows = _dedupe(plan, _read(plan, fmt.AGENCIES), key=lambda row: row["code"])
    # An old body already here is reused: ended by an earlier import or a plan, or still open before the plan
    # applies (``motcua reorg_demo before-2025`` builds Huế's with the codes the generator writes).
    existing = {
        a.code: a
        for a in Agency.objects.filter(
            code__in=[r["code"] for r in rows], valid_from__lt=REFORM_DATE
        ).exclude(valid_to__gt=REFORM_DATE)
    }
    in_force = {a.code: a for a in Agency.objects.filter(valid_to__isnull=True)}
    accepted: dict[str, Agency | None] = {}
    for row in rows:
        code = row["code"]
        reasons = []
        if not org_services.AGENCY_CODE_RE.match(code):
            reasons.append(("code", _("Mã định danh không đúng dạng XXX.YY.ZZ.HNN (QCVN 102:2016).")))
        if row["valid_to"] > REFORM_DATE:
            reasons.append(("valid_to", _("Cơ quan cũ phải kết thúc muộn nhất ngày 01/07/2025.")))
        day = row["valid_to"] - dt.timedelta(days=1)
        unit = units.old(row["unit_code"], day)
        if unit is None or unit.level != _LEVEL_UNIT[row["level"]]:
            reasons.append(("unit_code", _("Không có đơn vị hành chính cũ cùng cấp mang mã này.")))
        parent = row["parent_code"]
        if parent and parent not in accepted:
            reasons.append(
                ("parent_code", _("Cơ quan cấp trên %(code)s không có trong dữ liệu.") % {"code": parent})
            )
        if reasons:
            for name, message in reasons:
                plan.reject(fmt.RowError(row.file, row.line, name, message, code))
            continue
        successor = in_force.get(row["successor_code"]) if row["successor_code"] else None
        if row["successor_code"] and (successor is None or not successor.is_valid_on(row["valid_to"])):
            plan.notice(
                fmt.RowError(
                    row.file,
                    row.line,
                    "successor_code",
                    _("Không có cơ quan kế thừa %(code)s đang hoạt động: nhập không kèm cơ quan kế thừa.")
                    % {"code": row["successor_code"]},
                    code,
                )
            )
            successor = None
        assert unit is not None
        plan.agencies.append(AgencyPlan(row=row, unit=unit, existing=existing.get(code), successor=successor))
        accepted[code] = existing.get(code)
    for code, agency in existing.items():
        accepted.setdefault(code, agency)
    return accepted


Period = tuple[dt.date, dt.date | None]  # valid_from, valid_to (exclusive; None: open-ended)


def _agency_periods(agencies: dict[str, Agency | None], rows: dict[str, AgencyPlan]) -> dict[str, Period]:
    """When each accepted agency was in force: an agency already here (reused) by its own dates, which are
    what its dossiers will be read against, not the export's; one to be imported by its row's."""
    periods: dict[str, Period] = {}
    for code, agency in agencies.items():
        if agency is not None:
            periods[code] = (agency.valid_from, agency.valid_to)
        else:
            row = rows[code].row
            periods[code] = (row["valid_from"] or dt.date.min, row["valid_to"])
    return periods


def _within(period: Period, day: dt.date) -> bool:
    start, end = period
    return start <= day and (end is None or day < end)


def _procedures() -> dict[str, tuple[Procedure, list[ProcedureVersion]]]:
    found: dict[str, tuple[Procedure, list[ProcedureVersion]]] = {}
    for version in ProcedureVersion.objects.select_related("procedure").order_by("valid_from", "pk"):
        found.setdefault(version.procedure.code, (version.procedure, []))[1].append(version)
    return found


def _version_on(versions: list[ProcedureVersion], day: dt.date) -> tuple[ProcedureVersion, bool]:
    """The version in force on ``day``; else the earliest one (the catalog here starts later than the old
    system's dossiers), said so in the notes."""
    for version in versions:
        if version.is_valid_on(day):
            return version, True
    return versions[0], False


def _place(
    plan: ImportPlan, row: fmt.Row, units: _Units, fallback: AdministrativeUnit, day: dt.date
) -> tuple[AdministrativeUnit, dict[str, Any]]:
    """The 2025 commune of the old address, or the unit as given when the data cannot tell (listed)."""
    given = units.old(row["unit_code"], day) if row["unit_code"] else None
    successors = units.successors(given) if given is not None else []
    if given is not None and len(successors) == 1:
        return successors[0], {"place": "unit", "given": given.code}
    reading = geo_selectors.normalize_address(row["address"], on=day) if row["address"] else None
    found = reading.commune if reading is not None and not reading.ambiguous else None
    if found is not None and (not successors or found in successors):
        return found, {"place": "address", "given": given.code if given else ""}
    kept = given or fallback
    candidates = (
        [
            f"{c.commune.name} ({c.legacy_unit.name})" if c.legacy_unit else c.commune.name
            for c in reading.candidates
        ]
        if reading is not None and reading.ambiguous
        else []
    )
    candidates = candidates or [s.name for s in successors]
    plan.notice(
        fmt.RowError(
            row.file,
            row.line,
            "address",
            _(
                "Không xác định chắc chắn xã, phường mới (có thể: %(candidates)s): "
                "giữ đơn vị %(unit)s như dữ liệu cũ."
            )
            % {"candidates": ", ".join(candidates) or "-", "unit": kept.name},
            row["code"],
        )
    )
    return kept, {"place": "kept", "given": kept.code, "candidates": candidates}


def plan_import(directory: Path, *, check_content: bool = True) -> ImportPlan:
    """Read and check the whole export; nothing is written. ``check_content``: also check what each file is
    (``core.filecheck``, the check every kept file passes; the slow part of the checks)."""
    manifest, errors = fmt.read_manifest(directory)
    plan = ImportPlan(directory=directory, manifest=manifest)
    if manifest is None:
        for error in errors:
            plan.reject(error)
        return plan
    units = _Units(manifest.province_code)
    agencies = _check_agencies(plan, units)
    agency_rows = {a.row["code"]: a for a in plan.agencies}
    periods = _agency_periods(agencies, agency_rows)
    procedures = _procedures()

    dossier_rows = _read(plan, fmt.DOSSIERS)
    for row in dossier_rows:
        plan.status_of_line[row.line] = row["status"]
    dossier_rows = _dedupe(plan, dossier_rows, key=lambda row: row["code"])
    taken: set[str] = set()
    codes = [row["code"] for row in dossier_rows]
    for start in range(0, len(codes), 2000):
        taken |= set(
            Dossier.objects.filter(code__in=codes[start : start + 2000], legacy_code="").values_list(
                "code", flat=True
            )
        )
    exported = manifest.exported_at
    by_code: dict[str, DossierPlan] = {}
    for row in dossier_rows:
        code, day = row["code"], timezone.localdate(row["received_at"])
        reasons = []
        known = procedures.get(row["procedure_code"])
        if known is None:
            reasons.append(("procedure_code", _("Không có thủ tục mang mã này trong danh mục.")))
        period = periods.get(row["agency_code"])
        if period is None:
            reasons.append(("agency_code", _("Không có cơ quan cũ mang mã này.")))
        elif not _within(period, day):
            reasons.append(("received_at", _("Ngày tiếp nhận ngoài thời gian hoạt động của cơ quan.")))
        if not row["received_at"] <= row["finished_at"] <= exported:
            reasons.append(
                ("finished_at", _("Ngày kết thúc phải sau ngày tiếp nhận và trước ngày xuất dữ liệu."))
            )
        elif period is not None and not _within(period, timezone.localdate(row["finished_at"])):
            reasons.append(("finished_at", _("Ngày kết thúc ngoài thời gian hoạt động của cơ quan.")))
        if row["appointment_at"] < row["received_at"]:
            reasons.append(("appointment_at", _("Ngày hẹn trả kết quả trước ngày tiếp nhận.")))
        if row["unit_code"] and units.old(row["unit_code"], day) is None:
            reasons.append(("unit_code", _("Không có đơn vị hành chính cũ mang mã này vào ngày tiếp nhận.")))
        if code in taken:
            reasons.append(("code", _("Mã hồ sơ đã được dùng cho một hồ sơ của hệ thống này.")))
        if reasons:
            for name, message in reasons:
                plan.reject(fmt.RowError(row.file, row.line, name, message, code))
            continue
        assert known is not None
        procedure, versions = known
        version, in_force = _version_on(versions, day)
        if row["agency_code"] in agency_rows:
            fallback = agency_rows[row["agency_code"]].unit
        else:
            existing_agency = agencies[row["agency_code"]]
            assert existing_agency is not None
            fallback = existing_agency.unit
        place, note = _place(plan, row, units, fallback, day)
        if not in_force:
            note["procedure_version"] = "earliest"
        by_code[code] = DossierPlan(
            row=row,
            procedure=procedure,
            version=version,
            state=STATUS_MAP[row["status"]],
            place_unit=place,
            place_note=note,
        )

    events = _dedupe(plan, _read(plan, fmt.EVENTS), key=lambda row: f"{row['dossier_code']}#{row['seq']}")
    for row in events:
        owner = by_code.get(row["dossier_code"])
        if owner is None:
            plan.reject(_orphan(row))
        elif row["agency_code"] and row["agency_code"] not in agencies:
            _reject_dossier(
                plan,
                by_code,
                owner,
                fmt.RowError(
                    row.file,
                    row.line,
                    "agency_code",
                    _("Không có cơ quan cũ mang mã này."),
                    row["dossier_code"],
                ),
            )
        else:
            owner.events.append(row)
    for owner in list(by_code.values()):
        owner.events.sort(key=lambda row: row["seq"])
        problem = _history_problem(owner)
        if problem:
            _reject_dossier(
                plan,
                by_code,
                owner,
                fmt.RowError(
                    fmt.EVENTS, owner.events[0].line if owner.events else 0, "seq", problem, owner.row["code"]
                ),
            )

    attachments = _dedupe(plan, _read(plan, fmt.ATTACHMENTS), key=lambda row: row["path"])
    for row in attachments:
        owner = by_code.get(row["dossier_code"])
        if owner is None:
            plan.reject(_orphan(row))
            continue
        found = _file_problem(directory, row, check_content=check_content)
        if found:
            plan.reject(fmt.RowError(row.file, row.line, found[0], found[1], row["dossier_code"]))
            continue
        owner.attachments.append(row)
    plan.dossiers = sorted(by_code.values(), key=lambda d: d.row.line)
    return plan


def _orphan(row: fmt.Row) -> fmt.RowError:
    return fmt.RowError(
        row.file,
        row.line,
        "dossier_code",
        _("Hồ sơ %(code)s không có hoặc đã bị từ chối: không nhập dòng này.") % {"code": row["dossier_code"]},
        row["dossier_code"],
    )


def _reject_dossier(
    plan: ImportPlan, by_code: dict[str, DossierPlan], owner: DossierPlan, error: fmt.RowError
) -> None:
    """Reject the dossier for ``error``, and the rows of its history read so far with it."""
    if by_code.pop(owner.row["code"], None) is None:
        return
    plan.reject(error)
    plan.reject(fmt.RowError(owner.row.file, owner.row.line, "code", error.message, owner.row["code"]))
    for event in owner.events:
        plan.reject(_orphan(event))


def _historical_events(
    owner: DossierPlan, agencies: dict[str, Agency] | None = None
) -> tuple[historical.HistoricalEvent, ...]:
    placeholder = Agency(pk=0)
    result = []
    for row in owner.events:
        kind, action, state = EVENT_MAP[row["kind"]]
        agency = placeholder
        if agencies is not None:
            agency = agencies[row["agency_code"] or owner.row["agency_code"]]
        result.append(
            historical.HistoricalEvent(
                kind=kind,
                action=action,
                state=state,
                at=row["at"],
                agency=agency,
                actor=row["actor"],
                reason=row["note"],
                appointment_at=row["appointment_at"],
            )
        )
    return tuple(result)


def _history_problem(owner: DossierPlan) -> str:
    seqs = [row["seq"] for row in owner.events]
    if seqs != list(range(1, len(seqs) + 1)):
        return _("Số thứ tự các sự kiện phải liên tục từ 1.")
    events = _historical_events(owner)
    problem = historical.check_history(events, agency_id=0, state=owner.state)
    if problem:
        return problem
    last = historical.replayed(events, agency_id=0).appointment
    if last != owner.row["appointment_at"].astimezone(dt.UTC).isoformat():
        return _("Ngày hẹn trả kết quả của hồ sơ khác ngày hẹn cuối cùng trong lịch sử xử lý.")
    return ""


def _file_problem(directory: Path, row: fmt.Row, *, check_content: bool = True) -> tuple[str, str] | None:
    relative = PurePosixPath(row["path"])
    if relative.parts[:1] != (fmt.FILES_DIR,) or ".." in relative.parts or relative.is_absolute():
        return "path", _("Tệp phải nằm trong thư mục files/ của dữ liệu xuất.")
    path = directory / relative
    if not path.is_file():
        return "path", _("Không có tệp %(path)s trong dữ liệu xuất.") % {"path": row["path"]}
    content = path.read_bytes()
    if len(content) != row["size"]:
        return "size", _("Dung lượng tệp %(found)s byte, dữ liệu ghi %(listed)s byte.") % {
            "found": len(content),
            "listed": row["size"],
        }
    if hashlib.sha256(content).hexdigest() != row["sha256"].lower():
        return "sha256", _("Mã kiểm tra SHA-256 của tệp không khớp với dữ liệu xuất.")
    return content_problem(content, row) if check_content else None


def content_problem(content: bytes, row: fmt.Row) -> tuple[str, str] | None:
    """What is wrong with the file by its content (PDF, JPEG, PNG; no active content), if anything."""
    try:
        check_upload(ContentFile(content, name=row["name"]))
    except DomainError as error:
        return "path", str(error)
    return None


# --- importing --------------------------------------------------------------------------------------


def default_report_path(manifest: fmt.Manifest | None, directory: Path) -> Path:
    stamp = manifest.sha256[:12] if manifest else hashlib.sha256(str(directory).encode()).hexdigest()[:12]
    return Path(settings.VAR_DIR) / "legacy" / f"import-report-{stamp}.csv"


def write_report(plan: ImportPlan, path: Path) -> Path:
    """The row-level report: file, line, old code, field, outcome (rejected/merged/notice), message."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "line", "key", "field", "outcome", "message"])
    for outcome, error in sorted(plan.issues, key=lambda item: (item[1].file, item[1].line, item[1].field)):
        writer.writerow([error.file, error.line, error.key, error.field, outcome, error.message])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _records(source: str, entity: str, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(keys), 2000):
        found.update(
            LegacyRecord.objects.filter(
                source=source, entity=entity, key__in=keys[start : start + 2000]
            ).values_list("key", "object_id")
        )
    return found


@transaction.atomic
def _import_agencies(plan: ImportPlan, run: LegacyRun) -> tuple[dict[str, Agency], int]:
    source = run.source
    done = _records(source, LegacyEntity.AGENCY, [a.row["code"] for a in plan.agencies])
    written = 0
    by_code: dict[str, Agency] = {}
    for item in plan.agencies:
        row = item.row
        if row["code"] in done:
            by_code[row["code"]] = Agency.objects.get(pk=done[row["code"]])
            continue
        notes = {"level": row["level"], "unit": item.unit.code}
        agency = item.existing
        if agency is None:
            valid_from = row["valid_from"] or item.unit.valid_from
            agency = org_services.create_agency(
                code=row["code"],
                name=row["name"],
                kind=_AGENCY_KIND[row["kind"]],
                level=_AGENCY_LEVEL[row["level"]],
                unit=item.unit,
                valid_from=valid_from,
                valid_to=row["valid_to"],
                parent=by_code.get(row["parent_code"]) if row["parent_code"] else None,
                successor=item.successor,
            )
            org_services.create_reception_point(
                code=f"MC-{row['code']}",
                name=_("Bộ phận Một cửa - %(agency)s") % {"agency": row["name"]},
                kind=ReceptionPointKind.ONE_STOP_DESK,
                agency=agency,
                valid_from=valid_from,
                valid_to=row["valid_to"],
                unit=item.unit if item.unit.level == Level.COMMUNE else None,
            )
        else:
            notes["reused"] = True
        by_code[row["code"]] = agency
        LegacyRecord.objects.create(
            source=source,
            entity=LegacyEntity.AGENCY,
            key=row["code"],
            object_id=agency.pk,
            row_sha256=row.sha256,
            run=run,
            notes=notes,
        )
        written += 1
    for item in plan.agencies:
        by_code.setdefault(item.row["code"], item.existing)  # type: ignore[arg-type]
    # Agencies already here (e.g. Huế's pre-2025 organization loaded by a plan) that dossiers may name.
    for agency in Agency.objects.filter(valid_to__lte=REFORM_DATE).exclude(code__in=list(by_code)):
        by_code.setdefault(agency.code, agency)
    return by_code, written


def _store_file(directory: Path, row: fmt.Row) -> str:
    """Copy the export's file into storage at a name made of its checksum: copying it again (a resumed run)
    finds it there and writes nothing."""
    stem = get_valid_filename(row["name"]) or "tep"
    ref = f"dossiers/legacy/{row['sha256'][:2]}/{row['sha256']}/{stem}"
    if not default_storage.exists(ref):
        saved = default_storage.save(ref, ContentFile((directory / row["path"]).read_bytes()))
        if saved != ref:  # a concurrent writer stored the same content first
            default_storage.delete(saved)
    return ref


def _import_batch(
    plan: ImportPlan, run: LegacyRun, batch: list[DossierPlan], agencies: dict[str, Agency]
) -> Counter:
    counts: Counter = Counter()
    source = run.source
    done = _records(source, LegacyEntity.DOSSIER, [d.row["code"] for d in batch])
    todo = [d for d in batch if d.row["code"] not in done]
    if not todo:
        return counts
    refs = {a["path"]: _store_file(plan.directory, a) for d in todo for a in d.attachments}
    receiving = [agencies[d.row["agency_code"]] for d in todo]
    points = {
        p.agency_id: p
        for p in ReceptionPoint.objects.filter(
            agency_id__in={a.pk for a in receiving} | {a.parent_id for a in receiving if a.parent_id}
        ).order_by("valid_from", "pk")
    }
    items = []
    for d in todo:
        row, agency = d.row, agencies[d.row["agency_code"]]
        # A division without a desk of its own received at its committee's (as before-2025 builds them).
        point = points.get(agency.pk) or points.get(agency.parent_id or 0)
        if point is None:
            raise DomainError(
                "legacy.no_reception_point",
                _("Cơ quan %(agency)s không có bộ phận một cửa."),
                agency=agency.code,
            )
        items.append(
            historical.HistoricalDossier(
                code=row["code"],
                legacy_code=row["code"],
                province_code=agency.province_code,
                procedure=d.procedure,
                procedure_version=d.version,
                agency=agency,
                reception_point=point,
                place_unit=d.place_unit,
                applicant_name=row["applicant_name"],
                applicant_id_number=row["applicant_id_number"],
                applicant_phone=row["applicant_phone"],
                applicant_address=row["address"],
                summary=row["summary"],
                events=_historical_events(d, agencies),
                documents=tuple(
                    historical.HistoricalDocument(
                        name=a["name"], file_ref=refs[a["path"]], result=a["kind"] == "result"
                    )
                    for a in d.attachments
                ),
            )
        )
    created = historical.import_historical_dossiers(dossiers=items, origin=source)
    records, attachments = [], []
    for dossier, d in zip(created, todo, strict=True):
        records.append(
            LegacyRecord(
                source=source,
                entity=LegacyEntity.DOSSIER,
                key=d.row["code"],
                object_id=dossier.pk,
                row_sha256=d.row.sha256,
                run=run,
                notes=d.place_note,
            )
        )
        records.extend(
            LegacyRecord(
                source=source,
                entity=LegacyEntity.EVENT,
                key=f"{e['dossier_code']}#{e['seq']}",
                object_id=dossier.pk,
                row_sha256=e.sha256,
                run=run,
            )
            for e in d.events
        )
        for a in d.attachments:
            attachments.append(
                LegacyAttachment(
                    dossier=dossier,
                    kind=a["kind"],
                    name=a["name"],
                    file_ref=refs[a["path"]],
                    size=a["size"],
                    sha256=a["sha256"].lower(),
                    source_path=a["path"],
                )
            )
    saved = LegacyAttachment.objects.bulk_create(attachments)
    records.extend(
        LegacyRecord(
            source=source,
            entity=LegacyEntity.ATTACHMENT,
            key=a.source_path,
            object_id=a.pk,
            row_sha256=a.sha256,
            run=run,
        )
        for a in saved
    )
    LegacyRecord.objects.bulk_create(records)
    counts[LegacyEntity.DOSSIER] += len(todo)
    counts[LegacyEntity.EVENT] += sum(len(d.events) for d in todo)
    counts[LegacyEntity.ATTACHMENT] += len(attachments)
    return counts


def import_export(
    *,
    directory: Path,
    batch_size: int = 200,
    report_path: Path | None = None,
    throttle: float = 0.0,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Check the export, write the report, import what passed (see the module's docstring).

    ``throttle``: seconds to wait between batches, to leave the database to the officers during the day."""
    if batch_size < 1:
        raise DomainError("legacy.batch_size", _("Số hồ sơ mỗi lô phải lớn hơn 0."))
    manifest, _problems = fmt.read_manifest(directory)
    if manifest is not None:
        finished = LegacyRun.objects.filter(
            source=manifest.source, manifest_sha256=manifest.sha256, status=LegacyRunStatus.DONE
        ).first()
        if finished is not None:  # imported already: nothing to check again, nothing to write
            return ImportOutcome(
                plan=ImportPlan(directory=directory, manifest=manifest),
                run=finished,
                report_path=Path(finished.report_path),
                already_done=True,
            )
    plan = plan_import(directory)
    path = write_report(plan, report_path or default_report_path(plan.manifest, directory))
    if plan.manifest is None:
        return ImportOutcome(plan=plan, run=None, report_path=path)
    manifest = plan.manifest
    run, _created = LegacyRun.objects.get_or_create(
        source=manifest.source,
        manifest_sha256=manifest.sha256,
        defaults={"directory": str(directory), "started_at": timezone.now()},
    )
    outcome = ImportOutcome(plan=plan, run=run, report_path=path)
    if run.status == LegacyRunStatus.DONE:
        outcome.already_done = True
        return outcome
    agencies, written = _import_agencies(plan, run)
    outcome.imported[LegacyEntity.AGENCY] += written
    batches = [plan.dossiers[i : i + batch_size] for i in range(0, len(plan.dossiers), batch_size)]
    LegacyRun.objects.filter(pk=run.pk).update(
        batches_total=len(batches),
        rows_rejected=sum(len(lines) for lines in plan.rejected_rows.values()),
        report_path=str(path),
    )
    for index, batch in enumerate(batches):
        if index < run.batches_done:
            continue  # committed by an earlier run (the records say so too: nothing would be written again)
        with transaction.atomic():
            outcome.imported.update(_import_batch(plan, run, batch, agencies))
            LegacyRun.objects.filter(pk=run.pk).update(batches_done=index + 1)
        if progress is not None:
            progress(index + 1, len(batches))
        if throttle and index + 1 < len(batches):
            time.sleep(throttle)
    LegacyRun.objects.filter(pk=run.pk).update(status=LegacyRunStatus.DONE, finished_at=timezone.now())
    run.refresh_from_db()
    return outcome
