"""Document templates are catalog data: imported and exported as a file, checked by the verifier, previewed
and validated in the admin; changing one needs no deploy."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse

from motcua.catalog.interchange import CatalogFormatError
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.services import verify_version
from motcua.signing import interchange
from motcua.signing.models import DocumentKind, DocumentTemplate, OutgoingDocumentRegister

pytestmark = pytest.mark.django_db

BIRTH = "1.001193"


def _birth_template() -> DocumentTemplate:
    return DocumentTemplate.objects.get(version__procedure__code=BIRTH, kind=DocumentKind.RESULT)


def test_the_demo_loads_the_civil_status_results_the_stop_notice_and_the_apology():
    shared = set(DocumentTemplate.objects.filter(version__isnull=True).values_list("kind", flat=True))
    assert shared == {DocumentKind.RESULT, DocumentKind.STOP_NOTICE, DocumentKind.APOLOGY}
    codes = set(
        DocumentTemplate.objects.filter(version__isnull=False).values_list(
            "version__procedure__code", flat=True
        )
    )
    assert {"1.001193", "1.000894", "1.000656"} <= codes
    assert interchange.import_sample_templates() == {
        "created": 0,
        "updated": 0,
        "unchanged": DocumentTemplate.objects.count(),
    }


def test_export_reads_back_unchanged():
    text = interchange.export_templates()
    assert interchange.import_templates(text=text)["unchanged"] == DocumentTemplate.objects.count()
    assert interchange.export_templates() == text


def test_an_imported_file_changes_a_template_without_a_deploy():
    text = interchange.export_templates().replace(
        "title: GIẤY KHAI SINH", "title: GIẤY KHAI SINH (BẢN CHÍNH)"
    )
    assert interchange.import_templates(text=text)["updated"] == 1
    assert _birth_template().title == "GIẤY KHAI SINH (BẢN CHÍNH)"


def test_a_bad_file_is_refused_whole_with_each_problem_and_its_line():
    before = interchange.export_templates()
    text = """format: motcua-documents/1
templates:
- kind: result
  procedure: '1.001193'
  version: 1
  name: Đổi tên
  title: GIẤY KHAI SINH
  symbol: GKS
  body: 'Họ tên:: {{ form.child_name }}'
- kind: result
  procedure: '9.999999'
  version: 1
  name: Không có thủ tục
  title: X
  symbol: X
  body: x
- kind: apology
  name: Hỏng
  title: X
  symbol: X
  body: '{{ form.__class__ }}'
- kind: giay_phep
  name: Sai loại
  title: X
  symbol: X
  body: x
"""
    with pytest.raises(CatalogFormatError) as caught:
        interchange.import_templates(text=text)
    lines = [problem.line for problem in caught.value.problems]
    assert lines == [11, 17, 22], caught.value.problems
    message = str(caught.value)
    assert "9.999999" in message and "truy cập dữ liệu không được phép" in message and "giay_phep" in message
    assert interchange.export_templates() == before  # nothing was written


def test_the_verifier_reports_a_result_template_that_does_not_render_with_sample_data():
    version = ProcedureVersion.objects.get(procedure__code=BIRTH, number=1)
    assert not [
        f for r in verify_version(version=version) for f in r.findings if f.rule == "document.template"
    ]
    DocumentTemplate.objects.filter(pk=_birth_template().pk).update(body="Họ tên:: {{ form.ten_tre }}")
    findings = [
        f for r in verify_version(version=version) for f in r.findings if f.rule == "document.template"
    ]
    assert findings and findings[0].severity == "error"
    assert "ten_tre" in findings[0].message and "Giấy khai sinh" in findings[0].message


def test_the_admin_previews_a_template_as_pdf_with_sample_data(admin_client):
    template = _birth_template()
    page = admin_client.get(reverse("admin:signing_documenttemplate_change", args=[template.pk]))
    preview = reverse("admin:signing_documenttemplate_preview", args=[template.pk])
    assert page.status_code == 200 and preview in page.content.decode()
    response = admin_client.get(preview)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout
    text = text.decode("utf-8")
    assert "GIẤY KHAI SINH" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "[Họ, chữ đệm, tên người được khai sinh]".upper() in text  # the sample value of the e-form field


def test_the_admin_preview_of_a_broken_template_says_why(admin_client):
    template = _birth_template()
    DocumentTemplate.objects.filter(pk=template.pk).update(body="{% if %}")
    response = admin_client.get(
        reverse("admin:signing_documenttemplate_preview", args=[template.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "admin:signing_documenttemplate_change", args=[template.pk]
    )
    assert "sai cú pháp ở dòng 1" in response.content.decode()


def test_the_admin_refuses_to_save_a_template_that_does_not_render(admin_client):
    template = _birth_template()
    url = reverse("admin:signing_documenttemplate_change", args=[template.pk])
    response = admin_client.post(
        url,
        {
            "version": template.version_id,
            "kind": template.kind,
            "name": template.name,
            "title": template.title,
            "symbol": template.symbol,
            "body": "Tên:: {{ form.khong_co }}",
            "recipients": "",
            "legal_basis": "",
        },
    )
    assert response.status_code == 200
    assert "dùng dữ liệu không có" in response.content.decode()
    template.refresh_from_db()
    assert "khong_co" not in template.body


def test_the_register_is_read_only_in_the_admin(admin_client):
    from django.db import transaction

    from motcua.org.models import Agency
    from motcua.signing.registers import take_number

    with transaction.atomic():
        take_number(agency=Agency.objects.filter(kind="ubnd").first(), year=2026, symbol="GKS-UBND")
    register = OutgoingDocumentRegister.objects.get()
    assert admin_client.get(reverse("admin:signing_outgoingdocumentregister_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:signing_outgoingdocumentregister_add")).status_code == 403
    page = admin_client.get(reverse("admin:signing_outgoingdocumentregister_change", args=[register.pk]))
    assert page.status_code == 200 and 'name="last_number"' not in page.content.decode()
