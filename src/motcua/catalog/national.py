"""A procedure as the national procedure database publishes it (Cơ sở dữ liệu quốc gia về TTHC, read from the
national public service portal's ``LayThuTuc``), and its field-by-field difference from a catalog version.

The integration layer parses the portal's answer into ``NationalProcedure``; ``services.pull_national_draft``
applies it to a draft and stores the difference on it (``ProcedureVersion.national_diff``) for the
administrator, who reviews and publishes through the verifier as for any draft. The catalog's own data that
the national record does not carry stays as it is: fee formulas, exemptions and their legal basis, e-form,
workflow, competence. The procedure's name and sector are not versioned, so a national change to them is
shown in the difference and never applied by a pull.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .models import ProcedureVersion, TimeUnit


@dataclass(frozen=True)
class NationalDocument:
    code: str
    name: str
    originals: int = 0
    copies: int = 0


@dataclass(frozen=True)
class NationalLegalDocument:
    number: str
    title: str
    issued: dt.date | None = None

    def __str__(self) -> str:
        issued = f" ngày {self.issued:%d/%m/%Y}" if self.issued else ""
        return f"{self.title} số {self.number}{issued}".strip()


@dataclass(frozen=True)
class NationalProcedure:
    code: str
    name: str
    field_code: str = ""
    field_name: str = ""
    # The limit for online submission (the channel this system receives from the portal), else in person.
    time_limit_amount: Decimal | None = None
    time_limit_unit: str = ""
    fees: list[tuple[str, int]] = field(default_factory=list)
    documents: list[NationalDocument] = field(default_factory=list)
    legal_basis: list[NationalLegalDocument] = field(default_factory=list)
    updated_at: dt.datetime | None = None

    @property
    def legal_basis_text(self) -> str:
        return "; ".join(str(document) for document in self.legal_basis)


def _limit(amount: Any, unit: str) -> str:
    if amount is None or not unit:
        return ""
    value = Decimal(amount).normalize()
    return f"{value:f} {TimeUnit(unit).label}"


def _fees_of(version: ProcedureVersion) -> list[str]:
    lines = []
    for rule in version.fee_rules or []:
        name = str(rule.get("name") or rule.get("code") or "")
        amount = (
            f"{int(rule['amount']):,} đ".replace(",", ".")
            if rule.get("kind") == "fixed"
            else rule.get("expr", "")
        )
        since = f" (từ {rule['valid_from']})" if rule.get("valid_from") else ""
        lines.append(f"{name}: {amount}{since}")
    return lines


def diff(version: ProcedureVersion, national: NationalProcedure) -> list[dict[str, Any]]:
    """What differs between ``version`` (the published one) and the national record, one entry per field:
    ``{"field", "label", "published", "national"}``, documents one entry per code (``"change"``: added,
    removed, changed). Fields the national record leaves empty are not compared."""
    procedure = version.procedure
    changes: list[dict[str, Any]] = []

    def compare(name: str, label: str, ours: Any, theirs: Any) -> None:
        if theirs not in (None, "", []) and ours != theirs:
            changes.append({"field": name, "label": label, "published": ours, "national": theirs})

    compare("name", "Tên thủ tục", procedure.name, national.name)
    compare("field", "Lĩnh vực", f"{procedure.field.code} – {procedure.field.name}",
            f"{national.field_code} – {national.field_name}" if national.field_code else "")  # fmt: skip
    compare(
        "time_limit",
        "Thời hạn giải quyết",
        _limit(version.time_limit_amount, version.time_limit_unit),
        _limit(national.time_limit_amount, national.time_limit_unit),
    )
    national_fees = [f"{name}: {amount:,} đ".replace(",", ".") for name, amount in national.fees]
    ours = _fees_of(version)
    if national_fees and sorted(national_fees) != sorted(line.split(" (từ ")[0] for line in ours):
        changes.append(
            {"field": "fees", "label": "Phí, lệ phí", "published": ours, "national": national_fees}
        )
    compare("legal_basis", "Căn cứ pháp lý", version.legal_basis, national.legal_basis_text)
    published = {d.code: d for d in version.documents.all()}
    for document in national.documents:
        mine = published.pop(document.code, None)
        theirs = f"{document.name} ({document.originals} bản chính, {document.copies} bản sao)"
        if mine is None:
            changes.append(
                {"field": f"document:{document.code}", "label": "Thành phần hồ sơ", "change": "added",
                 "published": None, "national": theirs}
            )  # fmt: skip
            continue
        current = f"{mine.name} ({mine.originals} bản chính, {mine.copies} bản sao)"
        if current != theirs:
            changes.append(
                {"field": f"document:{document.code}", "label": "Thành phần hồ sơ", "change": "changed",
                 "published": current, "national": theirs}
            )  # fmt: skip
    if national.documents:
        for code, mine in published.items():
            changes.append(
                {"field": f"document:{code}", "label": "Thành phần hồ sơ", "change": "removed",
                 "published": mine.name, "national": None}
            )  # fmt: skip
    return changes


def shown(value: Any) -> str:
    """One side of a difference as a reader sees it: "—" for nothing, a list joined by semicolons."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)
