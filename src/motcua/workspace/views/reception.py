"""Tiếp nhận tại quầy: the reception officer registers a dossier handed over at the counter and takes
the decision (accept, ask for more documents, refuse) in one go; on any refusal nothing is kept.

The place that decides competence is asked as the law names it: one commune picker per e-form field the
competence rule names (``CompetenceRule.place_fields``, posted as ``place_<field>``, in the field's own
words); the separate "Xã, phường giải quyết hồ sơ" picker is left only for procedures whose rules name
no field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.catalog import eforms
from motcua.catalog import selectors as catalog_selectors
from motcua.catalog.fees import names_used
from motcua.catalog.forms import FormInvalid, field_order, field_title, problem_message
from motcua.catalog.models import Procedure, ReuseSource
from motcua.core import snapshots
from motcua.core.clients import client_address
from motcua.core.errors import DomainError, FieldError
from motcua.core.text import printable
from motcua.dossiers import access, files, lookups, services, slips
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.access import Page
from motcua.dossiers.constants import ResultDelivery, default_result_delivery
from motcua.dossiers.models import Channel, DocumentSource, Dossier, Forwarding
from motcua.dossiers.selectors import forwarding as forwarding_selectors
from motcua.geo import selectors as geo_selectors
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import ReceptionPoint, Role
from motcua.workspace import applicant_address
from motcua.workspace import declaration as declarations
from motcua.workspace.access import officer_required, page_required
from motcua.workspace.cccd import parse_cccd_qr
from motcua.workspace.forms import ApplicantForm, CounterReceptionForm

# delivery_address: where the post brings the result when the applicant chose it (motcua.postal).
APPLICANT_FIELDS = ("name", "id_number", "phone", "email", "address", "delivery_address")


# The reads before the transaction come from the versioned snapshots (core.snapshots): no query while no
# organization, catalog or geography row changed, and the next request after a change reads it again.


def _my_points(user: Any, on: dt.date) -> list[ReceptionPoint]:
    # Positions (org tables) and the account's is_active (the org token) decide: the org domain's token.
    return list(
        snapshots.remember(
            "org",
            ("workspace.counter_points", user.pk, on),
            lambda: tuple(access.reception_points(user=user, role=Role.RECEPTION_OFFICER, on=on)),
        )
    )


def _procedure(code: str) -> Procedure | None:
    return catalog_selectors.procedure_index().by_code.get(code) if code else None


def _procedures() -> tuple[Procedure, ...]:
    return snapshots.remember(
        "catalog",
        "workspace.procedures_by_code",
        lambda: tuple(sorted(catalog_selectors.procedure_index().by_code.values(), key=lambda p: p.code)),
    )


def _communes(province_code: str, on: dt.date) -> list[AdministrativeUnit]:
    return list(geo_selectors.commune_choices(province_code=province_code, on=on))


def _documents(procedure: Procedure, on: dt.date) -> list[Any]:
    try:
        version = lookups.version_in_force(procedure=procedure, on=on)
    except DomainError:
        return []
    return list(lookups.required_documents(version_id=version.pk))


@officer_required
@page_required(Page.RECEPTION)
@require_http_methods(["GET", "POST"])
def counter_reception(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    on = timezone.localdate(now)
    points = _my_points(request.user, on)
    if not points:
        messages.error(request, _("Bạn không làm việc tại điểm tiếp nhận nào."))
        return redirect("workspace:inbox")
    posted = request.method == "POST"
    data = request.POST if posted else request.GET
    form = CounterReceptionForm(data)
    point = next((p for p in points if posted and str(p.pk) == form.value("point")), points[0])
    procedure = _procedure(form.value("procedure"))
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
    applicant = {k: printable(v) for k, v in applicant.items()}  # shown back without control characters
    communes = _communes(point.province_code, on)
    place_fields = _place_fields(procedure, on, data) if procedure else []
    declaration = _declaration(procedure, on, data, card=card, places={f["name"] for f in place_fields})
    # With a declaration the fee's values are its fields (posted under their own names); else ``fee_<field>``.
    fee_prefix = "" if declaration is not None else "fee_"
    fee_fields = _fee_fields(procedure, on, data, prefix=fee_prefix) if procedure else []
    form_data = {f["name"]: f["typed"] for f in fee_fields if f["typed"] is not None}
    context: dict[str, Any] = {
        "on": on,
        "points": points,
        "point": point,
        "procedures": _procedures(),
        "procedure": procedure,
        "communes": communes,
        "place": form.value("place"),
        "other_place": printable(form.value("other_place")),
        "other_province": form.value("other_province"),
        "other_provinces": forwarding_selectors.other_provinces(home_province=point.province_code, on=on),
        "applicant": applicant,
        "address_proposal": applicant_address.propose(
            address=applicant["address"], chosen=address_unit, card=card, communes=communes, on=on
        ),
        "documents": _documents(procedure, on) if procedure else [],
        "ticked": set(form.value("document")),
        "accept": files.ACCEPT,
        "max_upload_mb": files.max_bytes() // (1024 * 1024),
        "idempotency_key": form.value("idempotency_key") or f"counter-{request.user.pk}-{now.timestamp()}",
        "applicant_errors": applicant_errors,
        "fee_fields": fee_fields,
        "place_fields": place_fields,
        "form_data": {**form_data, **{f["name"]: f["value"] for f in place_fields if f["value"]}},
        "fee": _fee_preview(procedure, on, fee_fields, form_data) if procedure else None,
        "reason": printable(form.value("reason")),
        # Directive 24/CT-TTg: no paper dossier; the page points to assisted online submission.
        "online_only": _online_only(procedure, on),
        "delivery_choices": ResultDelivery.choices,
        "result_delivery": printable(str(data.get("result_delivery", "")))
        or default_result_delivery(Channel.COUNTER),
        "dossier_sets": printable(str(data.get("dossier_sets", "1"))).strip() or "1",
        "reception_errors": {},
        "declaration": declaration,
        "missing_errors": {},
        "error_summary": [],
    }
    decision = form.value("decision")
    if posted and decision and procedure is not None:
        if applicant_errors:
            # Every error at once: the declaration and the checklist are checked too, nothing is stored.
            _declared(request, context, decision=decision, stored={}, folder=None)
            if decision == services.CounterDecision.ACCEPT:
                scanned = {d.code for d in context["documents"] if request.FILES.get(f"scan_{d.code}")}
                _mark_missing(context, ticked=context["ticked"] | scanned)
            messages.error(request, _("Thông tin chủ hồ sơ chưa hợp lệ; vui lòng sửa các ô được đánh dấu."))
            return _page(request, context, status=400)
        dossier = _register(request, context, decision=decision, reason=form.value("reason").strip(), now=now)
        if isinstance(dossier, Forwarding):
            return redirect("workspace:forwarding", code=dossier.code)
        if dossier is not None:
            return redirect("workspace:dossier", code=dossier.code)
        # Refused: the form again with the reason and everything typed, HTTP 400, no dossier kept.
        return _page(request, context, status=400)
    return _page(request, context)


def _page(request: HttpRequest, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """The counter page: the declaration's selects filled, each message beside its input, and the error
    summary at the top linking to each of them (the GOV.UK error pattern)."""
    declaration = context["declaration"]
    if declaration is not None:
        for f in context["fee_fields"]:  # the fee's fields are the declaration's: their messages go there
            kept = declaration.errors.setdefault(f["name"], [])
            kept += [m for m in f["errors"] if m not in kept]
        declarations.attach(declaration)
        eforms.choose_units(
            declaration.fields, on=context["on"], default_province=context["point"].province_code
        )
    context["error_summary"] = _error_summary(context)
    return render(request, "workspace/reception.html", context, status=status)


def _error_summary(context: dict[str, Any]) -> list[tuple[str, str]]:
    """(anchor, message) of every message the page shows beside an input, in the page's order."""
    items: list[tuple[str, str]] = []
    for f in context["place_fields"]:
        items += [(f"#place-{f['name']}", message) for message in f["errors"]]
    for name in APPLICANT_FIELDS:
        items += [(f"#id_{name}", message) for message in context["applicant_errors"].get(name, [])]
    for code, message in context["missing_errors"].items():
        items.append((f"#document-{code}", message))
    if context["declaration"] is not None:
        items += declarations.summary(context["declaration"])
    for f in context["fee_fields"] if context["declaration"] is None else []:
        items += [(f"#fee-{f['name']}", message) for message in f["errors"]]
    for name, errors in context["reception_errors"].items():
        items += [(f"#id_{name}", message) for message in errors]
    items += [("#id_reason", message) for message in context.get("reason_errors", [])]
    return items


def _declaration(
    procedure: Procedure | None, on: dt.date, data: Any, *, card: Any, places: set[str]
) -> declarations.Declaration | None:
    """The procedure's e-form as the counter asks it (``workspace.declaration``), or None without one."""
    if procedure is None:
        return None
    try:
        version = lookups.version_in_force(procedure=procedure, on=on)
    except DomainError:
        return None
    if not version.form_schema or version.is_online_only(on):
        return None  # online only (Directive 24/CT-TTg): the e-form is filled in assisted online submission
    return declarations.read(
        schema=version.form_schema,
        ui=version.ui_schema or {},
        data=data,
        procedure_code=procedure.code,
        place_fields=places,
        card=card,
    )


def _place_fields(procedure: Procedure, on: dt.date, data: Any) -> list[dict[str, Any]]:
    """The e-form fields that carry the place deciding competence, in the rule's fallback order, each asked
    in its own words (e.g. "Xã, phường, đặc khu nơi cư trú của cha hoặc mẹ"); posted as ``place_<field>``."""
    names = lookups.competence_place_fields(procedure=procedure, on=on)
    if not names:
        return []
    try:
        version = lookups.version_in_force(procedure=procedure, on=on)
    except DomainError:
        return []
    schema, ui = version.form_schema or {}, version.ui_schema or {}
    required = set(schema.get("required") or [])
    return [
        {
            "name": name,
            "label": field_title(schema, ui, name),
            "required": name in required,
            "value": printable(str(data.get(f"place_{name}", "")).strip()[:20]),
            "errors": [],
        }
        for name in names
    ]


def _online_only(procedure: Procedure | None, on: dt.date) -> bool:
    if procedure is None:
        return False
    try:
        return lookups.version_in_force(procedure=procedure, on=on).is_online_only(on)
    except DomainError:
        return False


def _fee_fields(procedure: Procedure, on: dt.date, data: Any, *, prefix: str) -> list[dict[str, Any]]:
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
        raw = str(data.get(f"{prefix}{name}", "")).strip()
        typed: Any = None
        is_date = kind == "string" and sub.get("format") == "date"
        if kind == "boolean":
            typed, raw = f"{prefix}{name}" in data, ""
        elif is_date:
            typed = raw or None  # an ISO date from the date input; the service checks it against the schema
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
                "date": is_date,
                "value": printable(raw),
                "typed": typed,
                "minimum": sub.get("minimum"),
                "maximum": sub.get("maximum"),
                "errors": [],
            }
        )
    return fields


def _fee_preview(
    procedure: Procedure, on: dt.date, fee_fields: list[dict[str, Any]], form_data: dict[str, Any]
) -> dict[str, Any] | None:
    """The fee for what is typed so far, shown before the officer confirms: each line and the total, or
    what is still missing, or why it cannot be computed (beside the field it concerns), never a silent 0."""
    try:
        version = lookups.version_in_force(procedure=procedure, on=on)
    except DomainError:
        return None
    if not version.fee_rules:
        return {"lines": [], "total": slips.dong(0), "missing": [], "error": ""}
    missing = [f["label"] for f in fee_fields if not f["boolean"] and f["typed"] is None]
    if missing:
        return {"lines": [], "total": None, "missing": missing, "error": ""}
    try:
        quote = services.quote_fee(version=version, form_data=form_data, channel=Channel.COUNTER, on=on)
    except DomainError as error:
        if isinstance(error, FormInvalid):
            by_name = {f["name"]: f for f in fee_fields}
            for problem in error.problems:
                if problem.field in by_name:
                    by_name[problem.field]["errors"].append(problem_message(problem))
        return {"lines": [], "total": None, "missing": [], "error": str(error)}
    lines = [
        {"name": line.name, "amount": slips.dong(line.amount), "exempt_reason": line.exempt_reason}
        for line in quote.lines
    ]
    return {"lines": lines, "total": slips.dong(quote.total), "missing": [], "error": ""}


def _counter_document(code: str, scan: files.StoredFile | None) -> services.DocumentInput:
    """A document handed over at the counter: paper, or paper plus its scan (digitized at reception)."""
    if scan is None:
        return services.DocumentInput(code=code)
    return services.DocumentInput(code=code, source=DocumentSource.FILE, file_ref=scan.ref)


def _register(
    request: HttpRequest, context: dict[str, Any], *, decision: str, reason: str, now: dt.datetime
) -> Dossier | Forwarding | None:
    """Create the dossier and take the officer's decision; on any refusal nothing is kept. A commune of
    another province (``other_place``) gives a forwarding record instead (received and forwarded)."""
    place_id = str(context["place"])
    place = geo_selectors.unit(pk=int(place_id)) if place_id.isdigit() and len(place_id) < 19 else None
    if context["other_place"]:
        try:
            place = forwarding_selectors.destination_commune(
                query=context["other_place"],
                home_province=context["point"].province_code,
                on=timezone.localdate(now),
                province_code=context["other_province"],
            )
        except DomainError as error:
            messages.error(request, str(error))
            return None
    elif context["place_fields"]:
        place = None  # read from the fields the competence rule names
    elif place is None:
        messages.error(request, _("Vui lòng chọn xã, phường giải quyết hồ sơ."))
        return None
    if not context["applicant"]["name"]:
        messages.error(request, _("Vui lòng nhập họ tên chủ hồ sơ hoặc quét mã QR trên CCCD."))
        return None
    scans = {d.code: request.FILES.get(f"scan_{d.code}") for d in context["documents"]}
    ticked = context["ticked"] | {code for code, scan in scans.items() if scan}
    missing = [d.code for d in context["documents"] if d.mandatory and d.code not in ticked]
    stored: dict[str, files.StoredFile] = {}
    folder = f"{context['point'].province_code}/counter/{context['point'].pk}"
    try:
        form_data = _declared(request, context, decision=decision, stored=stored, folder=folder)
        if form_data is None:
            for kept in stored.values():
                files.discard(kept.ref)
            if decision == services.CounterDecision.ACCEPT:
                _mark_missing(context, ticked=ticked)  # every error at once, not one per attempt
            return None  # the error summary at the top says what to correct (``_page``)
        for code, scan in scans.items():
            if scan:
                stored[code] = files.store_upload(scan, folder=folder)
        dossier = services.receive_and_decide(
            by=request.user,
            decision=decision,
            reception_point=context["point"],
            procedure=context["procedure"],
            place_unit=place,
            applicant_info=services.ApplicantInfo(**context["applicant"]),
            documents=[_counter_document(code, stored.get(code)) for code in sorted(ticked)],
            form_data=form_data,
            missing=missing,
            reason=reason,
            idempotency_key=context["idempotency_key"],
            now=now,
            origin=client_address(request),
            result_delivery=context["result_delivery"],
            # Not a whole number: 0, which the service refuses beside the input.
            dossier_sets=int(context["dossier_sets"])
            if re.fullmatch(r"[0-9]{1,4}", context["dossier_sets"])
            else 0,
        )
        done = {
            services.CounterDecision.ACCEPT: _("Đã tiếp nhận hồ sơ %(code)s."),
            services.CounterDecision.SUPPLEMENT: _("Đã lập phiếu yêu cầu bổ sung cho hồ sơ %(code)s."),
            services.CounterDecision.REFUSE: _("Đã lập phiếu từ chối tiếp nhận hồ sơ %(code)s."),
        }
        if isinstance(dossier, Forwarding):
            messages.success(
                request,
                _("Đã tiếp nhận hồ sơ %(code)s và lập phiếu chuyển hồ sơ đến %(agency)s.")
                % {"code": dossier.code, "agency": dossier.destination_agency},
            )
        elif decision in done:
            messages.success(request, done[decision] % {"code": dossier.code})
        return dossier
    except DomainError as error:
        for kept in stored.values():
            files.discard(kept.ref)  # nothing was registered: the scans go too
        _field_errors(context, error)
        messages.error(request, str(error))
        return None


def _mark_missing(context: dict[str, Any], *, ticked: set[str]) -> None:
    """Mark the required documents that acceptance would find missing (``dossiers.selectors.
    missing_documents``, the rule the service applies), the data store's left out: the service may take
    those from the citizen's store."""
    documents = context["documents"]
    if not documents:
        return
    from_store = {d.code for d in documents if d.reuse == ReuseSource.DATA_STORE}
    data = context.get("declared", context["form_data"])
    probe = Dossier(procedure_version_id=documents[0].version_id, form_data=data)
    missing = dossier_selectors.missing_documents(dossier=probe, provided=ticked | from_store)
    _field_errors(
        context,
        DomainError("reception.incomplete", "", codes=[d.code for d in missing]),
    )


def _declared(
    request: HttpRequest,
    context: dict[str, Any],
    *,
    decision: str,
    stored: dict[str, files.StoredFile],
    folder: str | None,
) -> dict[str, Any] | None:
    """The dossier's form data: the declaration (its files stored under ``stored``), the applicant block and
    the fee and place values, checked as the portal checks an e-form (complete to accept: Decree 118/2025,
    Circular 03/2025, see ``workspace.declaration``); None when it is refused, each message then beside its
    input. ``folder``: where the declaration's own files are stored (None: checked only, nothing stored)."""
    declaration = context["declaration"]
    if declaration is None:
        return dict(context["form_data"])
    data = declarations.form_data(
        declaration,
        applicant=context["applicant"],
        elsewhere=context["form_data"],
        unit_names={u.code: u.name for u in context["communes"]},
    )
    for f in declaration.fields:
        upload = request.FILES.get(f.name) if f.widget == "file" and folder is not None else None
        if upload and folder is not None:  # a file the e-form itself asks for (a scan of an old certificate)
            stored[f"declaration:{f.name}"] = kept = files.store_upload(upload, folder=folder)
            data[f.name] = kept.ref
    context["declared"] = data  # what acceptance would read (a document counted by its e-form field)
    complete = decision == services.CounterDecision.ACCEPT
    elsewhere = declarations.check(
        declaration, data, procedure=context["procedure"], complete=complete, on=context["on"]
    )
    by_name = {f["name"]: f for f in context["fee_fields"] + context["place_fields"]}
    for name, problems in elsewhere.items():
        if name in by_name:
            by_name[name]["errors"] += [m for m in problems if m not in by_name[name]["errors"]]
        elif name in declarations.APPLICANT_FIELDS:
            kept = context["applicant_errors"].setdefault(declarations.APPLICANT_FIELDS[name], [])
            kept += [m for m in problems if m not in kept]
    if declaration.errors or elsewhere:
        return None
    return data


def _field_errors(context: dict[str, Any], error: DomainError) -> None:
    """Put a refusal about one input beside it: an applicant field, a fee value, a document left unticked,
    a field of the declaration or the reason."""
    if error.code == "reception.incomplete":
        # Each missing document at its checkbox (the summary at the top links to it).
        names = {d.code: d.name for d in context["documents"]}
        for code in error.params.get("codes", []):
            context["missing_errors"][code] = _(
                "Hồ sơ còn thiếu “%(name)s” (giấy tờ bắt buộc): đánh dấu nếu đã nhận, hoặc yêu cầu bổ sung."
            ) % {"name": names.get(code, code)}
        return
    declaration = context["declaration"]
    if isinstance(error, FormInvalid) and declaration is not None:
        mine = {f.name for f in declaration.fields}
        for problem in error.problems:
            if problem.field in mine:
                key = ".".join(problem.path[:2])
                declaration.errors.setdefault(key, []).append(problem_message(problem))
    if isinstance(error, FormInvalid):
        by_name = {f["name"]: f for f in context["fee_fields"] + context["place_fields"]}
        for problem in error.problems:
            message = problem_message(problem)
            # The fee preview may have put the same message there already.
            if problem.field in by_name and message not in by_name[problem.field]["errors"]:
                by_name[problem.field]["errors"].append(message)
    elif isinstance(error, FieldError):
        place_field = next((f for f in context["place_fields"] if f["name"] == error.field), None)
        if place_field is not None:
            place_field["errors"].append(str(error))
        elif declaration is not None and error.field in {f.name for f in declaration.fields}:
            declaration.errors.setdefault(error.field, []).append(str(error))
        elif error.field in context["applicant"]:
            context["applicant_errors"].setdefault(error.field, []).append(str(error))
        elif error.field == "reason":
            context["reason_errors"] = [str(error)]
        elif error.field in ("dossier_sets", "result_delivery"):
            context["reception_errors"][error.field] = [str(error)]
