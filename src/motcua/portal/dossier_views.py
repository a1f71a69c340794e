"""Citizen portal pages for dossiers: the e-form (nộp hồ sơ trực tuyến), "my dossiers", a dossier's page
with its timeline, slips and supplement answer, and the public lookup by code + ID ending."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.catalog import selectors as catalog
from motcua.catalog.models import OnlineLevel, Procedure, ProcedureVersion, RequiredDocument, ReuseSource
from motcua.core.errors import DomainError
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import DocumentSource
from motcua.dossiers.slips import slip_pdf
from motcua.geo.selectors import communes_of

from . import drafts, eforms, tracking

LOGIN_URL = reverse_lazy("portal:login")
PLACE_KEY = "__place"
KEY_FIELD = "submission_key"
SAFE_KEY = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def _today():
    return timezone.localdate()


def _store(request: HttpRequest, upload: UploadedFile) -> str:
    """Save an uploaded file under media/ (default storage); the stored name is the document's file_ref."""
    name = get_valid_filename(upload.name or "tep") or "tep"
    return default_storage.save(f"portal/{request.user.pk}/{uuid.uuid4().hex}/{name}", upload)


def _version_for_online(code: str) -> tuple[Procedure, ProcedureVersion]:
    procedure = Procedure.objects.filter(code=code).first()
    if procedure is None:
        raise Http404(code)
    try:
        version = catalog.version_in_force(procedure=procedure, on=_today())
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
    communes = list(communes_of(province_code=settings.MOTCUA_PROVINCE_CODE, on=_today()))
    unit_names = {u.code: u.name for u in communes}
    documents = list(version.documents.order_by("order", "code"))
    errors: dict[str, list[str]] = {}
    error: DomainError | None = None
    if request.method == "GET":
        draft = drafts.draft_of(user=request.user, procedure=procedure)
        raw: dict[str, Any] | None = dict(draft.data) if draft else None
        key = uuid.uuid4().hex
    else:
        raw = eforms.raw_values(eforms.build_fields(schema, ui), request.POST)
        raw[PLACE_KEY] = str(request.POST.get("place", "")).strip()
        key = str(request.POST.get(KEY_FIELD, ""))
        if not SAFE_KEY.match(key):
            key = uuid.uuid4().hex
        if "save_draft" in request.POST:
            drafts.save_draft(user=request.user, procedure=procedure, data=raw)
            return HttpResponseRedirect(reverse("portal:eform", args=[procedure.code]) + "?da_luu=1")
        idempotency_key = f"portal-{request.user.pk}-{key}"
        existing = tracking.submitted_with_key(user=request.user, key=idempotency_key)
        if existing is not None:  # a second click on the same form
            return HttpResponseRedirect(reverse("portal:my_dossier", args=[existing.code]))
        fields = eforms.build_fields(schema, ui, values=raw)
        data = eforms.form_data(schema, fields, raw, unit_names)
        errors = eforms.field_errors(schema, data) if schema else {}
        if raw[PLACE_KEY] not in unit_names:
            errors[PLACE_KEY] = [_("Vui lòng chọn xã, phường nơi cư trú.")]
        uploads = {d.code: request.FILES.get(f"doc_{d.code}") for d in documents}
        for document in documents:
            if _upload_required(document) and not uploads[document.code]:
                errors[f"doc_{document.code}"] = [_("Vui lòng đính kèm giấy tờ này.")]
        if not errors:
            try:
                return _submit(
                    request, procedure, version, communes, raw, data, documents, uploads, idempotency_key
                )
            except DomainError as exc:
                error = exc
        drafts.save_draft(user=request.user, procedure=procedure, data=raw)
    fields = eforms.build_fields(schema, ui, values=raw)
    account: Any = request.user
    known = {
        "applicant_name": account.full_name,
        "applicant_id_number": account.national_id,
        "applicant_phone": account.phone,
        "applicant_email": account.email,
    }
    for f in fields:
        f.errors = errors.get(f.name, [])
        if raw is None and not f.value and known.get(f.name):
            f.value = known[f.name]  # first opening: what the national e-ID told us
    return render(
        request,
        "portal/eform.html",
        {
            "procedure": procedure,
            "version": version,
            "fields": fields,
            "communes": communes,
            "place": (raw or {}).get(PLACE_KEY, ""),
            "place_errors": errors.get(PLACE_KEY, []),
            "documents": [
                {"document": d, "required": _upload_required(d), "errors": errors.get(f"doc_{d.code}", [])}
                for d in documents
            ],
            "key": key,
            "error": error,
            "has_errors": bool(errors),
            "saved": request.method == "GET" and request.GET.get("da_luu") == "1",
        },
        status=400 if (errors or error) else 200,
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
    for d in documents:
        if uploads[d.code]:
            inputs.append(
                dossier_services.DocumentInput(
                    code=d.code,
                    source=DocumentSource.FILE,
                    originals=0,
                    copies=0,
                    file_ref=_store(request, uploads[d.code]),
                )
            )
        elif d.reuse:
            # Logged in with the national e-ID: the document is taken from the citizen's data store or the
            # national registry named by the catalog instead of being uploaded.
            source = DocumentSource.REGISTRY if d.reuse == ReuseSource.REGISTRY else DocumentSource.DATA_STORE
            inputs.append(dossier_services.DocumentInput(code=d.code, source=source, originals=0, copies=0))
    user: Any = request.user
    info = dossier_services.ApplicantInfo(
        name=str(data.get("applicant_name") or user.full_name or user.get_username()),
        id_number=user.national_id or str(data.get("applicant_id_number", "")),
        phone=str(data.get("applicant_phone") or user.phone or ""),
        email=user.email or "",
        address=str(data.get("applicant_address", "")),
    )
    dossier = dossier_services.submit_online(
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
    drafts.discard_draft(user=user, procedure=procedure)
    return HttpResponseRedirect(reverse("portal:my_dossier", args=[dossier.code]) + "?da_nop=1")


@login_required(login_url=LOGIN_URL)
@require_GET
def my_dossiers(request: HttpRequest) -> HttpResponse:
    dossiers = tracking.my_dossiers(user=request.user, on=_today())
    return render(request, "portal/my_dossiers.html", {"dossiers": dossiers})


def _own_dossier(request: HttpRequest, code: str) -> Any:
    try:
        return tracking.my_dossier(code=code, user=request.user, on=_today())
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
            "can_withdraw": dossier.state in tracking.WITHDRAWABLE_STATES,
            "error": error,
            "submitted": request.GET.get("da_nop") == "1",
            "supplied": request.GET.get("da_bo_sung") == "1",
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
            raise DomainError("supplement.closed", _("Hồ sơ không ở trạng thái chờ bổ sung."))
        if not any(uploads.values()):
            raise DomainError("supplement.empty", _("Vui lòng đính kèm giấy tờ bổ sung."))
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
        return _dossier_page(request, dossier, error=error, status=400)
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
        return _dossier_page(request, dossier, error=error, status=400)
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


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """Public lookup: status and appointment of a dossier by its code and the last 4 digits of the ID."""
    code = str(request.GET.get("ma_ho_so", "")).strip()[:80]
    last4 = str(request.GET.get("so_cuoi", "")).strip()[:8]
    result = None
    error: DomainError | None = None
    if code or last4:
        try:
            result = tracking.public_lookup(code=code, id_last4=last4)
        except DomainError as exc:
            error = exc
    return render(
        request, "portal/lookup.html", {"code": code, "last4": last4, "result": result, "error": error}
    )
