"""Remote signing through the Cloud Signature Consortium API (``KeySource(kind="csc")``) against the reference
peer (refservices.csc, a real process over the test PKI)."""

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

LEADER = "Trương Văn Từ Xa"
AGENCY = "Ủy ban nhân dân xã Phú Vang"
TOKEN_ENV = "MOTCUA_TEST_CSC_TOKEN"
LOGIN_ENV = "MOTCUA_TEST_CSC_LOGIN"
UNKNOWN_CREDENTIAL = "Dịch vụ ký số từ xa không có chứng thư (credential) đã cấu hình cho khóa ký này."


@pytest.fixture(scope="module")
def remote_leader(pki):
    """A leader's certificate whose key the remote service keeps (issued by the test PKI before use)."""
    return pki.pki.issue("signer", LEADER, organization=AGENCY)


@pytest.fixture
def csc(csc_process, monkeypatch):
    csc_process.start()  # a test may have stopped it
    monkeypatch.setenv(TOKEN_ENV, csc_process.access_token)
    monkeypatch.setenv(LOGIN_ENV, f"{csc_process.username}:{csc_process.password}")
    yield csc_process
    csc_process.start()


def remote_source(csc, credential_id: str, **options: str) -> KeySource:
    return KeySource(kind="csc", ref=credential_id, secret_env=TOKEN_ENV, options={"url": csc.url, **options})


def sign_remotely(pdf: bytes, source: KeySource) -> bytes:
    return sign_pdf(
        pdf,
        source=source,
        field_name="ChuKyLanhDao",
        box=LEADER_BOX,
        appearance=f"{LEADER}\nChủ tịch\n{AGENCY}",
        reason="Ký ban hành văn bản",
    )


@pytest.mark.usefixtures("pki_settings")
def test_a_pdf_signed_by_the_remote_service_validates(csc, remote_leader, tmp_path):
    signed = sign_remotely(simple_pdf(), remote_source(csc, csc.credential_id(remote_leader)))

    report = validate_pdf(signed)
    assert report.ok, report.summary
    (check,) = report.signatures
    assert check.intact and check.valid and check.trusted
    (embedded,) = PdfFileReader(BytesIO(signed)).embedded_signatures
    assert embedded.signer_cert.serial_number == remote_leader.serial
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"

    path = tmp_path / "remote.pdf"
    path.write_bytes(signed)
    text = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
    assert "Signature Validation: Signature is Valid." in text
    assert f"Signer Certificate Common Name: {LEADER}" in text


@pytest.mark.usefixtures("pki_settings")
def test_basic_user_credentials_are_exchanged_for_an_access_token(csc, remote_leader):
    source = KeySource(
        kind="csc",
        ref=csc.credential_id(remote_leader),
        secret_env=LOGIN_ENV,
        options={"url": csc.url, "auth": "basic"},
    )

    assert validate_pdf(sign_remotely(simple_pdf(), source)).ok


def test_the_service_down_is_a_plain_error(csc, remote_leader):
    source = remote_source(csc, csc.credential_id(remote_leader))
    csc.stop()

    with pytest.raises(DomainError) as refused:
        load_signer(source)

    assert refused.value.code == KEY_UNAVAILABLE
    assert str(refused.value) == "Không kết nối được dịch vụ ký số từ xa; vui lòng thử lại sau."
    assert csc.url.split("//")[1] in refused.value.reason  # the address is for the log only


def test_the_service_going_down_while_signing_is_a_plain_error(csc, remote_leader):
    signer = load_signer(remote_source(csc, csc.credential_id(remote_leader)))
    csc.stop()
    from motcua.signing.pades import sign_with

    with pytest.raises(DomainError) as refused:
        sign_with(simple_pdf(), signer=signer, field_name="ChuKy", box=LEADER_BOX, appearance=LEADER)

    assert refused.value.code == KEY_UNAVAILABLE
    assert str(refused.value) == "Không kết nối được dịch vụ ký số từ xa; vui lòng thử lại sau."


@pytest.mark.parametrize("credential_id", ["motcua-test/khong-co", "motcua-test/root", "khong-co-dau-gach"])
def test_an_unknown_credential_is_refused(csc, credential_id):
    """Nor may anyone sign with the PKI's own CA keys through the service."""
    with pytest.raises(DomainError) as refused:
        load_signer(remote_source(csc, credential_id))

    assert refused.value.code == KEY_UNAVAILABLE
    assert str(refused.value) == UNKNOWN_CREDENTIAL


def test_a_wrong_access_token_is_refused(csc, remote_leader, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "not-the-token")

    with pytest.raises(DomainError) as refused:
        load_signer(remote_source(csc, csc.credential_id(remote_leader)))

    assert refused.value.code == KEY_UNAVAILABLE
    assert "từ chối khóa truy cập" in str(refused.value)
    assert "401" in refused.value.reason


def test_a_certificate_whose_key_is_in_a_token_is_not_a_remote_credential(csc, pki):
    from cryptography.hazmat.primitives.asymmetric import ec

    elsewhere = pki.pki.issue(
        "signer", "Khóa Ở Token", public_key=ec.generate_private_key(ec.SECP256R1()).public_key()
    )

    with pytest.raises(DomainError) as refused:
        load_signer(remote_source(csc, csc.credential_id(elsewhere)))

    assert refused.value.code == KEY_UNAVAILABLE
    assert str(refused.value) == UNKNOWN_CREDENTIAL


def test_a_service_that_never_answers_is_given_up_after_the_timeout(csc, remote_leader):
    import socket

    with socket.socket() as silent:  # accepts connections (the kernel's backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        source = remote_source(csc, csc.credential_id(remote_leader), url=url, timeout="0.5")

        with pytest.raises(DomainError) as refused:
            load_signer(source)

    assert refused.value.code == KEY_UNAVAILABLE
    assert "Timeout" in refused.value.reason


REVOKED = "Chứng thư số của khóa ký từ xa đã bị thu hồi hoặc khóa ký đã bị vô hiệu hóa"


def _post(csc, endpoint: str, body: dict) -> tuple[int, dict]:
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{csc.url}/csc/v1/{endpoint}",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {csc.access_token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_the_peer_disables_the_credential_of_a_revoked_certificate(csc, pki):
    revoked = pki.pki.issue("signer", "Người Bị Thu Hồi", organization=AGENCY)
    credential = csc.credential_id(revoked)
    status, info = _post(csc, "credentials/info", {"credentialID": credential})
    assert status == 200 and info["key"]["status"] == "enabled"

    pki.pki.revoke(revoked.serial)

    status, info = _post(csc, "credentials/info", {"credentialID": credential})
    assert status == 200
    assert (info["key"]["status"], info["cert"]["status"]) == ("disabled", "revoked")
    for endpoint, body in (
        ("credentials/authorize", {"credentialID": credential, "numSignatures": 1, "hash": ["AAAA"]}),
        ("signatures/signHash", {"credentialID": credential, "SAD": "x", "hash": ["AAAA"], "signAlgo": "1"}),
    ):
        status, answer = _post(csc, endpoint, body)
        assert status == 400, endpoint
        assert answer["error"] == "invalid_request" and "disabled" in answer["error_description"]


def test_a_revoked_remote_certificate_is_a_clear_refusal_at_loading(csc, pki):
    revoked = pki.pki.issue("signer", "Người Bị Thu Hồi Hai", organization=AGENCY)
    pki.pki.revoke(revoked.serial)

    with pytest.raises(DomainError) as refused:
        load_signer(remote_source(csc, csc.credential_id(revoked)))

    assert refused.value.code == KEY_UNAVAILABLE
    assert str(refused.value).startswith(REVOKED)
    assert "revoked" in refused.value.reason


def test_a_certificate_revoked_while_signing_is_a_clear_refusal(csc, pki):
    """Loaded while valid, revoked before the hash is authorized: the CSC error is read, not a bare 400."""
    from motcua.signing.pades import sign_with

    revoked = pki.pki.issue("signer", "Người Bị Thu Hồi Ba", organization=AGENCY)
    signer = load_signer(remote_source(csc, csc.credential_id(revoked)))
    pki.pki.revoke(revoked.serial)

    with pytest.raises(DomainError) as refused:
        sign_with(simple_pdf(), signer=signer, field_name="ChuKy", box=LEADER_BOX, appearance=LEADER)

    assert refused.value.code == KEY_UNAVAILABLE
    assert str(refused.value).startswith(REVOKED)
    assert "invalid_request" in refused.value.reason and "disabled" in refused.value.reason


@pytest.mark.usefixtures("pki_settings")
def test_the_signature_job_of_a_revoked_remote_key_fails_with_the_reason(csc, pki, world, result_template):
    from motcua.signing import services, worker
    from motcua.signing.models import JobState, SigningKey

    from .flow_helpers import at_sign_step, authenticator, code

    leader = world.leader_pv.staff
    revoked = pki.pki.issue("signer", leader.full_name, organization=world.ubnd_phu_vang.name)
    SigningKey.objects.create(
        staff=leader,
        source_kind="csc",
        ref=csc.credential_id(revoked),
        secret_env=TOKEN_ENV,
        options={"url": csc.url},
    )
    pki.pki.revoke(revoked.serial)
    dossier = at_sign_step(world)
    job = services.sign(dossier=dossier, by=world.leader_pv, token=code(authenticator(world.leader_pv)))

    failed = worker.run(job.pk)

    assert failed.state == JobState.FAILED
    assert failed.error.startswith(REVOKED)
    document = failed.document
    document.refresh_from_db()
    assert document.number == ""  # the register's number was given back (no gap)
