"""``x-dossier-subject``: the e-form field naming whom a dossier concerns (shown beside the procedure in the
lists of dossiers), checked by the verifier and marked on every procedure of the sample catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from motcua.catalog.dossier_subject import subject_fields, subject_name, subject_problems

from .conftest import check, import_draft

SCHEMA = {
    "type": "object",
    "properties": {
        "applicant_name": {"type": "string", "x-dossier-subject": True},
        "partner_name": {"type": "string", "x-dossier-subject": True},
        "disabled_person": {
            "type": "object",
            "x-dossier-subject": True,
            "properties": {"ho_ten": {"type": "string"}, "ngay_sinh": {"type": "string", "format": "date"}},
        },
        "purpose": {"type": "string"},
    },
}
CATALOG = Path(__file__).resolve().parents[2] / "src" / "motcua" / "catalog" / "data" / "hue.yaml"


def test_the_marked_fields_name_the_dossier_in_the_order_of_their_names():
    data = {
        "partner_name": " Trần  Thị Lan ",
        "applicant_name": "Nguyễn Văn An",
        "disabled_person": {"ho_ten": "Lê Văn Tâm"},
        "purpose": "Kết hôn",
    }
    assert subject_fields(SCHEMA) == ["applicant_name", "disabled_person", "partner_name"]
    assert subject_name(SCHEMA, data, max_length=200) == "Nguyễn Văn An, Lê Văn Tâm, Trần Thị Lan"


def test_empty_fields_and_a_repeated_name_are_left_out():
    data = {"applicant_name": "Nguyễn Văn An", "partner_name": "nguyễn văn an", "disabled_person": {}}
    assert subject_name(SCHEMA, data, max_length=200) == "Nguyễn Văn An"
    assert subject_name(SCHEMA, {}, max_length=200) == ""
    assert subject_name({}, {"applicant_name": "An"}, max_length=200) == ""


def test_a_long_name_is_cut_to_the_column_with_an_ellipsis():
    name = subject_name(SCHEMA, {"applicant_name": "A" * 150, "partner_name": "B" * 150}, max_length=200)
    assert len(name) == 200 and name.endswith("…")


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ({"type": "string", "x-dossier-subject": "yes"}, "chỉ nhận giá trị true"),
        ({"type": "string", "format": "date", "x-dossier-subject": True}, "chuỗi ký tự tự do"),
        ({"type": "string", "enum": ["Nam", "Nữ"], "x-dossier-subject": True}, "chuỗi ký tự tự do"),
        ({"type": "integer", "x-dossier-subject": True}, "chuỗi ký tự tự do"),
        ({"type": "object", "properties": {"ten": {"type": "string"}}, "x-dossier-subject": True}, "ho_ten"),
    ],
)
def test_each_ill_formed_mark_is_a_problem(spec, words):
    problems = subject_problems({"type": "object", "properties": {"who": spec}})
    assert any(words in p for p in problems), problems


def test_the_sample_marks_are_sound():
    assert subject_problems(SCHEMA) == []


@pytest.mark.django_db
def test_the_verifier_reports_a_mark_on_a_field_that_cannot_name_anyone(procedure):
    properties = procedure["versions"][0]["form"]["schema"]["properties"]
    properties["residence_unit"]["x-dossier-subject"] = "child"
    report = check(import_draft(procedure))
    assert "residence_unit" in " | ".join(report.messages("form.dossier_subject")), report.as_text()


@pytest.mark.django_db
def test_a_sound_mark_verifies_clean(procedure):
    procedure["versions"][0]["form"]["schema"]["properties"]["full_name"]["x-dossier-subject"] = True
    report = check(import_draft(procedure))
    assert report.ok and not report.messages("form.dossier_subject"), report.as_text()


def test_every_procedure_of_the_sample_catalog_names_whom_its_dossiers_concern():
    catalog = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    unmarked, unsound = [], []
    for procedure in catalog["procedures"]:
        for version in procedure["versions"]:
            schema = (version.get("form") or {}).get("schema") or {}
            if not subject_fields(schema):
                unmarked.append(f"{procedure['code']} v{version['number']}")
            unsound += subject_problems(schema)
    assert unmarked == [] and unsound == []
