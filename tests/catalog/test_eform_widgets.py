"""An e-form's widget must fit its field: a unit or a file is a string, a person an object with parts."""

from __future__ import annotations

from motcua.catalog import forms

SCHEMA = {
    "$schema": forms.DIALECT,
    "type": "object",
    "properties": {
        "place": {"type": "string", "pattern": "^[0-9]{5}$"},
        "scan": {"type": "string"},
        "mother": {
            "type": "object",
            "properties": {"ho_ten": {"type": "string"}, "so_dinh_danh": {"type": "string"}},
        },
        "count": {"type": "integer"},
        "note": {"type": "object"},
    },
}


def test_unit_file_and_person_widgets_on_fitting_fields_raise_no_problem():
    ui = {"widgets": {"place": "unit", "scan": "file", "mother": "person"}}
    assert forms.ui_problems(ui, SCHEMA) == []


def test_a_unit_or_file_widget_on_a_non_string_field_is_reported():
    problems = forms.ui_problems({"widgets": {"count": "unit", "mother": "file"}}, SCHEMA)
    assert problems == [
        "trường count dùng kiểu nhập 'unit' nên phải có type: string",
        "trường mother dùng kiểu nhập 'file' nên phải có type: string",
    ]


def test_a_person_widget_needs_an_object_with_properties():
    problems = forms.ui_problems({"widgets": {"scan": "person", "note": "person"}}, SCHEMA)
    assert problems == [
        "trường scan dùng kiểu nhập 'person' nên phải là object có 'properties'",
        "trường note dùng kiểu nhập 'person' nên phải là object có 'properties'",
    ]
