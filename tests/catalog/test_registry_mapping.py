"""The catalog's ``x-registry`` mapping of e-form fields to registry fields (registries.mapping): the
verifier reports a mapping naming an unknown registry, field or key (rule ``form.registry``)."""

from __future__ import annotations

import pytest

from motcua.registries import mapping

from .conftest import check, import_draft

pytestmark = pytest.mark.django_db

ID_FIELD = {"type": "string", "title": "Số định danh cá nhân", "pattern": "^[0-9]{12}$"}


def form_of(procedure):
    return procedure["versions"][0]["form"]["schema"]["properties"]


def mapped(procedure, **x_registry):
    properties = form_of(procedure)
    properties["id_number"] = dict(ID_FIELD)
    properties["full_name"]["x-registry"] = {
        "registry": "population",
        "field": "full_name",
        "key": "id_number",
        **x_registry,
    }
    return procedure


def registry_findings(report):
    return [f.message for f in report.findings if f.rule == "form.registry"]


def test_a_sound_mapping_verifies_clean(procedure):
    report = check(import_draft(mapped(procedure)))
    assert report.ok, [str(f) for f in report.findings]
    assert registry_findings(report) == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"registry": "thue"}, "không có: 'thue'"),
        ({"field": "shoe_size"}, "'shoe_size' không có trong cơ sở dữ liệu 'population'"),
        ({"key": "so_cccd"}, "khóa tra cứu 'so_cccd'"),
        ({"key": "full_name"}, "không thể là khóa tra cứu của chính nó"),
        ({"key": "copies"}, "phải là trường chuỗi"),
    ],
)
def test_an_unknown_registry_field_or_key_is_reported(procedure, change, words):
    report = check(import_draft(mapped(procedure, **change)))
    (message,) = registry_findings(report)
    assert words in message and "full_name" in message
    assert not report.ok


def test_a_mapping_without_its_three_keys_is_reported(procedure):
    form_of(procedure)["full_name"]["x-registry"] = {"registry": "population", "field": "full_name"}
    (message,) = registry_findings(check(import_draft(procedure)))
    assert "registry, field, key" in message


def test_a_document_from_an_unknown_registry_is_reported(procedure):
    document = procedure["versions"][0]["documents"][0]
    document.update(reuse="registry", reuse_key="thue.to_khai")
    (message,) = registry_findings(check(import_draft(procedure)))
    assert "'thue'" in message and document["name"] in message


def test_the_fields_of_one_registry_and_key_are_one_lookup():
    schema = {
        "properties": {
            "id_number": ID_FIELD,
            "partner_id": ID_FIELD,
            "name": {
                "type": "string",
                "x-registry": {"registry": "population", "field": "full_name", "key": "id_number"},
            },
            "born": {
                "type": "string",
                "x-registry": {"registry": "population", "field": "birth_date", "key": "id_number"},
            },
            "partner": {
                "type": "string",
                "x-registry": {"registry": "population", "field": "full_name", "key": "partner_id"},
            },
            "bad": {
                "type": "string",
                "x-registry": {"registry": "population", "field": "nope", "key": "id_number"},
            },
        }
    }
    sources = mapping.sources(schema, mapping.known_fields())
    assert [(s.slug, [m.form_field for m in s.fields]) for s in sources] == [
        ("population.id_number", ["name", "born"]),
        ("population.partner_id", ["partner"]),
    ]
    assert sources[0].registry_fields == ["full_name", "birth_date"]
