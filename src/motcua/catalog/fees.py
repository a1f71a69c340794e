"""Fees and charges (phí, lệ phí) of a procedure version: rule format, checks and computation.

``ProcedureVersion.fee_rules`` is a JSON list of rules::

    {"code": "le_phi", "name": "Lệ phí", "kind": "fixed", "amount": 10000,
     "legal_basis": "Thông tư 226/2016/TT-BTC", "valid_from": "2017-01-01"}
    {"code": "phi_chung_thuc", "name": "Phí chứng thực", "kind": "formula",
     "expr": "min(2000*min(pages,2) + 1000*max(pages-2,0), 200000) * copies",
     "legal_basis": "…", "valid_from": "2017-01-01",
     "exemptions": [{"when": "applicant_poor", "reason": "Hộ nghèo"}]}

Every rule names the document that sets it (``legal_basis``: the resolution or circular) and the day it
takes effect (``valid_from``). Rules with the same ``code`` are successive versions of one fee: a dossier
pays, for each code, the rule with the latest ``valid_from`` on or before its submission date, and a rule
not yet in force is not charged. The verifier requires each fee's first rule to be in force on the
version's own ``valid_from`` (docs/legal-basis.md section 10), so that a fee never silently disappears.

Formulas and exemption conditions name top-level fields of the version's e-form and are
evaluated by :mod:`motcua.catalog.expressions`, never by ``eval``; ``days_since(field)`` counts the
days from a date of the form to the submission date, which the caller passes (``on``). Every amount, and
the total, is a whole number of đồng from 0 to MAX_AMOUNT (what a dossier's fee column holds); anything
else is an ExpressionError, so that a fee that cannot be stored is refused before the dossier is saved.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .expressions import ExpressionError, evaluate, names_in

KINDS = ("fixed", "formula")
RULE_KEYS = {
    "code",
    "name",
    "kind",
    "amount",
    "expr",
    "unit",
    "exemptions",
    "note",
    "legal_basis",
    "valid_from",
    "payment",
}
EXEMPTION_KEYS = {"when", "reason"}
# When the fee is paid (a rule's ``payment``; every rule of a version says the same, or nothing):
# ``when`` "submission" (default: asked once the dossier is received) or "processing" (an officer asks it at a
# step: national status 6 "Yêu cầu thực hiện nghĩa vụ tài chính"); ``clock`` while waiting for it: "paused"
# (the appointment moves by the waiting time, as for a supplement) or "runs" (default).
PAYMENT_KEYS = {"when", "clock"}
PAYMENT_WHEN = ("submission", "processing")
PAYMENT_CLOCK = ("runs", "paused")


@dataclass(frozen=True)
class PaymentTerms:
    when: str = "submission"
    clock: str = "runs"


def payment_terms(rules: Any) -> PaymentTerms:
    """The version's payment terms, read from its fee rules (the first rule that states them)."""
    for rule in rules if isinstance(rules, list) else []:
        terms = rule.get("payment") if isinstance(rule, Mapping) else None
        if isinstance(terms, Mapping):
            return PaymentTerms(
                when=str(terms.get("when") or "submission"), clock=str(terms.get("clock") or "runs")
            )
    return PaymentTerms()


def _payment_problems(rules: list[Any]) -> list[str]:
    problems: list[str] = []
    stated = set()
    for rule in rules:
        if not isinstance(rule, Mapping) or "payment" not in rule:
            continue
        terms = rule["payment"]
        if (
            not isinstance(terms, Mapping)
            or set(terms) - PAYMENT_KEYS
            or terms.get("when", "submission") not in PAYMENT_WHEN
            or terms.get("clock", "runs") not in PAYMENT_CLOCK
        ):
            problems.append(
                _(
                    'khoản phí \'%(code)s\': \'payment\' phải là {"when": "submission" hoặc "processing", '
                    '"clock": "runs" hoặc "paused"}'
                )
                % {"code": rule.get("code", "")}
            )
            continue
        stated.add((terms.get("when", "submission"), terms.get("clock", "runs")))
    if len(stated) > 1:
        problems.append(
            _("các khoản phí ghi thời điểm nộp ('payment') khác nhau: chỉ một cách cho mỗi phiên bản")
        )
    return problems


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
    seen: set[tuple[str, dt.date | None]] = set()
    for index, rule in enumerate(rules, start=1):
        where = _("khoản phí thứ %(number)s") % {"number": index}
        if not isinstance(rule, Mapping):
            problems.append(_("%(where)s: phải là một bảng khóa–giá trị") % {"where": where})
            continue
        code = rule.get("code")
        start = rule_start(rule)
        if not isinstance(code, str) or not code:
            problems.append(_("%(where)s: thiếu 'code'") % {"where": where})
        elif (code, start) in seen:
            problems.append(
                _("%(where)s: mã '%(code)s' bị trùng (cùng ngày áp dụng)") % {"where": where, "code": code}
            )
        else:
            seen.add((code, start))
            where = _("khoản phí '%(code)s'") % {"code": code}
        legal_basis = rule.get("legal_basis")
        if not isinstance(legal_basis, str) or not legal_basis.strip():
            problems.append(
                _("%(where)s: thiếu 'legal_basis' (nghị quyết, thông tư quy định mức thu)") % {"where": where}
            )
        if start is None:
            problems.append(
                _("%(where)s: 'valid_from' phải là ngày văn bản có hiệu lực, dạng YYYY-MM-DD")
                % {"where": where}
            )
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
    return problems + _payment_problems(rules)


def rule_start(rule: Mapping[str, Any]) -> dt.date | None:
    """The day a fee rule takes effect (its ``valid_from``), or None when it is missing or not a date."""
    value = rule.get("valid_from")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def in_force(rules: Iterable[Mapping[str, Any]], on: dt.date) -> list[Mapping[str, Any]]:
    """For each fee code, the rule with the latest ``valid_from`` on or before ``on`` (none yet: no line),
    in the order the codes first appear; a rule without a readable ``valid_from`` is an ExpressionError."""
    chosen: dict[str, Mapping[str, Any]] = {}
    for rule in rules:
        start = rule_start(rule)
        if start is None:
            # Never dropped silently (a fee of 0): the rule is malformed.
            raise ExpressionError(
                _("khoản phí '%(code)s' thiếu ngày áp dụng 'valid_from'") % {"code": rule.get("code", "")}
            )
        if start > on:
            continue
        held = chosen.get(rule["code"])
        if held is None or start >= (rule_start(held) or start):
            chosen[rule["code"]] = rule
    return list(chosen.values())


def first_starts(rules: Iterable[Mapping[str, Any]]) -> dict[str, dt.date]:
    """For each fee code, the day its first rule takes effect."""
    starts: dict[str, dt.date] = {}
    for rule in rules:
        start = rule_start(rule)
        if start is not None and (rule["code"] not in starts or start < starts[rule["code"]]):
            starts[rule["code"]] = start
    return starts


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


def quote(rules: Iterable[Mapping[str, Any]], form_data: Mapping[str, Any], *, on: dt.date) -> FeeQuote:
    """Compute each fee in force on ``on`` (the submission date) for ``form_data``; raise ExpressionError
    when a formula cannot be computed or an amount (or the total) is not a whole number of đồng from 0 to
    MAX_AMOUNT."""
    lines = []
    for rule in in_force(rules, on):
        name = rule.get("name") or rule["code"]
        if rule["kind"] == "fixed":
            amount = Decimal(str(rule["amount"]))
        else:
            value = evaluate(rule["expr"], form_data, today=on)
            amount = Decimal(int(value)) if isinstance(value, bool) else value
        if not amount.is_finite():
            raise ExpressionError(_("khoản phí '%(code)s' không phải là số") % {"code": rule["code"]})
        if amount < 0:
            raise ExpressionError(_("khoản phí '%(code)s' âm") % {"code": rule["code"]})
        if amount > MAX_AMOUNT:
            raise _too_large(rule["code"])
        reason = ""
        for exemption in rule.get("exemptions", []):
            if evaluate(exemption["when"], form_data, today=on):
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
