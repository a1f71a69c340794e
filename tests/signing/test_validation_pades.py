"""Validating signed PDFs against the test PKI: valid, altered, untrusted, revoked, time-stamped, sealed,
and files that are not signed PDFs."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.signing.pades import sign_pdf
from motcua.signing.validation import NOT_PDF, NOT_SIGNED, validate_pdf
from refservices.pki import Pki

from .pades_pdfs import LEADER_BOX, SEAL_BOX, pkcs12_source, simple_pdf

AGENCY = "Ủy ban nhân dân phường Phú Hội"


@pytest.fixture(scope="module")
def leader(pki):
    return pki.pki.issue("signer", "Trần Thị Bình", organization=AGENCY)


@pytest.fixture(scope="module")
def agency(pki):
    return pki.pki.issue("seal", AGENCY)


def signed_by(
    issued, pdf: bytes | None = None, *, field_name: str = "ChuKyLanhDao", box=LEADER_BOX, **options
):
    return sign_pdf(
        simple_pdf() if pdf is None else pdf,
        source=pkcs12_source(issued),
        field_name=field_name,
        box=box,
        appearance=f"{issued.name}\n{AGENCY}",
        **options,
    )


def test_a_signature_from_the_trusted_pki_is_valid(pki_settings, leader):
    report = validate_pdf(signed_by(leader))

    assert report.ok and report.problem == ""
    (check,) = report.signatures
    assert (check.signer, check.organization) == ("Trần Thị Bình", AGENCY)
    assert check.intact and check.valid and check.trusted and check.covers_whole_file
    assert not check.revoked and not check.timestamped
    assert check.signed_at is not None
    assert check.summary.startswith("Chữ ký của Trần Thị Bình hợp lệ; thời điểm ký theo máy của người ký: ")
    assert "+07:00" in check.summary
    assert report.summary == (
        "Văn bản có 1 chữ ký số, tất cả đều hợp lệ; văn bản không bị thay đổi sau khi ký."
    )


def test_a_one_byte_change_is_detected(pki_settings, leader):
    signed = signed_by(leader)
    at = signed.index(b"/Producer") + len(b"/Producer (")  # inside the signed range, the PDF still parses
    altered = signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :]
    assert len(altered) == len(signed) and altered != signed

    report = validate_pdf(altered)

    assert not report.ok
    (check,) = report.signatures
    assert not check.intact
    assert report.summary == (
        "Văn bản đã bị thay đổi sau khi Trần Thị Bình ký: nội dung không còn khớp với chữ ký. "
        "Không sử dụng văn bản này."
    )


def test_a_certificate_from_an_untrusted_ca_is_refused(pki_settings, tmp_path):
    # Another CA, with its own keys, that motcua's trust roots do not include.
    stranger = Pki.setup(tmp_path / "other-ca", url="http://127.0.0.1:9").issue("signer", "Kẻ Mạo Danh")

    report = validate_pdf(signed_by(stranger))

    assert not report.ok
    (check,) = report.signatures
    assert check.intact and check.valid  # the bytes are fine: it is the signer nobody vouches for
    assert not check.trusted and not check.revoked
    assert "Chữ ký của Kẻ Mạo Danh không được xác nhận" in report.summary


def test_a_revoked_signer_certificate_is_reported(pki, pki_settings):
    leaver = pki.pki.issue("signer", "Lê Văn Cũ", organization=AGENCY)
    signed = signed_by(leaver)
    assert validate_pdf(signed).ok  # the OCSP responder says good...

    pki.pki.revoke(leaver.serial)  # ...until the CA revokes the certificate
    report = validate_pdf(signed)

    assert not report.ok
    (check,) = report.signatures
    assert check.revoked and not check.trusted
    assert report.summary.startswith("Chứng thư số của Lê Văn Cũ đã bị thu hồi")


def test_a_b_t_signature_carries_a_time_stamp_from_the_reference_tsa(pki, pki_settings, leader):
    signed = signed_by(leader, timestamp_url=pki.pki.timestamp_url)

    report = validate_pdf(signed)

    assert report.ok
    (check,) = report.signatures
    assert check.timestamped
    assert "được xác nhận bằng dấu thời gian" in check.summary
    (embedded,) = PdfFileReader(BytesIO(signed)).embedded_signatures
    (token,) = (
        attribute["values"][0]
        for attribute in embedded.signer_info["unsigned_attrs"]
        if attribute["type"].native == "signature_time_stamp_token"
    )
    issuers = {cert.chosen.subject.native["common_name"] for cert in token["content"]["certificates"]}
    assert "motcua Test Time-Stamping Authority" in issuers
    assert abs((check.signed_at - datetime.now(UTC)).total_seconds()) < 120


def test_the_leader_then_the_seal_both_valid_the_seal_covering_the_whole_file(
    pki, pki_settings, leader, agency
):
    by_leader = signed_by(leader, timestamp_url=pki.pki.timestamp_url)
    sealed = signed_by(
        agency, by_leader, field_name="DauCoQuan", box=SEAL_BOX, timestamp_url=pki.pki.timestamp_url
    )

    report = validate_pdf(sealed)

    assert report.ok
    first, second = report.signatures
    assert (first.signer, second.signer) == ("Trần Thị Bình", AGENCY)
    assert first.ok and second.ok and first.timestamped and second.timestamped
    assert not first.covers_whole_file and second.covers_whole_file
    assert report.summary.startswith("Văn bản có 2 chữ ký số, tất cả đều hợp lệ")


def test_a_pdf_without_signatures_is_not_signed(pki_settings):
    report = validate_pdf(simple_pdf())

    assert (report.ok, report.problem, report.signatures) == (False, NOT_SIGNED, ())
    assert report.summary == "Tệp PDF này không có chữ ký số."


@pytest.mark.parametrize("data", [b"", b"GIF89a not a pdf at all", b"%PDF-1.7\n garbage without structure"])
def test_a_file_that_is_not_a_pdf_gets_a_clear_answer(pki_settings, data):
    report = validate_pdf(data)

    assert (report.ok, report.problem, report.signatures) == (False, NOT_PDF, ())
    assert report.summary in {
        "Tệp tải lên không phải là tệp PDF.",
        "Không đọc được tệp PDF: tệp bị hỏng hoặc không đúng định dạng.",
    }


def test_content_added_after_the_last_signature_is_reported(pki_settings, leader):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.stamp import TextStamp, TextStampStyle

    signed = signed_by(leader)
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    TextStamp(writer, TextStampStyle(stamp_text="DA SUA: 999 ngay")).apply(0, 60, 500)
    tampered = BytesIO()
    writer.write(tampered)

    report = validate_pdf(tampered.getvalue())

    assert not report.ok
    (check,) = report.signatures
    assert check.intact and check.trusted  # the signed revision itself is untouched...
    assert not check.covers_whole_file  # ...but the page was drawn on afterwards
    assert report.summary == "Văn bản đã bị sửa đổi sau khi Trần Thị Bình ký, theo cách không được phép."
