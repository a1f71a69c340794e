"""The admin site: administrators only, with a second factor verified at the workspace login.

The admin has no login form of its own: ``/admin/login/`` sends to the workspace login
(password, then the authenticator code, with the same lockout and first-login enrolment)
and comes back. A verified officer who is not an administrator gets a 403 page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.admin import OTPAdminSite


class MotcuaAdminSite(OTPAdminSite):
    """OTPAdminSite (``is_staff`` and ``user.is_verified()``) under the usual ``admin`` namespace."""

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        target = request.GET.get(REDIRECT_FIELD_NAME) or request.POST.get(REDIRECT_FIELD_NAME) or ""
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = ""
        target = target or reverse("admin:index", current_app=self.name)
        if self.has_permission(request):
            return redirect(target)
        user: Any = request.user  # OTPMiddleware adds is_verified()
        if user.is_authenticated and user.is_verified():
            return TemplateResponse(request, "workspace/admin_refused.html", status=403)
        return redirect(f"{reverse('workspace:login')}?{urlencode({'next': target})}")
