"""Competence rules name the e-form fields that carry the place the law names (``place_fields``): the
verifier checks them against every version's form, the interchange carries them both ways."""

from __future__ import annotations

import copy

import pytest
from django.utils import translation

from motcua.catalog import selectors, services
from motcua.catalog.interchange import CatalogFormatError
from motcua.catalog.models import CompetenceRule, PlaceBasis, Procedure

from .conftest import REFORM, TODAY, catalog_text, check, good_procedure, import_draft

pytestmark = pytest.mark.django_db


def only(report, rule):
    messages = report.messages(rule)
    assert messages, report.as_text()
    return " | ".join(messages)


def test_a_rule_with_a_place_basis_must_name_the_field_that_carries_the_place(procedure):
    del procedure["competence"][0]["place_fields"]
    report = check(import_draft(procedure))
    assert "chưa nêu trường tờ khai mang địa bàn" in only(report, "competence.place_fields")
    assert not report.ok


def test_a_rule_without_place_basis_needs_no_field(procedure):
    del procedure["competence"][0]["place_fields"]
    procedure["competence"][0]["place_basis"] = "none"
    report = check(import_draft(procedure))
    assert report.ok and not report.findings, report.as_text()


def test_a_named_field_missing_from_the_form_is_reported(procedure):
    procedure["competence"][0]["place_fields"] = ["residence_unit", "death_unit"]
    message = only(check(import_draft(procedure)), "competence.place_field")
    assert "'death_unit'" in message and "'residence_unit'" not in message


def test_a_named_field_that_is_not_a_commune_picker_is_reported(procedure):
    procedure["versions"][0]["form"]["ui"]["widgets"].pop("residence_unit")
    message = only(check(import_draft(procedure)), "competence.place_field")
    assert "không phải ô chọn xã, phường" in message


def test_rules_in_force_together_must_name_the_same_fields(procedure):
    from motcua.geo.models import AdministrativeUnit

    commune = (
        AdministrativeUnit.objects.valid_on(TODAY)
        .filter(province_code="46", level="commune")
        .order_by("code")
    )[0]
    own = copy.deepcopy(procedure["competence"][0])
    own.update(scope=commune.code, place_fields=["full_name"])
    procedure["competence"].append(own)
    report = check(import_draft(procedure))
    assert "nêu trường địa bàn khác nhau" in only(report, "competence.place_fields")


def test_the_place_finding_reads_in_english_when_english_is_active(procedure):
    procedure["competence"][0]["place_fields"] = ["death_unit"]
    version = import_draft(procedure)
    with translation.override("en"):
        report = check(version)
    assert any("death_unit" in m and "commune picker" in m for m in report.messages("competence.place_field"))


def test_place_fields_travel_through_export_and_import_in_their_order():
    procedure = good_procedure()
    procedure["competence"][0]["place_fields"] = ["residence_unit", "other_unit"]
    properties = procedure["versions"][0]["form"]["schema"]["properties"]
    properties["other_unit"] = {"type": "string", "title": "Xã, phường khác", "pattern": "^[0-9]{5}$"}
    procedure["versions"][0]["form"]["ui"]["widgets"]["other_unit"] = "unit"
    services.import_catalog(text=catalog_text(procedure), publish=True)
    rule = CompetenceRule.objects.get(procedure__code=procedure["code"])
    assert rule.place_fields == ["residence_unit", "other_unit"]
    exported = services.export_catalog(procedures=Procedure.objects.filter(code=procedure["code"]))
    assert "    place_fields:\n    - residence_unit\n    - other_unit\n" in exported
    counts = services.import_catalog(text=exported, publish=True)
    assert counts["competence_replaced"] == 0
    assert selectors.competence_place_fields(
        procedure=Procedure.objects.get(code=procedure["code"]), on=REFORM
    ) == ["residence_unit", "other_unit"]


@pytest.mark.parametrize("bad", [["residence_unit", "residence_unit"], [""], [{"a": 1}], "residence_unit"])
def test_place_fields_that_are_not_distinct_field_names_are_refused_on_import(procedure, bad):
    procedure["competence"][0]["place_fields"] = bad
    with pytest.raises(CatalogFormatError) as caught:
        services.import_catalog(text=catalog_text(procedure), publish=False)
    assert any("place_fields" in p.message for p in caught.value.problems)
    assert not Procedure.objects.filter(code=procedure["code"]).exists()


def test_the_place_basis_labels_name_no_person():
    for basis in PlaceBasis:
        assert "người yêu cầu" not in str(basis.label)


def test_every_rule_of_the_sample_catalog_with_a_place_basis_names_its_fields():
    rules = CompetenceRule.objects.exclude(place_basis=PlaceBasis.NONE)
    if not rules.exists():
        pytest.skip("needs the sample catalog")
    assert all(rule.place_fields for rule in rules)
    death = CompetenceRule.objects.get(procedure__code="1.000656")
    assert death.place_fields == ["deceased_last_residence_unit", "death_unit", "body_found_unit"]
