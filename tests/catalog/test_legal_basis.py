"""Catalog facts (issue 11, item 13): a version cites a legal basis in force on its first day (the superseded
documents are data), conditional documents say when they are needed, and "[kiểm tra]" flags are listed."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from motcua.catalog import interchange, services
from motcua.catalog.interchange import CatalogFormatError
from motcua.catalog.models import LegalDocument, ProcedureVersion, RequiredDocument
from motcua.catalog.verifier import INFO, verify
from motcua.core.errors import DomainError

from .conftest import FIELD, REFORM, TODAY, check, good_procedure, import_draft

pytestmark = pytest.mark.django_db

OLD = {
    "number": "9/2020/NĐ-CP",
    "title": "Nghị định thử nghiệm cũ",
    "in_force_to": REFORM,
    "replaced_by": "99/2025/NĐ-CP",
}
NEW = {"number": "99/2025/NĐ-CP", "title": "Nghị định thử nghiệm mới", "in_force_from": REFORM}


def catalog(*procedures, legal=(OLD, NEW)) -> str:
    document = {"format": interchange.FORMAT, "fields": [FIELD]}
    if legal:
        document["legal_documents"] = [copy.deepcopy(d) for d in legal]
    document["procedures"] = list(procedures)
    return interchange.dumps(document)


def citing(basis: str, *, valid_from: dt.date = REFORM, code: str = "9.900101") -> dict:
    procedure = good_procedure(code)
    procedure["versions"][0]["legal_basis"] = basis
    procedure["versions"][0]["valid_from"] = valid_from
    return procedure


def draft(procedure: dict) -> ProcedureVersion:
    services.import_catalog(text=catalog(procedure), publish=False)
    return ProcedureVersion.objects.get(procedure__code=procedure["code"], number=1)


def test_a_version_citing_a_replaced_decree_on_its_first_day_is_an_error_naming_the_replacement():
    version = draft(citing("Luật thử nghiệm; Nghị định 9/2020/NĐ-CP"))
    report = check(version)
    assert not report.ok
    [message] = report.messages("legal.not_in_force")
    assert "9/2020/NĐ-CP" in message and "99/2025/NĐ-CP" in message and "01/07/2025" in message


def test_the_number_is_found_without_diacritics_and_not_inside_a_longer_number():
    assert not check(draft(citing("Nghị định 9/2020/ND-CP", code="9.900102"))).ok
    longer = check(draft(citing("Nghị định 19/2020/NĐ-CP; Nghị định 99/2025/NĐ-CP", code="9.900103")))
    assert longer.ok and not longer.messages("legal.not_in_force"), longer.as_text()


def test_publishing_a_version_that_cites_a_replaced_decree_is_refused():
    version = draft(citing("Nghị định 9/2020/NĐ-CP"))
    with pytest.raises(DomainError) as refused:
        services.publish_version(version=version, by=None, on=REFORM)
    assert refused.value.code == "version.unverified"
    version.refresh_from_db()
    assert not version.is_published


def test_citing_the_replacement_verifies_clean():
    report = check(draft(citing("Luật thử nghiệm; Nghị định 99/2025/NĐ-CP")))
    assert report.ok and not report.findings, report.as_text()


def test_a_version_starting_before_the_decree_takes_effect_is_an_error():
    report = check(
        draft(citing("Nghị định 99/2025/NĐ-CP", valid_from=dt.date(2025, 1, 1))), dt.date(2025, 1, 2)
    )
    assert "chỉ có hiệu lực từ 01/07/2025" in " ".join(report.messages("legal.not_in_force"))


def test_a_version_still_in_force_after_its_decree_was_replaced_is_warned_to_need_a_new_version():
    report = check(draft(citing("Nghị định 9/2020/NĐ-CP", valid_from=dt.date(2024, 1, 1))), TODAY)
    assert report.ok, report.as_text()  # it was in force on the version's first day
    [warning] = report.messages("legal.superseded")
    assert "99/2025/NĐ-CP" in warning


def test_a_version_without_legal_basis_is_warned():
    procedure = good_procedure("9.900104")
    del procedure["versions"][0]["legal_basis"]
    report = check(import_draft(procedure))
    assert report.ok and report.messages("legal.missing"), report.as_text()


def test_kiem_tra_flags_are_listed_as_information_and_do_not_fail_verification():
    procedure = citing("Nghị định 99/2025/NĐ-CP [kiểm tra]", code="9.900105")
    procedure["versions"][0]["notes"] = "Mức phí [kiểm tra]; thời hạn [Kiểm tra]"
    procedure["versions"][0]["documents"][0]["condition"] = "Chỉ khi … [kiểm tra]"
    report = check(draft(procedure))
    assert report.ok and not report.errors and not report.warnings, report.as_text()
    [notice] = report.notices
    assert notice.severity == INFO and notice.rule == "catalog.unconfirmed"
    assert notice.message.startswith("4 mục")
    assert "căn cứ pháp lý" in notice.message and "ghi chú" in notice.message and "Tờ khai" in notice.message
    assert "[THÔNG TIN]" in report.as_text() and "ĐẠT" in report.as_text()


def test_the_superseded_list_is_data_an_administrator_can_change():
    version = draft(citing("Nghị định 99/2025/NĐ-CP", code="9.900106"))
    assert check(version).ok
    LegalDocument.objects.filter(number="99/2025/NĐ-CP").update(in_force_to=dt.date(2025, 6, 1))
    assert check(version).messages("legal.not_in_force")


def test_legal_documents_and_conditions_travel_both_ways_through_the_interchange():
    procedure = citing("Nghị định 99/2025/NĐ-CP", code="9.900107")
    procedure["versions"][0]["documents"].append(
        {
            "code": "ly_hon",
            "name": "Quyết định ly hôn",
            "originals": 0,
            "copies": 1,
            "mandatory": False,
            "condition": "Chỉ khi đã từng kết hôn",
        }
    )
    services.import_catalog(text=catalog(procedure), publish=False)
    old = LegalDocument.objects.get(number="9/2020/NĐ-CP")
    assert old.in_force_to == REFORM and old.replaced_by.number == "99/2025/NĐ-CP"
    document = RequiredDocument.objects.get(version__procedure__code="9.900107", code="ly_hon")
    assert (document.mandatory, document.condition) == (False, "Chỉ khi đã từng kết hôn")
    exported = services.export_catalog()
    assert "legal_documents:" in exported and "replaced_by: 99/2025/NĐ-CP" in exported
    assert "condition: Chỉ khi đã từng kết hôn" in exported
    parsed, _lines = interchange.parse(exported)
    numbers = {d["number"]: d for d in parsed["legal_documents"]}
    assert numbers["9/2020/NĐ-CP"] == OLD


def test_a_replacement_that_is_not_listed_is_reported_with_its_line_and_nothing_is_written():
    bad = dict(OLD, replaced_by="77/2025/NĐ-CP")
    with pytest.raises(CatalogFormatError) as refused:
        services.import_catalog(
            text=catalog(citing("Luật thử nghiệm", code="9.900108"), legal=(bad,)), publish=False
        )
    assert "77/2025/NĐ-CP" in str(refused.value)
    assert any(p.line > 0 for p in refused.value.problems)
    assert not LegalDocument.objects.filter(number="9/2020/NĐ-CP").exists()


def test_the_sample_household_business_versions_cite_decree_168_not_01():
    for code in ("1.001266", "1.001570", "1.001612", "2.000575", "2.000720"):
        version = ProcedureVersion.objects.get(procedure__code=code, number=1)
        assert "168/2025/NĐ-CP" in version.legal_basis
        assert "01/2021" not in version.legal_basis
    decree = LegalDocument.objects.get(number="01/2021/NĐ-CP")
    assert decree.in_force_to == REFORM and decree.replaced_by.number == "168/2025/NĐ-CP"


def test_the_sample_lists_conditional_documents_for_marriage_and_birth():
    for code in ("1.000894", "2.000806"):
        proof = RequiredDocument.objects.get(version__procedure__code=code, code="cham_dut_hon_nhan")
        assert not proof.mandatory and proof.condition.startswith("Chỉ khi người yêu cầu đã từng kết hôn")
    sworn = RequiredDocument.objects.get(version__procedure__code="1.001193", code="cam_doan_viec_sinh")
    assert not sworn.mandatory and "không có người làm chứng" in sworn.condition


def test_the_sample_lists_its_kiem_tra_flags():
    report = verify(on=REFORM)
    flagged = {f.procedure for f in report.notices}
    assert {"1.001266", "1.000894", "1.001193"} <= flagged
    assert report.ok
