"""Each verifier rule, broken on purpose, is reported with a readable message."""

from __future__ import annotations

import pytest

from motcua.catalog.models import ProcedureVersion, RequiredDocument
from motcua.org.models import Position, Role

from .conftest import TODAY, check, import_draft, steps_of

pytestmark = pytest.mark.django_db


def only(report, rule):
    messages = report.messages(rule)
    assert messages, report.as_text()
    return " | ".join(messages)


def test_a_good_procedure_verifies_clean(procedure):
    report = check(import_draft(procedure))
    assert report.ok and not report.findings, report.as_text()


def test_a_rule_for_one_commune_leaves_the_others_without_a_competent_agency(procedure):
    from motcua.geo.models import AdministrativeUnit

    communes = (
        AdministrativeUnit.objects.valid_on(TODAY)
        .filter(province_code="46", level="commune")
        .order_by("code")
    )
    first, second = communes[0], communes[1]
    procedure["competence"][0]["scope"] = first.code
    report = check(import_draft(procedure))
    message = only(report, "competence.gap")
    assert "39 xã, phường" in message
    assert second.name in message and first.name + " (" not in message


def test_two_named_agencies_for_the_whole_province_overlap(procedure):
    procedure["levels"] = ["province"]
    procedure["competence"] = [
        {
            "place_basis": "none",
            "scope": "46",
            "agency_rule": "named",
            "agency": "Sở Tư pháp",
            "valid_from": procedure["competence"][0]["valid_from"],
        },
        {
            "place_basis": "none",
            "scope": "46",
            "agency_rule": "named",
            "agency": "Sở Nội vụ",
            "valid_from": procedure["competence"][0]["valid_from"],
        },
    ]
    message = only(check(import_draft(procedure)), "competence.overlap")
    assert "Sở Tư pháp" in message and "Sở Nội vụ" in message and "40 xã, phường" in message


def test_a_step_nobody_forwards_to_is_unreachable(procedure):
    steps = procedure["versions"][0]["workflow"]["steps"]
    steps.insert(
        2,
        {
            "code": "mo_coi",
            "name": "Bước mồ côi",
            "role": "head",
            "performer": "competent",
            "hours": 1,
            "actions": ["approve"],
            "transitions": [{"action": "approve", "to": "ky"}],
        },
    )
    message = only(check(import_draft(procedure)), "workflow.unreachable")
    assert "Bước mồ côi" in message


def test_a_step_with_no_way_out_is_a_dead_end(procedure):
    steps = procedure["versions"][0]["workflow"]["steps"]
    steps_of(procedure)["xu_ly"]["transitions"].append({"action": "forward", "to": "treo"})
    steps.insert(
        2,
        {
            "code": "treo",
            "name": "Bước treo",
            "role": "head",
            "performer": "competent",
            "hours": 1,
            "actions": [],
            "transitions": [],
        },
    )
    report = check(import_draft(procedure))
    assert "Bước treo" in only(report, "workflow.dead_end")


def test_forwarding_back_without_a_reason_sends_the_dossier_in_circles(procedure):
    ky = steps_of(procedure)["ky"]
    ky["actions"].append("forward")
    ky["transitions"].append({"action": "forward", "to": "xu_ly"})
    message = only(check(import_draft(procedure)), "workflow.cycle")
    assert "Bước xu_ly → Bước ky → Bước xu_ly" in message


def test_a_return_without_a_reason_is_refused_and_makes_a_cycle(procedure):
    for t in steps_of(procedure)["ky"]["transitions"]:
        t.pop("requires_reason", None)
    report = check(import_draft(procedure))
    assert "phải nêu lý do" in only(report, "workflow.return")
    assert report.messages("workflow.cycle")


def test_a_role_nobody_holds_at_the_competent_agency_is_reported(procedure):
    steps_of(procedure)["ky"]["role"] = Role.POSTAL_STAFF
    message = only(check(import_draft(procedure)), "performer.missing")
    assert "Ủy ban nhân dân" in message and str(Role.POSTAL_STAFF.label) in message


def test_a_commune_whose_only_leader_left_is_reported_by_name(procedure):
    version = import_draft(procedure)
    position = Position.objects.filter(role=Role.LEADER, agency__kind="ubnd").select_related("agency").first()
    Position.objects.filter(role=Role.LEADER, agency=position.agency).update(valid_to=TODAY)
    assert check(version, day=TODAY.replace(year=2025, month=12)).ok
    message = only(check(version, day=TODAY), "performer.missing")
    assert position.agency.name in message and "Bước ky" in message


def test_allotments_longer_than_the_legal_limit_are_reported(procedure):
    steps_of(procedure)["xu_ly"]["hours"] = 30
    message = only(check(import_draft(procedure)), "time.exceeded")
    assert "38 giờ làm việc" in message and "24 giờ làm việc" in message


def test_an_invalid_json_schema_is_reported(procedure):
    version = import_draft(procedure)
    ProcedureVersion.objects.filter(pk=version.pk).update(
        form_schema={"type": "object", "properties": {"full_name": {"type": "chuỗi"}}}
    )
    assert "JSON Schema không hợp lệ" in only(check(version), "form.schema")


def test_a_mandatory_document_with_no_way_to_provide_it_is_reported(procedure):
    version = import_draft(procedure)
    RequiredDocument.objects.filter(version=version).update(originals=0, copies=0, form_field="")
    assert "Tờ khai" in only(check(version), "form.document")


def test_a_document_tied_to_a_missing_form_field_is_reported(procedure):
    version = import_draft(procedure)
    RequiredDocument.objects.filter(version=version).update(form_field="ho_ten")
    assert "ho_ten" in only(check(version), "form.document")


# What every fee rule names: the document that sets it and the day it takes effect.
BASIS = {"legal_basis": "Nghị quyết thử nghiệm", "valid_from": "2017-01-01"}


def test_a_fee_formula_naming_a_field_not_in_the_form_is_reported(procedure):
    version = import_draft(procedure)
    ProcedureVersion.objects.filter(pk=version.pk).update(
        fee_rules=[{"code": "phi", "kind": "formula", "expr": "2000 * pages", **BASIS}]
    )
    assert "pages" in only(check(version), "fee.unknown_field")


def test_a_fee_that_cannot_be_computed_on_a_sample_form_is_reported(procedure):
    version = import_draft(procedure)
    ProcedureVersion.objects.filter(pk=version.pk).update(
        fee_rules=[{"code": "phi", "kind": "formula", "expr": "10000 / (copies - 1)", **BASIS}]
    )
    assert "chia cho 0" in only(check(version), "fee.not_computable")


def test_a_number_field_a_fee_reads_without_a_maximum_is_reported(procedure):
    version = import_draft(procedure)
    schema = dict(version.form_schema)
    schema["properties"] = {**schema["properties"], "copies": {"type": "integer", "minimum": 1, "default": 1}}
    ProcedureVersion.objects.filter(pk=version.pk).update(form_schema=schema)
    assert "copies" in only(check(version), "fee.unbounded_field")


def test_a_fee_that_does_not_fit_a_dossier_at_the_fields_maximum_is_reported(procedure):
    version = import_draft(procedure)
    schema = dict(version.form_schema)
    schema["properties"] = {
        **schema["properties"],
        "copies": {"type": "integer", "minimum": 1, "maximum": 10**12},
    }
    ProcedureVersion.objects.filter(pk=version.pk).update(form_schema=schema)
    assert "vượt quá" in only(check(version), "fee.not_computable")


def test_a_workflow_without_any_result_is_reported(procedure):
    steps = procedure["versions"][0]["workflow"]["steps"]
    steps[-1].update(role="leader", performer="competent")
    steps[-1]["actions"] = ["refuse"]
    steps[-1]["transitions"] = [{"action": "refuse", "requires_reason": True}]
    assert only(check(import_draft(procedure)), "workflow.no_result")


@pytest.mark.parametrize(
    ("role", "performer"),
    [
        ("specialist", "competent"),
        ("reception_officer", "receiving"),
        ("head", "competent"),
        ("leader", "receiving"),
    ],
)
def test_a_refusal_that_bypasses_the_competent_agencys_leader_is_reported(procedure, role, performer):
    """Decree 118/2025, Circular 03/2025 form 05: refusal after review is the competent authority leader's
    decision, so a step that refuses must be a leader's step of the competent (or named) agency."""
    steps = steps_of(procedure)
    steps["xu_ly"].update(role=role, performer=performer)
    steps["xu_ly"]["actions"].append("refuse")
    steps["xu_ly"]["transitions"].append({"action": "refuse", "requires_reason": True})
    message = only(check(import_draft(procedure)), "workflow.refusal_leader")
    assert "lãnh đạo cơ quan có thẩm quyền" in message and "Bước xu_ly" in message


def test_a_refusal_at_the_competent_agencys_leader_step_verifies_clean(procedure):
    assert "refuse" in steps_of(procedure)["ky"]["actions"]
    report = check(import_draft(procedure))
    assert not report.messages("workflow.refusal_leader"), report.as_text()


def test_the_report_reads_as_a_list_of_errors():
    from motcua.catalog.verifier import ERROR, Finding, Report

    report = Report(
        on=TODAY,
        province_code="46",
        procedures=1,
        communes=40,
        findings=[Finding(ERROR, "time.exceeded", "1.001193", "quá hạn", 1)],
    )
    text = report.as_text()
    assert "[LỖI] 1.001193 v1 (time.exceeded): quá hạn" in text and "KHÔNG ĐẠT" in text
