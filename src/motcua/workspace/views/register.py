"""The dossier register (sổ theo dõi hồ sơ, form 07) of a reception point: choose the point and the year,
print it (PDF) or export it (CSV, streamed). Who may is ``dossiers.access`` (``Act.VIEW_REGISTER``)."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from motcua.core.errors import DomainError, http_status
from motcua.dossiers import access, register_book
from motcua.dossiers.access import Page
from motcua.org.models import ReceptionPoint
from motcua.workspace.access import officer_required, page_required


class RegisterForm(forms.Form):
    point = forms.IntegerField(label=_("Điểm tiếp nhận"), min_value=1, max_value=2**31 - 1)
    year = forms.IntegerField(
        label=_("Năm"), min_value=register_book.FIRST_YEAR, max_value=register_book.LAST_YEAR
    )
    format = forms.ChoiceField(label=_("Định dạng"), choices=[("pdf", "PDF"), ("csv", "CSV")])


@officer_required
@page_required(Page.REGISTER)
@require_GET
def register(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The form; with a valid point, year and format, the register itself."""
    today = timezone.localdate()
    points = list(access.register_points(user=request.user, on=today))
    form = RegisterForm(request.GET or None, initial={"year": today.year, "format": "pdf"})
    context = {"form": form, "points": points, "years": range(today.year, today.year - 6, -1)}
    if not request.GET:
        return render(request, "workspace/register.html", context)
    if not form.is_valid():
        return render(request, "workspace/register.html", context, status=400)
    point = ReceptionPoint.objects.filter(pk=form.cleaned_data["point"]).select_related("agency").first()
    if point is None:
        raise Http404
    year = form.cleaned_data["year"]
    name = f"so-theo-doi-ho-so-{point.code}-{year}"
    try:
        access.check_register(user=request.user, reception_point=point, on=today)
        if form.cleaned_data["format"] == "csv":
            response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
                register_book.csv_rows(reception_point=point, year=year),
                content_type="text/csv; charset=utf-8",
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        response = HttpResponse(
            register_book.register_pdf(reception_point=point, year=year), content_type="application/pdf"
        )
    except DomainError as error:
        context["error"] = error
        return render(request, "workspace/register.html", context, status=http_status(error.code))
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response
