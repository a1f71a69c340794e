"""``x-subject``: the persons and enterprises a procedure's documents concern, as its e-form names them (the
data store files results under them), checked by the verifier and exported with the catalog."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.catalog.interchange import writing
from motcua.catalog.subjects import ENTERPRISE, PERSON, subject_problems, subjects_in

from .conftest import check, import_draft

SCHEMA = {
    "type": "object",
    "properties": {
        "child_name": {
            "type": "string",
            "x-subject": {"id": "child_id", "birth_date": "child_birth_date", "representative": "applicant"},
        },
        "child_id": {"type": "string", "pattern": "^[0-9]{12}$"},
        "child_birth_date": {"type": "string", "format": "date"},
        "tax_code": {"type": "string", "x-subject": {"kind": "enterprise", "name": "enterprise_name"}},
        "enterprise_name": {"type": "string"},
    },
}


def test_the_filled_form_names_the_child_and_the_enterprise():
    child, enterprise = subjects_in(
        SCHEMA,
        {
            "child_name": "  Nguyễn  Phan Minh An ",
            "child_id": "046226000123",
            "child_birth_date": "2026-02-01",
            "tax_code": "3301234567",
            "enterprise_name": "Công ty TNHH Hương Giang",
        },
    )
    assert (child.kind, child.name, child.id_number) == (PERSON, "Nguyễn Phan Minh An", "046226000123")
    assert child.birth_date == dt.date(2026, 2, 1) and child.represented_by_applicant
    assert child.majority_on == dt.date(2044, 2, 1)
    assert (enterprise.kind, enterprise.id_number, enterprise.name) == (
        ENTERPRISE,
        "3301234567",
        "Công ty TNHH Hương Giang",
    )


def test_empty_fields_and_malformed_numbers_name_nobody_and_no_number():
    (child,) = subjects_in(SCHEMA, {"child_name": "An", "child_id": "12345", "tax_code": "ABC"})
    assert child.id_number == "" and child.birth_date is None
    assert subjects_in(SCHEMA, {}) == []


def test_a_leap_day_child_comes_of_age_on_the_first_of_march():
    (child,) = subjects_in(SCHEMA, {"child_name": "An", "child_birth_date": "2024-02-29"})
    assert child.majority_on == dt.date(2042, 3, 1)


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("yes", "phải là một đối tượng"),
        ({"kind": "robot"}, "kind phải là person hoặc enterprise"),
        ({"colour": "red"}, "khóa không hợp lệ: colour"),
        ({"id": "nowhere"}, "không có trong biểu mẫu"),
        ({"birth_date": "child_id"}, "không phải ngày"),
        ({"representative": "neighbour", "birth_date": "child_birth_date"}, "chỉ nhận giá trị 'applicant'"),
        ({"representative": "applicant"}, "cần trường birth_date"),
        ({"kind": "enterprise", "birth_date": "child_birth_date"}, "doanh nghiệp chỉ có name"),
        ({"name": "child_id"}, "không dùng khóa name"),
    ],
)
def test_each_ill_formed_declaration_is_a_problem(spec, words):
    schema = {
        "type": "object",
        "properties": {**SCHEMA["properties"], "child_name": {"type": "string", "x-subject": spec}},
    }
    problems = subject_problems(schema)
    assert any(words in p for p in problems), problems


def test_the_sample_declarations_are_sound():
    assert subject_problems(SCHEMA) == []


@pytest.mark.django_db
def test_the_verifier_reports_an_x_subject_that_does_not_fit(procedure):
    properties = procedure["versions"][0]["form"]["schema"]["properties"]
    properties["full_name"]["x-subject"] = {"birth_date": "missing_field"}
    report = check(import_draft(procedure))
    assert "missing_field" in " | ".join(report.messages("form.subject")), report.as_text()


@pytest.mark.django_db
def test_the_result_kind_and_subjects_travel_through_import_and_export(procedure):
    version = procedure["versions"][0]
    version["result"]["kind"] = "civil_status.birth_certificate"
    version["form"]["schema"]["properties"]["full_name"]["x-subject"] = {}
    imported = import_draft(procedure)
    assert imported.result_kind == "civil_status.birth_certificate"
    assert check(imported).ok
    exported = writing.dump_version(imported)
    assert exported["result"]["kind"] == "civil_status.birth_certificate"
    assert exported["form"]["schema"]["properties"]["full_name"]["x-subject"] == {}


PERSON_FIELD = {
    "type": "object",
    "properties": {
        "disabled_person": {
            "type": "object",
            "x-subject": {"representative": "applicant"},
            "properties": {
                "ho_ten": {"type": "string"},
                "ngay_sinh": {"type": "string", "format": "date"},
                "so_dinh_danh": {"type": "string", "pattern": "^[0-9]{12}$"},
            },
        }
    },
}


def test_a_person_field_names_the_person_by_its_parts():
    assert subject_problems(PERSON_FIELD) == []
    (person,) = subjects_in(
        PERSON_FIELD,
        {
            "disabled_person": {
                "ho_ten": "Lê Văn Tâm",
                "ngay_sinh": "2015-06-01",
                "so_dinh_danh": "046215000111",
            }
        },
    )
    assert (person.name, person.id_number, person.birth_date) == (
        "Lê Văn Tâm",
        "046215000111",
        dt.date(2015, 6, 1),
    )
    assert person.represented_by_applicant


def test_a_person_field_without_a_name_part_is_a_problem():
    schema = {"type": "object", "properties": {"who": {"type": "object", "x-subject": {}, "properties": {}}}}
    assert any("họ tên" in p for p in subject_problems(schema))
