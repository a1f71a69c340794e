"""Exports of the old one-stop system for the legacy import's tests: generated once per module, copied per
test so that a test may break a row of its own copy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from motcua.reorg.legacy import format as fmt


def copy_export(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def rewrite_rows(directory: Path, name: str, change: Any) -> None:
    """Replace each row of ``name`` by ``change(row)`` (None drops it), then list the files again in the
    manifest, as an export whose rows were wrong from the start."""
    path = directory / name
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    changed = [c for c in (change(row) for row in rows) if c is not None]
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in changed), encoding="utf-8")
    manifest = json.loads((directory / fmt.MANIFEST).read_text(encoding="utf-8"))
    fmt.write_manifest(
        directory,
        source=manifest["source"],
        exported_at=fmt.parse_moment(manifest["exported_at"]),
        province_code=manifest["province_code"],
    )


def clean_row(export: Any) -> dict[str, Any]:
    """A dossier row of the generated export that carries no defect (no duplicate, no file missing)."""
    flawed = set(export.duplicates) | set(export.conflicts)
    flawed |= {path.split("/")[3] for path in export.missing_files + export.bad_checksums}
    for line in (export.directory / fmt.DOSSIERS).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["code"] not in flawed:
            return row
    raise AssertionError("no dossier without a defect in the export")
