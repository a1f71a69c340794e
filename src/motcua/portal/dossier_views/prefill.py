"""Lấy thông tin từ cơ sở dữ liệu: the consent page of an e-form's registry lookup (issue 14).

The e-form's button "Lấy thông tin từ <registry>" saves the draft and comes here. The page shows which
registry, which fields and for what purpose; "Đồng ý" records the consent with exactly that text, asks the
registry (``registries.prefill.fetch``) and puts the values into the draft, shown on the form as coming
from the registry. A registry that is down or slow answers within its timeout: the form says so and the
citizen fills it by hand. A citizen consents for their own data only (``registries.services.record_consent``
refuses another's).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.core.errors import DomainError, http_status
from motcua.portal import drafts
from motcua.portal.dossier_views.eform import _version_for_online, citizen_submission_open
from motcua.portal.dossier_views.my_dossiers import LOGIN_URL
from motcua.registries import prefill
from motcua.registries.adapters import RecordNotFound, RegistryUnavailable
from motcua.registries.fields import registry_label


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@citizen_submission_open
@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, code: str, source: str) -> HttpResponse:
    procedure, version = _version_for_online(code)
    form_url = reverse("portal:eform", args=[procedure.code])
    user: Any = request.user
    try:
        chosen = prefill.source_for(version=version, slug=source)
    except DomainError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(form_url)
    draft = drafts.draft_of(user=user, procedure=procedure)
    raw: dict[str, Any] = dict(draft.data) if draft else {}
    identifier = str(raw.get(chosen.key) or user.national_id or "").strip()
    if not identifier:
        messages.error(request, _("Vui lòng nhập số định danh cá nhân trước khi lấy thông tin."))
        return HttpResponseRedirect(form_url + f"#f-{chosen.key}")
    text = prefill.consent_text(source=chosen, procedure=procedure, identifier=identifier)
    context = {
        "procedure": procedure,
        "registry": registry_label(chosen.registry),
        "fields": prefill.field_labels(chosen),
        "purpose": prefill.purpose_of(procedure=procedure),
        "text": text,
        "digest": _digest(text),
        "form_url": form_url,
        "error": None,
    }
    if request.method == "GET":
        return render(request, "portal/prefill_consent.html", context)
    if request.POST.get("digest") != context["digest"]:
        # The words changed since the page was shown (another ID number, a new catalog): show them again.
        context["error"] = _("Nội dung đồng ý đã thay đổi. Vui lòng đọc lại và xác nhận.")
        return render(request, "portal/prefill_consent.html", context, status=409)
    try:
        fetched = prefill.fetch(
            actor=user,
            procedure=procedure,
            source=chosen,
            identifier=identifier,
            shown_text=text,
        )
    except RegistryUnavailable:
        messages.error(
            request,
            _(
                "%(registry)s hiện không phản hồi. Vui lòng tự điền các thông tin và đính kèm giấy tờ chứng "
                "minh; hồ sơ vẫn nộp được bình thường."
            )
            % {"registry": registry_label(chosen.registry)},
        )
        return HttpResponseRedirect(form_url + "#lay-thong-tin")
    except RecordNotFound:
        messages.error(
            request,
            _(
                "Không tìm thấy thông tin của số định danh %(identifier)s trong %(registry)s. "
                "Vui lòng tự điền."
            )
            % {"identifier": identifier, "registry": registry_label(chosen.registry)},
        )
        return HttpResponseRedirect(form_url + "#lay-thong-tin")
    except DomainError as error:
        context["error"] = str(error)
        return render(request, "portal/prefill_consent.html", context, status=http_status(error))
    raw[chosen.key] = identifier  # the number asked with: the values belong to the form while it holds it
    prefill.put_values(raw, fetched.values, version=version)
    drafts.save_draft(user=user, procedure=procedure, data=raw)
    messages.success(
        request,
        _(
            "Đã lấy %(count)s thông tin từ %(registry)s. Vui lòng kiểm tra; nếu thông tin chưa đúng, sửa lại "
            "và nêu lý do sửa."
        )
        % {"count": len(fetched.values), "registry": registry_label(chosen.registry)},
    )
    return HttpResponseRedirect(form_url + "#lay-thong-tin")
