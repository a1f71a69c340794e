"""Signing a result PDF in PAdES with a PKCS#12 key from the test PKI (refservices.pki)."""

from __future__ import annotations

import subprocess
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.core.errors import DomainError
from motcua.signing.keys import KEY_UNAVAILABLE, KeySource
from motcua.signing.pades import sign_pdf

from .pades_pdfs import LEADER_BOX, SEAL_BOX, pkcs12_source, simple_pdf

LEADER_APPEARANCE = "Nguyễn Văn An\nChủ tịch\nỦy ban nhân dân phường Phú Hội"


@pytest.fixture(scope="module")
def leader(pki):
    return pki.pki.issue("signer", "Nguyễn Văn An", organization="Ủy ban nhân dân phường Phú Hội")


@pytest.fixture(scope="module")
def agency(pki):
    return pki.pki.issue("seal", "Ủy ban nhân dân phường Phú Hội")


def sign_as_leader(pdf: bytes, leader, **options) -> bytes:
    return sign_pdf(
        pdf,
        source=pkcs12_source(leader),
        field_name="ChuKyLanhDao",
        box=LEADER_BOX,
        appearance=LEADER_APPEARANCE,
        reason="Ký ban hành văn bản",
        **options,
    )


def pdfsig(data: bytes, tmp_path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout


def test_a_leader_signs_in_pades_with_the_appearance_text(leader, settings):
    signed = sign_as_leader(simple_pdf(), leader)

    reader = PdfFileReader(BytesIO(signed))
    (signature,) = reader.embedded_signatures
    assert signature.field_name == "ChuKyLanhDao"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.signer_cert.subject.native["common_name"] == "Nguyễn Văn An"
    assert signature.sig_object["/Reason"] == "Ký ban hành văn bản"
    assert signature.sig_object["/Location"] == "Huế"
    # the visible appearance sits in the signature block's box
    widget = signature.sig_field
    assert [round(float(v)) for v in widget["/Rect"]] == [330, 90, 560, 170]


def test_poppler_pdfsig_says_the_signature_is_valid(leader, tmp_path):
    if subprocess.run(["which", "pdfsig"], capture_output=True).returncode:
        pytest.fail("pdfsig (Debian poppler-utils) is missing: `make test` installs it")
    report = pdfsig(sign_as_leader(simple_pdf(), leader), tmp_path)

    assert "Signature Validation: Signature is Valid." in report
    assert "Signer Certificate Common Name: Nguyễn Văn An" in report
    assert "Signature Type: ETSI.CAdES.detached" in report
    assert "Total document signed" in report


def test_the_seal_goes_on_after_the_leader_as_an_incremental_update(leader, agency, tmp_path):
    by_leader = sign_as_leader(simple_pdf(), leader)
    sealed = sign_pdf(
        by_leader,
        source=pkcs12_source(agency),
        field_name="DauCoQuan",
        box=SEAL_BOX,
        appearance="Ủy ban nhân dân phường Phú Hội",
    )

    assert sealed.startswith(by_leader)  # the leader's bytes untouched
    first, second = PdfFileReader(BytesIO(sealed)).embedded_signatures
    assert first.signer_cert.subject.native["common_name"] == "Nguyễn Văn An"
    assert second.signer_cert.subject.native["common_name"] == "Ủy ban nhân dân phường Phú Hội"
    report = pdfsig(sealed, tmp_path)
    assert report.count("Signature Validation: Signature is Valid.") == 2
    assert "Total document signed" in report.split("Signature #2")[1]


def test_a_wrong_passphrase_leaves_the_key_unavailable(leader, monkeypatch):
    monkeypatch.setenv("MOTCUA_TEST_WRONG_PASSPHRASE", "not-the-passphrase")
    source = KeySource(kind="pkcs12", ref=str(leader.pkcs12_path), secret_env="MOTCUA_TEST_WRONG_PASSPHRASE")

    with pytest.raises(DomainError) as refused:
        sign_pdf(simple_pdf(), source=source, field_name="X", box=LEADER_BOX, appearance="X")
    assert refused.value.code == KEY_UNAVAILABLE


def test_an_unreachable_time_stamping_authority_signs_nothing(leader):
    from motcua.signing.pades import TIMESTAMP_UNAVAILABLE

    with pytest.raises(DomainError) as refused:
        sign_as_leader(simple_pdf(), leader, timestamp_url="http://127.0.0.1:9/tsa")
    assert refused.value.code == TIMESTAMP_UNAVAILABLE


def _appearance_font(signature) -> tuple[str, set[str]]:
    """The text a signature's appearance can show (its font's ToUnicode map) and the characters whose glyphs
    have outlines in the embedded font program."""
    from fontTools.ttLib import TTFont

    appearance = signature.sig_field["/AP"]["/N"]
    fonts = []

    def collect(xobject):
        resources = xobject.get("/Resources", {})
        fonts.extend(font.get_object() for font in resources.get("/Font", {}).values())
        for inner in resources.get("/XObject", {}).values():
            collect(inner.get_object())

    collect(appearance)
    (font,) = fonts
    mapped = font["/ToUnicode"].data.decode("ascii")
    descendant = font["/DescendantFonts"][0].get_object()
    program = TTFont(BytesIO(descendant["/FontDescriptor"]["/FontFile2"].data))
    glyf = program["glyf"]
    drawn = {chr(code) for code, name in program.getBestCmap().items() if glyf[name].numberOfContours != 0}
    return mapped, drawn


def test_one_key_signs_documents_one_after_another_each_signature_its_own(leader, tmp_path):
    # The PKCS#12 key, its certificate's signed attributes and the appearance font are prepared once per
    # process: each signature still carries its own document's digest and its own appearance text.
    first = sign_pdf(
        simple_pdf("Giấy khai sinh số 01"),
        source=pkcs12_source(leader),
        field_name="ChuKyLanhDao",
        box=LEADER_BOX,
        appearance="Nguyễn Văn An\nChủ tịch",
    )
    second = sign_pdf(
        simple_pdf("Giấy chứng nhận kết hôn số 02"),
        source=pkcs12_source(leader),
        field_name="ChuKyLanhDao",
        box=LEADER_BOX,
        appearance="Trần Thị Quỳnh\nPhó Chủ tịch",
    )

    for signed in (first, second):
        report = pdfsig(signed, tmp_path)
        assert "Signature Validation: Signature is Valid." in report
        assert "Total document signed" in report
    (one,) = PdfFileReader(BytesIO(first)).embedded_signatures
    (other,) = PdfFileReader(BytesIO(second)).embedded_signatures
    # Each signed attribute set carries its own document's digest (pdfsig checked it against the bytes).
    digests = [s.signer_info["signed_attrs"].dump() for s in (one, other)]
    assert digests[0] != digests[1]
    one_text, one_drawn = _appearance_font(one)
    other_text, other_drawn = _appearance_font(other)
    assert {"ễ", "A"} <= one_drawn and not {"ỳ", "Q", "P"} & one_drawn
    assert {"ỳ", "Q", "P"} <= other_drawn and not {"ễ", "A"} & other_drawn
    assert one_text != other_text
