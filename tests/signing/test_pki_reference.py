"""The test PKI (refservices.pki): new keys at every set-up, certificates pointing at the served process,
revocation visible in OCSP and the CRL, certificates for keys made elsewhere (an HSM token)."""

from __future__ import annotations

import subprocess
import sys
import urllib.request

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtensionOID

from refservices.pki import Pki


def certificate(issued) -> x509.Certificate:
    return x509.load_pem_x509_certificate(issued.cert_pem_path.read_bytes())


def ocsp_status(pki, issued) -> ocsp.OCSPCertStatus:
    issuer = x509.load_pem_x509_certificate(pki.intermediate_pem_path.read_bytes())
    request = ocsp.OCSPRequestBuilder().add_certificate(certificate(issued), issuer, hashes.SHA256()).build()
    http = urllib.request.Request(
        pki.ocsp_url,
        data=request.public_bytes(serialization.Encoding.DER),
        headers={"Content-Type": "application/ocsp-request"},
    )
    with urllib.request.urlopen(http, timeout=30) as response:
        answer = ocsp.load_der_ocsp_response(response.read())
    assert answer.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    return answer.certificate_status


def crl_serials(pki) -> set[int]:
    with urllib.request.urlopen(pki.crl_url, timeout=30) as response:
        crl = x509.load_der_x509_crl(response.read())
    issuer = x509.load_pem_x509_certificate(pki.intermediate_pem_path.read_bytes())
    assert crl.is_signature_valid(issuer.public_key())
    return {entry.serial_number for entry in crl}


def test_every_set_up_makes_new_keys(tmp_path):
    first = Pki.setup(tmp_path / "a", url="http://127.0.0.1:9")
    second = Pki.setup(tmp_path / "b", url="http://127.0.0.1:9")

    assert first.root_pem_path.read_bytes() != second.root_pem_path.read_bytes()
    assert (first.directory / "keys" / "root.key.pem").stat().st_mode & 0o077 == 0  # private keys: owner only
    # set-up again keeps the PKI (the demo runs it at every start)
    assert Pki.setup(tmp_path / "a", url="http://127.0.0.1:9").root_pem_path.read_bytes() == (
        first.root_pem_path.read_bytes()
    )
    with pytest.raises(ValueError):
        Pki.setup(tmp_path / "a", url="http://127.0.0.1:10")


def test_loading_the_pki_and_finding_a_certificate_do_not_grow_with_the_certificates_issued(
    tmp_path, monkeypatch
):
    """The served process reloads after every certificate issued or revoked, and its OCSP responder then
    finds the certificate asked about: neither reads the issued certificates' private keys, nor builds
    them (certomancer's own lookup built every certificate the CA issued until the serial matched, each
    with its private key loaded: an answer outlasted a validator's 10 s wait late in a test session)."""
    import certomancer.registry.keys as certomancer_keys
    from asn1crypto import ocsp as asn1_ocsp
    from certomancer.registry import EntityLabel

    pki = Pki.setup(tmp_path / "pki", url="http://127.0.0.1:9")
    issued = [pki.issue("signer", f"Người ký {n}", organization="UBND phường Thuận Hóa") for n in range(3)]
    loaded: list[object] = []
    original = certomancer_keys.load_private_key
    monkeypatch.setattr(
        certomancer_keys,
        "load_private_key",
        lambda *args, **kwargs: loaded.append(args) or original(*args, **kwargs),
    )

    architecture = pki.architecture()
    built: list[object] = []
    build = architecture.get_cert
    monkeypatch.setattr(architecture, "get_cert", lambda label: built.append(label) or build(label))
    asked = asn1_ocsp.CertId(
        {
            "hash_algorithm": {"algorithm": "sha1"},
            "issuer_name_hash": bytes(20),
            "issuer_key_hash": bytes(20),
            "serial_number": issued[1].serial,
        }
    )
    assert architecture.find_cert_label(asked, issuer_label=EntityLabel("interm")) == issued[1].label
    assert (loaded, built) == ([], [])
    # a certificate built on demand reads its issuers' keys only (root, then the issuing CA)
    assert architecture.get_cert(issued[2].label).dump() == certificate(issued[2]).public_bytes(
        serialization.Encoding.DER
    )
    assert len(loaded) == 2


def test_a_leader_certificate_points_at_the_served_crl_and_ocsp(pki):
    leader = pki.pki.issue("signer", "Phạm Văn Đức", organization="Ủy ban nhân dân phường Thuận Hòa")
    cert = certificate(leader)

    names = {attribute.oid._name: attribute.value for attribute in cert.subject}
    assert names["commonName"] == "Phạm Văn Đức"
    assert names["organizationName"] == "Ủy ban nhân dân phường Thuận Hòa"
    usage = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    assert usage.content_commitment and usage.digital_signature  # non-repudiation
    (point,) = cert.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
    assert point.full_name[0].value == pki.pki.crl_url
    (access,) = cert.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_INFORMATION_ACCESS).value
    assert access.access_method == AuthorityInformationAccessOID.OCSP
    assert access.access_location.value == pki.pki.ocsp_url
    assert pki.pki.url == pki.url  # the served process's address

    key, in_file, chain = pkcs12.load_key_and_certificates(
        leader.pkcs12_path.read_bytes(), leader.passphrase.encode()
    )
    assert in_file == cert and key is not None
    assert [c.subject.rfc4514_string() for c in chain] == [
        "CN=motcua Test Issuing CA,O=motcua test PKI,C=VN",
        "CN=motcua Test Root CA,O=motcua test PKI,C=VN",
    ]


def test_a_revoked_certificate_shows_in_ocsp_and_the_crl(pki):
    seal = pki.pki.issue("seal", "Ủy ban nhân dân phường Vỹ Dạ")
    assert ocsp_status(pki.pki, seal) == ocsp.OCSPCertStatus.GOOD
    assert seal.serial not in crl_serials(pki.pki)

    pki.pki.revoke(seal.serial)

    assert ocsp_status(pki.pki, seal) == ocsp.OCSPCertStatus.REVOKED
    assert seal.serial in crl_serials(pki.pki)


def test_a_key_made_elsewhere_gets_a_certificate_and_no_pkcs12(pki):
    key = ec.generate_private_key(ec.SECP256R1())  # stands for a key generated inside a token

    issued = pki.pki.issue("signer", "Hoàng Thị Hoa", key.public_key())

    assert issued.pkcs12_path is None
    assert certificate(issued).public_key() == key.public_key()
    assert ocsp_status(pki.pki, issued) == ocsp.OCSPCertStatus.GOOD
    # the same from the DER SubjectPublicKeyInfo a token hands out
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    again = pki.pki.issue("seal", "Ủy ban nhân dân phường An Cựu", der)
    assert certificate(again).public_key() == key.public_key()


def test_the_command_line_sets_up_and_issues(tmp_path):
    folder = tmp_path / "cli"
    run = [sys.executable, "-m", "refservices.pki"]

    made = subprocess.run(
        [*run, "setup", "--dir", str(folder), "--port", "18199"], capture_output=True, text=True
    )
    issued = subprocess.run(
        [*run, "issue", "--dir", str(folder), "seal", "Ủy ban nhân dân thành phố Huế"],
        capture_output=True,
        text=True,
    )

    assert made.returncode == 0, made.stderr
    assert issued.returncode == 0, issued.stderr
    assert "http://127.0.0.1:18199/motcua-test/tsa/tsa" in made.stdout
    (entry,) = Pki(folder).issued()
    assert entry.kind == "seal" and entry.pkcs12_path and entry.pkcs12_path.exists()
    assert str(entry.pkcs12_path) in issued.stdout
