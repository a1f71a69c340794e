"""Login with password and TOTP; first-time enrolment of the authenticator app."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.org.selectors import staff_of

PENDING = "workspace_pending_user"
PENDING_BACKEND = "workspace_pending_backend"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("workspace:inbox")


def _pending_user(request: HttpRequest) -> Any:
    pk = request.session.get(PENDING)
    if pk is None:
        return None
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


def _finish(request: HttpRequest, user: Any, device: Any) -> HttpResponse:
    target = _next_url(request)
    user.backend = request.session.get(PENDING_BACKEND)
    auth.login(request, user)
    otp_login(request, device)
    request.session.pop(PENDING, None)
    request.session.pop(PENDING_BACKEND, None)
    return redirect(target)


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Step 1: username and password (django-axes counts failures through ``authenticate``)."""
    context: dict[str, Any] = {"next": request.POST.get("next") or request.GET.get("next", "")}
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        user = auth.authenticate(request, username=username, password=password)
        if user is None:
            if getattr(request, "axes_locked_out", False):
                # The workspace renders its own Vietnamese lockout page instead of axes' default one.
                request.axes_locked_out = False  # type: ignore[attr-defined]
                return render(request, "workspace/locked.html", status=429)
            context["error"] = _("Tên đăng nhập hoặc mật khẩu không đúng.")
            context["username"] = username
            return render(request, "workspace/login.html", context, status=200)
        if staff_of(user=user) is None:
            context["error"] = _("Tài khoản này không phải là tài khoản cán bộ.")
            return render(request, "workspace/login.html", context)
        request.session.cycle_key()
        request.session[PENDING] = user.pk
        request.session[PENDING_BACKEND] = user.backend
        has_device = any(devices_for_user(user, confirmed=True))
        step = "workspace:verify" if has_device else "workspace:enrol"
        query = f"?{urlencode({'next': context['next']})}" if context["next"] else ""
        return redirect(f"{reverse(step)}{query}")
    return render(request, "workspace/login.html", context)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Step 2: a code from any confirmed device of the user (authenticator app or backup codes)."""
    user = _pending_user(request)
    if user is None:
        return redirect("workspace:login")
    context: dict[str, Any] = {"next": request.POST.get("next") or request.GET.get("next", "")}
    if request.method == "POST":
        token = request.POST.get("token", "").replace(" ", "")
        for device in devices_for_user(user, confirmed=True):
            if device.verify_token(token):
                return _finish(request, user, device)
        context["error"] = _("Mã xác thực không đúng hoặc đã hết hạn.")
    return render(request, "workspace/verify.html", context)


def _qr_svg(url: str) -> str:
    return str(segno.make(url, error="m").svg_inline(scale=4, title=_("Mã QR cài đặt ứng dụng xác thực")))


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """First login: register an authenticator app (TOTP) and confirm it with one code."""
    user = _pending_user(request)
    if user is None:
        return redirect("workspace:login")
    if any(devices_for_user(user, confirmed=True)):
        return redirect("workspace:verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="motcua", confirmed=False)
    context: dict[str, Any] = {
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "secret": base64.b32encode(device.bin_key).decode(),
        "qr": mark_safe(_qr_svg(device.config_url)),  # SVG generated by segno from our own URL
    }
    if request.method == "POST":
        token = request.POST.get("token", "").replace(" ", "")
        if device.verify_token(token):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            return _finish(request, user, device)
        context["error"] = _("Mã xác thực không đúng. Hãy kiểm tra giờ trên điện thoại và thử lại.")
    return render(request, "workspace/enrol.html", context)


@require_http_methods(["POST"])
def logout(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    return redirect("workspace:login")
