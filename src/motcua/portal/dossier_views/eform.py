"""Nộp hồ sơ trực tuyến: the e-form of a procedure, its draft, and its submission.

The page reads the posted values (``portal.eforms`` for the procedure's own fields, ``EFormControlsForm``
for the place and the submission key), shows the refusals beside their fields, and calls
``portal.submissions`` for the rules of what a submission carries.

The place that decides competence is asked in the words of the law: the competence rule names the e-form
fields that carry it (``CompetenceRule.place_fields``, commune pickers such as "Xã, phường, đặc khu nơi cư
trú của cha hoặc mẹ"). Only a procedure whose rules name no field (any commune, e.g. certification) gets
the separate "Xã, phường giải quyết hồ sơ" picker."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.catalog import selectors as catalog
from motcua.catalog.forms import FormInvalid
from motcua.catalog.models import OnlineLevel, Procedure, ProcedureVersion, ReuseSource
from motcua.core.errors import DomainError, FieldError
from motcua.core.text import printable
from motcua.dossiers import files
from motcua.dossiers.constants import ResultDelivery
from motcua.geo.selectors import commune_choices
from motcua.portal import conf, drafts, eforms, submissions, tracking
from motcua.portal.dossier_views.my_dossiers import LOGIN_URL
from motcua.portal.forms import EFormControlsForm
from motcua.registries import prefill
from motcua.registries.fields import registry_label

PLACE_KEY = "__place"


def _version_for_online(code: str) -> tuple[Procedure, ProcedureVersion]:
    procedure = catalog.procedure_index().by_code.get(code)  # the catalog's snapshot: no query
    if procedure is None:
        raise Http404(code)
    try:
        version = catalog.version_in_force(procedure=procedure, on=timezone.localdate())
    except DomainError as error:
        raise Http404(code) from error
    if version.online_level == OnlineLevel.OFFLINE:
        raise Http404(code)
    return procedure, version


def _place_errors(
    procedure: Procedure,
    version: ProcedureVersion,
    data: dict[str, Any],
    errors: dict[str, Any],
    *,
    on: dt.date,
) -> dict[str, list[str]]:
    """The named place fields all empty (or not a commune): said beside the first, with the other errors."""
    try:
        catalog.competence_place(procedure=procedure, version=version, on=on, form_data=data)
    except FieldError as exc:
        if exc.field not in errors:
            return {exc.field: [str(exc)]}
    except DomainError:
        pass  # said by the submission itself
    return {}


def citizen_submission_open(view: Any) -> Any:
    """The portal's own submission pages answer only where MOTCUA_CITIZEN_SUBMISSION is on; otherwise a page
    says that online dossiers are submitted on the national public service portal (nothing is saved)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if conf.citizen_submission():
            return view(request, *args, **kwargs)  # type: ignore[no-any-return]
        procedure = Procedure.objects.filter(code=kwargs.get("code", "")).first()
        return render(
            request,
            "portal/national_portal.html",
            {"procedure": procedure, "national_portal": conf.NATIONAL_PORTAL_URL},
            status=200 if request.method == "GET" else 403,
        )

    return wrapper


@citizen_submission_open
@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def eform(request: HttpRequest, code: str) -> HttpResponse:
    procedure, version = _version_for_online(code)
    schema: dict[str, Any] = version.form_schema or {}
    ui: dict[str, Any] = version.ui_schema or {}
    today = timezone.localdate()
    communes = list(commune_choices(province_code=settings.MOTCUA_PROVINCE_CODE, on=today))
    unit_names = {u.code: u.name for u in communes}
    documents = sorted(catalog.required_documents(version_id=version.pk), key=lambda d: (d.order, d.code))
    # The rules name the fields carrying the place: no separate picker (see the module's docstring).
    ask_place = not catalog.competence_place_fields(procedure=procedure, on=today)
    user: Any = request.user
    draft = drafts.draft_of(user=user, procedure=procedure)
    # Values prefilled from a registry (registries.prefill): shown as such, corrected only with a reason.
    sources = prefill.sources_of(version=version)
    prefilled: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    place_errors: list[str] = []
    doc_errors: dict[str, list[str]] = {}
    error: DomainError | None = None
    address_notes = eforms.AddressNotes()
    result_delivery = ResultDelivery.ONLINE
    delivery_address = ""
    postal_pickup = False
    # "Kho dữ liệu của tôi": the citizen's documents for what the catalog takes from the data store.
    choices = submissions.store_choices(user=user, documents=documents, on=today)
    chosen = submissions.chosen_in_store(request.POST if request.method == "POST" else {}, choices)
    if request.method == "GET":
        raw: dict[str, Any] | None = dict(draft.data) if draft else None
        prefilled = prefill.pending(user=user, procedure=procedure, values=raw) if sources else {}
        key = uuid.uuid4().hex
    else:
        controls = EFormControlsForm(request.POST)
        controls.is_valid()
        fields = eforms.build_fields(schema, ui)
        raw = eforms.raw_values(fields, request.POST)
        raw[PLACE_KEY] = controls.cleaned_data["place"]
        prefilled = prefill.pending(user=user, procedure=procedure, values=raw) if sources else {}
        reasons: dict[str, str] = {
            name: printable(str(request.POST.get(name + prefill.REASON_SUFFIX, "")).strip())
            for name in prefilled
        }
        raw.update({name + prefill.REASON_SUFFIX: reason for name, reason in reasons.items()})
        key = controls.cleaned_data.get("submission_key") or uuid.uuid4().hex
        result_delivery = controls.cleaned_data.get("result_delivery") or ResultDelivery.ONLINE
        delivery_address = printable(controls.cleaned_data.get("delivery_address") or "")
        postal_pickup = bool(controls.cleaned_data.get("postal_pickup"))
        idempotency_key = f"portal-{user.pk}-{key}"
        action = next((a for a in eforms.DRAFT_ACTIONS if a in request.POST), "")
        if not action:
            existing = tracking.submitted_with_key(user=user, key=idempotency_key)
            if existing is not None:  # a second click on the same form
                return HttpResponseRedirect(reverse("portal:submitted", args=[existing.code]))
        # Files of file fields are stored at once, so that a draft (and a refused submission) keeps them.
        previous = draft.data if draft else None
        upload_errors = eforms.keep_files(fields, raw, uploads=request.FILES, previous=previous, user=user)
        # So are the files of the documents: an error elsewhere does not lose them (issue 17, item 1).
        refused_documents = eforms.keep_documents(
            [d.code for d in documents],
            raw,
            uploads=request.FILES,
            post=request.POST,
            previous=previous,
            user=user,
        )
        if action:
            # Save the draft and come back to the form: "Lưu nháp", "Điền thông tin của tôi" (a person
            # field filled from the account) or "show the communes of the chosen province" (no JavaScript).
            target = str(request.POST.get(action, ""))
            if action == "prefill" and not (upload_errors or refused_documents):
                drafts.save_draft(user=user, procedure=procedure, data=printable(raw))
                return HttpResponseRedirect(reverse("portal:prefill_consent", args=[procedure.code, target]))
            if action == "fill_me":
                eforms.fill_person(fields, raw, name=target, identity=eforms.identity_of(user))
            raw = printable(raw)
            drafts.save_draft(user=user, procedure=procedure, data=raw)
            if not (upload_errors or refused_documents):
                url = reverse("portal:eform", args=[procedure.code])
                if action == "save_draft":
                    return HttpResponseRedirect(url + "?da_luu=1")
                anchor = f"#f-{target}" if any(f.name == target for f in fields) else ""
                return HttpResponseRedirect(url + anchor)
            errors = upload_errors
            doc_errors = refused_documents
        else:
            # An address typed whole: its 2025 commune is chosen, and the form comes back to be checked.
            address_notes = eforms.propose_address_units(fields, raw, unit_names=unit_names)
            data = eforms.form_data(schema, fields, raw, unit_names)
            file_fields = {f.name for f in fields if f.widget == "file"}
            errors = (
                eforms.field_errors(schema, data, file_fields=file_fields, fields=fields, on=today)
                if schema
                else {}
            )
            errors.update(eforms.unit_errors(fields, raw, on=today))
            errors.update(upload_errors)
            corrections = prefill.correction_errors(prefilled=prefilled, data=raw, reasons=reasons)
            for name, problems in corrections.items():
                errors.setdefault(name, []).extend(problems)
            if ask_place and raw[PLACE_KEY] not in unit_names:
                place_errors = [_("Vui lòng chọn xã, phường giải quyết hồ sơ.")]
            elif not ask_place:
                errors.update(_place_errors(procedure, version, data, errors, on=today))
            kept = eforms.kept_documents(raw)
            doc_errors = submissions.document_errors(
                documents=documents, files=kept, refused=refused_documents, available=set(chosen)
            )
            if not (errors or place_errors or doc_errors or address_notes.changed):
                try:
                    dossier = submissions.submit(
                        user=user,
                        procedure=procedure,
                        place=next((u for u in communes if u.code == raw[PLACE_KEY]), None)
                        if ask_place
                        else None,
                        data=data,
                        documents=documents,
                        files=kept,
                        idempotency_key=idempotency_key,
                        result_delivery=result_delivery,
                        delivery_address=delivery_address,
                        postal_pickup=postal_pickup,
                        chosen=chosen,
                        # Where its prefilled values came from, in the dossier's transaction.
                        on_submitted=(
                            lambda dossier: prefill.settle(
                                user=user,
                                procedure=procedure,
                                dossier=dossier,
                                data=raw or {},
                                reasons=reasons,
                            )
                        )
                        if prefilled
                        else None,
                    )
                    return HttpResponseRedirect(reverse("portal:submitted", args=[dossier.code]))
                except FormInvalid as invalid:  # the service's check of the form: the same rules, per field
                    errors = eforms.problem_errors(invalid.problems, file_fields=file_fields, fields=fields)
                except FieldError as exc:
                    if exc.field == "delivery_address":
                        errors = {"delivery_address": [str(exc)]}
                    applicant_field = f"applicant_{exc.field}"
                    named = next(
                        (n for n in (exc.field, applicant_field) if any(f.name == n for f in fields)), ""
                    )
                    if named:
                        errors = {named: [str(exc)]}
                    elif exc.field != "delivery_address":
                        error = exc
                except DomainError as exc:
                    error = exc
            raw = printable(raw)  # a draft and the form shown back hold no control character
            drafts.save_draft(user=user, procedure=procedure, data=raw)
    fields = eforms.build_fields(schema, ui, values=raw)
    provinces = eforms.choose_units(fields, on=today, default_province=settings.MOTCUA_PROVINCE_CODE)
    delivery_errors = errors.pop("delivery_address", [])
    general_errors = eforms.attach_errors(fields, errors)
    for f in fields:
        row = prefilled.get(f.name)
        if row is not None:
            reason = str((raw or {}).get(f.name + prefill.REASON_SUFFIX, ""))
            f.origin = prefill.origin_of(row, widget=f.widget, reason=reason)
            if f.widget == "date":  # shown as the input shows it: 27/03/2024
                f.origin["value"] = eforms.date_text(f.origin["value"])
    eforms.attach_notes(fields, address_notes)
    known = {
        "applicant_name": user.full_name,
        "applicant_id_number": user.national_id,
        "applicant_phone": user.phone,
        "applicant_email": user.email,
    }
    for f in fields:
        if raw is None and not f.value and known.get(f.name):
            f.value = known[f.name]  # first opening: what the national e-ID told us
    has_errors = bool(errors or place_errors or doc_errors or delivery_errors)
    document_rows: list[dict[str, Any]] = [
        {
            "document": d,
            "required": submissions.upload_required(d, set(chosen)),
            "errors": doc_errors.get(d.code, []),
            "from_store": d.reuse == ReuseSource.DATA_STORE,
            "store": choices.get(d.code, []),
            "chosen": chosen.get(d.code),
            "stored": eforms.kept_document(raw, d.code),
        }
        for d in documents
    ]
    # The error summary (GOV.UK pattern): each message linked to its input, in the order of the page.
    error_links = [link for f in fields for link in f.all_errors]
    error_links += [("f-place", m) for m in place_errors]
    error_links += [(f"doc-{row['document'].code}", m) for row in document_rows for m in row["errors"]]
    error_links += [("id_delivery_address", m) for m in delivery_errors]
    error_links += [("", m) for m in general_errors]
    if error is not None:
        error_links.append(("", str(error)))
    return render(
        request,
        "portal/eform.html",
        {
            "procedure": procedure,
            "version": version,
            "fields": fields,
            "sources": [
                {"slug": s.slug, "label": registry_label(s.registry), "fields": prefill.field_labels(s)}
                for s in sources
            ],
            "communes": communes,
            "provinces": provinces,
            "communes_url": reverse("portal:communes"),
            "accept": files.ACCEPT,
            "max_mb": files.max_bytes() // (1024 * 1024),
            "ask_place": ask_place,
            "place": (raw or {}).get(PLACE_KEY, ""),
            "place_errors": place_errors,
            "general_errors": general_errors,
            "documents": document_rows,
            "key": key,
            "delivery_choices": ResultDelivery.choices,
            "result_delivery": result_delivery,
            "delivery_address": delivery_address,
            "postal_pickup": postal_pickup,
            "delivery_address_errors": delivery_errors,
            "error": error,
            "has_errors": has_errors,
            "error_links": error_links,
            "address_checked": address_notes.changed,
            "saved": request.method == "GET" and request.GET.get("da_luu") == "1",
        },
        status=400 if (has_errors or error) else 200,
    )
