"""Result files (kết quả giải quyết) attached from the dossier page, and officer downloads of files."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers import files, lookups, services
from motcua.dossiers.lookups import commune_committee_for
from motcua.dossiers.models import Dossier, DossierResult
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Role
from pdf_samples import CLEAN_PDF

from .conftest import log_in, officer

pytestmark = pytest.mark.django_db

PDF = CLEAN_PDF
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name: str = "giay-chung-nhan-ket-hon.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def in_review(hue, *, scanned: bool = False) -> Dossier:
    """A marriage registration at the competent commune's review step (Phú Vang's civil status officer)."""
    reception = hue.staff(Role.RECEPTION_OFFICER, hue.ubnd_phu_xuan)
    version = lookups.version_in_force(procedure=hue.marriage, on=hue.on)
    documents = []
    for n, doc in enumerate(version.documents.filter(mandatory=True).order_by("order")):
        ref = ""
        if scanned and n == 0:
            ref = files.store_upload(SimpleUploadedFile("to-khai.png", PNG), folder="test/documents").ref
        documents.append(
            services.DocumentInput(code=doc.code, file_ref=ref, source="file" if ref else "paper")
        )
    dossier = services.receive_at_counter(
        by=reception,
        reception_point=hue.point_phu_xuan,
        procedure=hue.marriage,
        place_unit=hue.phu_vang,
        applicant_info=services.ApplicantInfo(name="Phan Thị Mai"),
        documents=documents,
    )
    dossier = services.accept(dossier=dossier, by=reception)
    return services.perform(dossier=dossier, by=reception, action="forward")


def url(dossier: Dossier, suffix: str = "") -> str:
    return f"/can-bo/ho-so/{dossier.code}/{suffix}"


def test_the_officer_at_the_step_attaches_a_result_and_downloads_it_as_an_attachment(client, hue):
    dossier = in_review(hue)
    log_in(client, officer("phuvang.tuphap"))
    page = client.get(url(dossier)).content.decode()
    assert 'enctype="multipart/form-data"' in page and f'accept="{files.ACCEPT}"' in page
    assert '<label for="result-name">Tên kết quả</label>' in page
    response = client.post(url(dossier, "ket-qua/"), {"name": "Giấy chứng nhận kết hôn", "file": pdf()})
    assert response.status_code == 302
    result = DossierResult.objects.get(dossier=dossier)
    page = client.get(url(dossier)).content.decode()
    assert "Giấy chứng nhận kết hôn" in page and "Đang dùng" in page

    download = client.get(url(dossier, f"ket-qua/{result.pk}/"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "giay-chung-nhan-ket-hon.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_file_that_is_not_a_pdf_or_image_is_refused_with_a_400_and_nothing_is_kept(client, hue):
    dossier = in_review(hue)
    version, events = dossier.version, dossier.events.count()
    log_in(client, officer("phuvang.tuphap"))
    fake = SimpleUploadedFile("ket-qua.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url(dossier, "ket-qua/"), {"name": "Giấy chứng nhận kết hôn", "file": fake})
    assert response.status_code == 400
    page = response.content.decode()
    assert "không phải PDF, JPG hoặc PNG" in page and 'value="Giấy chứng nhận kết hôn"' in page
    dossier.refresh_from_db()
    assert not dossier.results.exists()
    assert (dossier.version, dossier.events.count()) == (version, events)


def test_a_result_without_a_name_or_a_file_is_refused_with_a_400(client, hue):
    dossier = in_review(hue)
    log_in(client, officer("phuvang.tuphap"))
    response = client.post(url(dossier, "ket-qua/"), {"name": "", "file": pdf()})
    assert response.status_code == 400 and "Vui lòng nhập tên kết quả" in response.content.decode()
    response = client.post(url(dossier, "ket-qua/"), {"name": "Giấy chứng nhận kết hôn"})
    assert response.status_code == 400 and "Vui lòng chọn tệp kết quả." in response.content.decode()
    assert not DossierResult.objects.filter(dossier=dossier).exists()


def test_a_result_attached_by_mistake_is_removed_with_a_reason_and_shown_struck_through(client, hue):
    dossier = in_review(hue)
    result = services.attach_result(
        dossier=dossier, by=officer("phuvang.tuphap"), name="Nhầm hồ sơ", upload=pdf("nham.pdf")
    )
    log_in(client, officer("phuvang.tuphap"))
    response = client.post(url(dossier, f"ket-qua/{result.pk}/go/"), {"reason": ""})
    assert response.status_code == 400 and "Vui lòng nêu rõ lý do." in response.content.decode()
    result.refresh_from_db()
    assert result.removed_at is None

    response = client.post(url(dossier, f"ket-qua/{result.pk}/go/"), {"reason": "Đính kèm nhầm tệp"})
    assert response.status_code == 302
    page = client.get(url(dossier)).content.decode()
    assert "<del>Nhầm hồ sơ</del>" in page
    assert "Đã gỡ (đính kèm nhầm) bởi" in page
    assert client.get(url(dossier, f"ket-qua/{result.pk}/")).status_code == 200  # kept on record


def test_staff_of_the_receiving_commune_see_no_attach_form_and_are_refused_with_a_400(client, hue):
    dossier = in_review(hue)
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(url(dossier)).content.decode()
    assert 'id="result-file"' not in page
    response = client.post(url(dossier, "ket-qua/"), {"name": "Giấy chứng nhận kết hôn", "file": pdf()})
    assert response.status_code == 400
    assert "Chỉ cán bộ của cơ quan đang giải quyết hồ sơ được đính kèm kết quả." in response.content.decode()
    assert not DossierResult.objects.filter(dossier=dossier).exists()


def test_a_submitted_scan_has_a_download_link_and_downloads(client, hue):
    dossier = in_review(hue, scanned=True)
    document = dossier.documents.exclude(file_ref="").get()
    log_in(client, officer("phuvang.tuphap"))
    page = client.get(url(dossier)).content.decode()
    assert url(dossier, f"giay-to/{document.pk}/") in page
    download = client.get(url(dossier, f"giay-to/{document.pk}/"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert client.get(url(dossier, f"giay-to/{document.pk + 10_000}/")).status_code == 404


def test_a_paper_document_has_no_download(client, hue):
    dossier = in_review(hue)
    paper = dossier.documents.first()
    log_in(client, officer("phuvang.tuphap"))
    assert url(dossier, f"giay-to/{paper.pk}/") not in client.get(url(dossier)).content.decode()
    assert client.get(url(dossier, f"giay-to/{paper.pk}/")).status_code == 404


def test_files_of_a_dossier_an_officer_may_not_see_are_not_found(client, hue):
    dossier = in_review(hue, scanned=True)
    result = services.attach_result(
        dossier=dossier, by=officer("phuvang.tuphap"), name="Giấy chứng nhận kết hôn", upload=pdf()
    )
    document = dossier.documents.exclude(file_ref="").get()
    other = (
        AdministrativeUnit.objects.valid_on(hue.on)
        .filter(province_code="46", level="commune")
        .exclude(code__in=[hue.phu_xuan.code, hue.phu_vang.code])
        .order_by("code")
        .first()
    )
    stranger = hue.staff(Role.RECEPTION_OFFICER, commune_committee_for(unit=other, on=hue.on))
    log_in(client, officer(stranger.username))
    assert client.get(url(dossier, f"ket-qua/{result.pk}/")).status_code == 404
    assert client.get(url(dossier, f"giay-to/{document.pk}/")).status_code == 404
    response = client.post(url(dossier, "ket-qua/"), {"name": "Giả mạo", "file": pdf()})
    assert response.status_code == 404
    assert DossierResult.objects.filter(dossier=dossier).count() == 1


def test_a_result_id_of_another_dossier_is_not_found(client, hue):
    first, second = in_review(hue), in_review(hue)
    result = services.attach_result(
        dossier=first, by=officer("phuvang.tuphap"), name="Giấy chứng nhận kết hôn", upload=pdf()
    )
    log_in(client, officer("phuvang.tuphap"))
    assert client.get(url(second, f"ket-qua/{result.pk}/")).status_code == 404
    assert client.post(url(second, f"ket-qua/{result.pk}/go/"), {"reason": "x"}).status_code == 404
