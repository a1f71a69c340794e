"""The public verification page against what a stranger may send it: absurd ids (NUL bytes, 10 kB, other
alphabets, another document's id cut short) answer a clean 404; files that are not the issued PDF (not a PDF,
empty, one byte, too large, unsigned, truncated) get a plain sentence and 200/400/413, never a 500; uploads
are counted per client address and refused with 429 beyond the limit (docs/signing.md, docs/security.md)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.core.errors import DomainError
from motcua.signing import files, selectors, services
from motcua.signing.models import VerificationUpload

from .flow_helpers import issued
from .pades_pdfs import simple_pdf


def url(public_id: str) -> str:
    return f"/xac-thuc/{public_id}/"


def _upload(client, public_id: str, content: bytes, name: str = "van-ban.pdf", **extra):
    return client.post(
        url(public_id), {"file": SimpleUploadedFile(name, content, "application/pdf")}, **extra
    )


def _server_errors(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_absurd_ids_answer_a_clean_404_or_400_and_log_no_server_error(
    client, caplog, world, result_template, keys
):
    _dossier, document = issued(world)
    caplog.set_level(logging.WARNING)
    # A NUL byte never reaches the page: the project's guard answers every such address 400 with a plain
    # sentence (core.nul_guard); the page's lookup refuses it too, without a query (PostgreSQL would fail).
    for public_id in ("abc%00def", document.public_id[:20] + "%00", "%00" * 40):
        response = client.get(url(public_id))
        assert response.status_code == 400
        assert "Địa chỉ yêu cầu chứa ký tự không hợp lệ." in response.content.decode()
    assert selectors.published(public_id=document.public_id[:20] + "\x00") is None
    assert selectors.published(public_id=document.public_id + "\x00") is None
    absurd = [
        "a" * 10_000,  # 10 kB
        "a" * 65,  # one more than the longest id
        "v%C4%83n-b%E1%BA%A3n-%E1%BB%A7y-ban-nh%C3%A2n-d%C3%A2n",  # "văn-bản-ủy-ban-nhân-dân"
        "%F0%9F%93%84" * 8,  # emoji
        document.public_id[:-1],  # another document's id, cut short
        document.public_id[:16],
        document.public_id + "x",
        "%20" * 20,
    ]
    for public_id in absurd:
        for prefix in ("/xac-thuc/", "/verify/"):
            response = client.get(f"{prefix}{public_id}/")
            assert response.status_code == 404, public_id
            page = response.content.decode()
            assert 'data-testid="verify-unknown"' in page  # the plain sentence, in either language
            assert "\x00" not in page
            assert document.number not in page
        response = _upload(client, public_id, b"%PDF-1.7\n")
        assert response.status_code == 404
    assert _server_errors(caplog) == []
    assert not VerificationUpload.objects.exists()  # an unknown id costs no validation and counts nothing
    assert client.get(url(document.public_id)).status_code == 200


def test_files_that_are_not_the_issued_pdf_get_a_plain_answer_never_a_500(
    client, caplog, settings, world, result_template, keys
):
    _dossier, document = issued(world)
    settings.MOTCUA_VERIFY_MAX_MB = 1
    sealed = files.read(document.sealed_ref)
    caplog.set_level(logging.WARNING)
    cases = [
        ("not a PDF", b"\x89PNG\r\n\x1a\n" + b"x" * 100, 400, "không phải tệp PDF"),
        ("empty", b"", 400, "tệp PDF"),
        ("one byte", b"%", 400, "không phải tệp PDF"),
        ("over the limit", b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1), 413, "Tệp quá lớn"),
        ("unsigned PDF", simple_pdf(), 200, "KHÔNG phải văn bản đã phát hành"),
        ("truncated PDF", sealed[: len(sealed) // 2], 200, "KHÔNG phải văn bản đã phát hành"),
        ("only the header", b"%PDF-1.7\n%%EOF\n", 200, "KHÔNG phải văn bản đã phát hành"),
    ]
    for label, content, status, message in cases:
        response = _upload(client, document.public_id, content)
        assert response.status_code == status, label
        assert message in response.content.decode(), label
    unsigned = _upload(client, document.public_id, simple_pdf()).content.decode()
    assert "không có chữ ký số" in unsigned
    assert _server_errors(caplog) == []


def test_uploads_are_limited_per_client_with_a_clear_429(client, settings, world, result_template, keys):
    _dossier, document = issued(world)
    settings.MOTCUA_VERIFY_UPLOADS_PER_CLIENT = 3
    settings.MOTCUA_VERIFY_WINDOW_MINUTES = 10
    for _ in range(3):
        assert _upload(client, document.public_id, b"not a pdf").status_code == 400

    refused = _upload(client, document.public_id, files.read(document.sealed_ref))

    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Bạn đã gửi quá nhiều tệp để kiểm tra. Vui lòng thử lại sau 10 phút." in page
    assert 'data-same="yes"' not in page  # not validated
    assert VerificationUpload.objects.count() == 3  # a refused upload is not counted
    # Looking at the page is never limited; another client still uploads.
    assert client.get(url(document.public_id)).status_code == 200
    other = _upload(client, document.public_id, b"not a pdf", REMOTE_ADDR="203.0.113.7")
    assert other.status_code == 400


def test_a_forwarding_header_counts_only_from_a_trusted_proxy(client, settings, world, result_template, keys):
    _dossier, document = issued(world)
    settings.MOTCUA_VERIFY_UPLOADS_PER_CLIENT = 1
    first = _upload(client, document.public_id, b"x", REMOTE_ADDR="198.51.100.9")
    assert first.status_code == 400
    # A client writing its own X-Forwarded-For does not become someone else.
    spoofed = _upload(
        client, document.public_id, b"x", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="192.0.2.1"
    )
    assert spoofed.status_code == 429
    # Behind the configured proxy, each client named by the proxy has its own count.
    settings.MOTCUA_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for address, status in (("192.0.2.1", 400), ("192.0.2.2", 400), ("192.0.2.1", 429)):
        response = _upload(
            client, document.public_id, b"x", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=address
        )
        assert response.status_code == status, address


def test_the_window_passes_and_uploads_are_accepted_again(settings, db):
    settings.MOTCUA_VERIFY_UPLOADS_PER_CLIENT = 2
    settings.MOTCUA_VERIFY_WINDOW_MINUTES = 10
    start = timezone.now()
    services.count_upload(client="192.0.2.50", now=start)
    services.count_upload(client="192.0.2.50", now=start + dt.timedelta(minutes=1))
    with pytest.raises(DomainError) as error:
        services.count_upload(client="192.0.2.50", now=start + dt.timedelta(minutes=9))
    assert error.value.code == "signing.upload_throttled"
    services.count_upload(client="192.0.2.50", now=start + dt.timedelta(minutes=10, seconds=1))
    # the address is kept only as its hash
    assert not VerificationUpload.objects.filter(client__contains="192.0.2").exists()
