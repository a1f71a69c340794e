"""A dossier's page in the workspace, and what the forms posted from it share: finding the dossier the
officer may see, and showing a refusal beside the form that caused it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext

from motcua.catalog.models import Action
from motcua.catalog.time_limits import describe_time_limit
from motcua.core import jinja
from motcua.core.clients import client_address
from motcua.core.errors import DomainError, http_status
from motcua.dossiers import access, files, formview, lookups, selectors, supplement_rules
from motcua.dossiers.constants import TimeStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.status import time_status
from motcua.org.models import Agency
from motcua.registries import prefill
from motcua.signing import services as signing
from motcua.workspace import route
from motcua.workspace.access import officer_required, request_actor
from motcua.workspace.time_status_html import time_status_html
from motcua.workspace.views.documents_page import documents_context
from motcua.workspace.views.endings_page import endings_context

SLIP_KINDS = ("receipt", "control", "supplement", "refusal", "apology", "stop")
ACTION_LABELS: dict[str, Any] = {
    **{a.value: a.label for a in Action},
    "accept": gettext_lazy("tiếp nhận"),
    "request_reception_supplement": gettext_lazy("yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "refuse_reception": gettext_lazy("từ chối tiếp nhận"),
    # At the leader's step: the leader's own decision, which issues and signs the stop notice (form 05).
    "refuse": gettext_lazy("dừng giải quyết hồ sơ (ký thông báo mẫu 05)"),
}
REASON_REQUIRED = {
    "request_reception_supplement",
    "refuse_reception",
    "request_supplement",
    "return",
    "refuse",
}
LISTS_MISSING = {"request_reception_supplement", "request_supplement"}
# Refusals end the dossier: a warning button, then a confirmation step before anything changes
# (``actions.dossier_action``; issue 17 item 7).
CONFIRM_FIRST = {"refuse_reception", Action.REFUSE.value}


def dossier_or_404(request: HttpRequest, code: str, now: dt.datetime) -> Dossier:
    """The dossier, if the officer may see it today; anything else is a 404."""
    try:
        return selectors.get_dossier(code=code, user=request.user, on=timezone.localdate(now))
    except DomainError as error:
        raise Http404(str(error)) from None


# (model, field, language) -> value -> its label translated: a page shows many, each lazy label would cost a
# gettext at render.
_choices: dict[tuple[type[models.Model], str, str | None], dict[Any, str]] = {}


def display(obj: models.Model, name: str) -> Any:
    """``obj.get_<name>_display()`` without rebuilding the field's choices at every call (the page shows
    many): the label of the value in the active language, or the value itself when it is not a choice."""
    value = getattr(obj, name)
    key = (type(obj), name, get_language())
    labels = _choices.get(key)
    if labels is None:
        field = obj._meta.get_field(name)
        labels = _choices[key] = {k: str(v) for k, v in field.flatchoices}  # type: ignore[union-attr]
    return labels.get(value, value)


# language -> ACTION_LABELS translated
_action_labels: dict[str | None, dict[str, str]] = {}


def _actions_in(language: str | None) -> dict[str, str]:
    found = _action_labels.get(language)
    if found is None:
        found = _action_labels[language] = {code: str(label) for code, label in ACTION_LABELS.items()}
    return found


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N", "INSTALLED_APPS"}:
        _choices.clear()
        _action_labels.clear()


def _consult_agencies(dossier: Dossier, on: dt.date) -> list[Agency]:
    agencies = lookups.agencies_in_force(province_code=dossier.province_code, on=on)
    return [agency for agency in agencies if agency.pk != dossier.competent_agency_id]


def _dossier_context(
    request: HttpRequest, dossier: Dossier, now: dt.datetime, forms: dict[str, dict[str, str]]
) -> dict[str, Any]:
    # The one access policy's questions are asked of the officer's positions read once for the request (an
    # ``access.Actor`` stands for the user there); the timeline's visibility still reads the account.
    user = request_actor(request, timezone.localdate(now))
    labels = _actions_in(get_language())
    actions = selectors.allowed_actions(dossier=dossier, user=user, now=now)
    timeline = selectors.timeline_for(dossier=dossier, user=request.user, now=now)
    steps = sorted(dossier.steps.all(), key=lambda s: s.sequence)
    for s in steps:
        s.outcome_label = display(s, "outcome")  # type: ignore[attr-defined]
    documents = list(dossier.documents.all())
    for doc in documents:
        doc.source_label = display(doc, "source")  # type: ignore[attr-defined]
    return_targets = {s.step.code: s.step.name for s in steps if s.pk != dossier.current_step_id}
    notices = sorted(dossier.apologies.all(), key=lambda n: (n.drafted_at, n.pk))
    agencies = access.agencies_of(user=user, on=timezone.localdate(now))
    can_draft = selectors.can_draft_apology(dossier=dossier, user=user, now=now)
    can_extend = selectors.can_extend(dossier=dossier, user=user, now=now)
    status = time_status(dossier=dossier, now=now)
    apology_form = forms.get("apology")
    if apology_form is None and can_draft:
        proposed = selectors.suggested_new_appointment(dossier=dossier, now=now).astimezone(lookups.TZ)
        apology_form = {"reason": "", "date": f"{proposed:%d/%m/%Y}", "time": proposed.strftime("%H:%M")}
    return {
        "dossier": dossier,
        "state_label": display(dossier, "state"),
        "channel_label": display(dossier, "channel"),
        "action_url": reverse("workspace:dossier_action", args=[dossier.code]),
        "documents": documents,
        "timeline": timeline,
        # Rows as tuples that the template unpacks (``{% for a, b in rows %}``), here and below: a local
        # name per field, not an ``Environment.getattr`` call per attribute read (~200 a page; issue 13).
        "timeline_rows": [(e.at, e.text, e.actor, e.agency, e.reason) for e in timeline.entries],
        "form_entries": [
            (e.name, e.label, e.text, e.is_file, e.parts) for e in formview.form_entries(dossier)
        ],
        "provenance": prefill.provenance_entries(dossier=dossier),
        "routing": formview.routing_fact(dossier),
        "steps": steps,
        "route": [(s.name, s.state, s.performer, s.holder, s.at, s.late) for s in route.route(dossier, now)],
        "recipients": route.recipients(dossier, actions, now),
        "time_status": status,
        "time_status_html": time_status_html(status),
        # (code, label, needs_reason, lists_missing, confirm_first): the refusals last (a stable sort).
        "actions": sorted(
            (
                (a, labels.get(a, a), a in REASON_REQUIRED, a in LISTS_MISSING, a in CONFIRM_FIRST)
                for a in actions
                if a in ACTION_LABELS
            ),
            key=lambda row: row[4],
        ),
        "return_targets": sorted(return_targets.items()),
        "supplement_conditions": (
            supplement_rules.request_conditions(dossier, now)
            if Action.REQUEST_SUPPLEMENT in actions
            else None
        ),
        "missing": selectors.missing_documents(dossier=dossier),
        "required_documents": lookups.required_documents(version_id=dossier.procedure_version_id),
        "consult_agencies": (
            _consult_agencies(dossier, timezone.localdate(now)) if Action.CONSULT in actions else ()
        ),
        "slip_kinds": [k for k in timeline.slips if k in SLIP_KINDS],
        "open_consultations": [
            c for c in dossier.consultations.all() if c.answered_at is None and c.agency_id in agencies
        ],
        "notices": notices,
        "latest_signed": max(
            (n for n in notices if n.signed_at is not None), key=lambda n: n.signed_at or now, default=None
        ),
        "signable": {n.pk for n in notices if selectors.can_sign_apology(notice=n, user=user, now=now)},
        "can_draft_apology": can_draft,
        # Near the top when late, due soon or waiting for a signature; folded at the end otherwise (issue 17).
        "apology_prominent": status in (TimeStatus.DUE_SOON, TimeStatus.OVERDUE)
        or any(n.signed_at is None for n in notices),
        "apology_deadline": access.apology_deadline(dossier) if can_draft else None,
        "time_limit": describe_time_limit(dossier.procedure_version),
        "can_extend": can_extend,
        "extension_latest": selectors.extension_latest(dossier) if can_extend else None,
        # "1 working day", "5 working days": the plural form is chosen here (core/jinja.py).
        "extension_most": ngettext(
            "Tối đa %(max)s ngày làm việc tính từ ngày hẹn ban đầu",
            "Tối đa %(max)s ngày làm việc tính từ ngày hẹn ban đầu",
            dossier.procedure_version.extension_max or 0,
        )
        % {"max": dossier.procedure_version.extension_max}
        if can_extend
        else "",
        "extension_form": forms.get("extension", {}),
        "apology_form": apology_form or {},
        "results": timeline.results,
        "can_attach_result": selectors.can_attach_result(dossier=dossier, user=user, now=now),
        "result_form": forms.get("result", {}),
        "remove_form": forms.get("remove", {}),
        "sign_form": forms.get("sign", {}),
        "accept": files.ACCEPT,
        "max_upload_mb": files.max_bytes() // (1024 * 1024),
        "officer": user,
        **endings_context(request, dossier, now, forms),
        **documents_context(request, dossier, now, forms),
    }


def dossier_response(
    request: HttpRequest,
    dossier: Dossier,
    now: dt.datetime,
    *,
    forms: dict[str, dict[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _dossier_context(request, dossier, now, forms or {})
    return jinja.render_page(request, "workspace/dossier.html", context, status=status)


@officer_required
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    now = timezone.now()
    dossier = dossier_or_404(request, code, now)
    if signing.draft_at_sign_step(dossier=dossier, by=request.user, now=now, origin=client_address(request)):
        dossier = dossier_or_404(request, code, now)  # the draft's event: the page shows it, the new version
    return dossier_response(request, dossier, now)


def done(request: HttpRequest, code: str, message: str, *, anchor: str) -> HttpResponse:
    """Back to the dossier's page, at the section acted on, with what was done."""
    messages.success(request, message)
    return redirect(reverse("workspace:dossier", args=[code]) + anchor)


def refused(
    request: HttpRequest, dossier: Dossier, now: dt.datetime, form: str, error: DomainError, **values: str
) -> HttpResponse:
    """The dossier page again with the refusal next to the form, what was typed kept, and HTTP 400."""
    field = getattr(error, "field", "")  # a FieldError names its input: that input is marked invalid
    return dossier_response(
        request,
        dossier,
        now,
        forms={form: {**values, "error": str(error), "field": field}},
        status=http_status(error),
    )
