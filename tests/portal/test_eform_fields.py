"""How an e-form schema becomes fields, how posted values become form data, and the Vietnamese errors."""

from __future__ import annotations

from motcua.portal import eforms

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["name", "children", "kind", "day"],
    "properties": {
        "note": {"type": "string", "maxLength": 2000, "title": "Ghi chú"},
        "name": {"type": "string", "minLength": 2, "title": "Họ tên"},
        "children": {"type": "integer", "minimum": 0, "maximum": 20, "title": "Số con"},
        "kind": {"type": "string", "enum": ["A", "B"]},
        "day": {"type": "string", "format": "date", "title": "Ngày"},
        "agree": {"type": "boolean", "default": True},
    },
}
UI = {"order": ["name", "day"], "labels": {"kind": "Loại"}, "help": {"name": "Như trên giấy tờ"}}


def test_fields_follow_the_ui_order_then_the_schema_and_pick_widgets_from_the_schema():
    fields = eforms.build_fields(SCHEMA, UI)
    assert [f.name for f in fields] == ["name", "day", "note", "children", "kind", "agree"]
    widgets = {f.name: f.widget for f in fields}
    assert widgets == {
        "name": "text",
        "day": "date",
        "note": "textarea",
        "children": "number",
        "kind": "select",
        "agree": "checkbox",
    }
    by_name = {f.name: f for f in fields}
    assert by_name["kind"].label == "Loại" and by_name["kind"].choices == ["A", "B"]
    assert by_name["name"].help == "Như trên giấy tờ" and by_name["name"].required
    assert by_name["agree"].value is True and not by_name["agree"].required


def test_posted_values_become_typed_form_data_without_empty_strings():
    fields = eforms.build_fields(SCHEMA, UI)
    raw = eforms.raw_values(fields, {"name": " Lan ", "children": "2", "kind": "", "day": "2026-01-02"})
    data = eforms.form_data(SCHEMA, fields, raw, {})
    assert data == {"name": "Lan", "children": 2, "day": "2026-01-02", "agree": False}


def test_errors_are_vietnamese_and_attached_to_their_field():
    errors = eforms.field_errors(SCHEMA, {"name": "L", "children": 25, "day": "02/01/2026"})
    assert errors["name"] == ["Cần ít nhất 2 ký tự."]
    assert errors["children"] == ["Giá trị phải nhỏ hơn hoặc bằng 20."]
    assert errors["kind"] == ["Vui lòng nhập thông tin này."]
    assert errors["day"][0].startswith("Giá trị không đúng định dạng")
    assert eforms.field_errors(SCHEMA, {"name": "Lan", "children": 0, "kind": "A", "day": "2026-01-02"}) == {}


def test_a_number_that_is_not_a_number_is_a_type_error():
    fields = eforms.build_fields(SCHEMA, UI)
    data = eforms.form_data(SCHEMA, fields, eforms.raw_values(fields, {"children": "hai"}), {})
    assert eforms.field_errors(SCHEMA, data)["children"] == ["Giá trị không hợp lệ."]


PEOPLE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["mother", "scan"],
    "properties": {
        "mother": {
            "type": "object",
            "required": ["ho_ten"],
            "properties": {
                "ho_ten": {"type": "string", "title": "Họ tên"},
                "so_con": {"type": "integer", "minimum": 1},
                "so_dinh_danh": {"type": "string", "pattern": "^[0-9]{12}$"},
            },
        },
        "scan": {"type": "string"},
        "place": {"type": "string"},
    },
}
PEOPLE_UI = {"widgets": {"mother": "person", "scan": "file", "place": "unit"}}


def test_a_person_becomes_an_object_of_typed_parts_and_its_errors_name_the_part():
    fields = eforms.build_fields(PEOPLE, PEOPLE_UI)
    assert [p.name for p in fields[0].parts] == ["mother.ho_ten", "mother.so_con", "mother.so_dinh_danh"]
    raw = eforms.raw_values(
        fields, {"mother.ho_ten": " Lan ", "mother.so_con": "2", "mother.so_dinh_danh": "1"}
    )
    data = eforms.form_data(PEOPLE, fields, raw, {})
    assert data["mother"] == {"ho_ten": "Lan", "so_con": 2, "so_dinh_danh": "1"}
    errors = eforms.field_errors(PEOPLE, data, file_fields={"scan"})
    assert errors == {
        "mother.so_dinh_danh": ["Giá trị không đúng định dạng."],
        "scan": ["Vui lòng đính kèm tệp."],
    }


def test_a_file_field_takes_the_reference_of_the_stored_file_never_a_posted_value():
    fields = eforms.build_fields(PEOPLE, PEOPLE_UI)
    raw = eforms.raw_values(fields, {"scan": "dossiers/portal/9/someone-else.pdf"})
    errors = eforms.keep_files(
        fields,
        raw,
        uploads={},
        previous={"scan": {"ref": "dossiers/portal/1/a/x.pdf", "name": "x.pdf", "size": 3}},
        user=None,
    )
    assert errors == {}
    assert eforms.form_data(PEOPLE, fields, raw, {})["scan"] == "dossiers/portal/1/a/x.pdf"
    raw = eforms.raw_values(fields, {"scan": "dossiers/portal/9/someone-else.pdf"})
    eforms.keep_files(fields, raw, uploads={}, previous=None, user=None)
    assert "scan" not in eforms.form_data(PEOPLE, fields, raw, {})
