"""Moving a procedure's competence through the catalog's services: dated, idempotent, checked; the district
level (ended 1 July 2025 by Law 72/2025/QH15) is never competent from then on."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.catalog import services
from motcua.catalog.models import AgencyRule, CompetenceRule, PlaceBasis, Procedure
from motcua.catalog.services import CompetenceError
from motcua.catalog.verifier import competent_agency_ids
from motcua.geo.models import AdministrativeUnit
from motcua.org import services as org_services
from motcua.org.models import Agency, AgencyKind, AgencyLevel

from .conftest import REFORM, check, import_draft

pytestmark = pytest.mark.django_db

MOVE = dt.date(2026, 1, 1)
BASIS = "Quyết định thử nghiệm 9/2025/QĐ-UBND về phân cấp"


def _province(day: dt.date = MOVE) -> AdministrativeUnit:
    return AdministrativeUnit.objects.valid_on(day).get(code="46", level="province")


def _justice(day: dt.date = MOVE) -> Agency:
    return Agency.objects.valid_on(day).get(code="000.00.10.H57")  # Sở Tư pháp


def _district_committee() -> Agency:
    """An old district People's Committee, open-ended as the Huế scenario leaves it until its plan applies."""
    before = REFORM - dt.timedelta(days=60)
    district = (
        AdministrativeUnit.objects.valid_on(before).filter(province_code="46", level="district").first()
    )
    assert district is not None
    return org_services.create_agency(
        code=f"{district.code}.00.92.H57",
        name=f"Ủy ban nhân dân {district.name}",
        kind=AgencyKind.PEOPLES_COMMITTEE,
        level=AgencyLevel.DISTRICT,
        unit=district,
        valid_from=before,
    )


def _move(procedure_code: str, **changes):
    arguments = {
        "procedure": Procedure.objects.get(code=procedure_code),
        "scope": _province(),
        "on": MOVE,
        "place_basis": PlaceBasis.NONE,
        "agency_rule": AgencyRule.NAMED,
        "agency": _justice(),
        "legal_basis": BASIS,
    } | changes
    return services.move_competence(**arguments)


def test_moving_competence_ends_the_rule_the_day_before_and_opens_the_new_one(procedure):
    version = import_draft(procedure)
    old = CompetenceRule.objects.get(procedure=version.procedure)
    rule = _move(procedure["code"])
    old.refresh_from_db()
    assert old.valid_to == MOVE and old.is_valid_on(MOVE - dt.timedelta(days=1)) and not old.is_valid_on(MOVE)
    assert (rule.valid_from, rule.valid_to, rule.agency, rule.legal_basis) == (MOVE, None, _justice(), BASIS)
    # The communes' committees decided until 31 December; the department decides for every commune after.
    before = competent_agency_ids(on=MOVE - dt.timedelta(days=1), procedure=version.procedure)
    after = competent_agency_ids(on=MOVE, procedure=version.procedure)
    assert len(before) == len(after) == 40
    assert len(set(before.values())) == 40 and set(after.values()) == {_justice().pk}


def test_moving_competence_twice_changes_nothing_the_second_time(procedure):
    import_draft(procedure)
    first = _move(procedure["code"])
    rows = list(CompetenceRule.objects.order_by("id").values_list("id", "valid_from", "valid_to"))
    again = _move(procedure["code"])
    assert again.pk == first.pk
    assert list(CompetenceRule.objects.order_by("id").values_list("id", "valid_from", "valid_to")) == rows


def test_a_move_for_one_commune_leaves_rules_starting_that_day_in_place(procedure):
    """A change set may give the province a rule and one commune its own, both from the same day."""
    version = import_draft(procedure)
    province_rule = _move(procedure["code"])
    commune = AdministrativeUnit.objects.valid_on(MOVE).filter(province_code="46", level="commune").first()
    own = _move(
        procedure["code"],
        scope=commune,
        agency=None,
        agency_rule=AgencyRule.COMMUNE_COMMITTEE,
        place_basis=PlaceBasis.RESIDENCE,
        place_fields=["residence_unit"],
    )
    province_rule.refresh_from_db()
    assert province_rule.valid_to is None and own.valid_to is None
    after = competent_agency_ids(on=MOVE, procedure=version.procedure)
    assert after[commune.pk] != _justice().pk and list(after.values()).count(_justice().pk) == 39


def test_a_later_move_for_one_commune_keeps_the_province_rule_for_the_other_communes(procedure):
    """The commune's own rule wins over the province's (catalog.competence): ending the province's rule
    would leave 39 communes without a competent agency."""
    version = import_draft(procedure)
    province_rule = _move(procedure["code"])
    later = MOVE + dt.timedelta(days=30)
    commune = AdministrativeUnit.objects.valid_on(later).filter(province_code="46", level="commune").first()
    own = _move(
        procedure["code"],
        on=later,
        scope=commune,
        agency=None,
        agency_rule=AgencyRule.COMMUNE_COMMITTEE,
        place_basis=PlaceBasis.RESIDENCE,
        place_fields=["residence_unit"],
    )
    province_rule.refresh_from_db()
    assert province_rule.valid_to is None and own.valid_from == later
    after = competent_agency_ids(on=later, procedure=version.procedure)
    assert len(after) == 40 and after[commune.pk] != _justice().pk
    assert list(after.values()).count(_justice().pk) == 39


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"legal_basis": "  "}, "competence.legal_basis"),
        ({"agency": None}, "competence.agency"),
        ({"agency_rule": "anyone"}, "competence.agency_rule"),
        ({"place_basis": "moon"}, "competence.place_basis"),
    ],
)
def test_a_move_that_does_not_hold_is_refused_and_changes_nothing(procedure, changes, code):
    import_draft(procedure)
    rows = list(CompetenceRule.objects.values_list("id", "valid_from", "valid_to"))
    with pytest.raises(CompetenceError) as refused:
        _move(procedure["code"], **changes)
    assert refused.value.code == code
    assert list(CompetenceRule.objects.values_list("id", "valid_from", "valid_to")) == rows


def test_competence_never_moves_to_a_district_body(procedure):
    import_draft(procedure)
    district = _district_committee()
    for day in (REFORM - dt.timedelta(days=30), REFORM):
        with pytest.raises(CompetenceError) as refused:
            _move(procedure["code"], on=day, scope=_province(day), agency=district)
        assert refused.value.code == "competence.district_agency"
        assert "72/2025/QH15" in str(refused.value)
    assert not CompetenceRule.objects.filter(agency=district).exists()


def test_rules_added_in_bulk_are_checked_and_one_bad_rule_saves_none(procedure):
    version = import_draft(procedure)
    district = _district_committee()
    start = REFORM - dt.timedelta(days=30)
    province = _province(start)

    def rule(**fields):
        return CompetenceRule(
            procedure=version.procedure,
            scope=province,
            place_basis=PlaceBasis.NONE,
            agency_rule=AgencyRule.NAMED,
            agency=district,
            valid_from=start,
            legal_basis=BASIS,
            **fields,
        )

    with pytest.raises(CompetenceError) as refused:
        services.add_competence_rules(rules=[rule(valid_to=REFORM), rule(valid_to=REFORM + dt.timedelta(1))])
    assert refused.value.code == "competence.district_agency"
    assert not CompetenceRule.objects.filter(agency=district).exists()
    saved = services.add_competence_rules(rules=[rule(valid_to=REFORM)])
    assert [r.valid_to for r in CompetenceRule.objects.filter(agency=district)] == [REFORM]
    assert len(saved) == 1


def test_the_verifier_reports_a_rule_naming_a_district_body_on_or_after_1_july_2025(procedure):
    version = import_draft(procedure)
    district = _district_committee()
    # Written past the services (an old import, an edit in the database): the verifier still finds it.
    CompetenceRule.objects.filter(procedure=version.procedure).update(
        agency_rule=AgencyRule.NAMED, agency=district, place_basis=PlaceBasis.NONE, place_fields=[]
    )
    report = check(version, REFORM)
    messages = " | ".join(report.messages("competence.district_agency"))
    assert district.name in messages and "72/2025/QH15" in messages, report.as_text()
    assert report.messages("competence.gap"), report.as_text()  # nobody is competent instead
    # The day before, the district level still existed: no such finding.
    assert not check(version, REFORM - dt.timedelta(days=1)).messages("competence.district_agency")
