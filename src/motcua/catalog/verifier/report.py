"""The verifier's findings and their report (text for the command, the admin page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

ERROR = "error"
WARNING = "warning"
# Information for the administrator (e.g. "[kiểm tra]" flags to check): listed, never refuses anything.
INFO = "info"
_RANK = {ERROR: 0, WARNING: 1, INFO: 2}

# A check reports into its version's findings: add(severity, rule code, message).
AddFinding = Callable[[str, str, str], None]


@dataclass(frozen=True)
class Finding:
    severity: str
    rule: str
    procedure: str
    message: str
    version: int | None = None

    def __str__(self) -> str:
        label = {ERROR: _("LỖI"), WARNING: _("CẢNH BÁO")}.get(self.severity) or _("THÔNG TIN")
        where = f"{self.procedure} v{self.version}" if self.version is not None else self.procedure
        return f"[{label}] {where} ({self.rule}): {self.message}"


@dataclass
class Report:
    on: dt.date
    province_code: str
    procedures: int = 0
    communes: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def notices(self) -> list[Finding]:
        """Information findings (``INFO``): listed in the report, never a reason to refuse."""
        return [f for f in self.findings if f.severity == INFO]

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(self, rule: str | None = None) -> list[str]:
        return [f.message for f in self.findings if rule is None or f.rule == rule]

    def as_text(self) -> str:
        head = _(
            "Kiểm tra danh mục thủ tục ngày %(day)s (tỉnh %(province)s): %(procedures)s thủ tục × "
            "%(communes)s xã, phường — %(errors)s lỗi, %(warnings)s cảnh báo."
        ) % {
            "day": f"{self.on:%d/%m/%Y}",
            "province": self.province_code,
            "procedures": self.procedures,
            "communes": self.communes,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }
        lines = [
            head,
            *(
                str(f)
                for f in sorted(self.findings, key=lambda f: (_RANK.get(f.severity, 9), f.procedure, f.rule))
            ),
        ]
        if self.ok:
            lines.append(_("Kết quả: ĐẠT."))
        else:
            lines.append(_("Kết quả: KHÔNG ĐẠT."))
        return "\n".join(lines)
