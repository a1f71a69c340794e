"""``motcua legacy reconcile DIR``: the export against what was imported from it, entity by entity and
status by status, and every imported file's checksum against the export's (docs/legacy-import.md).

The export is checked again exactly as the import checked it (``importer.plan_import``), so each row the
import left out has its reason: rejected (with the message of the report) or merged as a duplicate. What
remains is unexplained: an accepted row with nothing imported, a rejected row that was imported anyway, a
dossier whose state differs from its status, a stored file missing or whose checksum differs. A clean
import has none; the command exits non-zero when there is one."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier
from motcua.reorg.legacy import format as fmt
from motcua.reorg.legacy.importer import (
    MERGED,
    REJECTED,
    STATUS_MAP,
    ImportPlan,
    content_problem,
    plan_import,
)
from motcua.reorg.legacy_models import LegacyAttachment, LegacyEntity, LegacyRecord

_ENTITY_FILE = {
    LegacyEntity.AGENCY: fmt.AGENCIES,
    LegacyEntity.DOSSIER: fmt.DOSSIERS,
    LegacyEntity.EVENT: fmt.EVENTS,
    LegacyEntity.ATTACHMENT: fmt.ATTACHMENTS,
}
UNREADABLE = "?"


@dataclass(frozen=True)
class CountLine:
    """One line of the count table: source rows, left out with a reason, expected and found imported."""

    entity: str
    status: str
    source: int
    rejected: int
    merged: int
    imported: int

    @property
    def expected(self) -> int:
        return self.source - self.rejected - self.merged

    @property
    def unexplained(self) -> int:
        return abs(self.expected - self.imported)


@dataclass(frozen=True)
class Difference:
    entity: str
    key: str
    message: str


@dataclass
class Reconciliation:
    plan: ImportPlan
    counts: list[CountLine] = field(default_factory=list)
    explained: list[tuple[str, fmt.RowError]] = field(default_factory=list)
    unexplained: list[Difference] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.unexplained and all(line.unexplained == 0 for line in self.counts)


def _sha256_of(ref: str) -> str | None:
    if not default_storage.exists(ref):
        return None
    digest = hashlib.sha256()
    with default_storage.open(ref, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def reconcile(directory: Path) -> Reconciliation:
    """Compare the export in ``directory`` with what was imported from it."""
    plan = plan_import(directory, check_content=False)  # files are checked by content below, where it matters
    result = Reconciliation(plan=plan)
    result.explained = [(outcome, error) for outcome, error in plan.issues if outcome in (REJECTED, MERGED)]
    if plan.manifest is None:
        result.unexplained.append(Difference("manifest", "", _("Dữ liệu xuất không đọc được: xem báo cáo.")))
        return result
    source = plan.manifest.source

    expected = {
        LegacyEntity.AGENCY: {a.row["code"] for a in plan.agencies},
        LegacyEntity.DOSSIER: {d.row["code"] for d in plan.dossiers},
        LegacyEntity.EVENT: {f"{e['dossier_code']}#{e['seq']}" for d in plan.dossiers for e in d.events},
        LegacyEntity.ATTACHMENT: {a["path"] for d in plan.dossiers for a in d.attachments},
    }
    left_out = {
        LegacyEntity.DOSSIER: _left_out_keys(plan, fmt.DOSSIERS),
    }
    records: dict[str, set[str]] = {}
    for entity, keys in expected.items():
        found: set[str] = set()
        wanted = sorted(keys | left_out.get(entity, set()))
        for start in range(0, len(wanted), 2000):
            found |= set(
                LegacyRecord.objects.filter(
                    source=source, entity=entity, key__in=wanted[start : start + 2000]
                ).values_list("key", flat=True)
            )
        records[entity] = found
        for key in sorted(keys - found):
            if entity == LegacyEntity.ATTACHMENT and _refused_by_content(plan, key, result):
                continue
            result.unexplained.append(Difference(entity, key, _("Dòng hợp lệ nhưng không được nhập.")))
        for key in sorted(found - keys):
            result.unexplained.append(Difference(entity, key, _("Dòng bị từ chối nhưng đã được nhập.")))

    for entity, name in _ENTITY_FILE.items():
        if entity == LegacyEntity.DOSSIER:
            continue
        result.counts.append(
            CountLine(
                entity=entity,
                status="",
                source=plan.read[name],
                rejected=len(plan.rejected_rows[name]),
                merged=len(plan.merged_rows[name] - plan.rejected_rows[name]),
                imported=len(records[entity] & expected[entity]),
            )
        )
    result.counts[1:1] = _dossier_lines(plan, result)
    _check_files(plan, result)
    return result


def _refused_by_content(plan: ImportPlan, path: str, result: Reconciliation) -> bool:
    """An attachment left out because of what the file is (the import checked its content): explained."""
    row = next(a for d in plan.dossiers for a in d.attachments if a["path"] == path)
    problem = content_problem((plan.directory / path).read_bytes(), row)
    if problem is None:
        return False
    result.explained.append(
        (REJECTED, fmt.RowError(row.file, row.line, problem[0], problem[1], row["dossier_code"]))
    )
    return True


def _left_out_keys(plan: ImportPlan, name: str) -> set[str]:
    return {
        error.key
        for outcome, error in plan.issues
        if outcome == REJECTED and error.file == name and error.key
    }


def _dossier_lines(plan: ImportPlan, result: Reconciliation) -> list[CountLine]:
    """Dossiers per old status: source rows, left out, and imported dossiers found in the matching state."""
    codes = sorted(d.row["code"] for d in plan.dossiers)
    states: dict[str, str] = {}
    for start in range(0, len(codes), 2000):
        states.update(
            Dossier.objects.filter(legacy_code__in=codes[start : start + 2000]).values_list(
                "legacy_code", "state"
            )
        )
    for d in plan.dossiers:
        found = states.get(d.row["code"])
        if found is not None and found != d.state:
            result.unexplained.append(
                Difference(
                    LegacyEntity.DOSSIER,
                    d.row["code"],
                    _("Trạng thái sau khi nhập %(found)s khác trạng thái cũ %(status)s.")
                    % {"found": found, "status": d.row["status"]},
                )
            )
    rejected, merged = (
        plan.rejected_rows[fmt.DOSSIERS],
        plan.merged_rows[fmt.DOSSIERS] - plan.rejected_rows[fmt.DOSSIERS],
    )
    source: Counter = Counter()
    left: Counter = Counter()
    joined: Counter = Counter()
    for line in set(plan.status_of_line) | rejected:
        status = plan.status_of_line.get(line, UNREADABLE)
        source[status] += 1
        left[status] += line in rejected
        joined[status] += line in merged
    imported = Counter(
        d.row["status"] for d in plan.dossiers if states.get(d.row["code"]) == STATUS_MAP[d.row["status"]]
    )
    return [
        CountLine(
            LegacyEntity.DOSSIER, status, source[status], left[status], joined[status], imported[status]
        )
        for status in sorted(source)
    ]


def _check_files(plan: ImportPlan, result: Reconciliation) -> None:
    """Every imported file read back from storage: its checksum must be the export's."""
    listed = {a["path"]: a["sha256"].lower() for d in plan.dossiers for a in d.attachments}
    paths = sorted(listed)
    for start in range(0, len(paths), 2000):
        for attachment in LegacyAttachment.objects.filter(source_path__in=paths[start : start + 2000]).only(
            "source_path", "file_ref", "sha256"
        ):
            found = _sha256_of(attachment.file_ref)
            if found is None:
                message = _("Tệp đã nhập không còn trong kho lưu trữ.")
            elif found != listed[attachment.source_path] or attachment.sha256 != found:
                message = _("Mã kiểm tra SHA-256 của tệp đã nhập khác dữ liệu xuất.")
            else:
                continue
            result.unexplained.append(Difference(LegacyEntity.ATTACHMENT, attachment.source_path, message))
