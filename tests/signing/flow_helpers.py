"""Helpers of the signing-flow tests: a result template, signing keys from the test PKI, the authenticator
of an officer, and a dossier walked to the leader's ``sign`` step (the world of tests/dossiers)."""

from __future__ import annotations

import datetime as dt
import os

from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from dossiers.dossier_world import T0, to_review
from motcua.dossiers import services
from motcua.signing.models import DocumentKind, DocumentTemplate, SigningKey

H = dt.timedelta(hours=1)
KEY_ENV = "MOTCUA_TEST_FLOW_PKCS12_PASSPHRASE"


def make_template(world) -> DocumentTemplate:
    return DocumentTemplate.objects.create(
        version=world.version,
        kind=DocumentKind.RESULT,
        name="Giấy chứng nhận kết hôn",
        title="GIẤY CHỨNG NHẬN KẾT HÔN",
        symbol="GCNKH",
        body="Người đề nghị:: {{ dossier.applicant_name }}\nHồ sơ:: {{ dossier.code }}",
        recipients="- Ông/bà {{ dossier.applicant_name }};\n- Lưu: VT.",
    )


def give_keys(world, pki) -> dict:
    """The leader of Phú Vang gets a personal key, the committee of Phú Vang its seal (PKCS#12 files)."""
    leader = world.leader_pv.staff
    agency = world.ubnd_phu_vang
    personal = pki.issue("signer", leader.full_name, organization=agency.name)
    seal = pki.issue("seal", agency.name)
    os.environ[KEY_ENV] = personal.passphrase
    os.environ[KEY_ENV + "_SEAL"] = seal.passphrase
    SigningKey.objects.create(staff=leader, ref=str(personal.pkcs12_path), secret_env=KEY_ENV)
    SigningKey.objects.create(agency=agency, ref=str(seal.pkcs12_path), secret_env=KEY_ENV + "_SEAL")
    return {"personal": personal, "seal": seal}


def authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def code(device: TOTPDevice, *, step: int = 0) -> str:
    """The device's code now (``step`` 1: the next one, which django-otp's tolerance accepts)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.drift = step
    return f"{totp.token():0{device.digits}d}"


def at_sign_step(world):
    """A dossier of Phú Vang at the leader's sign step (reception, review and the head's approval at T0…)."""
    dossier = to_review(world)
    dossier = services.perform(dossier=dossier, by=world.specialist_pv, action="forward", now=T0 + 2 * H)
    return services.perform(dossier=dossier, by=world.head_pv, action="approve", now=T0 + 3 * H)


def now() -> dt.datetime:
    return timezone.now()


def issued(world):
    """A result signed by Phú Vang's leader and sealed at the clerk's issue (the workers' jobs made)."""
    from motcua.signing import services as signing
    from motcua.signing import worker

    dossier = at_sign_step(world)
    job = signing.sign(
        dossier=dossier, by=world.leader_pv, token=code(authenticator(world.leader_pv)), now=now()
    )
    assert worker.run(job.pk).state == "done", job
    dossier.refresh_from_db()
    seal = signing.issue(dossier=dossier, by=world.clerk_pv, now=now())
    assert seal is not None
    done = worker.run(seal.pk)
    assert done.state == "done", done.error
    document = done.document
    document.refresh_from_db()
    dossier.refresh_from_db()
    return dossier, document
