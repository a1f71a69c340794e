"""Requests whose address carries a NUL character are refused before any view runs.

PostgreSQL cannot hold NUL (0x00) in a text value, so a code or filter taken from the address with a NUL
in it would make the database refuse the query (a 500) instead of finding nothing; SQLite would quietly
compare it. The address never legitimately carries one: 400 with a short translated page, on both.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "\x00" in unquote(query):
            message = _("Địa chỉ yêu cầu chứa ký tự không hợp lệ.")
            # return_path: the page's links go home, never back to the refused address.
            context = {"message": message, "return_path": "/"}
            return HttpResponse(render_to_string("bad_address.html", context, request=request), status=400)
        return self.get_response(request)
