"""Citizen portal pages for dossiers: the e-form (nộp hồ sơ trực tuyến), "my dossiers", a dossier's page
with its timeline, slips and supplement answer, and the public lookup by code + ID ending."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.catalog import selectors as catalog
from motcua.catalog.forms import FormInvalid
from motcua.catalog.models import OnlineLevel, Procedure, ProcedureVersion, RequiredDocument, ReuseSource
from motcua.core.clients import client_address
from motcua.core.errors import DEFAULT_STATUS, DomainError, FieldError, http_status
from motcua.core.text import printable
from motcua.dossiers import access, files, formview
from motcua.dossiers import errors as dossier_errors
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers import services as dossier_services
from motcua.dossiers.access import Act
from motcua.dossiers.models import DocumentSource, RatingChannel, Satisfaction
from motcua.dossiers.slips import slip_pdf
from motcua.geo.selectors import communes_of

from . import drafts, eforms, tracking
from . import errors as portal_errors  # noqa: F401  (declares the portal's codes in the registry)
from . import uploads as citizen_uploads

LOGIN_URL = reverse_lazy("portal:login")
PLACE_KEY = "__place"
KEY_FIELD = "submission_key"
SAFE_KEY = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def _store(request: HttpRequest, upload: UploadedFile) -> str:
    """Check and save a citizen's upload (``citizen_uploads.store``: PDF, JPEG or PNG within the size
    limit and the citizen's quota, DomainError ``file.*`` otherwise); the stored name is the file_ref."""
    return citizen_uploads.store(user=request.user, upload=upload).ref


def _version_for_online(code: str) -> tuple[Procedure, ProcedureVersion]:
    procedure = Procedure.objects.filter(code=code).first()
    if procedure is None:
        raise Http404(code)
    try:
        version = catalog.version_in_force(procedure=procedure, on=timezone.localdate())
    except DomainError as error:
        raise Http404(code) from error
    if version.online_level == OnlineLevel.OFFLINE:
        raise Http404(code)
    return procedure, version


def _upload_required(document: RequiredDocument) -> bool:
    """A file is required online for a mandatory document the e-form or a registry does not replace."""
    return document.mandatory and not document.form_field and not document.reuse


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def eform(request: HttpRequest, code: str) -> HttpResponse:
    procedure, version = _version_for_online(code)
    schema: dict[str, Any] = version.form_schema or {}
    ui: dict[str, Any] = version.ui_schema or {}
    today = timezone.localdate()
    communes = list(communes_of(province_code=settings.MOTCUA_PROVINCE_CODE, on=today))
    unit_names = {u.code: u.name for u in communes}
    documents = list(version.documents.order_by("order", "code"))
    user: Any = request.user
    draft = drafts.draft_of(user=user, procedure=procedure)
    errors: dict[str, list[str]] = {}
    place_errors: list[str] = []
    doc_errors: dict[str, list[str]] = {}
    error: DomainError | None = None
    if request.method == "GET":
        raw: dict[str, Any] | None = dict(draft.data) if draft else None
        key = uuid.uuid4().hex
    else:
        fields = eforms.build_fields(schema, ui)
        raw = eforms.raw_values(fields, request.POST)
        raw[PLACE_KEY] = str(request.POST.get("place", "")).strip()
        key = str(request.POST.get(KEY_FIELD, ""))
        if not SAFE_KEY.match(key):
            key = uuid.uuid4().hex
        idempotency_key = f"portal-{user.pk}-{key}"
        action = next((a for a in eforms.DRAFT_ACTIONS if a in request.POST), "")
        if not action:
            existing = tracking.submitted_with_key(user=user, key=idempotency_key)
            if existing is not None:  # a second click on the same form
                return HttpResponseRedirect(reverse("portal:my_dossier", args=[existing.code]))
        # Files of file fields are stored at once, so that a draft (and a refused submission) keeps them.
        previous = draft.data if draft else None
        upload_errors = eforms.keep_files(fields, raw, uploads=request.FILES, previous=previous, user=user)
        if action:
            # Save the draft and come back to the form: "Lưu nháp", "Điền thông tin của tôi" (a person
            # field filled from the account) or "show the communes of the chosen province" (no JavaScript).
            target = str(request.POST.get(action, ""))
            if action == "fill_me":
                eforms.fill_person(fields, raw, name=target, identity=eforms.identity_of(user))
            raw = printable(raw)
            drafts.save_draft(user=user, procedure=procedure, data=raw)
            if not upload_errors:
                url = reverse("portal:eform", args=[procedure.code])
                if action == "save_draft":
                    return HttpResponseRedirect(url + "?da_luu=1")
                anchor = f"#f-{target}" if any(f.name == target for f in fields) else ""
                return HttpResponseRedirect(url + anchor)
            errors = upload_errors
        else:
            data = eforms.form_data(schema, fields, raw, unit_names)
            file_fields = {f.name for f in fields if f.widget == "file"}
            errors = eforms.field_errors(schema, data, file_fields=file_fields) if schema else {}
            errors.update(eforms.unit_errors(fields, raw, on=today))
            errors.update(upload_errors)
            if raw[PLACE_KEY] not in unit_names:
                place_errors = [_("Vui lòng chọn xã, phường nơi cư trú.")]
            documents_in = {d.code: request.FILES.get(f"doc_{d.code}") for d in documents}
            pending = 0  # the documents checked before this one are stored with it
            for document in documents:
                upload = documents_in[document.code]
                if upload:
                    try:
                        citizen_uploads.check(user=user, upload=upload, pending=pending)
                        pending += int(upload.size or 0)
                    except DomainError as refused:
                        doc_errors[document.code] = [str(refused)]
                elif _upload_required(document):
                    doc_errors[document.code] = [_("Vui lòng đính kèm giấy tờ này.")]
            if not (errors or place_errors or doc_errors):
                try:
                    return _submit(
                        request,
                        procedure,
                        version,
                        communes,
                        raw,
                        data,
                        documents,
                        documents_in,
                        idempotency_key,
                    )
                except FormInvalid as invalid:  # the service's check of the form: the same rules, per field
                    errors = eforms.problem_errors(invalid.problems, file_fields=file_fields)
                except FieldError as exc:
                    applicant_field = f"applicant_{exc.field}"
                    if any(f.name == applicant_field for f in fields):
                        errors = {applicant_field: [str(exc)]}
                    else:
                        error = exc
                except DomainError as exc:
                    error = exc
            raw = printable(raw)  # a draft and the form shown back hold no control character
            drafts.save_draft(user=user, procedure=procedure, data=raw)
    fields = eforms.build_fields(schema, ui, values=raw)
    provinces = eforms.choose_units(fields, on=today, default_province=settings.MOTCUA_PROVINCE_CODE)
    general_errors = eforms.attach_errors(fields, errors)
    known = {
        "applicant_name": user.full_name,
        "applicant_id_number": user.national_id,
        "applicant_phone": user.phone,
        "applicant_email": user.email,
    }
    for f in fields:
        if raw is None and not f.value and known.get(f.name):
            f.value = known[f.name]  # first opening: what the national e-ID told us
    has_errors = bool(errors or place_errors or doc_errors)
    return render(
        request,
        "portal/eform.html",
        {
            "procedure": procedure,
            "version": version,
            "fields": fields,
            "communes": communes,
            "provinces": provinces,
            "communes_url": reverse("portal:communes"),
            "accept": files.ACCEPT,
            "max_mb": files.max_bytes() // (1024 * 1024),
            "place": (raw or {}).get(PLACE_KEY, ""),
            "place_errors": place_errors,
            "general_errors": general_errors,
            "documents": [
                {"document": d, "required": _upload_required(d), "errors": doc_errors.get(d.code, [])}
                for d in documents
            ],
            "key": key,
            "error": error,
            "has_errors": has_errors,
            "saved": request.method == "GET" and request.GET.get("da_luu") == "1",
        },
        status=400 if (has_errors or error) else 200,
    )


def _submit(
    request: HttpRequest,
    procedure: Procedure,
    version: ProcedureVersion,
    communes: list[Any],
    raw: dict[str, Any],
    data: dict[str, Any],
    documents: list[RequiredDocument],
    uploads: dict[str, Any],
    idempotency_key: str,
) -> HttpResponse:
    place = next(u for u in communes if u.code == raw[PLACE_KEY])
    inputs = []
    stored: list[str] = []
    try:
        for d in documents:
            if uploads[d.code]:
                stored.append(_store(request, uploads[d.code]))
                inputs.append(
                    dossier_services.DocumentInput(
                        code=d.code, source=DocumentSource.FILE, originals=0, copies=0, file_ref=stored[-1]
                    )
                )
        dossier = _submit_dossier(request, procedure, place, data, documents, inputs, idempotency_key)
    except DomainError:
        for ref in stored:  # the dossier was not created: its files are nobody's
            citizen_uploads.discard(ref=ref)
        raise
    drafts.discard_draft(user=request.user, procedure=procedure)
    return HttpResponseRedirect(reverse("portal:my_dossier", args=[dossier.code]) + "?da_nop=1")


def _submit_dossier(
    request: HttpRequest,
    procedure: Procedure,
    place: Any,
    data: dict[str, Any],
    documents: list[RequiredDocument],
    inputs: list[Any],
    idempotency_key: str,
) -> Any:
    for d in documents:
        if d.reuse and not any(i.code == d.code for i in inputs):
            # Logged in with the national e-ID: the document is taken from the citizen's data store or the
            # national registry named by the catalog instead of being uploaded.
            source = DocumentSource.REGISTRY if d.reuse == ReuseSource.REGISTRY else DocumentSource.DATA_STORE
            inputs.append(dossier_services.DocumentInput(code=d.code, source=source, originals=0, copies=0))
    user: Any = request.user
    # The service keeps the e-ID identity as the applicant; a different name or number typed here is
    # recorded as the person concerned.
    info = dossier_services.ApplicantInfo(
        name=str(data.get("applicant_name") or ""),
        id_number=str(data.get("applicant_id_number") or ""),
        phone=str(data.get("applicant_phone") or user.phone or ""),
        email=user.email or "",
        address=str(data.get("applicant_address", "")),
    )
    return dossier_services.submit_online(
        applicant=user,
        procedure=procedure,
        place_unit=place,
        applicant_info=info,
        documents=inputs,
        form_data=data,
        summary=procedure.name[:500],
        idempotency_key=idempotency_key,
        origin="portal",
    )


@login_required(login_url=LOGIN_URL)
@require_GET
def my_dossiers(request: HttpRequest) -> HttpResponse:
    dossiers = tracking.my_dossiers(user=request.user, on=timezone.localdate())
    return render(request, "portal/my_dossiers.html", {"dossiers": dossiers})


def _own_dossier(request: HttpRequest, code: str) -> Any:
    try:
        return tracking.my_dossier(code=code, user=request.user, on=timezone.localdate())
    except DomainError as error:
        raise Http404(code) from error


@login_required(login_url=LOGIN_URL)
@require_GET
def my_dossier(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own_dossier(request, code)
    return _dossier_page(request, dossier)


def _dossier_page(
    request: HttpRequest, dossier: Any, *, error: DomainError | None = None, status: int = 200
) -> HttpResponse:
    timeline = dossier_selectors.timeline_for(dossier=dossier, user=request.user)
    return render(
        request,
        "portal/my_dossier.html",
        {
            "dossier": dossier,
            "timeline": timeline,
            "supplement": tracking.supplement_request(dossier=dossier),
            "can_withdraw": access.may(request.user, Act.WITHDRAW, dossier, on=timezone.localdate()),
            "error": error,
            "submitted": request.GET.get("da_nop") == "1",
            "supplied": request.GET.get("da_bo_sung") == "1",
            "rated": request.GET.get("da_danh_gia") == "1",
            "form_entries": formview.form_entries(dossier),
            "can_rate": dossier_selectors.can_rate(dossier=dossier, user=request.user),
            "satisfaction_levels": Satisfaction.choices,
            "accept": files.ACCEPT,
        },
        status=status,
    )


@login_required(login_url=LOGIN_URL)
@require_POST
def supply(request: HttpRequest, code: str) -> HttpResponse:
    """Answer a supplement request in place: upload the requested documents."""
    dossier = _own_dossier(request, code)
    request_ = tracking.supplement_request(dossier=dossier)
    uploads = {d.code: request.FILES.get(f"doc_{d.code}") for d in (request_.documents if request_ else [])}
    try:
        if request_ is None:
            raise DomainError(dossier_errors.SUPPLEMENT_CLOSED, _("Hồ sơ không ở trạng thái chờ bổ sung."))
        if not any(uploads.values()):
            raise DomainError(dossier_errors.SUPPLEMENT_EMPTY, _("Vui lòng đính kèm giấy tờ bổ sung."))
        inputs = [
            dossier_services.DocumentInput(
                code=c, source=DocumentSource.FILE, originals=0, copies=0, file_ref=_store(request, f)
            )
            for c, f in uploads.items()
            if f
        ]
        dossier_services.supply_documents(
            dossier=dossier,
            by=request.user,
            documents=inputs,
            note=str(request.POST.get("note", ""))[:1000],
            origin="portal",
        )
    except DomainError as error:
        return _dossier_page(request, dossier, error=error, status=http_status(error))
    return HttpResponseRedirect(reverse("portal:my_dossier", args=[dossier.code]) + "?da_bo_sung=1")


@login_required(login_url=LOGIN_URL)
@require_POST
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    """Rút hồ sơ: the citizen closes their dossier, giving a reason."""
    dossier = _own_dossier(request, code)
    try:
        dossier_services.withdraw(
            dossier=dossier,
            by=request.user,
            reason=str(request.POST.get("reason", ""))[:1000],
            origin="portal",
        )
    except DomainError as error:
        return _dossier_page(request, dossier, error=error, status=http_status(error))
    return HttpResponseRedirect(reverse("portal:my_dossier", args=[dossier.code]))


@login_required(login_url=LOGIN_URL)
@require_GET
def slip(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """A slip of the dossier as PDF (giấy tiếp nhận và hẹn trả kết quả, phiếu yêu cầu bổ sung...)."""
    dossier = _own_dossier(request, code)
    timeline = dossier_selectors.timeline_for(dossier=dossier, user=request.user)
    if kind not in timeline.slips:
        raise Http404(kind)
    response = HttpResponse(slip_pdf(dossier=dossier, kind=kind), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{dossier.code}-{kind}.pdf"'
    return response


@login_required(login_url=LOGIN_URL)
@require_GET
def result_file(request: HttpRequest, code: str, result_id: int) -> FileResponse:
    """Tải kết quả: a result file of the citizen's dossier, once the result has been returned."""
    dossier = _own_dossier(request, code)
    try:
        result = dossier_selectors.result_for(dossier=dossier, result_id=result_id, user=request.user)
        return _download(result.file_ref, result.file_name, result.content_type)
    except DomainError as error:
        raise Http404(code) from error


@login_required(login_url=LOGIN_URL)
@require_GET
def document_file(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    """A file the citizen submitted with the dossier."""
    dossier = _own_dossier(request, code)
    try:
        document = dossier_selectors.document_for(dossier=dossier, document_id=document_id, user=request.user)
        return _download(document.file_ref, files.display_name(document.file_ref), None)
    except DomainError as error:
        raise Http404(code) from error


@login_required(login_url=LOGIN_URL)
@require_GET
def form_file(request: HttpRequest, code: str, field: str) -> FileResponse:
    """A file the citizen uploaded in a ``file`` field of the e-form."""
    dossier = _own_dossier(request, code)
    try:
        ref = formview.form_file_ref(dossier, field)
        return _download(ref, files.display_name(ref), None)
    except DomainError as error:
        raise Http404(code) from error


def _download(ref: str, name: str, content_type: str | None) -> FileResponse:
    return FileResponse(
        files.open_stored(ref),
        as_attachment=True,
        filename=name,
        content_type=content_type or files.content_type_of(ref),
    )


@login_required(login_url=LOGIN_URL)
@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    """Đánh giá mức độ hài lòng: once, after the result (or the refusal)."""
    dossier = _own_dossier(request, code)
    try:
        dossier_services.rate(
            dossier=dossier,
            by=request.user,
            level=str(request.POST.get("level", "")),
            comment=str(request.POST.get("comment", ""))[:2000],
            channel=RatingChannel.PORTAL,
            origin="portal",
        )
    except DomainError as error:
        return _dossier_page(request, dossier, error=error, status=http_status(error))
    return HttpResponseRedirect(reverse("portal:my_dossier", args=[dossier.code]) + "?da_danh_gia=1")


def _client(request: HttpRequest) -> str:
    return client_address(request)


def _lookup_page(
    request: HttpRequest,
    *,
    code: str,
    last4: str,
    result: tracking.PublicStatus | None,
    error: DomainError | None,
    rated: bool = False,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "portal/lookup.html",
        {
            "code": code,
            "last4": last4,
            "result": result,
            "error": error,
            "rated": rated,
            "satisfaction_levels": Satisfaction.choices,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Public lookup: status and appointment of a dossier by its code and the last 4 digits of the ID.

    The form is sent by POST (CSRF-protected): the ID digits never travel in the address, which proxies
    and access logs keep. GET shows the empty form and ignores any query string."""
    if request.method != "POST":
        return _lookup_page(request, code="", last4="", result=None, error=None)
    code = str(request.POST.get("ma_ho_so", "")).strip()[:80]
    last4 = str(request.POST.get("so_cuoi", "")).strip()[:8]
    result = None
    error: DomainError | None = None
    if code or last4:
        try:
            result = tracking.public_lookup(code=code, id_last4=last4, client=_client(request))
        except DomainError as exc:
            error = exc
    # A lookup that finds nothing is a page with its message (200); a throttled one answers 429.
    status = 200 if error is None or http_status(error) == DEFAULT_STATUS else http_status(error)
    return _lookup_page(request, code=code, last4=last4, result=result, error=error, status=status)


@require_POST
def lookup_rate(request: HttpRequest) -> HttpResponse:
    """Rating by someone without an account: the code and ID ending are checked again, then rated once."""
    code = str(request.POST.get("ma_ho_so", "")).strip()[:80]
    last4 = str(request.POST.get("so_cuoi", "")).strip()[:8]
    try:
        dossier = tracking.find_public_dossier(code=code, id_last4=last4, client=_client(request))
    except DomainError as error:
        status = http_status(error)
        return _lookup_page(request, code=code, last4=last4, result=None, error=error, status=status)
    try:
        dossier_services.rate(
            dossier=dossier,
            by=None,
            level=str(request.POST.get("level", "")),
            comment=str(request.POST.get("comment", ""))[:2000],
            channel=RatingChannel.LOOKUP,
            origin="lookup",
        )
    except DomainError as error:
        result = tracking.public_lookup(code=code, id_last4=last4, client=_client(request))
        return _lookup_page(
            request, code=code, last4=last4, result=result, error=error, status=http_status(error)
        )
    result = tracking.public_lookup(code=code, id_last4=last4, client=_client(request))
    return _lookup_page(request, code=code, last4=last4, result=result, error=None, rated=True)
