"""Signed results: drafting the result document, the leader's signature at the workflow's ``sign`` step, the
agency's seal at ``issue_number``, the signed stop notice and apology, retrying a failed signature, revoking
and replacing an issued document.

Order (Decree 30/2020/NĐ-CP Art. 13–16 and Annex I; docs/signing.md):
1. the holder of the current step drafts the document (``prepare``): rendered from the procedure's template
   without a number, a preview every officer who may see the dossier downloads;
2. the leader at the ``sign`` step signs (``sign``): the second factor is asked again (TOTP, at that moment),
   a signature job is recorded and the step moves, in one transaction with its event;
3. the signing worker (``tasks``: the only process that loads keys) takes the number from the agency's
   outgoing register, renders the document once with it, signs with the leader's key, and keeps the bytes, in
   one transaction: a failed signature gives its number back (no gap) and shows the officer why;
4. the clerk at ``issue_number`` applies the agency's seal (``issue``): a second, incremental signature made
   by the worker, which then files the signed bytes and their hash in the citizen's data store.
A stop notice (form 05) and an apology (form 04) are signed by the leader when the notice is signed; the
agency's seal follows at once (no clerk step for them). Every signature here (``sign``, ``sign_stop``,
``refuse_at_step``, ``sign_apology``, ``replace``) asks the authenticator's code again first; the verification
page's uploads are counted per client (``count_upload``).

Web processes never load keys: every signature here is a ``SignatureJob`` the worker makes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts import services as accounts
from motcua.catalog.models import Action
from motcua.core.errors import DomainError
from motcua.dossiers import access, events
from motcua.dossiers import services as dossier_services
from motcua.dossiers.access import Act
from motcua.dossiers.models import ApologyNotice, Dossier, StopNotice
from motcua.dossiers.services import signature_step
from motcua.dossiers.services.inputs import require_reason
from motcua.dossiers.services.unit import service
from motcua.signing import documents, files
from motcua.signing import errors as signing_errors
from motcua.signing.models import (
    DocumentKind,
    IssuedDocument,
    IssuedStage,
    IssuedStatus,
    JobState,
    SignatureJob,
    SignatureKind,
    VerificationUpload,
)

WORKER_ORIGIN = "signing-worker"


# --- what the document shows -------------------------------------------------------------------


def mask_name(name: str) -> str:
    """The holder's name as the public verification page shows it: each word's first letter, then stars of
    a fixed length so the page does not tell the name's length ("Nguyễn Văn An" → "N*** V** A**")."""
    words = (name or "").split()
    return " ".join(word[0] + ("***" if index == 0 else "**") for index, word in enumerate(words))


def verify_url(public_id: str) -> str:
    """The absolute address of the document's public verification page (printed with its QR code)."""
    return settings.MOTCUA_PUBLIC_BASE_URL + reverse("signing:verify", args=[public_id])


def holder_name(dossier: Dossier) -> str:
    """Whom the document is about: the person concerned when the dossier names one, else the applicant."""
    return dossier.concerned_name or dossier.applicant_name


def signer_of(document: IssuedDocument) -> documents.Signer:
    """The signature block (Decree 30/2020/NĐ-CP Art. 13, Annex I II.7): for a People's Committee, "TM. ỦY BAN
    NHÂN DÂN" above the signer's position; the leader who signs (or will sign) and their title."""
    staff = document.signer
    authority = "TM. ỦY BAN NHÂN DÂN" if getattr(document.agency, "kind", "") == "ubnd" else ""
    if staff is None:
        return documents.Signer(authority=authority, position="", name="")
    return documents.Signer(authority=authority, position=(staff.title or "").upper(), name=staff.full_name)


def _extra(document: IssuedDocument) -> dict[str, Any]:
    """What a stop notice (reasons) or an apology (reason, dates) adds to the template's context."""
    dossier = document.dossier
    receiving = getattr(dossier.reception_point, "name", "") if dossier.reception_point_id else ""
    if document.stop_notice is not None:
        return {"reason": document.stop_notice.reasons, "receiving_agency": receiving}
    if document.apology is not None:
        notice = document.apology
        return {
            "reason": notice.reason,
            "old_date": f"{timezone.localtime(notice.old_appointment_at):%d/%m/%Y}",
            "new_date": f"{timezone.localtime(notice.new_appointment_at):%d/%m/%Y}",
            "receiving_agency": receiving,
        }
    return {}


def render(document: IssuedDocument, *, number: str, issued_on: dt.date) -> documents.Rendered:
    """The document filled from its dossier (and notice) and laid out; the worker renders the final one."""
    assert document.template is not None
    context = documents.context_for_dossier(
        document.dossier,
        kind=document.kind,
        number=number,
        issued_on=issued_on,
        verify_url=verify_url(document.public_id),
        signer=signer_of(document),
        extra=_extra(document),
    )
    return documents.render(template=document.template, context=context)


def _title(dossier: Dossier, kind: str) -> str:
    """The document's type as the pages show it: the procedure's result ("Giấy khai sinh"), or the notice's
    kind."""
    if kind == DocumentKind.RESULT and dossier.procedure_version.result_name:
        return str(dossier.procedure_version.result_name)[:300]
    return str(DocumentKind(kind).label)[:300]


def _new_document(
    dossier: Dossier,
    *,
    kind: str,
    template: Any,
    by: Any,
    now: dt.datetime,
    origin: str = "",
    stop_notice: StopNotice | None = None,
    apology: ApologyNotice | None = None,
    announce: bool = True,
) -> IssuedDocument:
    """A new document row; its event (``document_prepared``) tells the pages the dossier has documents."""
    document = IssuedDocument.objects.create(
        dossier=dossier,
        province_code=dossier.province_code,
        kind=kind,
        title=_title(dossier, kind),
        template=template,
        agency_id=dossier.competent_agency_id,
        stop_notice=stop_notice,
        apology=apology,
        holder_masked=mask_name(holder_name(dossier)),
        prepared_by=access.staff_of(by),
        prepared_at=now,
    )
    if announce:
        events.document_prepared(dossier, by=by, now=now, origin=origin, document=document)
    return document


def _template(dossier: Dossier, kind: str) -> Any:
    template = documents.template_for(dossier=dossier, kind=kind)
    if template is None:
        raise DomainError(
            signing_errors.NO_DOCUMENT,
            _(
                "Chưa có văn bản kết quả để ký số: thủ tục này chưa có mẫu văn bản kết quả. "
                "Hãy đính kèm kết quả đã ký hoặc liên hệ quản trị viên để bổ sung mẫu."
            ),
        )
    return template


def current_result(dossier: Dossier) -> IssuedDocument | None:
    """The dossier's result document still in force, whatever its stage (the latest one)."""
    return (
        IssuedDocument.objects.filter(dossier=dossier, kind=DocumentKind.RESULT, status=IssuedStatus.VALID)
        .select_related("template", "signer", "agency")
        .order_by("-pk")
        .first()
    )


# --- 1. drafting -----------------------------------------------------------------------------------


@service
def prepare(*, dossier: Dossier, by: Any, now: dt.datetime | None = None, origin: str = "") -> IssuedDocument:
    """Lập dự thảo văn bản kết quả: render the result from the procedure's template, without a number, as a
    preview. Drafting again replaces the preview (the dossier's data may have changed)."""
    now = now or timezone.now()
    dossier = access.check(by, dossier, Act.PREPARE_DOCUMENT, on=timezone.localdate(now), check_version=False)
    staff = access.staff_of(by)
    template = _template(dossier, DocumentKind.RESULT)
    document = current_result(dossier)
    if document is not None and document.stage != IssuedStage.DRAFT:
        raise DomainError(
            signing_errors.ALREADY_SIGNED,
            _("Văn bản kết quả đã được ký; muốn sửa, lãnh đạo thay thế văn bản đã phát hành."),
        )
    if document is None:
        document = _new_document(
            dossier, kind=DocumentKind.RESULT, template=template, by=by, now=now, announce=False
        )
    document.template = template
    document.dossier = dossier
    rendered = render(document, number="", issued_on=timezone.localdate(now))
    kept = files.keep(rendered.pdf, folder=f"{dossier.province_code}/{dossier.pk}", name="du-thao.pdf")
    old = document.draft_ref
    document.draft_ref, document.draft_sha256, document.draft_size = kept.ref, kept.sha256, kept.size
    document.prepared_by, document.prepared_at = staff, now
    document.holder_masked = mask_name(holder_name(dossier))
    document.save()
    events.document_prepared(dossier, by=by, now=now, origin=origin, document=document)
    if old:
        files.discard(old)
    return document


def draft_at_sign_step(
    *, dossier: Dossier, by: Any, now: dt.datetime | None = None, origin: str = ""
) -> IssuedDocument | None:
    """The draft made without anyone pressing "prepare": when the holder of a ``sign`` step opens the dossier
    and it has no document yet, the result is drafted as ``prepare`` does (their preview at once). Done on
    the page rather than in the step action that reaches the step: rendering takes a tenth of a second and
    the movement's query budget is 8, and the engine (below the signing app) cannot render. None when there is
    nothing to draft (another step, a document already there, no template, not the step's holder); a draft
    that fails to render is left to "prepare", which shows why."""
    step = dossier.current_step
    if step is None or Action.SIGN not in (step.step.actions or ()):
        return None
    from motcua.signing.selectors import may_have_documents

    now = now or timezone.now()
    on = timezone.localdate(now)
    if may_have_documents(dossier) or not access.may(by, Act.PREPARE_DOCUMENT, dossier, on=on):
        return None
    if documents.template_for(dossier=dossier, kind=DocumentKind.RESULT) is None:
        return None
    try:
        return prepare(dossier=dossier, by=by, now=now, origin=origin)
    except DomainError:
        return None


# --- 2. the leader's signature (the workflow's ``sign``) -------------------------------------------


def _check_then_reauthenticate(
    by: Any, action: str, dossier: Dossier, *, now: dt.datetime, token: str, subject: Any = None
) -> None:
    """Every signature: first whether ``by`` may sign (the one access policy: who is refused learns why, and
    spends no code), then the authenticator's code again (``accounts.reauthenticate``: a wrong or used code
    refuses, nothing is written)."""
    denied = access.refusal(by, action, dossier, on=timezone.localdate(now), subject=subject)
    if denied is not None:
        raise denied
    accounts.reauthenticate(user=by, token=token)


def _move(
    dossier: Dossier,
    *,
    by: Any,
    action: str,
    reason: str,
    now: dt.datetime,
    origin: str,
    target_step: str | None = None,
) -> Dossier:
    """The step's movement, in the caller's transaction: ``sign`` through the engine's sign step (which the
    generic ``perform`` refuses), every other action through ``perform``."""
    if action == Action.SIGN:
        return signature_step.pass_sign_step(
            dossier=dossier, by=by, reason=reason, target_step=target_step, now=now, origin=origin
        )
    return dossier_services.perform(
        dossier=dossier, by=by, action=action, reason=reason, target_step=target_step, now=now, origin=origin
    )


def _enqueue(job: SignatureJob) -> None:
    """Queue the job for the signing worker, in the caller's transaction (the database queue commits with
    the job: nothing is lost, nothing runs before the commit)."""
    from motcua.signing.tasks import make_signature

    make_signature.enqueue(job.pk)


def _job(document: IssuedDocument, *, signature: str, staff: Any, now: dt.datetime) -> SignatureJob:
    job = SignatureJob.objects.create(
        document=document, signature=signature, requested_by=staff, requested_at=now
    )
    _enqueue(job)
    return job


@service
def sign(
    *,
    dossier: Dossier,
    by: Any,
    token: str,
    reason: str = "",
    target_step: str | None = None,
    now: dt.datetime | None = None,
    origin: str = "",
) -> SignatureJob:
    """Ký số: only the holder of the position at the ``sign`` step, inside that step (the one access policy),
    after entering the code of their authenticator again. Records the leader's signature job and moves the
    step, in one transaction with the step's event; the worker makes the signature."""
    now = now or timezone.now()
    _check_then_reauthenticate(by, Action.SIGN, dossier, now=now, token=token)
    staff = access.staff_of(by)
    document = current_result(dossier)
    if document is None:
        document = _new_document(
            dossier,
            kind=DocumentKind.RESULT,
            template=_template(dossier, DocumentKind.RESULT),
            by=by,
            origin=origin,
            now=now,
        )
    elif document.stage != IssuedStage.DRAFT or document.jobs.filter(state=JobState.PENDING).exists():
        raise DomainError(signing_errors.ALREADY_SIGNED, _("Văn bản kết quả của hồ sơ này đã được ký."))
    if document.template is None:
        raise DomainError(signing_errors.NO_DOCUMENT, _("Chưa có văn bản kết quả để ký số."))
    document.signer = staff
    document.save(update_fields=["signer"])
    job = _job(document, signature=SignatureKind.LEADER, staff=staff, now=now)
    _move(dossier, by=by, action=Action.SIGN, reason=reason, target_step=target_step, now=now, origin=origin)
    return job


# --- 4. the seal at issue (the workflow's ``issue_number``) ----------------------------------------


def awaiting_seal_refusal(dossier: Dossier) -> DomainError | None:
    """Why the clerk cannot issue the result now: the leader's signature is still being made or failed."""
    document = current_result(dossier)
    if document is None:
        return None  # no electronic result (a paper result, or a file attached): issuing moves the step only
    if document.stage == IssuedStage.SIGNED:
        return None
    last = document.jobs.filter(signature=SignatureKind.LEADER).order_by("-pk").first()
    if last is not None and last.state == JobState.FAILED:
        return DomainError(
            signing_errors.LEADER_FAILED,
            _("Ký số của lãnh đạo không thành công (%(error)s). Hãy ký lại trước khi vào số, đóng dấu."),
            error=last.error,
        )
    if document.stage == IssuedStage.DRAFT and last is None:
        return DomainError(signing_errors.NOT_SIGNED, _("Văn bản kết quả chưa được lãnh đạo ký số."))
    if document.stage == IssuedStage.ISSUED:
        return DomainError(signing_errors.ALREADY_ISSUED, _("Văn bản kết quả đã được phát hành."))
    return DomainError(
        signing_errors.LEADER_PENDING,
        _("Văn bản đang chờ hoàn tất chữ ký số của lãnh đạo; vui lòng thử lại sau ít phút."),
    )


@service
def issue(
    *,
    dossier: Dossier,
    by: Any,
    reason: str = "",
    target_step: str | None = None,
    now: dt.datetime | None = None,
    origin: str = "",
) -> SignatureJob | None:
    """Vào số, đóng dấu: the clerk at the ``issue_number`` step has the agency's seal applied to the signed
    result (a seal job for the worker) and moves the step. Without an electronic result the step only moves.
    """
    now = now or timezone.now()
    denied = access.refusal(
        by, Action.ISSUE_NUMBER, dossier, on=timezone.localdate(now)
    ) or awaiting_seal_refusal(dossier)
    if denied is not None:
        raise denied
    staff = access.staff_of(by)
    document = current_result(dossier)
    job = None
    if document is not None:
        document.sealer = staff
        document.save(update_fields=["sealer"])
        job = _job(document, signature=SignatureKind.SEAL, staff=staff, now=now)
    _move(
        dossier,
        by=by,
        action=Action.ISSUE_NUMBER,
        reason=reason,
        target_step=target_step,
        now=now,
        origin=origin,
    )
    return job


# --- stop notice (form 05) and apology (form 04) ---------------------------------------------------


def _notice_document(
    dossier: Dossier, *, kind: str, by: Any, now: dt.datetime, **notice: Any
) -> IssuedDocument | None:
    """The signed notice's document and the leader's job, when the catalog has a template for it."""
    template = documents.template_for(dossier=dossier, kind=kind)
    if template is None:
        return None
    staff = access.staff_of(by)
    document = _new_document(dossier, kind=kind, template=template, by=by, now=now, **notice)
    document.signer = staff
    document.save(update_fields=["signer"])
    _job(document, signature=SignatureKind.LEADER, staff=staff, now=now)
    return document


@service
def sign_stop(
    *,
    notice: StopNotice,
    by: Any,
    token: str,
    reasons: str = "",
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """The leader signs the stop notice (``dossiers.services.sign_stop``), the code of their authenticator
    asked again, and its document is signed."""
    now = now or timezone.now()
    _check_then_reauthenticate(by, Act.SIGN_STOP, notice.dossier, now=now, token=token, subject=notice)
    dossier = dossier_services.sign_stop(notice=notice, by=by, reasons=reasons, now=now, origin=origin)
    _notice_document(dossier, kind=DocumentKind.STOP_NOTICE, by=by, now=now, stop_notice=notice)
    return dossier


@service
def refuse_at_step(
    *,
    dossier: Dossier,
    by: Any,
    token: str,
    reason: str,
    now: dt.datetime | None = None,
    origin: str = "",
) -> Dossier:
    """The leader stops the dossier at their step (``refuse``): they sign the stop notice, so the code of
    their authenticator is asked again; the notice's document is signed digitally."""
    now = now or timezone.now()
    _check_then_reauthenticate(by, Action.REFUSE, dossier, now=now, token=token)
    dossier = _move(dossier, by=by, action=Action.REFUSE, reason=reason, now=now, origin=origin)
    notice = (
        StopNotice.objects.filter(dossier=dossier, outcome=StopNotice.Outcome.SIGNED).order_by("-pk").first()
    )
    _notice_document(dossier, kind=DocumentKind.STOP_NOTICE, by=by, now=now, stop_notice=notice)
    return dossier


@service
def sign_apology(
    *, notice: ApologyNotice, by: Any, token: str, now: dt.datetime | None = None, origin: str = ""
) -> Dossier:
    """The leader signs the apology (``dossiers.services.sign_apology``), the code of their authenticator
    asked again, and its document is signed."""
    now = now or timezone.now()
    _check_then_reauthenticate(by, Act.SIGN_APOLOGY, notice.dossier, now=now, token=token, subject=notice)
    dossier = dossier_services.sign_apology(notice=notice, by=by, now=now, origin=origin)
    _notice_document(dossier, kind=DocumentKind.APOLOGY, by=by, now=now, apology=notice)
    return dossier


# --- a failed signature, revocation, replacement ---------------------------------------------------


@service
def retry(*, job: SignatureJob, by: Any, now: dt.datetime | None = None) -> SignatureJob:
    """Ký lại: a signature the worker could not make is queued again (the cause fixed: a key installed…)."""
    now = now or timezone.now()
    job = SignatureJob.objects.select_for_update().select_related("document__dossier").get(pk=job.pk)
    access.check(
        by,
        job.document.dossier,
        Act.RETRY_SIGNATURE,
        on=timezone.localdate(now),
        subject=job.requested_by_id,
        check_version=False,
    )
    if job.state != JobState.FAILED:
        raise DomainError(signing_errors.NOT_FAILED, _("Yêu cầu ký này không ở trạng thái lỗi."))
    job.state = JobState.PENDING
    job.error = ""
    job.save(update_fields=["state", "error"])
    _enqueue(job)
    return job


def _issued_for_change(document: IssuedDocument, by: Any, now: dt.datetime) -> IssuedDocument:
    dossier = access.check(
        by, document.dossier, Act.REVOKE_DOCUMENT, on=timezone.localdate(now), check_version=False
    )
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    document.dossier = dossier
    if document.stage != IssuedStage.ISSUED or document.status != IssuedStatus.VALID:
        raise DomainError(
            signing_errors.NOT_IN_FORCE,
            _("Chỉ văn bản đã phát hành và còn hiệu lực mới thu hồi hoặc thay thế được."),
        )
    return document


@service
def revoke(
    *, document: IssuedDocument, by: Any, reason: str, now: dt.datetime | None = None, origin: str = ""
) -> IssuedDocument:
    """Thu hồi văn bản: the document stays on record, the verification page says it was revoked and why."""
    now = now or timezone.now()
    reason = require_reason(reason)
    document = _issued_for_change(document, by, now)
    document.status = IssuedStatus.REVOKED
    document.status_reason = reason
    document.status_at = now
    document.status_by = access.staff_of(by)
    document.save(update_fields=["status", "status_reason", "status_at", "status_by"])
    events.document_revoked(document.dossier, by=by, now=now, origin=origin, document=document, reason=reason)
    return document


@service
def replace(
    *,
    document: IssuedDocument,
    by: Any,
    token: str,
    reason: str,
    now: dt.datetime | None = None,
    origin: str = "",
) -> IssuedDocument:
    """Thay thế văn bản: the leader signs a new document (a new number, rendered from the dossier as it is
    now; the second factor again); the old one reads "replaced" with the reason and a link to the new one."""
    now = now or timezone.now()
    reason = require_reason(reason)
    document = _issued_for_change(document, by, now)
    accounts.reauthenticate(user=by, token=token)
    staff = access.staff_of(by)
    template = documents.template_for(dossier=document.dossier, kind=document.kind) or document.template
    replacement = _new_document(
        document.dossier,
        kind=document.kind,
        template=template,
        by=by,
        now=now,
        origin=origin,
        stop_notice=document.stop_notice,
        apology=document.apology,
    )
    replacement.signer = staff
    replacement.save(update_fields=["signer"])
    document.status = IssuedStatus.REPLACED
    document.status_reason = reason
    document.status_at = now
    document.status_by = staff
    document.replaced_by = replacement
    document.save(update_fields=["status", "status_reason", "status_at", "status_by", "replaced_by"])
    _job(replacement, signature=SignatureKind.LEADER, staff=staff, now=now)
    events.document_replaced(
        document.dossier,
        by=by,
        now=now,
        origin=origin,
        document=document,
        replacement=replacement,
        reason=reason,
    )
    return replacement


# --- the public verification page's uploads ---------------------------------------------------------


def count_upload(*, client: str, now: dt.datetime | None = None) -> None:
    """One more PDF to validate for ``client`` (its address): refused with ``signing.upload_throttled`` (429)
    once the client sent ``MOTCUA_VERIFY_UPLOADS_PER_CLIENT`` in the last ``MOTCUA_VERIFY_WINDOW_MINUTES``;
    a refused upload is not counted. The same table-backed count as the public dossier lookup's
    (``portal.tracking``), keyed by the address's hash."""
    now = now or timezone.now()
    minutes = int(settings.MOTCUA_VERIFY_WINDOW_MINUTES)
    window = now - dt.timedelta(minutes=minutes)
    key = hashlib.sha256((client or "unknown").encode()).hexdigest()
    with transaction.atomic():
        VerificationUpload.objects.filter(client=key, at__lt=window).delete()
        if VerificationUpload.objects.filter(client=key).count() >= int(
            settings.MOTCUA_VERIFY_UPLOADS_PER_CLIENT
        ):
            raise DomainError(
                signing_errors.UPLOAD_THROTTLED,
                _("Bạn đã gửi quá nhiều tệp để kiểm tra. Vui lòng thử lại sau %(minutes)s phút."),
                minutes=minutes,
            )
        VerificationUpload.objects.create(client=key, at=now)


def needs_clerk(document: IssuedDocument) -> bool:
    """Whether the seal waits for the clerk's ``issue_number``: a first result does; a notice, an apology or
    a replacement is sealed as soon as the leader signed it."""
    return (
        document.kind == DocumentKind.RESULT
        and not IssuedDocument.objects.filter(Q(replaced_by=document)).exists()
    )
