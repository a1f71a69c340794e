"""Officer workspace pages: inbox, dossier page with its actions, counter reception."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.catalog.fees import names_used
from motcua.catalog.forms import FormInvalid, field_order, problem_message
from motcua.catalog.models import Action, Procedure
from motcua.core.clients import client_address
from motcua.core.errors import DomainError, FieldError, http_status
from motcua.core.text import printable
from motcua.dossiers import access, errors, files, formview, lookups, selectors, services, slips
from motcua.dossiers.models import Channel, DocumentSource, Dossier, State
from motcua.dossiers.status import TimeStatus, time_status
from motcua.geo.models import AdministrativeUnit, Level
from motcua.org.models import Agency, ReceptionPoint, Role
from motcua.workspace import paging
from motcua.workspace.access import officer_required
from motcua.workspace.cccd import parse_cccd_qr
from motcua.workspace.forms import ApplicantForm, InboxDatesForm

PAGE_SIZE = 25
COUNT_CAP = 1000


SLIP_KINDS = ("receipt", "control", "supplement", "refusal", "apology")
ACTION_LABELS: dict[str, Any] = {
    **{a.value: a.label for a in Action},
    "accept": gettext_lazy("tiếp nhận"),
    "request_reception_supplement": gettext_lazy("yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "refuse_reception": gettext_lazy("từ chối tiếp nhận"),
}
REASON_REQUIRED = {
    "request_reception_supplement",
    "refuse_reception",
    "request_supplement",
    "return",
    "refuse",
}
LISTS_MISSING = {"request_reception_supplement", "request_supplement"}


# --- inbox ---------------------------------------------------------------------------------------


def _inbox_filters(params: Any, dates: InboxDatesForm) -> selectors.InboxFilters:
    received_from, received_to = dates.dates()
    return selectors.InboxFilters(
        procedure=params.get("procedure", "").strip()[:40],
        state=params.get("status", "") if params.get("status") in State.values else "",
        channel=params.get("channel", "") if params.get("channel") in Channel.values else "",
        received_from=received_from,
        received_to=received_to,
        query=params.get("q", "").strip()[:100],
    )


def _page_link(filters_query: str, cursor: paging.Cursor | None) -> str:
    parts = [filters_query] if filters_query else []
    if cursor is not None:
        parts.append(urlencode({"cursor": paging.encode(cursor)}))
    return reverse("workspace:inbox") + ("?" + "&".join(parts) if parts else "")


@officer_required
def inbox(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    params = request.GET
    dates = InboxDatesForm(params)
    filters = _inbox_filters(params, dates)
    cursor, error = None, ""
    if params.get("cursor"):
        try:
            cursor = paging.decode(params["cursor"])
        except DomainError as exc:
            error = str(exc)
    page = selectors.inbox_page(
        user=request.user,
        now=now,
        filters=filters,
        after=cursor.key if cursor and cursor.forward else None,
        before=cursor.key if cursor and not cursor.forward else None,
        size=PAGE_SIZE,
    )
    number = cursor.number if cursor is not None and page.has_previous else 1
    kept = params.copy()
    kept.pop("cursor", None)
    kept.pop("page", None)
    filters_query = kept.urlencode()
    first, last = page.first_key, page.last_key
    return render(
        request,
        "workspace/inbox.html",
        {
            "page": page,
            "number": number,
            "rows": [{"dossier": d, "time_status": time_status(dossier=d, now=now)} for d in page.dossiers],
            "params": params,
            "error": error,
            "count": selectors.inbox_count(user=request.user, now=now, filters=filters, cap=COUNT_CAP),
            "count_cap": COUNT_CAP,
            "count_cap_text": f"{COUNT_CAP:,}".replace(",", str(get_format("THOUSAND_SEPARATOR"))),
            "first_url": _page_link(filters_query, None),
            "previous_url": (
                _page_link(filters_query, paging.Cursor(first, forward=False, number=number - 1))
                if page.has_previous and first
                else ""
            ),
            "next_url": (
                _page_link(filters_query, paging.Cursor(last, forward=True, number=number + 1))
                if page.has_next and last
                else ""
            ),
            "procedures": Procedure.objects.filter(
                Q(pk__in=selectors.inbox_procedures(user=request.user, now=now)) | Q(code=filters.procedure)
            ).order_by("code"),
            "states": [(s.value, s.label) for s in (State.IN_PROCESS, State.RESULT_READY)],
            "channels": Channel.choices,
            "time_statuses": TimeStatus,
            "consultations": selectors.open_consultations_for(user=request.user, now=now)
            .select_related("dossier__procedure")
            .order_by("requested_at")[:50],
            "apologies_to_sign": selectors.apologies_to_sign(user=request.user, now=now)[:50],
            "date_errors": dates.errors,
        },
        status=400 if error or dates.errors else 200,
    )


@officer_required
def apologies(request: HttpRequest) -> HttpResponse:
    """Văn bản xin lỗi: notices waiting for my signature, dossiers of my agencies that need one."""
    now = timezone.now()
    agencies = Agency.objects.filter(pk__in=access.agencies_of(user=request.user, on=timezone.localdate(now)))
    needing = {a.pk: selectors.dossiers_needing_apology(agency_id=a.pk, now=now) for a in agencies}
    prefetch_related_objects([d for rows in needing.values() for d in rows], "procedure")
    return render(
        request,
        "workspace/apologies.html",
        {
            "to_sign": selectors.apologies_to_sign(user=request.user, now=now),
            "agencies": [
                {
                    "agency": agency,
                    "rows": [
                        {"dossier": d, "time_status": time_status(dossier=d, now=now)}
                        for d in needing[agency.pk]
                    ],
                }
                for agency in agencies.order_by("name")
            ],
        },
    )


# --- dossier page --------------------------------------------------------------------------------


def _dossier_or_404(request: HttpRequest, code: str, now: dt.datetime) -> Dossier:
    try:
        return selectors.get_dossier(code=code, user=request.user, on=timezone.localdate(now))
    except DomainError as error:
        raise Http404(str(error)) from None


def _consult_agencies(dossier: Dossier, on: dt.date) -> list[Agency]:
    return list(
        Agency.objects.valid_on(on)
        .filter(province_code=dossier.province_code)
        .exclude(pk=dossier.competent_agency_id)
        .order_by("name")
    )


def _dossier_context(
    request: HttpRequest, dossier: Dossier, now: dt.datetime, forms: dict[str, dict[str, str]]
) -> dict[str, Any]:
    user = request.user
    actions = selectors.allowed_actions(dossier=dossier, user=user, now=now)
    timeline = selectors.timeline_for(dossier=dossier, user=user, now=now)
    steps = list(dossier.steps.select_related("step", "agency", "assignee").order_by("sequence"))
    return_targets = {s.step.code: s.step.name for s in steps if s.pk != dossier.current_step_id}
    notices = list(dossier.apologies.select_related("drafted_by", "signed_by").order_by("drafted_at", "id"))
    can_draft = selectors.can_draft_apology(dossier=dossier, user=user, now=now)
    apology_form = forms.get("apology")
    if apology_form is None and can_draft:
        proposed = selectors.suggested_new_appointment(dossier=dossier, now=now).astimezone(lookups.TZ)
        apology_form = {"reason": "", "date": proposed.date().isoformat(), "time": proposed.strftime("%H:%M")}
    return {
        "dossier": dossier,
        "timeline": timeline,
        "form_entries": formview.form_entries(dossier),
        "steps": steps,
        "time_status": time_status(dossier=dossier, now=now),
        "actions": [
            {
                "code": a,
                "label": ACTION_LABELS.get(a, a),
                "needs_reason": a in REASON_REQUIRED,
                "lists_missing": a in LISTS_MISSING,
            }
            for a in actions
            if a in ACTION_LABELS
        ],
        "return_targets": sorted(return_targets.items()),
        "missing": selectors.missing_documents(dossier=dossier),
        "consult_agencies": (
            _consult_agencies(dossier, timezone.localdate(now)) if Action.CONSULT in actions else []
        ),
        "slip_kinds": [k for k in timeline.slips if k in SLIP_KINDS],
        "open_consultations": list(
            dossier.consultations.filter(
                answered_at__isnull=True,
                agency_id__in=access.agencies_of(user=user, on=timezone.localdate(now)),
            ).select_related("agency", "requested_by")
        ),
        "notices": notices,
        "latest_signed": max(
            (n for n in notices if n.signed_at is not None), key=lambda n: n.signed_at or now, default=None
        ),
        "signable": {n.pk for n in notices if selectors.can_sign_apology(notice=n, user=user, now=now)},
        "can_draft_apology": can_draft,
        "apology_form": apology_form or {},
        "results": timeline.results,
        "can_attach_result": selectors.can_attach_result(dossier=dossier, user=user, now=now),
        "result_form": forms.get("result", {}),
        "remove_form": forms.get("remove", {}),
        "sign_form": forms.get("sign", {}),
        "accept": files.ACCEPT,
        "max_upload_mb": files.max_bytes() // (1024 * 1024),
    }


def _dossier_response(
    request: HttpRequest,
    dossier: Dossier,
    now: dt.datetime,
    *,
    forms: dict[str, dict[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _dossier_context(request, dossier, now, forms or {})
    return render(request, "workspace/dossier.html", context, status=status)


@officer_required
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    now = timezone.now()
    return _dossier_response(request, _dossier_or_404(request, code, now), now)


def _refused(
    request: HttpRequest, dossier: Dossier, now: dt.datetime, form: str, error: DomainError, **values: str
) -> HttpResponse:
    """The dossier page again with the refusal next to the form, what was typed kept, and HTTP 400."""
    field = getattr(error, "field", "")  # a FieldError names its input: that input is marked invalid
    return _dossier_response(
        request,
        dossier,
        now,
        forms={form: {**values, "error": str(error), "field": field}},
        status=http_status(error),
    )


def _moment(day: str, time: str) -> dt.datetime:
    try:
        return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(time), tzinfo=lookups.TZ)
    except ValueError:
        raise DomainError(
            "apology.bad_moment", _("Vui lòng nhập ngày và giờ hẹn trả kết quả mới hợp lệ.")
        ) from None


@officer_required
@require_POST
def draft_apology(request: HttpRequest, code: str) -> HttpResponse:
    """Lập dự thảo văn bản xin lỗi và hẹn lại ngày trả kết quả."""
    now = timezone.now()
    dossier = _dossier_or_404(request, code, now)
    data = request.POST
    typed = {
        "reason": data.get("reason", ""),
        "date": data.get("new_date", ""),
        "time": data.get("new_time", ""),
    }
    try:
        services.draft_apology(
            dossier=dossier,
            by=request.user,
            reason=typed["reason"],
            new_appointment_at=_moment(typed["date"], typed["time"]),
            now=now,
            origin=_origin(request),
        )
    except DomainError as error:
        return _refused(request, dossier, now, "apology", error, **typed)
    messages.success(request, _("Đã lập dự thảo văn bản xin lỗi; văn bản có hiệu lực khi lãnh đạo ký."))
    return redirect(reverse("workspace:dossier", args=[code]) + "#apology-title")


@officer_required
@require_POST
def sign_apology(request: HttpRequest, code: str, notice_id: int) -> HttpResponse:
    """Lãnh đạo ký văn bản xin lỗi: the new appointment takes effect and the applicant is told."""
    now = timezone.now()
    dossier = _dossier_or_404(request, code, now)
    notice = dossier.apologies.filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    try:
        services.sign_apology(notice=notice, by=request.user, now=now, origin=_origin(request))
    except DomainError as error:
        return _refused(request, dossier, now, "sign", error)
    messages.success(request, _("Đã ký văn bản xin lỗi; ngày hẹn trả kết quả mới đã có hiệu lực."))
    return redirect(reverse("workspace:dossier", args=[code]) + "#apology-title")


@officer_required
@require_POST
def attach_result(request: HttpRequest, code: str) -> HttpResponse:
    """Đính kèm kết quả giải quyết (PDF or a scan)."""
    now = timezone.now()
    dossier = _dossier_or_404(request, code, now)
    name = request.POST.get("name", "")
    try:
        services.attach_result(
            dossier=dossier,
            by=request.user,
            name=name,
            upload=request.FILES.get("file"),
            now=now,
            origin=_origin(request),
        )
    except DomainError as error:
        return _refused(request, dossier, now, "result", error, name=name)
    messages.success(request, _("Đã đính kèm kết quả “%(name)s”.") % {"name": name.strip()})
    return redirect(reverse("workspace:dossier", args=[code]) + "#results-title")


@officer_required
@require_POST
def remove_result(request: HttpRequest, code: str, result_id: int) -> HttpResponse:
    """Gỡ tệp kết quả đính kèm nhầm, with the reason; the file stays on record."""
    now = timezone.now()
    dossier = _dossier_or_404(request, code, now)
    result = dossier.results.filter(pk=result_id).first()
    if result is None:
        raise Http404
    reason = request.POST.get("reason", "")
    try:
        services.remove_result(
            result=result, by=request.user, reason=reason, now=now, origin=_origin(request)
        )
    except DomainError as error:
        return _refused(request, dossier, now, "remove", error, reason=reason, result=str(result_id))
    messages.success(request, _("Đã gỡ tệp kết quả “%(name)s”.") % {"name": result.name})
    return redirect(reverse("workspace:dossier", args=[code]) + "#results-title")


def _download(ref: str, name: str, content_type: str) -> FileResponse:
    try:
        stream = files.open_stored(ref)
    except DomainError as error:
        raise Http404(str(error)) from None
    response = FileResponse(stream, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@officer_required
@require_GET
def result_file(request: HttpRequest, code: str, result_id: int) -> HttpResponseBase:
    """A result file of a dossier the officer may see (removed ones too: they stay on record)."""
    now = timezone.now()
    dossier = _dossier_or_404(request, code, now)
    try:
        result = selectors.result_for(dossier=dossier, result_id=result_id, user=request.user, now=now)
    except DomainError as error:
        raise Http404(str(error)) from None
    return _download(result.file_ref, result.file_name, result.content_type)


@officer_required
@require_GET
def document_file(request: HttpRequest, code: str, document_id: int) -> HttpResponseBase:
    """A file the applicant submitted with the dossier."""
    now = timezone.now()
    dossier = _dossier_or_404(request, code, now)
    try:
        document = selectors.document_for(
            dossier=dossier, document_id=document_id, user=request.user, now=now
        )
    except DomainError as error:
        raise Http404(str(error)) from None
    return _download(
        document.file_ref, files.display_name(document.file_ref), files.content_type_of(document.file_ref)
    )


@officer_required
@require_GET
def form_file(request: HttpRequest, code: str, field: str) -> HttpResponseBase:
    """A file the applicant uploaded in a ``file`` field of the e-form."""
    now = timezone.now()
    dossier = _dossier_or_404(request, code, now)
    try:
        ref = formview.form_file_ref(dossier, field)
    except DomainError as error:
        raise Http404(str(error)) from None
    return _download(ref, files.display_name(ref), files.content_type_of(ref))


def _origin(request: HttpRequest) -> str:
    return client_address(request)


def _do(dossier: Dossier, request: HttpRequest, action: str) -> None:
    data = request.POST
    reason = data.get("reason", "").strip()
    missing = [line.strip() for line in data.get("missing", "").splitlines() if line.strip()]
    missing += data.getlist("missing_code")
    origin = client_address(request)
    by = request.user
    if action == "accept":
        services.accept(dossier=dossier, by=by, origin=origin)
    elif action == "request_reception_supplement":
        services.request_reception_supplement(
            dossier=dossier, by=by, missing=missing, reason=reason, origin=origin
        )
    elif action == "refuse_reception":
        services.refuse_reception(dossier=dossier, by=by, reason=reason, origin=origin)
    elif action == Action.REQUEST_SUPPLEMENT:
        services.request_supplement(dossier=dossier, by=by, missing=missing, reason=reason, origin=origin)
    elif action == Action.CONSULT:
        agency_id = data.get("agency", "")
        agency = Agency.objects.filter(pk=agency_id).first() if agency_id.isdigit() else None
        if agency is None:
            raise DomainError("consult.no_agency", _("Vui lòng chọn cơ quan được xin ý kiến."))
        services.consult(dossier=dossier, by=by, agency=agency, question=reason, origin=origin)
    else:
        services.perform(
            dossier=dossier,
            by=by,
            action=action,
            reason=reason,
            target_step=data.get("target_step") or None,
            origin=origin,
        )


@officer_required
@require_POST
def dossier_action(request: HttpRequest, code: str) -> HttpResponse:
    now = timezone.now()
    dossier = _dossier_or_404(request, code, now)
    action = request.POST.get("action", "")
    if action == "answer_consultation":
        return _answer(request, dossier)
    if request.POST.get("version", "") != str(dossier.version):
        return _changed(request, dossier)
    if action not in selectors.allowed_actions(dossier=dossier, user=request.user, now=now):
        messages.error(request, _("Bạn không thể thực hiện thao tác này với hồ sơ ở thời điểm hiện tại."))
        return redirect("workspace:dossier", code=code)
    try:
        _do(dossier, request, action)
    except DomainError as error:
        # The page again, with the reason and HTTP 400: nothing was changed.
        messages.error(request, str(error))
        return _dossier_response(request, _dossier_or_404(request, code, now), now, status=http_status(error))
    messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": ACTION_LABELS[action]})
    return redirect("workspace:dossier", code=code)


def _changed(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    """The page that posted showed an older version of the dossier: act on nothing, offer a reload."""
    error = DomainError(
        errors.CHANGED,
        _("Hồ sơ đã thay đổi kể từ khi bạn mở trang này. Vui lòng tải lại hồ sơ và thực hiện lại thao tác."),
    )
    return render(
        request,
        "workspace/dossier_changed.html",
        {"dossier": dossier, "message": str(error)},
        status=http_status(error),
    )


def _answer(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    consultation_id = request.POST.get("consultation", "")
    consultation = (
        dossier.consultations.filter(pk=consultation_id).first() if consultation_id.isdigit() else None
    )
    if consultation is None:
        raise Http404
    try:
        services.answer_consultation(
            consultation=consultation,
            by=request.user,
            answer=request.POST.get("answer", ""),
            origin=client_address(request),
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã gửi ý kiến trả lời."))
    return redirect("workspace:dossier", code=dossier.code)


@officer_required
def slip(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    dossier = _dossier_or_404(request, code, timezone.now())
    if kind not in SLIP_KINDS:
        raise Http404
    try:
        pdf = slips.slip_pdf(dossier=dossier, kind=kind)
    except DomainError as error:
        raise Http404(str(error)) from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{kind}.pdf"'
    return response


# --- counter reception ---------------------------------------------------------------------------


def _my_points(user: Any, on: dt.date) -> list[ReceptionPoint]:
    return list(access.reception_points(user=user, role=Role.RECEPTION_OFFICER, on=on))


def _communes(province_code: str, on: dt.date) -> list[AdministrativeUnit]:
    return list(
        AdministrativeUnit.objects.valid_on(on)
        .filter(province_code=province_code, level=Level.COMMUNE)
        .order_by("name")
    )


def _documents(procedure: Procedure, on: dt.date) -> list[Any]:
    try:
        version = lookups.version_in_force(procedure=procedure, on=on)
    except DomainError:
        return []
    return list(version.documents.order_by("order"))


@officer_required
@require_http_methods(["GET", "POST"])
def counter_reception(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    on = timezone.localdate(now)
    points = _my_points(request.user, on)
    if not points:
        messages.error(request, _("Bạn không làm việc tại điểm tiếp nhận nào."))
        return redirect("workspace:inbox")
    point = next((p for p in points if str(p.pk) == request.POST.get("point", "")), points[0])
    data = request.POST if request.method == "POST" else request.GET
    procedure = Procedure.objects.filter(code=data.get("procedure", "")).first()
    applicant = {k: data.get(k, "").strip() for k in ("name", "id_number", "phone", "email", "address")}
    if request.method == "POST" and data.get("cccd_qr", "").strip() and not applicant["name"]:
        try:
            card = parse_cccd_qr(data["cccd_qr"])
        except DomainError as error:
            messages.error(request, str(error))
        else:
            applicant.update(name=card.name, id_number=card.id_number, address=card.address)
    applicant_form = ApplicantForm(applicant)
    applicant_errors = (
        {k: list(v) for k, v in applicant_form.errors.items()} if request.method == "POST" else {}
    )
    applicant = {k: printable(v) for k, v in applicant.items()}  # shown back without control characters
    fee_fields = _fee_fields(procedure, on, data) if procedure else []
    context: dict[str, Any] = {
        "points": points,
        "point": point,
        "procedures": Procedure.objects.order_by("code").only("code", "name"),
        "procedure": procedure,
        "communes": _communes(point.province_code, on),
        "place": data.get("place", ""),
        "applicant": applicant,
        "documents": _documents(procedure, on) if procedure else [],
        "ticked": set(data.getlist("document")),
        "accept": files.ACCEPT,
        "max_upload_mb": files.max_bytes() // (1024 * 1024),
        "idempotency_key": data.get("idempotency_key") or f"counter-{request.user.pk}-{now.timestamp()}",
        "applicant_errors": applicant_errors,
        "fee_fields": fee_fields,
        "form_data": {f["name"]: f["typed"] for f in fee_fields if f["typed"] is not None},
        "reason": printable(data.get("reason", "")),
    }
    if request.method == "POST" and data.get("decision") and procedure is not None:
        if applicant_errors:
            messages.error(request, _("Thông tin chủ hồ sơ chưa hợp lệ; vui lòng sửa các ô được đánh dấu."))
            return render(request, "workspace/reception.html", context, status=400)
        dossier = _register(request, context, now)
        if dossier is not None:
            return redirect("workspace:dossier", code=dossier.code)
        # Refused: the form again with the reason and everything typed, HTTP 400, no dossier kept.
        return render(request, "workspace/reception.html", context, status=400)
    return render(request, "workspace/reception.html", context)


def _fee_fields(procedure: Procedure, on: dt.date, data: Any) -> list[dict[str, Any]]:
    """The e-form values the fee reads (number of copies, pages, an exemption's yes/no): the officer types
    them at the counter, so that the fee is computed, never taken as 0. Posted as ``fee_<field>``."""
    try:
        version = lookups.version_in_force(procedure=procedure, on=on)
    except DomainError:
        return []
    schema = version.form_schema or {}
    properties = schema.get("properties") or {}
    labels = (version.ui_schema or {}).get("labels") or {}
    reads = [
        name
        for name in field_order(schema, version.ui_schema or {})
        if name in names_used(version.fee_rules or [])
    ]
    fields = []
    for name in reads:
        sub = properties.get(name) or {}
        kind = sub.get("type")
        raw = str(data.get(f"fee_{name}", "")).strip()
        typed: Any = None
        if kind == "boolean":
            typed, raw = f"fee_{name}" in data, ""
        elif raw:
            try:
                number = float(raw.replace(",", "."))
                typed = int(number) if kind == "integer" and number.is_integer() else number
            except ValueError:
                typed = raw  # the service reports a type error on this field
        fields.append(
            {
                "name": name,
                "label": str(labels.get(name) or sub.get("title") or name),
                "boolean": kind == "boolean",
                "value": printable(raw),
                "typed": typed,
                "minimum": sub.get("minimum"),
                "maximum": sub.get("maximum"),
                "errors": [],
            }
        )
    return fields


def _counter_document(code: str, scan: files.StoredFile | None) -> services.DocumentInput:
    """A document handed over at the counter: paper, or paper plus its scan (digitized at reception)."""
    if scan is None:
        return services.DocumentInput(code=code)
    return services.DocumentInput(code=code, source=DocumentSource.FILE, file_ref=scan.ref)


def _register(request: HttpRequest, context: dict[str, Any], now: dt.datetime) -> Dossier | None:
    """Create the dossier and take the officer's decision; on any refusal nothing is kept."""
    decision = request.POST["decision"]
    place_id = str(context["place"])
    place = AdministrativeUnit.objects.filter(pk=place_id).first() if place_id.isdigit() else None
    if place is None:
        messages.error(request, _("Vui lòng chọn xã, phường nơi thực hiện thủ tục."))
        return None
    if not context["applicant"]["name"]:
        messages.error(request, _("Vui lòng nhập họ tên chủ hồ sơ hoặc quét mã QR trên CCCD."))
        return None
    reason = request.POST.get("reason", "").strip()
    scans = {d.code: request.FILES.get(f"scan_{d.code}") for d in context["documents"]}
    ticked = context["ticked"] | {code for code, scan in scans.items() if scan}
    missing = [d.code for d in context["documents"] if d.mandatory and d.code not in ticked]
    stored: dict[str, files.StoredFile] = {}
    try:
        for code, scan in scans.items():
            if scan:
                folder = f"{context['point'].province_code}/counter/{context['point'].pk}"
                stored[code] = files.store_upload(scan, folder=folder)
        with transaction.atomic():
            dossier = services.receive_at_counter(
                by=request.user,
                reception_point=context["point"],
                procedure=context["procedure"],
                place_unit=place,
                applicant_info=services.ApplicantInfo(**context["applicant"]),
                documents=[_counter_document(code, stored.get(code)) for code in sorted(ticked)],
                form_data=context["form_data"],
                idempotency_key=context["idempotency_key"],
                now=now,
                origin=client_address(request),
            )
            if decision == "accept":
                dossier = services.accept(dossier=dossier, by=request.user, now=now)
                messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code})
            elif decision == "supplement":
                dossier = services.request_reception_supplement(
                    dossier=dossier, by=request.user, missing=missing, reason=reason, now=now
                )
                messages.success(
                    request, _("Đã lập phiếu yêu cầu bổ sung cho hồ sơ %(code)s.") % {"code": dossier.code}
                )
            elif decision == "refuse":
                dossier = services.refuse_reception(dossier=dossier, by=request.user, reason=reason, now=now)
                messages.success(
                    request, _("Đã lập phiếu từ chối tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code}
                )
            return dossier
    except DomainError as error:
        for kept in stored.values():
            files.discard(kept.ref)  # nothing was registered: the scans go too
        _field_errors(context, error)
        messages.error(request, str(error))
        return None


def _field_errors(context: dict[str, Any], error: DomainError) -> None:
    """Put a refusal about one input beside it: an applicant field, a fee value or the reason."""
    if isinstance(error, FormInvalid):
        by_name = {f["name"]: f for f in context["fee_fields"]}
        for problem in error.problems:
            if problem.field in by_name:
                by_name[problem.field]["errors"].append(problem_message(problem))
    elif isinstance(error, FieldError):
        if error.field in context["applicant"]:
            context["applicant_errors"].setdefault(error.field, []).append(str(error))
        elif error.field == "reason":
            context["reason_errors"] = [str(error)]
