"""Fees and charges (phí, lệ phí) of a procedure version: rule format, checks and computation.

``ProcedureVersion.fee_rules`` is a JSON list of rules::

    {"code": "le_phi", "name": "Lệ phí", "kind": "fixed", "amount": 10000}
    {"code": "phi_chung_thuc", "name": "Phí chứng thực", "kind": "formula",
     "expr": "min(2000*min(pages,2) + 1000*max(pages-2,0), 200000) * copies",
     "exemptions": [{"when": "applicant_poor", "reason": "Hộ nghèo"}]}

Formulas and exemption conditions name top-level fields of the version's e-form and are
evaluated by :mod:`motcua.catalog.expressions`, never by ``eval``. Every amount, and the total, is a
whole number of đồng from 0 to MAX_AMOUNT (what a dossier's fee column holds); anything else is an
ExpressionError, so that a fee that cannot be stored is refused before the dossier is saved.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .expressions import ExpressionError, evaluate, names_in

KINDS = ("fixed", "formula")
RULE_KEYS = {"code", "name", "kind", "amount", "expr", "unit", "exemptions", "note"}
EXEMPTION_KEYS = {"when", "reason"}
# 14 digits: the largest fee a dossier stores (Dossier.fee, max_digits=14, decimal_places=0).
MAX_DIGITS = 14
MAX_AMOUNT = Decimal(10**MAX_DIGITS - 1)


@dataclass(frozen=True)
class FeeLine:
    code: str
    name: str
    amount: Decimal
    exempt_reason: str = ""


@dataclass(frozen=True)
class FeeQuote:
    """What the applicant pays: one line per rule, exempted lines at zero with their reason."""

    lines: list[FeeLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def rule_problems(rules: Any) -> list[str]:
    """Structural problems of a fee rule list (independent of the form)."""
    if not isinstance(rules, list):
        return [_("phí, lệ phí phải là một danh sách")]
    problems: list[str] = []
    seen: set[str] = set()
    for index, rule in enumerate(rules, start=1):
        where = _("khoản phí thứ %(number)s") % {"number": index}
        if not isinstance(rule, Mapping):
            problems.append(_("%(where)s: phải là một bảng khóa–giá trị") % {"where": where})
            continue
        code = rule.get("code")
        if not isinstance(code, str) or not code:
            problems.append(_("%(where)s: thiếu 'code'") % {"where": where})
        elif code in seen:
            problems.append(_("%(where)s: mã '%(code)s' bị trùng") % {"where": where, "code": code})
        else:
            seen.add(code)
            where = _("khoản phí '%(code)s'") % {"code": code}
        unknown = set(rule) - RULE_KEYS
        if unknown:
            problems.append(
                _("%(where)s: khóa không hợp lệ %(keys)s")
                % {"where": where, "keys": ", ".join(sorted(unknown))}
            )
        kind = rule.get("kind")
        if kind not in KINDS:
            problems.append(_("%(where)s: 'kind' phải là fixed hoặc formula") % {"where": where})
        elif kind == "fixed":
            amount = rule.get("amount")
            if (
                isinstance(amount, bool)
                or not isinstance(amount, int | float)
                or not math.isfinite(amount)
                or not 0 <= amount <= MAX_AMOUNT
            ):
                problems.append(
                    _("%(where)s: 'amount' phải là số từ 0 đến %(max)s") % {"where": where, "max": MAX_AMOUNT}
                )
        else:
            try:
                names_in(rule.get("expr", ""))
            except ExpressionError as exc:
                problems.append(_("%(where)s: công thức lỗi: %(error)s") % {"where": where, "error": exc})
        exemptions = rule.get("exemptions", [])
        if not isinstance(exemptions, list):
            problems.append(_("%(where)s: 'exemptions' phải là danh sách") % {"where": where})
            continue
        for exemption in exemptions:
            if (
                not isinstance(exemption, Mapping)
                or set(exemption) - EXEMPTION_KEYS
                or "when" not in exemption
            ):
                problems.append(
                    _("%(where)s: mỗi trường hợp miễn cần 'when' (và 'reason')") % {"where": where}
                )
                continue
            try:
                names_in(exemption["when"])
            except ExpressionError as exc:
                problems.append(
                    _("%(where)s: điều kiện miễn lỗi: %(error)s") % {"where": where, "error": exc}
                )
    return problems


def names_used(rules: Iterable[Mapping[str, Any]]) -> set[str]:
    """Every form field name that the fee rules read."""
    names: set[str] = set()
    for rule in rules:
        if rule.get("kind") == "formula":
            names |= names_in(rule["expr"])
        for exemption in rule.get("exemptions", []):
            names |= names_in(exemption["when"])
    return names


def _too_large(code: str) -> ExpressionError:
    return ExpressionError(
        _("khoản phí '%(code)s' vượt quá %(max)s đồng")
        % {"code": code, "max": f"{MAX_AMOUNT:,}".replace(",", ".")}
    )


def quote(rules: Iterable[Mapping[str, Any]], form_data: Mapping[str, Any]) -> FeeQuote:
    """Compute each fee for ``form_data``; raise ExpressionError when a formula cannot be computed or an
    amount (or the total) is not a whole number of đồng from 0 to MAX_AMOUNT."""
    lines = []
    for rule in rules:
        name = rule.get("name") or rule["code"]
        if rule["kind"] == "fixed":
            amount = Decimal(str(rule["amount"]))
        else:
            value = evaluate(rule["expr"], form_data)
            amount = Decimal(int(value)) if isinstance(value, bool) else value
        if not amount.is_finite():
            raise ExpressionError(_("khoản phí '%(code)s' không phải là số") % {"code": rule["code"]})
        if amount < 0:
            raise ExpressionError(_("khoản phí '%(code)s' âm") % {"code": rule["code"]})
        if amount > MAX_AMOUNT:
            raise _too_large(rule["code"])
        reason = ""
        for exemption in rule.get("exemptions", []):
            if evaluate(exemption["when"], form_data):
                reason = exemption.get("reason") or exemption["when"]
                amount = Decimal(0)
                break
        lines.append(
            FeeLine(code=rule["code"], name=name, amount=amount.quantize(Decimal(1)), exempt_reason=reason)
        )
    result = FeeQuote(lines=lines)
    if result.total > MAX_AMOUNT:
        raise _too_large(_("tổng cộng"))
    return result
