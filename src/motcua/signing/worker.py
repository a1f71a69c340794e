"""The signing worker's work: make one signature job (``SignatureJob``). Imported only by the task that the
worker process runs (``tasks.make_signature``), so that keys are loaded there and never in a web process.

The leader's job takes the number from the agency's outgoing register, renders the document once with it,
signs it and keeps the bytes, all in one transaction: a failure gives the number back (the register keeps no
gap) and leaves the job ``failed`` with a message the officer reads, to retry. The seal's job signs the
leader-signed bytes again (incremental update) and files the result in the citizen's data store.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.dossiers import events, locking
from motcua.dossiers.services import stored
from motcua.dossiers.services.unit import unit_of_work
from motcua.signing import documents, files, keys, pades, registers, services
from motcua.signing import errors as signing_errors
from motcua.signing.models import (
    IssuedDocument,
    IssuedStage,
    JobState,
    SignatureJob,
    SignatureKind,
    SigningKey,
)

logger = logging.getLogger(__name__)

LEADER_FIELD = "ChuKyLanhDao"
SEAL_FIELD = "ChuKyCoQuan"


def _signing_settings() -> dict[str, Any]:
    return dict(getattr(settings, "MOTCUA_SIGNING", {}) or {})


def _source(row: SigningKey | None, *, whose: str) -> keys.KeySource:
    if row is None:
        raise DomainError(
            signing_errors.NO_KEY,
            _("Chưa có khoá ký số cho %(whose)s. Quản trị viên cần cấp khoá ký số rồi bấm “Ký lại”."),
            whose=whose,
        )
    return keys.KeySource(
        kind=row.source_kind, ref=row.ref, secret_env=row.secret_env, options=dict(row.options or {})
    )


def key_for_staff(staff: Any) -> keys.KeySource:
    row = SigningKey.objects.filter(staff=staff, is_active=True).order_by("-pk").first()
    return _source(row, whose=staff.full_name)


def key_for_agency(agency: Any) -> keys.KeySource:
    row = SigningKey.objects.filter(agency=agency, is_active=True).order_by("-pk").first()
    return _source(row, whose=agency.name)


def _sign(
    pdf: bytes,
    *,
    source: keys.KeySource,
    field: str,
    box: pades.SignatureBox,
    appearance: str,
    reason: str,
    now: dt.datetime,
) -> bytes:
    """PAdES B-T when a time-stamping authority is configured (``MOTCUA_SIGNING["timestamp_url"]``), else
    B-B; the appearance lists the signer, and the signing time is added by ``pades``."""
    return pades.sign_pdf(
        pdf,
        source=source,
        field_name=field,
        box=box,
        appearance=appearance,
        reason=reason,
        timestamp_url=_signing_settings().get("timestamp_url") or None,
        now=now,
    )


def _box(data: dict[str, Any]) -> documents.Box:
    return documents.Box(**data)


def _boxes(rendered: documents.Rendered) -> dict[str, Any]:
    return {
        "signer": rendered.signer_box.__dict__,
        "seal": rendered.seal_box.__dict__,
    }


def _leader(job: SignatureJob, document: IssuedDocument, now: dt.datetime, kept: list[str]) -> None:
    staff = job.requested_by
    source = key_for_staff(staff)
    template = document.template
    assert template is not None
    issued_on = timezone.localdate(now)
    symbol = documents.full_symbol(template=template, agency=document.agency)
    number, text = registers.take_number(agency=document.agency, year=issued_on.year, symbol=symbol)
    document.signer = staff
    rendered = services.render(document, number=text, issued_on=issued_on)
    title = ", ".join(part for part in (staff.title, document.agency.name) if part)
    signed = _sign(
        rendered.pdf,
        source=source,
        field=LEADER_FIELD,
        box=rendered.signer_box,
        appearance=f"{staff.full_name}\n{title}",
        reason=_("Ký ban hành văn bản"),
        now=now,
    )
    folder = f"{document.province_code}/{document.dossier_id}"
    base = slugify(f"{document.kind}-{number}-{issued_on.year}") or "van-ban"
    first = files.keep(rendered.pdf, folder=folder, name=f"{base}-ban-in.pdf")
    kept.append(first.ref)
    second = files.keep(signed, folder=folder, name=f"{base}-lanh-dao-ky.pdf")
    kept.append(second.ref)
    document.register_number = number
    document.number = text
    document.issued_on = issued_on
    document.rendered_ref, document.rendered_sha256, document.rendered_size = (
        first.ref,
        first.sha256,
        first.size,
    )
    document.signed_ref, document.signed_sha256, document.signed_size = second.ref, second.sha256, second.size
    document.signed_at = now
    document.boxes = _boxes(rendered)
    document.stage = IssuedStage.SIGNED
    document.save()
    events.document_signed(
        document.dossier, by=staff.user, now=now, origin=services.WORKER_ORIGIN, document=document
    )
    if not services.needs_clerk(document):
        # A notice, an apology or a replacement: the agency's seal follows the leader's signature at once.
        seal = SignatureJob.objects.create(
            document=document, signature=SignatureKind.SEAL, requested_by=staff, requested_at=now
        )
        from motcua.signing.tasks import make_signature

        make_signature.enqueue(seal.pk)


def _seal(job: SignatureJob, document: IssuedDocument, now: dt.datetime, kept: list[str]) -> None:
    if document.stage != IssuedStage.SIGNED:
        raise DomainError(signing_errors.NOT_SIGNED, _("Văn bản chưa có chữ ký số của lãnh đạo."))
    staff = job.requested_by
    agency = document.agency
    source = key_for_agency(agency)
    sealed = _sign(
        files.read(document.signed_ref),
        source=source,
        field=SEAL_FIELD,
        box=_box(document.boxes["seal"]),
        appearance=agency.name,
        reason=_("Đóng dấu, phát hành văn bản"),
        now=now,
    )
    base = slugify(f"{document.kind}-{document.register_number}-{document.issued_on:%Y}") or "van-ban"
    final = files.keep(sealed, folder=f"{document.province_code}/{document.dossier_id}", name=f"{base}.pdf")
    kept.append(final.ref)
    document.sealed_ref, document.sealed_sha256, document.sealed_size = final.ref, final.sha256, final.size
    document.sealer = staff
    document.sealed_at = now
    document.stage = IssuedStage.ISSUED
    document.stored_document = stored.file_issued(
        document.dossier, content=sealed, file_name=f"{base}.pdf", title=document.title, by=staff, now=now
    )
    document.save()
    events.document_issued(
        document.dossier, by=staff.user, now=now, origin=services.WORKER_ORIGIN, document=document
    )


def _message(error: BaseException) -> str:
    if isinstance(error, DomainError):
        return str(error)
    return _("Lỗi khi ký số: %(error)s") % {"error": f"{type(error).__name__}: {error}"[:500]}


def run(job_id: int, *, now: dt.datetime | None = None) -> SignatureJob:
    """Make the signature of job ``job_id`` (the function the worker's task calls, and the tests). A job
    already made is left alone; a failure is recorded on the job and as an event, and re-raised never."""
    now = now or timezone.now()
    kept: list[str] = []
    try:
        with unit_of_work():
            job = SignatureJob.objects.select_for_update().select_related("requested_by__user").get(pk=job_id)
            if job.state == JobState.DONE:
                return job
            document = (
                IssuedDocument.objects.select_for_update(of=("self",))
                .select_related("dossier", "template", "agency", "signer")
                .get(pk=job.document_id)
            )
            # The dossier's row first, as every service takes it: its events are numbered under that lock.
            document.dossier = locking.lock(document.dossier, check_version=False)
            if job.signature == SignatureKind.LEADER:
                _leader(job, document, now, kept)
            else:
                _seal(job, document, now, kept)
            job.state = JobState.DONE
            job.error = ""
            job.attempts += 1
            job.finished_at = now
            job.save(update_fields=["state", "error", "attempts", "finished_at"])
            return job
    except Exception as error:  # the job records why; the worker goes on with the next one
        for ref in kept:
            files.discard(ref)
        logger.warning(
            "signature job %s failed: %s", job_id, error, exc_info=not isinstance(error, DomainError)
        )
        return _failed(job_id, _message(error), now)


def _failed(job_id: int, message: str, now: dt.datetime) -> SignatureJob:
    with unit_of_work():
        job = (
            SignatureJob.objects.select_for_update()
            .select_related("requested_by__user", "document")
            .get(pk=job_id)
        )
        job.state = JobState.FAILED
        job.error = message
        job.attempts += 1
        job.finished_at = now
        job.save(update_fields=["state", "error", "attempts", "finished_at"])
        dossier = locking.lock(job.document.dossier, check_version=False)
        events.signing_failed(
            dossier,
            by=job.requested_by.user,
            now=now,
            origin=services.WORKER_ORIGIN,
            document=job.document,
            signature=job.signature,
            error=message,
        )
        return job
