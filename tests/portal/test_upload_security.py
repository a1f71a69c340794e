"""Uploads under attack: bodies too large to read, PDFs carrying JavaScript, files left behind, and the
citizen's storage quota, all through the e-form's pages."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import timezone

from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.portal.models import CitizenUpload, FormDraft
from pdf_samples import CLEAN_PDF, pdf, pdf_with_object_streams

from .test_eform import make_citizen, media_in_tmp
from .test_eform_widgets import DEATH, REISSUE, death_answers, reissue_answers, url

__all__ = ["media_in_tmp"]

MB = 1024 * 1024
CHUNK = 64 * 1024  # Django's upload chunk


def stored_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def save_draft(client: Client, upload) -> object:
    return client.post(url(REISSUE), reissue_answers(old_certificate=upload, submit=None, save_draft="1"))


def upload(data: bytes, name: str = "giay-cu.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def padded_pdf(size: int) -> bytes:
    """A clean PDF of about ``size`` bytes (a long string object pads it)."""
    return pdf(objects=(b"(" + b"0" * size + b")",))


# --- size before reading ---------------------------------------------------------------------------


class EndlessBody(io.RawIOBase):
    """wsgi.input of a client that sends a form then an endless file: counts what the server reads and
    fails the test once more than ``cap`` bytes were read."""

    def __init__(self, prefix: bytes, cap: int) -> None:
        self.prefix, self.cap, self.read_bytes = prefix, cap, 0

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            raise AssertionError("the server asked for the whole body at once")
        start = self.read_bytes
        head = self.prefix[start : start + size]
        data = head + b"0" * (size - len(head))
        self.read_bytes += len(data)
        if self.read_bytes > self.cap:
            raise AssertionError(f"the server read {self.read_bytes} bytes, more than the limit plus a chunk")
        return data

    def readline(self, size: int | None = -1) -> bytes:
        return self.read(size if size and size > 0 else CHUNK)


def endless_post(client: Client, path: str, *, cap: int, length: int | None, chunked: bool = False):
    form = encode_multipart(BOUNDARY, reissue_answers(submit=None, save_draft="1"))
    closing = f"--{BOUNDARY}--\r\n".encode()
    head = (
        form[: -len(closing)]
        + f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="old_certificate"; '
        'filename="giay-cu.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n'.encode()
    )
    body = EndlessBody(head, cap)
    extra: dict[str, object] = {"CONTENT_TYPE": MULTIPART_CONTENT, "wsgi.input": body}
    if length is not None:
        extra["CONTENT_LENGTH"] = str(length)
    if chunked:
        extra["HTTP_TRANSFER_ENCODING"] = "chunked"
    response = client.generic("POST", path, b"", **extra)
    return response, body


def test_a_1_gb_upload_is_refused_before_its_body_is_read(db, settings):
    settings.MOTCUA_MAX_UPLOAD_MB = 1
    settings.MOTCUA_MAX_REQUEST_MB = 2
    citizen = make_citizen()
    client = Client()
    client.force_login(citizen)
    response, body = endless_post(client, url(REISSUE), cap=2 * MB + CHUNK, length=1024 * MB)
    assert response.status_code == 413
    assert body.read_bytes <= 2 * MB + CHUNK
    html = response.content.decode()
    assert "Dữ liệu gửi lên quá lớn" in html and "tối đa 2 MB" in html
    assert not FormDraft.objects.filter(user=citizen).exists()
    assert stored_files(settings) == []


def test_the_upload_handler_alone_refuses_a_1_gb_body_after_at_most_the_limit(db, settings):
    """Without the middleware's early answer, the first upload handler still stops the reading."""
    settings.MOTCUA_MAX_UPLOAD_MB = 1
    settings.MOTCUA_MAX_REQUEST_MB = 2
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "motcua.core.uploads.UploadLimitMiddleware"]
    citizen = make_citizen()
    client = Client(raise_request_exception=False)
    client.force_login(citizen)
    response, body = endless_post(client, url(REISSUE), cap=2 * MB + CHUNK, length=1024 * MB)
    assert response.status_code in (400, 413)
    assert body.read_bytes <= 2 * MB + CHUNK
    assert not FormDraft.objects.filter(user=citizen).exists()
    assert stored_files(settings) == []


def test_a_body_without_a_declared_length_is_refused_with_a_clear_message(db, settings):
    citizen = make_citizen()
    client = Client()
    client.force_login(citizen)
    response, body = endless_post(client, url(REISSUE), cap=CHUNK, length=None, chunked=True)
    assert response.status_code == 411
    assert "độ dài" in response.content.decode()
    assert body.read_bytes == 0
    assert not FormDraft.objects.filter(user=citizen).exists()


def test_a_file_over_the_limit_in_an_allowed_body_is_refused_next_to_its_field_and_not_stored(db, settings):
    settings.MOTCUA_MAX_UPLOAD_MB = 1
    settings.MOTCUA_MAX_REQUEST_MB = 3
    citizen = make_citizen()
    response = save_draft(_client(citizen), upload(padded_pdf(2 * MB)))
    assert response.status_code == 400
    assert (
        'data-testid="error-old_certificate">Tệp giay-cu.pdf quá lớn: tối đa 1 MB.'
        in response.content.decode()
    )
    assert FormDraft.objects.get(user=citizen).data["old_certificate"] == ""
    assert stored_files(settings) == []


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- PDF with JavaScript ---------------------------------------------------------------------------

JS = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"

SCRIPTED = {
    "open-action": pdf(catalog=b"/OpenAction 4 0 R", objects=(JS,)),
    "page-additional-actions": pdf(page=b"/AA << /O 4 0 R >>", objects=(JS,)),
    "names-javascript-tree": pdf(catalog=b"/Names << /JavaScript << /Names [(a) 4 0 R] >> >>", objects=(JS,)),
    "hex-escaped-names": pdf(catalog=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"),
    "launch": pdf(catalog=b"/OpenAction << /S /Launch /F (calc.exe) >>"),
    "link-annotation": pdf(
        page=b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A 4 0 R >>]", objects=(JS,)
    ),
    "object-stream": pdf_with_object_streams({"/S": "/JavaScript", "/JS": "app.alert(1)"}),
}


@pytest.mark.parametrize("kind", sorted(SCRIPTED))
def test_a_pdf_with_javascript_actions_is_refused_at_upload(db, settings, kind):
    citizen = make_citizen()
    response = save_draft(_client(citizen), upload(SCRIPTED[kind]))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-old_certificate">Tệp giay-cu.pdf chứa mã lệnh' in html
    assert FormDraft.objects.get(user=citizen).data["old_certificate"] == ""
    assert stored_files(settings) == []


def test_a_file_that_only_looks_like_a_pdf_is_refused(db, settings):
    citizen = make_citizen()
    response = save_draft(_client(citizen), upload(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> broken"))
    assert response.status_code == 400
    assert "không đọc được" in response.content.decode()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    "data",
    [CLEAN_PDF, pdf(catalog=b"/OpenAction [3 0 R /Fit]"), pdf_with_object_streams(None)],
    ids=["plain", "open-at-page", "object-stream"],
)
def test_a_clean_pdf_is_still_accepted(db, data):
    citizen = make_citizen()
    response = save_draft(_client(citizen), upload(data))
    assert response.status_code == 302
    assert FormDraft.objects.get(user=citizen).data["old_certificate"]["name"] == "giay-cu.pdf"


def test_a_pdf_made_by_fpdf2_is_accepted(db):
    from fpdf import FPDF

    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="Giay xac nhan")
    citizen = make_citizen()
    response = save_draft(_client(citizen), upload(bytes(document.output())))
    assert response.status_code == 302


# --- clean-up --------------------------------------------------------------------------------------


def cleanup(*args: str) -> str:
    out = io.StringIO()
    call_command("uploads", "cleanup", *args, stdout=out)
    return out.getvalue()


def test_the_file_of_a_replaced_draft_upload_is_deleted(db, settings):
    citizen = make_citizen()
    client = _client(citizen)
    save_draft(client, upload(CLEAN_PDF, "cu.pdf"))
    first = FormDraft.objects.get(user=citizen).data["old_certificate"]["ref"]
    save_draft(client, upload(CLEAN_PDF, "moi.pdf"))
    second = FormDraft.objects.get(user=citizen).data["old_certificate"]["ref"]
    cleanup("--grace-hours", "0")
    assert not default_storage.exists(first)
    assert default_storage.exists(second)


def test_a_replaced_draft_file_is_deleted_at_once_and_frees_its_space(db, django_capture_on_commit_callbacks):
    citizen = make_citizen()
    client = _client(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        save_draft(client, upload(CLEAN_PDF, "cu.pdf"))
    first = FormDraft.objects.get(user=citizen).data["old_certificate"]["ref"]
    with django_capture_on_commit_callbacks(execute=True):
        save_draft(client, upload(CLEAN_PDF, "moi.pdf"))
    assert not default_storage.exists(first)
    assert list(CitizenUpload.objects.filter(user=citizen).values_list("size", flat=True)) == [len(CLEAN_PDF)]


def test_files_of_dossiers_and_live_drafts_are_never_deleted(db, settings):
    citizen = make_citizen()
    client = _client(citizen)
    save_draft(client, upload(CLEAN_PDF, "cu.pdf"))
    response = client.post(url(REISSUE), reissue_answers())
    assert response.status_code == 302, response.content.decode()
    dossier = Dossier.objects.get(applicant=citizen)
    in_form = dossier.form_data["old_certificate"]
    response = client.post(url(DEATH), death_answers(doc_giay_bao_tu=upload(CLEAN_PDF, "bao-tu.pdf")))
    assert response.status_code == 302, response.content.decode()
    document = DossierDocument.objects.get(dossier__applicant=citizen, code="giay_bao_tu").file_ref
    save_draft(client, upload(CLEAN_PDF, "nhap.pdf"))
    in_draft = FormDraft.objects.get(user=citizen).data["old_certificate"]["ref"]

    summary = cleanup("--grace-hours", "0")
    assert "0 tệp" in summary
    for ref in (in_form, document, in_draft):
        assert default_storage.exists(ref), ref


def test_the_files_of_a_failed_submission_are_deleted(db, settings, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(dossier_services, "submit_online", broken)
    citizen = make_citizen()
    client = Client(raise_request_exception=False)
    client.force_login(citizen)
    response = client.post(url(DEATH), death_answers(doc_giay_bao_tu=upload(CLEAN_PDF, "bao-tu.pdf")))
    assert response.status_code == 500
    assert not Dossier.objects.filter(applicant=citizen).exists()
    left = stored_files(settings)
    assert left  # the document was stored before the dossier failed

    assert "Sẽ xóa 1 tệp" in cleanup("--grace-hours", "0", "--dry-run")
    assert stored_files(settings) == left  # a dry run deletes nothing
    assert "Đã xóa 1 tệp" in cleanup("--grace-hours", "0")
    assert stored_files(settings) == []


def test_an_abandoned_draft_is_deleted_with_its_files_after_the_configured_days(db, settings):
    settings.MOTCUA_DRAFT_MAX_AGE_DAYS = 30
    citizen = make_citizen()
    save_draft(_client(citizen), upload(CLEAN_PDF))
    ref = FormDraft.objects.get(user=citizen).data["old_certificate"]["ref"]
    long_ago = timezone.now() - dt.timedelta(days=31)
    FormDraft.objects.filter(user=citizen).update(updated_at=long_ago)
    CitizenUpload.objects.filter(user=citizen).update(uploaded_at=long_ago)
    cleanup()
    assert not FormDraft.objects.filter(user=citizen).exists()
    assert not default_storage.exists(ref)


# --- quota -----------------------------------------------------------------------------------------


def test_an_upload_over_the_citizens_quota_is_refused_saying_what_is_used_and_how_to_free_space(db, settings):
    settings.MOTCUA_CITIZEN_QUOTA_MB = 1
    citizen = make_citizen()
    client = _client(citizen)
    assert save_draft(client, upload(padded_pdf(600 * 1024), "cu.pdf")).status_code == 302
    response = client.post(
        url(DEATH), death_answers(doc_giay_bao_tu=upload(padded_pdf(600 * 1024), "bao-tu.pdf"))
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-doc-giay_bao_tu">Không đủ dung lượng lưu tệp' in html
    assert "đang lưu 0,6 MB trên tối đa 1 MB" in html
    assert "Xóa tệp đã tải lên" in html  # how to free space
    assert not Dossier.objects.filter(applicant=citizen).exists()


def test_documents_of_submitted_dossiers_count_in_the_quota_of_the_file_field(db, settings):
    settings.MOTCUA_CITIZEN_QUOTA_MB = 1
    citizen = make_citizen()
    client = _client(citizen)
    response = client.post(
        url(DEATH), death_answers(doc_giay_bao_tu=upload(padded_pdf(600 * 1024), "bao-tu.pdf"))
    )
    assert response.status_code == 302, response.content.decode()
    response = save_draft(client, upload(padded_pdf(600 * 1024), "cu.pdf"))
    assert response.status_code == 400
    assert 'data-testid="error-old_certificate">Không đủ dung lượng lưu tệp' in response.content.decode()
    assert FormDraft.objects.get(user=citizen).data["old_certificate"] == ""


def test_replacing_a_draft_file_does_not_count_the_file_it_replaces(db, settings):
    settings.MOTCUA_CITIZEN_QUOTA_MB = 1
    citizen = make_citizen()
    client = _client(citizen)
    assert save_draft(client, upload(padded_pdf(600 * 1024), "cu.pdf")).status_code == 302
    assert save_draft(client, upload(padded_pdf(600 * 1024), "moi.pdf")).status_code == 302
    assert FormDraft.objects.get(user=citizen).data["old_certificate"]["name"] == "moi.pdf"
    response = client.get(url(REISSUE))
    assert response.status_code == 200
