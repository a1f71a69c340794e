"""Fees as the law sets them (docs/legal-basis.md section 10): signature certification per case, the on-time
exemption of birth and death registration computed from the dates, every fee naming its legal basis and
effective date, and a fee that cannot be computed being an error, never 0."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.catalog import fees, selectors
from motcua.catalog.expressions import ExpressionError, evaluate, names_in, parse
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.core.errors import DomainError

from .conftest import check, import_draft

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 30)
BIRTH, DEATH, BIRTH_AND_RECOGNITION = "1.001193", "1.000656", "1.000689"
SIGNATURE, TRANSLATOR_SIGNATURE = "2.000884", "2.001008"
NOT_EXEMPT = {"applicant_poor": False, "applicant_disabled": False, "revolutionary_family": False}


def version_of(code: str, on: dt.date = DAY) -> ProcedureVersion:
    return selectors.version_in_force(procedure=Procedure.objects.get(code=code), on=on)


def days_before(days: int) -> str:
    return (DAY - dt.timedelta(days=days)).isoformat()


# --- signature certification: 10,000 đ per case (Circular 226/2016/TT-BTC) ----------------------------


@pytest.mark.parametrize("code", [SIGNATURE, TRANSLATOR_SIGNATURE])
def test_signature_certification_is_ten_thousand_per_case_whatever_the_number_of_signers(code):
    version = version_of(code)
    assert "signers" not in version.form_schema["properties"]
    assert fees.names_used(version.fee_rules) == set()
    assert selectors.fee_for(version=version, form_data={}, on=DAY) == 10000
    assert selectors.fee_for(version=version, form_data={"signers": 7}, on=DAY) == 10000


# --- on-time birth and death registration: computed from the dates (Luật Hộ tịch Art. 11, 15, 33) --------


@pytest.mark.parametrize("code", [BIRTH, DEATH, BIRTH_AND_RECOGNITION])
def test_no_sample_form_lets_the_applicant_tick_on_time_registration(code):
    version = version_of(code)
    assert "registered_on_time" not in version.form_schema["properties"]
    assert "registered_on_time" not in fees.names_used(version.fee_rules)


@pytest.mark.parametrize(
    ("code", "field", "limit"), [(BIRTH, "child_birth_date", 60), (DEATH, "death_date", 15)]
)
def test_registration_within_the_legal_period_is_exempt_and_after_it_is_charged(code, field, limit):
    version = version_of(code)
    on_time = selectors.fee_quote(
        version=version, form_data={**NOT_EXEMPT, field: days_before(limit)}, on=DAY
    )
    assert on_time.total == 0 and "đúng hạn" in on_time.lines[0].exempt_reason
    late = selectors.fee_quote(
        version=version, form_data={**NOT_EXEMPT, field: days_before(limit + 1)}, on=DAY
    )
    assert late.total > 0 and late.lines[0].exempt_reason == ""


def test_the_exemption_counts_to_the_submission_date_the_engine_gives_not_a_date_in_the_form():
    version = version_of(BIRTH)
    born = {
        **NOT_EXEMPT,
        "child_birth_date": "2026-09-01",
        "today": "2026-09-02",
        "submitted_on": "2026-09-02",
    }
    assert selectors.fee_for(version=version, form_data=born, on=dt.date(2026, 10, 31)) == 0  # day 60
    assert selectors.fee_for(version=version, form_data=born, on=dt.date(2026, 11, 1)) > 0  # day 61


def test_a_birth_date_after_the_submission_date_is_an_error_not_an_exemption():
    with pytest.raises(DomainError) as caught:
        selectors.fee_for(
            version=version_of(BIRTH), form_data={**NOT_EXEMPT, "child_birth_date": "2026-12-25"}, on=DAY
        )
    assert caught.value.code == "fee.not_computable"


def test_days_since_reads_one_date_field_and_nothing_else():
    assert evaluate("days_since(born)", {"born": "2026-11-01"}, today=DAY) == 29
    assert names_in("days_since(born) <= 60") == {"born"}
    for bad in ("days_since(1)", "days_since(born, died)", "days_since(true)"):
        with pytest.raises(ExpressionError):
            parse(bad)
    for value in ("", None, "01/11/2026", "2026-13-01", 20261101):
        with pytest.raises(ExpressionError):
            evaluate("days_since(born)", {"born": value}, today=DAY)
    with pytest.raises(ExpressionError):
        evaluate("days_since(born)", {"born": "2026-11-01"})  # no submission date from the engine


# --- every fee names its resolution and effective date ----------------------------------------------------


def test_a_fee_rule_without_its_legal_basis_or_effective_date_is_refused():
    rule = {"code": "le_phi", "name": "Lệ phí", "kind": "fixed", "amount": 8000}
    problems = " ".join(fees.rule_problems([rule]))
    assert "legal_basis" in problems and "valid_from" in problems
    assert fees.rule_problems([{**rule, "legal_basis": "Nghị quyết", "valid_from": "2026-01-01"}]) == []
    with pytest.raises(ExpressionError):  # never charged as 0 either
        fees.quote([rule], {}, on=DAY)


def test_a_later_resolution_applies_from_its_effective_date():
    base = {"code": "le_phi", "name": "Lệ phí", "kind": "fixed"}
    rules = [
        {**base, "amount": 8000, "legal_basis": "Nghị quyết cũ", "valid_from": "2025-07-01"},
        {**base, "amount": 10000, "legal_basis": "Nghị quyết mới", "valid_from": "2026-01-01"},
    ]
    assert fees.quote(rules, {}, on=dt.date(2025, 12, 31)).total == 8000
    assert fees.quote(rules, {}, on=dt.date(2026, 1, 1)).total == 10000
    assert fees.quote(rules, {}, on=dt.date(2025, 6, 30)).lines == []


def test_a_fee_not_in_force_on_the_versions_first_day_is_a_verifier_error(procedure):
    procedure["versions"][0]["fees"][0]["valid_from"] = "2026-01-01"
    report = check(import_draft(procedure))
    assert [f.rule for f in report.findings] == ["fee.not_in_force"]


def test_every_fee_of_the_sample_catalog_names_its_basis_and_the_hue_civil_status_resolution_of_2026():
    versions = ProcedureVersion.objects.exclude(fee_rules=[])
    assert versions.exists()
    for version in versions:
        for rule in version.fee_rules:
            assert rule["legal_basis"].strip() and fees.rule_start(rule) is not None, version
        # Each fee is in force from the version's first day.
        assert max(fees.first_starts(version.fee_rules).values()) <= version.valid_from, version
    birth = version_of(BIRTH)
    new = [r for r in birth.fee_rules if r["valid_from"] == "2026-01-01"]
    assert new and "[kiểm tra" in new[0]["legal_basis"] and "HĐND thành phố Huế" in new[0]["legal_basis"]
