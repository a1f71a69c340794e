"""Poppler's ``pdfsig`` cross-checks our signatures' certificates, not only their integrity: an NSS database
holding only the test PKI's root (``certutil``, Debian ``libnss3-tools``, installed by ``make test``) makes
it validate the chain and ask the test PKI's OCSP responder (a real process on loopback) about revocation."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from motcua.signing.pades import sign_pdf

from .pades_pdfs import LEADER_BOX, pkcs12_source, simple_pdf

VALID = "Signature Validation: Signature is Valid."
TRUSTED = "Certificate Validation: Certificate is Trusted."


def nss_database(tmp_path, pem, *, trust: str) -> str:
    """A new NSS database trusting ``pem`` as ``trust`` (SSL,S/MIME,code signing: "C,C,C" a CA)."""
    if shutil.which("certutil") is None:
        pytest.fail("certutil (Debian libnss3-tools) is missing: `make test` installs it")
    directory = tmp_path / "nss"
    directory.mkdir()
    database = f"sql:{directory}"
    subprocess.run(["certutil", "-N", "--empty-password", "-d", database], check=True, capture_output=True)
    subprocess.run(
        ["certutil", "-A", "-n", "motcua-test", "-t", trust, "-i", str(pem), "-d", database],
        check=True,
        capture_output=True,
    )
    return database


def pdfsig_report(data: bytes, tmp_path, database: str) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    result = subprocess.run(["pdfsig", "-nssdir", database, str(path)], capture_output=True, text=True)
    return result.stdout


def signed_by(cert) -> bytes:
    return sign_pdf(
        simple_pdf(),
        source=pkcs12_source(cert),
        field_name="ChuKyLanhDao",
        box=LEADER_BOX,
        appearance="Trần Thị Bình\nPhó Chủ tịch",
    )


@pytest.fixture
def leader(pki):
    return pki.pki.issue("signer", "Trần Thị Bình", organization="Ủy ban nhân dân phường Thuận Hóa")


def test_pdfsig_trusts_a_signature_chained_to_the_test_root(pki, leader, tmp_path):
    database = nss_database(tmp_path, pki.pki.root_pem_path, trust="C,C,C")

    report = pdfsig_report(signed_by(leader), tmp_path, database)

    assert VALID in report
    assert TRUSTED in report


def test_pdfsig_reports_a_revoked_signer_certificate(pki, leader, tmp_path):
    signed = signed_by(leader)
    pki.pki.revoke(leader.serial)
    database = nss_database(tmp_path, pki.pki.root_pem_path, trust="C,C,C")

    report = pdfsig_report(signed, tmp_path, database)

    assert VALID in report  # the bytes are intact …
    assert "Certificate Validation: Certificate has been Revoked." in report  # … the signer is not


def test_pdfsig_does_not_trust_a_chain_whose_root_is_not_trusted(leader, tmp_path):
    # The database knows only the leader's own certificate, not as a CA: the chain ends at nothing trusted.
    database = nss_database(tmp_path, leader.cert_pem_path, trust="P,P,P")

    report = pdfsig_report(signed_by(leader), tmp_path, database)

    assert VALID in report
    assert TRUSTED not in report
