"""Officer workspace pages: inbox, dossier page with its actions, counter reception."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from motcua.catalog.models import Action, Procedure
from motcua.core.errors import DomainError
from motcua.dossiers import lookups, selectors, services, slips
from motcua.dossiers.models import Channel, Dossier, State
from motcua.dossiers.status import TimeStatus, time_status
from motcua.geo.models import AdministrativeUnit, Level
from motcua.org.models import Agency, ReceptionPoint, Role
from motcua.org.selectors import positions_of, reception_points_of
from motcua.workspace.access import officer_required
from motcua.workspace.cccd import parse_cccd_qr

PAGE_SIZE = 25
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows, so a huge queue does not make every page scan the whole table."""

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list
        return int(rows[: COUNT_CAP + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


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


def _today(now: dt.datetime) -> dt.date:
    return now.astimezone(lookups.TZ).date()


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


# --- inbox ---------------------------------------------------------------------------------------


@officer_required
def inbox(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    dossiers = selectors.inbox_for(user=request.user, now=now).select_related(
        "competent_agency", "current_step__agency"
    )
    params = request.GET
    if params.get("procedure"):
        dossiers = dossiers.filter(procedure__code=params["procedure"])
    if params.get("status") in State.values:
        dossiers = dossiers.filter(state=params["status"])
    if params.get("channel") in Channel.values:
        dossiers = dossiers.filter(channel=params["channel"])
    start, end = _parse_date(params.get("from", "")), _parse_date(params.get("to", ""))
    if start:
        dossiers = dossiers.filter(received_at__date__gte=start)
    if end:
        dossiers = dossiers.filter(received_at__date__lte=end)
    query = params.get("q", "").strip()
    if query:
        dossiers = dossiers.filter(Q(code__icontains=query) | Q(applicant_name__icontains=query))
    page = CappedPaginator(dossiers, PAGE_SIZE).get_page(params.get("page"))
    rows = [{"dossier": d, "time_status": time_status(dossier=d, now=now)} for d in page.object_list]
    filters = params.copy()
    filters.pop("page", None)
    return render(
        request,
        "workspace/inbox.html",
        {
            "page": page,
            "rows": rows,
            "params": params,
            "filters_query": filters.urlencode(),
            "count_cap": COUNT_CAP,
            "procedures": Procedure.objects.filter(
                pk__in=selectors.inbox_for(user=request.user, now=now).values("procedure_id")
            ).order_by("code"),
            "states": [(s.value, s.label) for s in (State.IN_PROCESS, State.RESULT_READY)],
            "channels": Channel.choices,
            "time_statuses": TimeStatus,
            "consultations": selectors.open_consultations_for(user=request.user, now=now)
            .select_related("dossier__procedure")
            .order_by("requested_at")[:50],
        },
    )


# --- dossier page --------------------------------------------------------------------------------


def _dossier_or_404(request: HttpRequest, code: str, now: dt.datetime) -> Dossier:
    try:
        return selectors.get_dossier(code=code, user=request.user, on=_today(now))
    except DomainError as error:
        raise Http404(str(error)) from None


def _consult_agencies(dossier: Dossier, on: dt.date) -> list[Agency]:
    return list(
        Agency.objects.valid_on(on)
        .filter(province_code=dossier.province_code)
        .exclude(pk=dossier.competent_agency_id)
        .order_by("name")
    )


@officer_required
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    now = timezone.now()
    dossier = _dossier_or_404(request, code, now)
    actions = selectors.allowed_actions(dossier=dossier, user=request.user, now=now)
    timeline = selectors.timeline_for(dossier=dossier, user=request.user, now=now)
    steps = list(dossier.steps.select_related("step", "agency", "assignee").order_by("sequence"))
    return_targets = {s.step.code: s.step.name for s in steps if s.pk != dossier.current_step_id}
    return render(
        request,
        "workspace/dossier.html",
        {
            "dossier": dossier,
            "timeline": timeline,
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
                _consult_agencies(dossier, _today(now)) if Action.CONSULT in actions else []
            ),
            "slip_kinds": [k for k in timeline.slips if k in SLIP_KINDS],
            "open_consultations": list(
                dossier.consultations.filter(
                    answered_at__isnull=True,
                    agency_id__in=lookups.agencies_of(user=request.user, on=_today(now)),
                ).select_related("agency", "requested_by")
            ),
        },
    )


def _do(dossier: Dossier, request: HttpRequest, action: str) -> None:
    data = request.POST
    reason = data.get("reason", "").strip()
    missing = [line.strip() for line in data.get("missing", "").splitlines() if line.strip()]
    missing += data.getlist("missing_code")
    origin = request.META.get("REMOTE_ADDR", "")
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
    if action not in selectors.allowed_actions(dossier=dossier, user=request.user, now=now):
        messages.error(request, _("Bạn không thể thực hiện thao tác này với hồ sơ ở thời điểm hiện tại."))
        return redirect("workspace:dossier", code=code)
    try:
        _do(dossier, request, action)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": ACTION_LABELS[action]})
    return redirect("workspace:dossier", code=code)


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
            origin=request.META.get("REMOTE_ADDR", ""),
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
    points = list(reception_points_of(user=user, on=on))
    if points:
        return points
    agencies = positions_of(user=user, on=on).filter(role=Role.RECEPTION_OFFICER).values("agency_id")
    return list(ReceptionPoint.objects.valid_on(on).filter(agency_id__in=agencies).order_by("code"))


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
    on = _today(now)
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
        "idempotency_key": data.get("idempotency_key") or f"counter-{request.user.pk}-{now.timestamp()}",
    }
    if request.method == "POST" and data.get("decision") and procedure is not None:
        dossier = _register(request, context, now)
        if dossier is not None:
            return redirect("workspace:dossier", code=dossier.code)
    return render(request, "workspace/reception.html", context)


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
    ticked = context["ticked"]
    missing = [d.code for d in context["documents"] if d.mandatory and d.code not in ticked]
    try:
        with transaction.atomic():
            dossier = services.receive_at_counter(
                by=request.user,
                reception_point=context["point"],
                procedure=context["procedure"],
                place_unit=place,
                applicant_info=services.ApplicantInfo(**context["applicant"]),
                documents=[services.DocumentInput(code=code) for code in sorted(ticked)],
                idempotency_key=context["idempotency_key"],
                now=now,
                origin=request.META.get("REMOTE_ADDR", ""),
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
        messages.error(request, str(error))
        return None
