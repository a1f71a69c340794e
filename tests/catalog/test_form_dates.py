"""``x-date``: e-form dates the law bounds (a birth date is never in the future), checked in the one place
forms are checked, named in the messages, and verified in the catalog (``form.date``)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.catalog.forms import form_problems, problem_message
from motcua.catalog.models import ProcedureVersion

from .conftest import check, import_draft

TODAY = dt.date(2026, 12, 1)
BIRTH = {"type": "string", "format": "date", "x-date": "past-or-today"}


def schema(**properties) -> dict:
    return {"type": "object", "properties": properties}


def messages(properties: dict, data: dict, label: str = "Ngày sinh") -> list[str]:
    return [problem_message(p, label=label) for p in form_problems(schema(**properties), data, on=TODAY)]


def test_a_birth_date_after_today_is_refused_with_the_day_named():
    assert messages({"birth": BIRTH}, {"birth": "2026-12-02"}) == [
        "Ngày sinh không được sau ngày hôm nay (01/12/2026)."
    ]


def test_a_birth_date_of_today_or_before_is_accepted():
    assert form_problems(schema(birth=BIRTH), {"birth": "2026-12-01"}, on=TODAY) == []
    assert form_problems(schema(birth=BIRTH), {"birth": "1930-01-01"}, on=TODAY) == []


def test_past_future_and_not_before_each_say_their_own_rule():
    past = {"type": "string", "format": "date", "x-date": "past"}
    assert messages({"d": past}, {"d": "2026-12-01"}, "Ngày cấp") == [
        "Ngày cấp phải là một ngày trong quá khứ (trước ngày 01/12/2026)."
    ]
    future = {"type": "string", "format": "date", "x-date": "today-or-future"}
    assert messages({"d": future}, {"d": "2026-11-30"}, "Ngày hẹn") == [
        "Ngày hẹn không được trước ngày hôm nay (01/12/2026)."
    ]
    bounded = {"type": "string", "format": "date", "x-date": {"when": "past", "not_before": "1900-01-01"}}
    assert messages({"d": bounded}, {"d": "1899-12-31"}, "Ngày sinh") == [
        "Ngày sinh không được trước ngày 01/01/1900."
    ]


def test_a_date_that_does_not_exist_says_how_to_write_one_and_not_the_bound():
    assert messages({"birth": BIRTH}, {"birth": "31/02/2026"}) == [
        "Ngày sinh phải là một ngày có thật, viết theo dạng ngày/tháng/năm, ví dụ 27/03/2024."
    ]


def test_the_bound_applies_inside_a_person_too():
    person = {"type": "object", "properties": {"ngay_sinh": BIRTH}}
    problems = form_problems(schema(p=person), {"p": {"ngay_sinh": "2030-01-01"}}, on=TODAY)
    assert [(p.path, p.validator) for p in problems] == [(("p", "ngay_sinh"), "x-date")]


@pytest.mark.parametrize(
    ("properties", "rule"),
    [
        ({"type": "string", "format": "date", "x-date": "someday"}, "'someday' không phải một trong"),
        ({"type": "string", "format": "date", "x-date": {"when": "past", "after": "x"}}, "khóa không hợp lệ"),
        ({"type": "string", "format": "date", "x-date": {"not_before": "01/01/1900"}}, "not_before"),
        ({"type": "string", "x-date": "past"}, "chỉ dùng cho trường ngày"),
        ({"type": "integer", "x-date": "past"}, "chỉ dùng cho trường ngày"),
    ],
)
@pytest.mark.django_db
def test_the_verifier_reports_an_x_date_that_is_malformed_or_not_on_a_date(procedure, properties, rule):
    procedure["versions"][0]["form"]["schema"]["properties"]["full_name"] = {**properties, "title": "Ngày"}
    report = check(import_draft(procedure))
    found = " | ".join(report.messages("form.date"))
    assert rule in found and "full_name" in found, report.as_text()


@pytest.mark.django_db
def test_the_verifier_accepts_a_well_formed_x_date_on_a_date_field(procedure):
    procedure["versions"][0]["form"]["schema"]["properties"]["born"] = {
        "type": "string",
        "format": "date",
        "x-date": {"when": "past-or-today", "not_before": "1900-01-01"},
    }
    report = check(import_draft(procedure))
    assert not report.messages("form.date"), report.as_text()


@pytest.mark.django_db
def test_the_sample_catalog_bounds_every_date_to_the_past():
    """Births, deaths, marriages and permits the sample forms ask about have all happened."""
    dates = []
    for version in ProcedureVersion.objects.exclude(form_schema={}):
        for name, sub in (version.form_schema.get("properties") or {}).items():
            for key, field in [(name, sub), *((sub.get("properties") or {}).items())]:
                if field.get("format") == "date":
                    dates.append((version.procedure.code, key, field.get("x-date")))
    assert {key for _code, key, _rule in dates} >= {"child_birth_date", "death_date", "ngay_sinh"}
    assert all(rule == "past-or-today" for _code, _key, rule in dates), dates


def test_each_missing_required_field_is_one_problem():
    """jsonschema names the whole required list in each of its errors: still one problem per missing field."""
    from motcua.catalog.forms import form_problems

    schema = {
        "type": "object",
        "required": ["a", "b", "c"],
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}},
    }
    problems = form_problems(schema, {"b": "x"})
    assert [(p.path, p.validator) for p in problems] == [(("a",), "required"), (("c",), "required")]
