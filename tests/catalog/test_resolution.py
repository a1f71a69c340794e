"""Competence resolution, workflow reads, search and fees as other apps call them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalog import selectors
from motcua.catalog.expressions import ExpressionError, evaluate
from motcua.catalog.models import Action, AgencyRule, CompetenceRule, PlaceBasis, Procedure
from motcua.core.errors import DomainError
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Agency

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 27)


def commune(index: int = 0) -> AdministrativeUnit:
    return (
        AdministrativeUnit.objects.valid_on(DAY)
        .filter(province_code="46", level="commune")
        .order_by("code")[index]
    )


def test_a_commune_procedure_resolves_to_the_committee_of_the_place():
    unit = commune(3)
    agency = selectors.resolve_competent_agency(
        procedure=Procedure.objects.get(code="1.001193"), on=DAY, place_unit=unit
    )
    assert agency.unit == unit and agency.kind == "ubnd"


def test_a_provincial_procedure_resolves_to_the_named_department():
    agency = selectors.resolve_competent_agency(
        procedure=Procedure.objects.get(code="1.014199"), on=DAY, place_unit=commune(7)
    )
    assert agency.short_name == "Sở Nội vụ"


def test_a_commune_procedure_without_a_place_cannot_be_resolved():
    with pytest.raises(DomainError) as caught:
        selectors.resolve_competent_agency(
            procedure=Procedure.objects.get(code="1.001193"), on=DAY, place_unit=None
        )
    assert caught.value.code == "competence.none"
    assert "xã, phường" in str(caught.value)


def test_a_rule_for_one_commune_wins_over_the_rule_for_the_province():
    procedure = Procedure.objects.get(code="1.001193")
    unit = commune(5)
    department = Agency.objects.valid_on(DAY).get(short_name="Sở Tư pháp", province_code="46")
    CompetenceRule.objects.create(
        procedure=procedure,
        place_basis=PlaceBasis.RESIDENCE,
        scope=unit,
        agency_rule=AgencyRule.NAMED,
        agency=department,
        valid_from=dt.date(2026, 1, 1),
    )
    assert selectors.resolve_competent_agency(procedure=procedure, on=DAY, place_unit=unit) == department
    assert (
        selectors.resolve_competent_agency(procedure=procedure, on=DAY, place_unit=commune(6)).kind == "ubnd"
    )
    assert selectors.resolve_competent_agency(
        procedure=procedure, on=dt.date(2025, 12, 1), place_unit=unit
    ).kind == ("ubnd")


def test_two_rules_for_the_same_place_are_ambiguous():
    procedure = Procedure.objects.get(code="1.014199")
    department = Agency.objects.valid_on(DAY).get(short_name="Sở Tư pháp", province_code="46")
    province = AdministrativeUnit.objects.valid_on(DAY).get(code="46", level="province")
    CompetenceRule.objects.create(
        procedure=procedure,
        place_basis=PlaceBasis.NONE,
        scope=province,
        agency_rule=AgencyRule.NAMED,
        agency=department,
        valid_from=dt.date(2025, 7, 1),
    )
    with pytest.raises(DomainError) as caught:
        selectors.resolve_competent_agency(procedure=procedure, on=DAY, place_unit=commune())
    assert caught.value.code == "competence.ambiguous"
    assert "Sở Tư pháp" in str(caught.value) and "Sở Nội vụ" in str(caught.value)


def test_the_place_basis_of_a_procedure_is_known():
    assert (
        selectors.competence_place_basis(procedure=Procedure.objects.get(code="1.013225"), on=DAY)
        == "property"
    )


def test_the_workflow_starts_at_the_desk_and_each_step_lists_its_transitions():
    version = selectors.version_in_force(procedure=Procedure.objects.get(code="1.001193"), on=DAY)
    workflow = selectors.workflow_of(version)
    first = selectors.initial_step(workflow)
    assert first.role == "reception_officer"
    actions = {t.action: t for t in selectors.transitions_from(first)}
    assert actions[Action.FORWARD].target is not None and Action.REFUSE not in actions
    # Refusal after review ends at the leader's step (stop notice, form 05): it needs a reason.
    leader = workflow.steps.get(role="leader")
    refusal = {t.action: t for t in selectors.transitions_from(leader)}[Action.REFUSE]
    assert refusal.target is None and refusal.requires_reason


def test_search_finds_procedures_without_accents_and_by_level():
    found = list(selectors.search_procedures(text="dang ky khai sinh", on=DAY).values_list("code", flat=True))
    assert "1.001193" in found and "1.000894" not in found
    provincial = set(selectors.search_procedures(level="province").values_list("code", flat=True))
    assert "1.014199" in provincial and "1.001193" not in provincial


def test_the_certified_copy_fee_follows_the_published_scale():
    version = selectors.version_in_force(procedure=Procedure.objects.get(code="2.000815"), on=DAY)
    assert selectors.fee_for(version=version, form_data={"pages": 1, "copies": 1}, on=DAY) == Decimal(2000)
    assert selectors.fee_for(version=version, form_data={"pages": 5, "copies": 2}, on=DAY) == Decimal(14000)
    largest = selectors.fee_for(version=version, form_data={"pages": 500, "copies": 1}, on=DAY)
    assert largest == Decimal(200000)


def test_an_exemption_zeroes_the_fee_and_says_why():
    version = selectors.version_in_force(procedure=Procedure.objects.get(code="1.001193"), on=DAY)
    # Registered 90 days after the birth: late, so only the household's situation can exempt it.
    late = {
        "child_birth_date": (DAY - dt.timedelta(days=90)).isoformat(),
        "applicant_poor": False,
        "applicant_disabled": False,
        "revolutionary_family": False,
    }
    quote = selectors.fee_quote(version=version, form_data={**late, "applicant_poor": True}, on=DAY)
    assert quote.total == 0 and "hộ nghèo" in quote.lines[0].exempt_reason
    assert selectors.fee_for(version=version, form_data=late, on=DAY) > 0


def test_a_fee_needing_a_missing_field_is_a_domain_error():
    version = selectors.version_in_force(procedure=Procedure.objects.get(code="2.000815"), on=DAY)
    with pytest.raises(DomainError) as caught:
        selectors.fee_for(version=version, form_data={"pages": 2}, on=DAY)
    assert caught.value.code == "fee.not_computable"


@pytest.mark.parametrize(
    "expr",
    [
        "__import__('os')",
        "pages.real",
        "open('x')",
        "[1, 2]",
        "'abc'",
        "lambda: 1",
        "pages ** 1000000",
    ],
)
def test_formulas_outside_the_whitelist_are_refused(expr):
    with pytest.raises(ExpressionError):
        evaluate(expr, {"pages": 1})


def test_formulas_support_conditions_and_rounding():
    assert (
        evaluate("round(1000 * pages / 3) if pages > 2 and not poor else 0", {"pages": 4, "poor": False})
        == 1333
    )
    assert evaluate("max(pages - 2, 0) // 2", {"pages": 7}) == 2
