"""Signing with a key kept in a PKCS#11 token (SoftHSM2): made inside the token, never extractable,
certified by the test PKI, used through ``KeySource(kind="pkcs11")``."""

from __future__ import annotations

import subprocess
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.core.errors import DomainError
from motcua.signing.keys import KEY_UNAVAILABLE, KeySource, load_signer
from motcua.signing.pades import sign_pdf
from motcua.signing.validation import validate_pdf

from .pades_pdfs import LEADER_BOX, simple_pdf

LEADER = "Hoàng Thị Bảo Mật"
AGENCY = "Ủy ban nhân dân phường Thuận Hóa"


@pytest.fixture(scope="module")
def token_leader(softhsm, pki):
    """An RSA key made in the token, its certificate issued by the test PKI and stored beside it with the CA
    certificates."""
    public_key = softhsm.generate_key("lanh-dao-rsa")
    issued = pki.pki.issue("signer", LEADER, public_key=public_key, organization=AGENCY)
    softhsm.store_certificate("lanh-dao-rsa", issued.cert_pem)
    softhsm.store_certificate("ca", issued.chain_pem_path.read_bytes())
    return issued


def sign_with_token(pdf: bytes, source: KeySource) -> bytes:
    return sign_pdf(
        pdf,
        source=source,
        field_name="ChuKyLanhDao",
        box=LEADER_BOX,
        appearance=f"{LEADER}\nChủ tịch\n{AGENCY}",
        reason="Ký ban hành văn bản",
    )


def pdfsig(data: bytes, tmp_path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout


def test_the_key_made_in_the_token_cannot_be_read_nor_wrapped_out(softhsm, token_leader):
    from pkcs11 import Attribute, KeyType
    from pkcs11.exceptions import AttributeSensitive, KeyUnextractable

    with softhsm.session() as session:
        key = softhsm.private_key(session, "lanh-dao-rsa")
        assert key[Attribute.SENSITIVE] and key[Attribute.ALWAYS_SENSITIVE]
        assert not key[Attribute.EXTRACTABLE] and key[Attribute.NEVER_EXTRACTABLE]
        with pytest.raises(AttributeSensitive):
            key[Attribute.PRIVATE_EXPONENT]
        with pytest.raises(AttributeSensitive):
            key[Attribute.PRIME_1]
        wrapping = session.generate_key(KeyType.AES, 256, store=False)
        with pytest.raises(KeyUnextractable):
            wrapping.wrap_key(key)


@pytest.mark.usefixtures("pki_settings")
def test_a_pdf_signed_with_the_token_key_validates_with_pyhanko_and_pdfsig(softhsm, token_leader, tmp_path):
    signed = sign_with_token(simple_pdf(), softhsm.key_source("lanh-dao-rsa"))

    report = validate_pdf(signed)
    (check,) = report.signatures
    assert report.ok, report.summary
    assert check.intact and check.valid and check.trusted and check.covers_whole_file
    assert LEADER in check.signer
    (embedded,) = PdfFileReader(BytesIO(signed)).embedded_signatures
    assert embedded.signer_cert.serial_number == token_leader.serial

    if subprocess.run(["which", "pdfsig"], capture_output=True).returncode:
        pytest.fail("pdfsig (Debian poppler-utils) is missing: `make test` installs it")
    text = pdfsig(signed, tmp_path)
    assert "Signature Validation: Signature is Valid." in text
    assert f"Signer Certificate Common Name: {LEADER}" in text
    assert "Total document signed" in text


@pytest.mark.usefixtures("pki_settings")
def test_an_ec_key_in_the_token_signs_too_with_its_certificate_kept_beside_it(softhsm, pki, tmp_path):
    public_key = softhsm.generate_key("dau-ec", algorithm="ec")
    seal = pki.pki.issue("seal", AGENCY, public_key=public_key)

    # the certificate is not in the token: the key source names the files
    source = softhsm.key_source("dau-ec", certificate=str(seal.cert_pem_path), chain=str(seal.chain_pem_path))
    signed = sign_with_token(simple_pdf(), source)

    report = validate_pdf(signed)
    assert report.ok, report.summary
    (embedded,) = PdfFileReader(BytesIO(signed)).embedded_signatures
    assert embedded.signer_cert.public_key.algorithm == "ec"
    assert "Signature Validation: Signature is Valid." in pdfsig(signed, tmp_path)


@pytest.mark.usefixtures("pki_settings")
def test_a_changed_byte_in_a_token_signed_pdf_is_detected(softhsm, token_leader):
    signed = bytearray(sign_with_token(simple_pdf(), softhsm.key_source("lanh-dao-rsa")))
    at = bytes(signed).index(b"/Producer (") + len(b"/Producer (")  # inside the signed range, still a PDF
    signed[at] ^= 0x01

    report = validate_pdf(bytes(signed))
    assert not report.ok
    assert not report.signatures[0].intact


def test_the_signer_is_made_through_load_signer_and_closes_its_session(softhsm, token_leader):
    from pkcs11.exceptions import SessionHandleInvalid

    signer = load_signer(softhsm.key_source("lanh-dao-rsa"))
    assert signer.signing_cert.serial_number == token_leader.serial
    signer.close()
    with pytest.raises(SessionHandleInvalid):
        signer.pkcs11_session.generate_random(64)


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        (
            "motcua-test/khong-co-khoa",
            "Token ký số “motcua-test” không có khóa “khong-co-khoa” kèm chứng thư số.",
        ),
        (
            "token-khac/lanh-dao-rsa",
            "Không mở được token ký số “token-khac” (không thấy token hoặc mã PIN bị từ chối).",
        ),
        (
            "chi-co-nhan-token",
            "Khóa trong token PKCS#11 phải được ghi dạng “nhãn token/nhãn khóa”, "
            "không phải “chi-co-nhan-token”.",
        ),
    ],
)
def test_an_unknown_key_or_token_is_refused_plainly(softhsm, token_leader, ref, message):
    source = softhsm.key_source("lanh-dao-rsa")
    with pytest.raises(DomainError) as refused:
        load_signer(KeySource(kind="pkcs11", ref=ref, secret_env=source.secret_env, options=source.options))

    assert refused.value.code == KEY_UNAVAILABLE
    assert str(refused.value) == message


def test_a_wrong_pin_is_refused_by_the_token(softhsm, token_leader, monkeypatch):
    monkeypatch.setenv("MOTCUA_TEST_WRONG_PIN", "00000000" if softhsm.pin != "00000000" else "11111111")
    source = softhsm.key_source("lanh-dao-rsa")

    with pytest.raises(DomainError) as refused:
        load_signer(
            KeySource(
                kind="pkcs11", ref=source.ref, secret_env="MOTCUA_TEST_WRONG_PIN", options=source.options
            )
        )

    assert refused.value.code == KEY_UNAVAILABLE
    assert "mã PIN bị từ chối" in str(refused.value)
    assert "PinIncorrect" in refused.value.reason


def test_a_missing_module_is_refused_before_touching_a_token(softhsm):
    source = softhsm.key_source("lanh-dao-rsa", module="/nonexistent/libpkcs11.so")

    with pytest.raises(DomainError) as refused:
        load_signer(source)

    assert refused.value.code == KEY_UNAVAILABLE
    assert "/nonexistent" in refused.value.reason  # for the log, not in the officer's message
    assert "/nonexistent" not in str(refused.value)


def test_a_token_signature_gets_the_reference_tsa_time_stamp(softhsm, token_leader, pki, pki_settings):
    signed = sign_pdf(
        simple_pdf(),
        source=softhsm.key_source("lanh-dao-rsa"),
        field_name="ChuKyLanhDao",
        box=LEADER_BOX,
        appearance=LEADER,
        timestamp_url=pki.pki.timestamp_url,
    )

    report = validate_pdf(signed)
    assert report.ok, report.summary
    assert report.signatures[0].timestamped
