"""Import and export: errors per line, all or nothing, exact round trip."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from motcua.catalog import services
from motcua.catalog.interchange import CatalogFormatError
from motcua.catalog.models import CompetenceRule, Procedure, ProcedureVersion, VersionStatus

from .conftest import catalog_text, good_procedure, steps_of

pytestmark = pytest.mark.django_db


def lines_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_each_bad_value_is_reported_with_its_line(procedure):
    procedure["versions"][0]["time_limit"]["unit"] = "tuần"
    steps_of(procedure)["xu_ly"]["transitions"][0]["to"] = "khong_co"
    steps_of(procedure)["ky"]["role"] = "giam_doc"
    text = catalog_text(procedure)
    with pytest.raises(CatalogFormatError) as caught:
        services.import_catalog(text=text, publish=False)
    problems = {(p.line, p.message.split(": ", 1)[-1]) for p in caught.value.problems}
    found = {line for line, _ in problems}
    assert lines_of(text, "unit: tuần") in found
    assert lines_of(text, "to: khong_co") in found
    assert lines_of(text, "role: giam_doc") in found
    assert any("'unit' phải là một trong" in str(p) for p in caught.value.problems)
    assert any("bước không tồn tại 'khong_co'" in str(p) for p in caught.value.problems)
    assert str(caught.value.problems[0]).startswith("dòng ")
    assert not Procedure.objects.filter(code=procedure["code"]).exists()


def test_a_yaml_syntax_error_is_reported_with_its_line():
    text = "format: motcua-catalog/1\nprocedures:\n  - code: [1.0\n    name: x\n"
    with pytest.raises(CatalogFormatError) as caught:
        services.import_catalog(text=text, publish=False)
    assert caught.value.problems[0].line in (3, 4, 5)
    assert "cú pháp YAML" in caught.value.problems[0].message


def test_an_unknown_agency_name_is_reported_with_its_line(procedure):
    procedure["competence"][0].update(agency_rule="named", agency="Sở Không Tồn Tại")
    text = catalog_text(procedure)
    with pytest.raises(CatalogFormatError) as caught:
        services.import_catalog(text=text, publish=False)
    assert any(
        p.line == lines_of(text, "Sở Không Tồn Tại") and "không tìm thấy cơ quan" in p.message
        for p in caught.value.problems
    )


def test_one_bad_procedure_keeps_the_good_one_out_too():
    good, bad = good_procedure("9.900001"), good_procedure("9.900002")
    bad["versions"][0]["fees"][0]["expr"] = "__import__('os').system('true')"
    with pytest.raises(CatalogFormatError) as caught:
        services.import_catalog(text=catalog_text(good, bad), publish=False)
    assert "công thức lỗi" in str(caught.value)
    assert not Procedure.objects.filter(code__in=["9.900001", "9.900002"]).exists()


def test_a_version_the_verifier_rejects_keeps_the_whole_file_out():
    good, broken = good_procedure("9.900001"), good_procedure("9.900002")
    steps_of(broken)["xu_ly"]["hours"] = 100
    text = catalog_text(good, broken)
    with pytest.raises(CatalogFormatError) as caught:
        services.import_catalog(text=text, publish=True)
    assert any("time.exceeded" in p.message for p in caught.value.problems)
    assert caught.value.problems[0].line > lines_of(text, "code: '9.900002'")
    assert not Procedure.objects.filter(code__in=["9.900001", "9.900002"]).exists()
    assert not CompetenceRule.objects.filter(procedure__code="9.900001").exists()


def test_a_published_version_cannot_be_changed_by_importing_it_again(procedure):
    services.import_catalog(text=catalog_text(procedure), publish=True)
    procedure["versions"][0]["result"]["name"] = "Kết quả khác"
    with pytest.raises(CatalogFormatError) as caught:
        services.import_catalog(text=catalog_text(procedure), publish=True)
    assert "đã công bố và khác nội dung" in str(caught.value)
    assert ProcedureVersion.objects.get(procedure__code=procedure["code"]).result_name == "Giấy xác nhận"


def test_a_draft_imported_again_is_replaced(procedure):
    services.import_catalog(text=catalog_text(procedure), publish=False)
    procedure["versions"][0]["result"]["name"] = "Kết quả mới"
    counts = services.import_catalog(text=catalog_text(procedure), publish=False)
    assert counts["versions_replaced"] == 1
    version = ProcedureVersion.objects.get(procedure__code=procedure["code"])
    assert version.result_name == "Kết quả mới" and version.status == VersionStatus.DRAFT


def test_rules_that_ended_before_the_files_rules_survive_importing_it_again(procedure):
    services.import_catalog(text=catalog_text(procedure), publish=True)
    current = CompetenceRule.objects.get(procedure__code=procedure["code"])
    # A rule of the organization before the reform, added beside the file's (as reorg.hue2025 does).
    earlier = CompetenceRule.objects.create(
        procedure=current.procedure,
        place_basis=current.place_basis,
        scope=current.scope,
        agency_rule=current.agency_rule,
        valid_from=current.valid_from.replace(year=current.valid_from.year - 1),
        valid_to=current.valid_from,
    )

    unchanged = services.import_catalog(text=catalog_text(procedure), publish=True)
    procedure["competence"][0]["agency_rule"] = "named"
    procedure["competence"][0]["agency"] = "000.00.10.H57"
    changed = services.import_catalog(text=catalog_text(procedure), publish=True)

    assert (unchanged["competence_replaced"], changed["competence_replaced"]) == (0, 1)
    rules = CompetenceRule.objects.filter(procedure__code=procedure["code"]).order_by("valid_from")
    assert [(r.pk, r.agency_rule) for r in rules] == [
        (earlier.pk, "commune_committee"),
        (rules[1].pk, "named"),
    ]
    assert rules[1].pk != current.pk and rules[1].agency.code == "000.00.10.H57"


def test_export_then_import_into_an_empty_catalog_gives_the_same_text():
    exported = services.export_catalog()
    assert exported.count("\n- code: '") >= 25
    from motcua.catalog.models import RequiredDocument, Transition, Workflow, WorkflowStep

    # Published content refuses model-level deletes; clear the tables wholesale like a fresh database.
    Transition.objects.all().delete()
    WorkflowStep.objects.all().delete()
    Workflow.objects.all().delete()
    RequiredDocument.objects.all().delete()
    CompetenceRule.objects.all().delete()
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()
    counts = services.import_catalog(text=exported, publish=True)
    assert counts["versions_published"] >= 25
    assert services.export_catalog() == exported


def test_a_json_file_imports_like_yaml(procedure, tmp_path):
    import json

    from .conftest import FIELD

    doc = {"format": "motcua-catalog/1", "fields": [FIELD], "procedures": [procedure]}
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(doc, default=str, ensure_ascii=False), encoding="utf-8")
    services.import_catalog(path=path, publish=True)
    assert ProcedureVersion.objects.get(procedure__code=procedure["code"]).status == VersionStatus.PUBLISHED


def test_the_import_command_prints_file_and_line_and_exits_non_zero(procedure, tmp_path, capsys):
    procedure["versions"][0]["online_level"] = "mot_phan"
    path = tmp_path / "bad.yaml"
    text = catalog_text(procedure)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        call_command("catalog", "import", str(path))
    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert f"{path}:{lines_of(text, 'online_level: mot_phan')}:" in err
    assert not Procedure.objects.filter(code=procedure["code"]).exists()


def test_the_export_command_writes_a_file_that_imports_back_unchanged(tmp_path):
    path = tmp_path / "export.yaml"
    call_command("catalog", "export", "--code", "1.001193", "--output", str(path))
    text = path.read_text(encoding="utf-8")
    assert "code: '1.001193'" in text and "1.000894" not in text
    counts = services.import_catalog(text=text, publish=True)
    assert counts["versions_unchanged"] == 1 and counts["versions_created"] == 0
