"""The signing flow: the leader signs at the workflow's sign step with the authenticator's code, the worker
makes a valid PAdES signature with the register's number, the clerk's issue adds the agency's seal and files
the result in the citizen's data store."""

from __future__ import annotations

import hashlib
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.core.errors import DomainError
from motcua.datastore.models import StoredDocument
from motcua.dossiers.models import DossierEvent, EventKind, State
from motcua.signing import files, services, worker
from motcua.signing.models import (
    DocumentKind,
    DocumentTemplate,
    IssuedDocument,
    IssuedStage,
    JobState,
    OutgoingDocumentRegister,
    SignatureJob,
    SignatureKind,
)

from .flow_helpers import at_sign_step, authenticator, code, now


def validate_pdf(data: bytes):
    from motcua.signing.validation import validate_pdf as validate

    return validate(data)


def _unchanged(dossier, version):
    dossier.refresh_from_db()
    assert dossier.version == version
    assert dossier.current_step.step.code == "ky"
    assert not SignatureJob.objects.exists()


def test_the_leader_signs_at_the_sign_step_with_the_authenticator_code(world, result_template):
    dossier = at_sign_step(world)
    device = authenticator(world.leader_pv)

    job = services.sign(dossier=dossier, by=world.leader_pv, token=code(device), now=now())

    dossier.refresh_from_db()
    assert dossier.current_step.step.code == "vao_so"
    assert job.state == JobState.PENDING and job.signature == SignatureKind.LEADER
    assert job.requested_by == world.leader_pv.staff
    event = DossierEvent.objects.filter(dossier=dossier).latest("sequence")
    assert (event.kind, event.action) == (EventKind.STEP_ACTION, "sign")
    # queued for the signing worker in the same transaction
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(queue_name="signing", args_kwargs__args=[job.pk]).exists()


@pytest.mark.parametrize("token", ["", "000000", "12345a"])
def test_a_wrong_or_missing_code_refuses_the_signature_and_changes_nothing(world, result_template, token):
    dossier = at_sign_step(world)
    device = authenticator(world.leader_pv)
    if token == "000000" and code(device) == "000000":
        token = "111111"
    version = dossier.version

    with pytest.raises(DomainError) as error:
        services.sign(dossier=dossier, by=world.leader_pv, token=token, now=now())

    assert error.value.code == "reauth.wrong_code"
    _unchanged(dossier, version)


def test_a_code_is_used_once(world, result_template):
    dossier = at_sign_step(world)
    device = authenticator(world.leader_pv)
    token = code(device)
    services.prepare(dossier=dossier, by=world.leader_pv, now=now())
    from motcua.accounts.services import reauthenticate

    reauthenticate(user=world.leader_pv, token=token)
    with pytest.raises(DomainError) as error:
        services.sign(dossier=dossier, by=world.leader_pv, token=token, now=now())
    assert error.value.code == "reauth.wrong_code"


def test_only_the_holder_of_the_sign_step_signs(world, result_template):
    dossier = at_sign_step(world)
    version = dossier.version
    for other in (world.head_pv, world.leader_px, world.clerk_pv, world.citizen):
        device = authenticator(other)
        with pytest.raises(DomainError) as error:
            services.sign(dossier=dossier, by=other, token=code(device), now=now())
        assert error.value.code == "step.not_allowed"
    _unchanged(dossier, version)


def test_the_leader_cannot_sign_outside_the_sign_step(world, result_template):
    from dossiers.dossier_world import to_review

    dossier = to_review(world)  # at the specialists' review
    device = authenticator(world.leader_pv)
    with pytest.raises(DomainError) as error:
        services.sign(dossier=dossier, by=world.leader_pv, token=code(device), now=now())
    assert error.value.code == "step.not_allowed"
    assert not SignatureJob.objects.exists()


def test_signing_without_a_result_document_is_refused(world):
    DocumentTemplate.objects.filter(kind=DocumentKind.RESULT).delete()  # no result template at all
    dossier = at_sign_step(world)
    version = dossier.version
    device = authenticator(world.leader_pv)

    with pytest.raises(DomainError) as error:
        services.sign(dossier=dossier, by=world.leader_pv, token=code(device), now=now())

    assert error.value.code == "signing.no_document"
    assert "Chưa có văn bản kết quả" in str(error.value)
    _unchanged(dossier, version)
    assert not IssuedDocument.objects.exists()


def test_the_step_holder_drafts_a_preview_without_a_number(world, result_template):
    dossier = at_sign_step(world)

    document = services.prepare(dossier=dossier, by=world.leader_pv, now=now())

    assert document.stage == IssuedStage.DRAFT and document.number == ""
    draft = files.read(document.draft_ref)
    assert draft.startswith(b"%PDF-") and hashlib.sha256(draft).hexdigest() == document.draft_sha256
    with pytest.raises(DomainError) as error:
        services.prepare(dossier=dossier, by=world.specialist_pv, now=now())
    assert error.value.code == "document.prepare_forbidden"


def _signed(world, dossier, device):
    job = services.sign(dossier=dossier, by=world.leader_pv, token=code(device), now=now())
    return worker.run(job.pk)


def test_the_worker_signs_a_valid_pades_with_the_register_number(world, result_template, keys):
    dossier = at_sign_step(world)
    job = _signed(world, dossier, authenticator(world.leader_pv))

    assert job.state == JobState.DONE, job.error
    document = job.document
    document.refresh_from_db()
    year = document.issued_on.year
    assert document.stage == IssuedStage.SIGNED
    assert document.number == "01/GCNKH-UBND" and document.register_number == 1
    register = OutgoingDocumentRegister.objects.get(
        agency=world.ubnd_phu_vang, year=year, symbol="GCNKH-UBND"
    )
    assert register.last_number == 1
    signed = files.read(document.signed_ref)
    assert hashlib.sha256(signed).hexdigest() == document.signed_sha256
    report = validate_pdf(signed)
    assert report.ok, report.summary
    (signature,) = report.signatures
    assert (
        signature.signer == world.leader_pv.staff.full_name
        or world.leader_pv.staff.full_name in signature.signer
    )
    reader = PdfFileReader(BytesIO(signed))
    assert [s.field_name for s in reader.embedded_signatures] == ["ChuKyLanhDao"]
    assert EventKind.DOCUMENT_SIGNED in set(dossier.events.values_list("kind", flat=True))


def test_with_a_time_stamping_authority_the_signature_is_pades_b_t(
    world, result_template, keys, pki_settings, pki
):
    pki_settings["timestamp_url"] = pki.pki.timestamp_url
    dossier = at_sign_step(world)
    job = _signed(world, dossier, authenticator(world.leader_pv))

    assert job.state == JobState.DONE, job.error
    (signature,) = validate_pdf(files.read(job.document.signed_ref)).signatures
    assert signature.timestamped and signature.valid


def test_a_failed_signature_leaves_no_gap_and_can_be_retried(world, result_template, pki, pki_settings):
    pki_settings["timestamp_url"] = ""
    dossier = at_sign_step(world)
    job = _signed(world, dossier, authenticator(world.leader_pv))  # no key given to the leader yet

    assert job.state == JobState.FAILED and job.attempts == 1
    assert "Chưa có khoá ký số" in job.error
    assert not OutgoingDocumentRegister.objects.exists() or (
        OutgoingDocumentRegister.objects.get().last_number == 0
    )
    failed = dossier.events.get(kind=EventKind.SIGNING_FAILED)
    assert "Chưa có khoá ký số" in failed.reason
    # the clerk is told why the result cannot be issued
    dossier.refresh_from_db()
    with pytest.raises(DomainError) as error:
        services.issue(dossier=dossier, by=world.clerk_pv, now=now())
    assert error.value.code == "signing.leader_failed"

    from .flow_helpers import give_keys

    give_keys(world, pki.pki)
    services.retry(job=job, by=world.leader_pv)
    job = worker.run(job.pk)
    assert job.state == JobState.DONE and job.attempts == 2
    assert job.document.number.startswith("01/")


def test_the_clerk_issues_the_seal_and_the_result_goes_to_the_data_store(world, result_template, keys):
    dossier = at_sign_step(world)
    _signed(world, dossier, authenticator(world.leader_pv))
    dossier.refresh_from_db()

    seal_job = services.issue(dossier=dossier, by=world.clerk_pv, now=now())
    dossier.refresh_from_db()
    assert dossier.current_step.step.code == "tra_kq" and dossier.state == State.RESULT_READY
    assert seal_job.signature == SignatureKind.SEAL and seal_job.requested_by == world.clerk_pv.staff
    seal_job = worker.run(seal_job.pk)

    assert seal_job.state == JobState.DONE, seal_job.error
    document = IssuedDocument.objects.get(pk=seal_job.document_id)
    assert document.stage == IssuedStage.ISSUED and document.sealer == world.clerk_pv.staff
    sealed = files.read(document.sealed_ref)
    assert sealed.startswith(files.read(document.signed_ref))  # an incremental update over the leader's
    report = validate_pdf(sealed)
    assert report.ok, report.summary
    assert len(report.signatures) == 2
    stored = StoredDocument.objects.get(pk=document.stored_document_id)
    assert stored.sha256 == document.sealed_sha256 == hashlib.sha256(sealed).hexdigest()
    assert stored.dossier_id == dossier.pk
    assert EventKind.DOCUMENT_ISSUED in set(dossier.events.values_list("kind", flat=True))


def test_the_clerk_cannot_issue_before_the_leader_signature_is_made(world, result_template, keys):
    dossier = at_sign_step(world)
    services.sign(dossier=dossier, by=world.leader_pv, token=code(authenticator(world.leader_pv)), now=now())
    dossier.refresh_from_db()

    with pytest.raises(DomainError) as error:
        services.issue(dossier=dossier, by=world.clerk_pv, now=now())

    assert error.value.code == "signing.leader_pending"
    dossier.refresh_from_db()
    assert dossier.current_step.step.code == "vao_so"


def test_web_requests_never_import_the_key_sources():
    """The sign action's path (services, tasks, the workspace's views) does not import ``signing.keys``: keys
    are loaded by the worker only (``tasks.make_signature`` imports ``signing.worker`` in its body)."""
    import subprocess
    import sys

    script = (
        "import sys; from motcua.wsgi import application; from django.urls import resolve;"
        "import motcua.signing.services, motcua.signing.tasks, motcua.signing.selectors;"
        "[resolve(p) for p in ('/xac-thuc/x/', '/verify/x/', '/can-bo/ho-so/x/thao-tac/',"
        " '/can-bo/ho-so/x/van-ban/')];"
        "print('motcua.signing.keys' in sys.modules, 'motcua.signing.worker' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "motcua.settings"},
    )
    assert out.stdout.split() == ["False", "False"], out.stderr


def test_the_demo_issues_keys_for_its_leaders_and_clerks_agencies_once(world, pki):
    from motcua.signing.demo import record_demo_keys
    from motcua.signing.models import SigningKey

    made = record_demo_keys(issue=pki.pki.issue, prefixes=[world.leader_pv.username])

    assert made == 1  # only the chosen leader; their agency has no clerk among the chosen
    assert SigningKey.objects.get().staff == world.leader_pv.staff
    assert record_demo_keys(issue=pki.pki.issue, prefixes=[world.leader_pv.username]) == 0


def test_a_signed_stop_notice_is_rendered_signed_and_sealed(world, keys):
    from motcua.dossiers import services as dossier_services
    from motcua.signing.models import DocumentKind

    from .flow_helpers import at_sign_step

    dossier = at_sign_step(world)
    if services.documents.template_for(dossier=dossier, kind=DocumentKind.STOP_NOTICE) is None:
        DocumentTemplate.objects.create(
            kind=DocumentKind.STOP_NOTICE,
            name="Thông báo dừng giải quyết hồ sơ",
            title="THÔNG BÁO",
            symbol="TB",
            body="Lý do:: {{ extra.reason }}",
        )
    notice = dossier_services.propose_stop(
        dossier=dossier, by=world.leader_pv, reasons="Hồ sơ giả mạo giấy tờ"
    )

    services.sign_stop(
        notice=notice, by=world.leader_pv, token=code(authenticator(world.leader_pv)), now=now()
    )

    document = IssuedDocument.objects.get(dossier=dossier, kind=DocumentKind.STOP_NOTICE)
    leader = worker.run(document.jobs.get().pk)
    assert leader.state == JobState.DONE, leader.error
    seal = document.jobs.get(signature=SignatureKind.SEAL)
    assert worker.run(seal.pk).state == JobState.DONE
    document.refresh_from_db()
    assert document.stage == IssuedStage.ISSUED and document.number.startswith("01/TB")
    assert len(validate_pdf(files.read(document.sealed_ref)).signatures) == 2
