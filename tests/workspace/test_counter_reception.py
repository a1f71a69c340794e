"""Counter reception in the workspace: procedure, place, applicant from the CCCD QR, checklist, decision."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from counter_declaration import declaration_of
from motcua.dossiers import lookups
from motcua.dossiers.models import Channel, Dossier, State
from pdf_samples import CLEAN_PDF

from .conftest import log_in, officer

pytestmark = pytest.mark.django_db

URL = "/can-bo/tiep-nhan/"
QR = "046195001234|191234567|Phan Thị Mai|15031995|Nữ|12 Lê Lợi, Xã Phú Vang, Thành phố Huế|01072021"


def mandatory_codes(hue):
    version = lookups.version_in_force(procedure=hue.marriage, on=hue.on)
    return [d.code for d in version.documents.filter(mandatory=True)]


def form(hue, **extra):
    return {
        "point": hue.point_phu_xuan.pk,
        "procedure": hue.marriage.code,
        "place": hue.phu_vang.pk,  # read only for a procedure whose rule names no place field
        "place_party_residence_unit": hue.phu_vang.code,
        "idempotency_key": "counter-test-1",
        **declaration_of(hue.marriage, on=hue.on, unit_code=hue.phu_vang.code),
        **extra,
    }


def test_choosing_a_procedure_shows_its_document_checklist(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.get(URL, {"procedure": hue.marriage.code}).content.decode()
    for code in mandatory_codes(hue):
        assert f'value="{code}"' in page
    assert hue.phu_vang.name in page


def test_pasting_the_cccd_qr_fills_the_applicant(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.post(URL, form(hue, cccd_qr=QR)).content.decode()
    assert 'value="Phan Thị Mai"' in page and 'value="046195001234"' in page
    assert not Dossier.objects.filter(applicant_id_number="046195001234").exists()


def test_a_malformed_cccd_qr_is_explained(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    page = client.post(URL, form(hue, cccd_qr="046195001234|Phan Thị Mai")).content.decode()
    assert "7 trường" in page


def test_a_dossier_received_in_phu_xuan_for_phu_vang_is_accepted_and_routed_to_phu_vang(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(
        URL, form(hue, cccd_qr=QR, document=mandatory_codes(hue), decision="accept"), follow=True
    )
    dossier = Dossier.objects.get(applicant_id_number="046195001234")
    assert dossier.channel == Channel.COUNTER
    assert dossier.state == State.IN_PROCESS
    assert dossier.reception_point == hue.point_phu_xuan
    assert dossier.competent_agency == hue.ubnd_phu_vang
    page = response.content.decode()
    assert f"/can-bo/ho-so/{dossier.code}/phieu/receipt.pdf" in page
    assert client.get(f"/can-bo/ho-so/{dossier.code}/phieu/receipt.pdf").content.startswith(b"%PDF")


def test_posting_the_same_form_twice_creates_one_dossier(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    data = form(hue, cccd_qr=QR, document=mandatory_codes(hue), decision="accept")
    client.post(URL, data)
    client.post(URL, data)
    assert Dossier.objects.filter(applicant_id_number="046195001234").count() == 1


def test_accepting_an_incomplete_dossier_keeps_nothing_and_says_what_is_missing(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    # The declaration (tờ khai) counts as handed over once its main field is typed: here it is not.
    response = client.post(URL, form(hue, cccd_qr=QR, decision="accept", partner_name=""))
    assert response.status_code == 400
    assert "Hồ sơ còn thiếu" in response.content.decode()
    assert not Dossier.objects.filter(applicant_id_number="046195001234").exists()


def test_asking_for_a_supplement_lists_the_unticked_documents(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    client.post(URL, form(hue, cccd_qr=QR, decision="supplement", reason="Thiếu giấy xác nhận"))
    dossier = Dossier.objects.get(applicant_id_number="046195001234")
    assert dossier.state == State.RECEPTION_SUPPLEMENT
    event = dossier.events.order_by("-sequence").first()
    assert {item["code"] for item in event.data["missing"]} == set(mandatory_codes(hue))


def test_refusing_without_a_reason_is_refused(client, hue):
    log_in(client, officer("phuxuan.tiepnhan"))
    response = client.post(URL, form(hue, cccd_qr=QR, decision="refuse"))
    assert response.status_code == 400
    assert not Dossier.objects.filter(applicant_id_number="046195001234").exists()


def test_a_specialist_without_a_reception_point_cannot_use_the_counter(client, hue):
    """The page asks the access policy (``access.may_open``, as the menu does): 403 with the reason."""
    log_in(client, officer("phuvang.tuphap"))
    response = client.get(URL)
    assert response.status_code == 403
    assert "Trang này không dành cho chức danh của bạn." in response.content.decode()


PDF = CLEAN_PDF


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_scanned_document_is_kept_digitized_and_counts_as_received(client, hue, media):
    log_in(client, officer("phuxuan.tiepnhan"))
    first, *others = mandatory_codes(hue)
    scan = SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")
    data = form(hue, cccd_qr=QR, document=others, decision="accept", **{f"scan_{first}": scan})
    client.post(URL, data)
    dossier = Dossier.objects.get(applicant_id_number="046195001234")
    assert dossier.state == State.IN_PROCESS
    scanned = dossier.documents.get(code=first)
    assert scanned.digitized and scanned.source == "file" and scanned.file_ref
    assert not dossier.documents.get(code=others[0]).digitized if others else True
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    download = f"/can-bo/ho-so/{dossier.code}/giay-to/{scanned.pk}/"
    assert download in page
    assert b"".join(client.get(download).streaming_content) == PDF


def test_a_scan_that_is_not_pdf_or_image_is_refused_and_nothing_is_kept(client, hue, media):
    log_in(client, officer("phuxuan.tiepnhan"))
    codes = mandatory_codes(hue)
    good = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    bad = SimpleUploadedFile("b.pdf", b"<html>not a scan</html>", content_type="application/pdf")
    data = form(
        hue,
        cccd_qr=QR,
        document=codes,
        decision="accept",
        **{f"scan_{codes[0]}": good, f"scan_{codes[-1]}": bad},
    )
    page = client.post(URL, data).content.decode()
    assert "không phải PDF, JPG hoặc PNG" in page
    assert not Dossier.objects.filter(applicant_id_number="046195001234").exists()
    assert not [p for p in media.rglob("*") if p.is_file()]
