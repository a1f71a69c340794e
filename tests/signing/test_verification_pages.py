"""The public verification page (/xac-thuc/<id>/, /verify/<id>/) and the citizen's download of the signed
document: valid, revoked and replaced documents, an unknown id, and an uploaded PDF compared byte for byte."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.errors import DomainError
from motcua.dossiers.models import EventKind
from motcua.signing import files, services
from motcua.signing.models import IssuedStatus

from .flow_helpers import authenticator, code, issued


def url(document) -> str:
    return f"/xac-thuc/{document.public_id}/"


def test_the_public_id_is_random_and_never_the_dossier_code(world, result_template, keys):
    dossier, document = issued(world)
    assert len(document.public_id) >= 32  # 24 random bytes, URL-safe
    assert dossier.code not in document.public_id


def test_the_page_of_a_valid_document_shows_its_facts_and_the_masked_holder(
    client, world, result_template, keys
):
    dossier, document = issued(world)

    response = client.get(url(document))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-status="valid"' in page and "Văn bản còn hiệu lực." in page
    assert document.number in page and "01/GCNKH-UBND" in page
    assert world.ubnd_phu_vang.name in page
    assert f"{document.issued_on:%d/%m/%Y}" in page
    assert "N*** T** H**" in page  # Nguyễn Thị Hoa
    assert dossier.applicant_name not in page and dossier.applicant_id_number not in page
    assert dossier.code not in page


def test_the_english_address_shows_the_same_document(client, world, result_template, keys):
    _dossier, document = issued(world)
    response = client.get(f"/verify/{document.public_id}/")
    assert response.status_code == 200
    assert document.number in response.content.decode()


def test_an_unknown_id_answers_404_with_a_plain_sentence(client, db):
    response = client.get("/xac-thuc/khong-co-van-ban-nay/")
    assert response.status_code == 404
    assert "Không có văn bản điện tử nào đã phát hành với mã xác thực này" in response.content.decode()


def test_a_revoked_document_says_so_with_the_reason(client, world, result_template, keys):
    dossier, document = issued(world)

    services.revoke(document=document, by=world.leader_pv, reason="Cấp nhầm người")

    page = client.get(url(document)).content.decode()
    assert 'data-status="revoked"' in page and "Cấp nhầm người" in page
    event = dossier.events.get(kind=EventKind.DOCUMENT_REVOKED)
    assert event.reason == "Cấp nhầm người" and event.data["document"] == document.public_id


def test_only_a_leader_of_the_competent_agency_revokes(world, result_template, keys):
    _dossier, document = issued(world)
    for other in (world.clerk_pv, world.leader_px, world.citizen):
        with pytest.raises(DomainError) as error:
            services.revoke(document=document, by=other, reason="Thử")
        assert error.value.code == "document.revoke_forbidden"
    document.refresh_from_db()
    assert document.status == IssuedStatus.VALID


def test_a_replaced_document_points_to_its_replacement(client, world, result_template, keys):
    from motcua.signing import worker

    dossier, document = issued(world)
    device = authenticator(world.leader_pv)

    replacement = services.replace(
        document=document, by=world.leader_pv, token=code(device), reason="Sai ngày sinh"
    )
    leader_job = replacement.jobs.get()
    assert worker.run(leader_job.pk).state == "done"
    seal_job = replacement.jobs.get(signature="seal")  # sealed at once: no clerk step for a replacement
    assert worker.run(seal_job.pk).state == "done"

    replacement.refresh_from_db()
    assert replacement.number == "02/GCNKH-UBND"
    page = client.get(url(document)).content.decode()
    assert 'data-status="replaced"' in page and "Sai ngày sinh" in page
    assert f"/xac-thuc/{replacement.public_id}/" in page
    assert EventKind.DOCUMENT_REPLACED in set(dossier.events.values_list("kind", flat=True))


def _upload(client, document, content: bytes, name: str = "van-ban.pdf"):
    return client.post(url(document), {"file": SimpleUploadedFile(name, content, "application/pdf")})


def test_uploading_the_issued_bytes_confirms_the_document(client, world, result_template, keys):
    _dossier, document = issued(world)

    response = _upload(client, document, files.read(document.sealed_ref))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-same="yes"' in page
    assert "Đây đúng là văn bản đã phát hành" in page


def test_uploading_an_altered_copy_is_detected(client, world, result_template, keys):
    _dossier, document = issued(world)
    sealed = bytearray(files.read(document.sealed_ref))
    # one byte of the page content changed (inside the first stream)
    at = sealed.index(b"stream") + 20
    sealed[at] = (sealed[at] + 1) % 256

    page = _upload(client, document, bytes(sealed)).content.decode()

    assert 'data-same="no"' in page
    assert "KHÔNG phải văn bản đã phát hành" in page


def test_a_strangers_file_is_validated_without_asking_the_network(
    client, monkeypatch, world, result_template, keys
):
    """An uploaded file that is not the issued one could carry certificates naming any OCSP or CRL address:
    its signatures are checked with what it embeds only, while the issued bytes are checked online."""
    from motcua.signing import validation

    contexts = []
    made = validation.validation_context

    def recording(**options):
        context = made(**options)
        contexts.append(context)
        return context

    monkeypatch.setattr(validation, "validation_context", recording)
    _dossier, document = issued(world)
    sealed = files.read(document.sealed_ref)
    altered = bytearray(sealed)
    at = altered.index(b"stream") + 20
    altered[at] = (altered[at] + 1) % 256

    _upload(client, document, bytes(altered))
    assert contexts and not any(context.fetching_allowed for context in contexts)

    contexts.clear()
    _upload(client, document, sealed)
    assert contexts and all(context.fetching_allowed for context in contexts)


def test_a_file_that_is_not_a_pdf_gets_a_clear_error(client, world, result_template, keys):
    _dossier, document = issued(world)
    response = _upload(client, document, b"\x89PNG\r\n\x1a\nnot a pdf", name="anh.png")
    assert response.status_code == 400
    assert "không phải tệp PDF" in response.content.decode()


def test_a_file_above_the_size_limit_is_refused(client, settings, world, result_template, keys):
    _dossier, document = issued(world)
    settings.MOTCUA_VERIFY_MAX_MB = 1
    response = _upload(client, document, b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.content.decode()


def test_the_citizen_downloads_the_signed_pdf_from_their_dossier(client, world, result_template, keys):
    dossier, document = issued(world)
    client.force_login(world.citizen)

    page = client.get(f"/dich-vu-cong/ho-so/{dossier.code}/").content.decode()
    link = f"/dich-vu-cong/ho-so/{dossier.code}/van-ban/{document.public_id}.pdf"
    assert link in page
    response = client.get(link)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response) == files.read(document.sealed_ref)
    client.force_login(world.stranger)
    assert client.get(link).status_code == 404


def test_the_rendered_text_is_in_the_signed_pdf(world, result_template, keys):
    from pypdf import PdfReader

    _dossier, document = issued(world)
    text = PdfReader(io.BytesIO(files.read(document.sealed_ref))).pages[0].extract_text()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "01/GCNKH-UBND" in text
