"""Hỗ trợ nộp hồ sơ trực tuyến tại quầy (Directive 24/CT-TTg): the reception officer fills the procedure's
e-form with the citizen, attaches the scanned documents and submits online; the citizen confirms on the spot
or later with the national e-ID. When the online path is down (the e-ID provider does not answer, or the
officer says so) the dossier is recorded here and submitted when the path is back.

The e-form is read and shown with ``catalog.eforms`` (the portal's own rendering and checks); the rules are
``dossiers.services.submit_assisted``.

The place that decides competence is the one the law names, as on the portal's e-form: the competence rule
names the e-form fields that carry it (``CompetenceRule.place_fields``, commune pickers of the e-form such as
"Xã, phường, đặc khu nơi cư trú của cha hoặc mẹ"), and a refusal is shown beside that field. Only a
procedure whose rules name no field of its e-form keeps the separate "Xã, phường nơi thực hiện thủ tục"
picker (``place``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.catalog import eforms
from motcua.catalog.forms import FormInvalid
from motcua.catalog.models import Procedure
from motcua.core.clients import client_address
from motcua.core.errors import DomainError, FieldError
from motcua.core.text import printable
from motcua.dossiers import files, lookups, selectors, services
from motcua.dossiers.access import Page
from motcua.dossiers.constants import Confirmation, DocumentSource, OfflineReason, State
from motcua.geo.models import AdministrativeUnit
from motcua.integrations import online_path
from motcua.integrations.tasks import submit_offline_dossiers
from motcua.registries import prefill
from motcua.registries.adapters import RecordNotFound, RegistryUnavailable
from motcua.registries.fields import registry_label
from motcua.workspace import applicant_address
from motcua.workspace import declaration as declarations
from motcua.workspace.access import officer_required, page_required
from motcua.workspace.cccd import parse_cccd_qr
from motcua.workspace.forms import ApplicantForm, AssistedSubmissionForm
from motcua.workspace.views.reception import APPLICANT_FIELDS, _communes, _my_points


def _version(procedure: Procedure | None, on: dt.date) -> Any:
    if procedure is None:
        return None
    try:
        return lookups.version_in_force(procedure=procedure, on=on)
    except DomainError:
        return None


@officer_required
@page_required(Page.ASSISTED)
@require_http_methods(["GET", "POST"])
def assisted_submission(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    on = timezone.localdate(now)
    points = _my_points(request.user, on)
    if not points:
        messages.error(request, _("Bạn không làm việc tại điểm tiếp nhận nào."))
        return redirect("workspace:inbox")
    posted = request.method == "POST"
    data = request.POST if posted else request.GET
    form = AssistedSubmissionForm(data)
    chosen = str(form.value("point"))
    point = next((p for p in points if str(p.pk) == chosen), points[0])
    procedure = Procedure.objects.filter(code=form.value("procedure")).first()
    version = _version(procedure, on)
    applicant = {k: data.get(k, "").strip() for k in APPLICANT_FIELDS}
    card = None
    if posted and form.value("cccd_qr") and not applicant["name"]:
        try:
            card = parse_cccd_qr(form.value("cccd_qr"))
        except DomainError as error:
            messages.error(request, str(error))
        else:
            applicant.update(name=card.name, id_number=card.id_number, address=card.address)
    address_unit = printable(str(data.get(applicant_address.ADDRESS_UNIT, "")).strip())[:8]
    address_errors = applicant_address.confirm(applicant, chosen=address_unit, on=on) if posted else []
    applicant_form = ApplicantForm(applicant)
    applicant_errors = {k: list(v) for k, v in applicant_form.errors.items()} if posted else {}
    if address_errors:
        applicant_errors.setdefault("address", []).extend(address_errors)
    applicant = {k: printable(v) for k, v in applicant.items()}
    schema: dict[str, Any] = (version.form_schema or {}) if version else {}
    ui: dict[str, Any] = (version.ui_schema or {}) if version else {}
    communes = _communes(point.province_code, on)
    raw: dict[str, Any] | None = None
    errors: dict[str, list[str]] = {}
    address_notes = eforms.AddressNotes()
    if posted and version is not None:
        posted_fields = eforms.build_fields(schema, ui)
        raw = eforms.raw_values(posted_fields, request.POST)
        if card is not None:  # the e-form's applicant fields from the CCCD QR (workspace.declaration)
            declarations.prefill_from_card(posted_fields, raw, card)
        # An address typed whole: its 2025 commune is chosen, and the form comes back to be checked.
        unit_names = {u.code: u.name for u in communes}
        address_notes = eforms.propose_address_units(posted_fields, raw, unit_names=unit_names)
    # Values prefilled from a registry (registries.prefill) with the consent or legal basis recorded here.
    sources = prefill.sources_of(version=version) if version is not None else []
    prefilled = prefill.pending(user=request.user, procedure=procedure, values=raw) if sources else {}
    reasons = {
        name: printable(str(request.POST.get(name + prefill.REASON_SUFFIX, "")).strip()) for name in prefilled
    }
    # The rules name the e-form fields carrying the place: no separate picker (see the module's docstring).
    place_fields = _place_fields(procedure, schema, on)
    context: dict[str, Any] = {
        "points": points,
        "point": point,
        "procedures": Procedure.objects.order_by("code").only("code", "name"),
        "procedure": procedure,
        "version": version,
        "online_only": version is not None and version.is_online_only(on),
        "communes": communes,
        "ask_place": procedure is not None and not place_fields,
        "place_fields": place_fields,
        "place": form.value("place"),
        "applicant": applicant,
        "address_proposal": applicant_address.propose(
            address=applicant["address"], chosen=address_unit, card=card, communes=communes, on=on
        ),
        "applicant_errors": applicant_errors,
        "documents": list(version.documents.order_by("order", "code")) if version else [],
        "accept": files.ACCEPT,
        "max_upload_mb": files.max_bytes() // (1024 * 1024),
        "idempotency_key": form.value("idempotency_key") or f"assisted-{request.user.pk}-{now.timestamp()}",
        "confirmation": form.value("confirmation") or Confirmation.ON_THE_SPOT,
        "citizen_confirmed": form.value("citizen_confirmed"),
        "offline_declared": form.value("offline_declared"),
        "pending": list(selectors.recorded_offline_for(user=request.user, on=on)[:50]),
        "status": 200,
        "prefilled": prefilled,
        "reasons": reasons,
        "prefill_basis": str(request.POST.get("prefill_basis", "")),
        "prefill_legal_basis": printable(str(request.POST.get("prefill_legal_basis", "")).strip()),
        "prefill_errors": [],
    }
    if posted and version is not None and request.POST.get("prefill"):
        _prefill(request, context, raw=raw or {}, slug=str(request.POST["prefill"]))
        prefilled = context["prefilled"]
    if posted and form.value("submit") and version is not None and not address_notes.changed:
        if applicant_errors:
            messages.error(request, _("Thông tin chủ hồ sơ chưa hợp lệ; vui lòng sửa các ô được đánh dấu."))
            context["status"] = 400
        else:
            dossier = _submit(request, context, schema=schema, ui=ui, raw=raw or {}, errors=errors, now=now)
            if dossier is not None:
                return redirect("workspace:dossier", code=dossier.code)
            context["status"] = 400
    fields = eforms.build_fields(schema, ui, values=raw) if version is not None else []
    eforms.choose_units(fields, on=on, default_province=point.province_code)
    context["fields"] = fields
    context["general_errors"] = eforms.attach_errors(fields, errors)
    for f in fields:
        if f.name in prefilled:
            reason = context["reasons"].get(f.name, "")
            f.origin = prefill.origin_of(prefilled[f.name], widget=f.widget, reason=reason)
    context["sources"] = [
        {
            "slug": s.slug,
            "label": registry_label(s.registry),
            "fields": prefill.field_labels(s),
            "text": prefill.consent_text(
                source=s, procedure=procedure, identifier=str((raw or {}).get(s.key) or "…")
            ),
        }
        for s in sources
    ]
    eforms.attach_notes(fields, address_notes)
    return render(request, "workspace/assisted.html", context, status=context["status"])


def _prefill(request: HttpRequest, context: dict[str, Any], *, raw: dict[str, Any], slug: str) -> None:
    """ "Lấy thông tin từ <cơ sở dữ liệu>" at the counter: the officer records the citizen's consent (the text
    shown on the page) or names the legal basis; with neither the registries service refuses the lookup."""
    procedure, version = context["procedure"], context["version"]
    try:
        source = prefill.source_for(version=version, slug=slug)
        identifier = str(raw.get(source.key) or "").strip()
        consenting = context["prefill_basis"] == "consent"
        fetched = prefill.fetch(
            actor=request.user,
            procedure=procedure,
            source=source,
            identifier=identifier,
            shown_text=prefill.consent_text(source=source, procedure=procedure, identifier=identifier)
            if consenting and identifier
            else "",
            legal_basis=context["prefill_legal_basis"] if context["prefill_basis"] == "legal_basis" else "",
        )
    except RegistryUnavailable:
        context["prefill_errors"].append(
            _(
                "Cơ sở dữ liệu hiện không phản hồi. Vui lòng điền tờ khai theo giấy tờ của công dân và quét "
                "giấy tờ đính kèm."
            )
        )
        return
    except RecordNotFound:
        context["prefill_errors"].append(
            _("Không tìm thấy thông tin của số định danh này. Vui lòng tự điền.")
        )
        return
    except DomainError as error:
        context["prefill_errors"].append(str(error))
        return
    prefill.put_values(raw, fetched.values, version=version)
    context["prefilled"] = prefill.pending(user=request.user, procedure=procedure, values=raw)
    context["reasons"] = {}
    messages.success(
        request,
        _("Đã lấy %(count)s thông tin từ %(registry)s; đọc lại cho công dân kiểm tra.")
        % {"count": len(fetched.values), "registry": registry_label(source.registry)},
    )


def _place_fields(procedure: Procedure | None, schema: dict[str, Any], on: dt.date) -> list[str]:
    """The e-form fields the competence rules name as carrying the place, those the e-form has."""
    if procedure is None:
        return []
    properties = schema.get("properties") or {}
    return [n for n in lookups.competence_place_fields(procedure=procedure, on=on) if n in properties]


def _place_errors(
    context: dict[str, Any], form_data: dict[str, Any], errors: dict[str, list[str]], *, on: dt.date
) -> AdministrativeUnit | None:
    """The commune the named place fields give (``lookups.competence_place``); when none is filled or it is
    not a commune, the message goes beside the field (unless that field has its own message already)."""
    try:
        return lookups.competence_place(
            procedure=context["procedure"], version=context["version"], on=on, form_data=form_data
        ).unit
    except FieldError as error:
        if error.field not in errors:
            errors[error.field] = [str(error)]
    except DomainError as error:
        errors.setdefault("", []).append(str(error))
    return None


def _submit(
    request: HttpRequest,
    context: dict[str, Any],
    *,
    schema: dict[str, Any],
    ui: dict[str, Any],
    raw: dict[str, Any],
    errors: dict[str, list[str]],
    now: dt.datetime,
) -> Any:
    """Check the e-form as the portal does, store the scans, probe the online path and submit; on any
    refusal nothing is kept (the scans stored go too) and the messages are put beside their inputs."""
    on = timezone.localdate(now)
    fields = eforms.build_fields(schema, ui)
    unit_names = {u.code: u.name for u in context["communes"]}
    form_data = eforms.form_data(schema, fields, raw, unit_names)
    file_fields = {f.name for f in fields if f.widget == "file"}
    field_names = {f.name for f in fields}
    place_id = str(context["place"])
    place = None
    if context["ask_place"] and place_id.isdigit():
        place = AdministrativeUnit.objects.filter(pk=place_id).first()
    point = context["point"]
    folder = f"{point.province_code}/counter/{point.pk}"
    stored: list[str] = []
    try:
        for name in file_fields:  # a file of the e-form (a scan the form itself asks for)
            upload = request.FILES.get(name)
            if upload:
                kept = files.store_upload(upload, folder=folder)
                stored.append(kept.ref)
                form_data[name] = kept.ref
        errors.update(eforms.field_errors(schema, form_data, file_fields=file_fields) if schema else {})
        errors.update(eforms.unit_errors(fields, raw, on=on))
        corrections = prefill.correction_errors(
            prefilled=context["prefilled"], data=raw, reasons=context["reasons"]
        )
        for name, problems in corrections.items():
            errors.setdefault(name, []).extend(problems)
        if not context["ask_place"]:
            # The commune of the named field: the service reads the same field and finds it agrees.
            place = _place_errors(context, form_data, errors, on=on)
        elif place is None:
            errors.setdefault("", []).append(_("Vui lòng chọn xã, phường nơi thực hiện thủ tục."))
        if not context["applicant"]["name"]:
            context["applicant_errors"].setdefault("name", []).append(_("Vui lòng nhập họ tên chủ hồ sơ."))
        if errors or context["applicant_errors"]:
            raise DomainError("form.invalid", _("Tờ khai chưa hợp lệ; vui lòng sửa các ô được đánh dấu."))
        documents = []
        for doc in context["documents"]:
            scan = request.FILES.get(f"scan_{doc.code}")
            if scan:
                kept = files.store_upload(scan, folder=folder)
                stored.append(kept.ref)
                documents.append(
                    services.DocumentInput(code=doc.code, source=DocumentSource.FILE, file_ref=kept.ref)
                )
        offline = ""
        if context["offline_declared"]:
            offline = OfflineReason.DECLARED
        elif not online_path.is_up():
            offline = OfflineReason.PROBE
        assert place is not None
        with transaction.atomic():  # the dossier and where its prefilled values came from
            dossier = services.submit_assisted(
                by=request.user,
                reception_point=point,
                procedure=context["procedure"],
                place_unit=place,
                applicant_info=services.ApplicantInfo(**context["applicant"]),
                confirmation=context["confirmation"],
                citizen_confirmed=bool(context["citizen_confirmed"]),
                offline=offline,
                documents=documents,
                form_data=form_data,
                idempotency_key=context["idempotency_key"],
                now=now,
                origin=client_address(request),
            )
            if context["prefilled"]:
                prefill.settle(
                    user=request.user,
                    procedure=context["procedure"],
                    dossier=dossier,
                    data=raw,
                    reasons=context["reasons"],
                )
    except DomainError as error:
        for ref in stored:
            files.discard(ref)
        if isinstance(error, FormInvalid):
            errors.update(eforms.problem_errors(error.problems, file_fields=file_fields))
        elif isinstance(error, FieldError) and error.field in field_names:  # e.g. a named place field
            errors.setdefault(error.field, []).append(str(error))
        elif isinstance(error, FieldError) and error.field in context["applicant"]:
            context["applicant_errors"].setdefault(error.field, []).append(str(error))
        messages.error(request, str(error))
        return None
    if dossier.state == State.RECORDED_OFFLINE:
        transaction.on_commit(submit_offline_dossiers.enqueue)
        recorded = timezone.localtime(dossier.recorded_offline_at).strftime("%H:%M")
        messages.warning(
            request,
            _(
                "Hệ thống trực tuyến đang gián đoạn: đã ghi nhận hồ sơ %(code)s lúc %(time)s; hồ sơ sẽ được "
                "nộp tự động khi hệ thống hoạt động trở lại, giữ nguyên thời điểm tiếp nhận."
            )
            % {"code": dossier.code, "time": recorded},
        )
    elif dossier.state == State.AWAITING_CONFIRMATION:
        messages.success(
            request,
            _(
                "Đã lập hồ sơ %(code)s. Công dân đăng nhập Cổng dịch vụ công bằng tài khoản định danh điện "
                "tử, mở “Hồ sơ của tôi” và xác nhận để nộp hồ sơ."
            )
            % {"code": dossier.code},
        )
    else:
        messages.success(request, _("Đã nộp trực tuyến hồ sơ %(code)s.") % {"code": dossier.code})
    return dossier


@officer_required
@require_POST
def submit_offline(request: HttpRequest) -> HttpResponse:
    """ "Nộp ngay": the officer submits the dossiers recorded offline that they may, once the path is back."""
    now = timezone.now()
    if not online_path.is_up():
        messages.error(request, _("Hệ thống định danh điện tử vẫn chưa phản hồi; hồ sơ tiếp tục chờ nộp."))
        return redirect("workspace:assisted")
    done = 0
    for dossier in selectors.recorded_offline_for(user=request.user, on=timezone.localdate(now)):
        try:
            services.submit_recorded_offline(
                dossier=dossier, by=request.user, now=now, origin=client_address(request)
            )
            done += 1
        except DomainError:
            continue  # not the officer's receiving agency, or submitted meanwhile
    messages.success(request, _("Đã nộp %(count)s hồ sơ ghi nhận ngoại tuyến.") % {"count": done})
    return redirect("workspace:assisted")
