"""Login with password and TOTP; enrolment of the authenticator app (first login or one-time link)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from axes.helpers import get_cool_off
from django import forms
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login

from motcua.accounts import errors, selectors, services
from motcua.core.errors import DomainError, http_status
from motcua.core.text import text_problem
from motcua.org.selectors import staff_of

PENDING = "workspace_pending_user"
PENDING_BACKEND = "workspace_pending_backend"
ENROL_KEY = "workspace_enrol_key"  # {"user": pk, "key": hex}: the secret this session was shown
LINK = "workspace_enrolment_link"  # id of the enrolment link this session opened
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next_url(request: HttpRequest, user: Any) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    # An administrator without a staff record (e.g. from createsuperuser) has only the admin site.
    return reverse("workspace:inbox") if staff_of(user=user) is not None else reverse("admin:index")


def _pending_user(request: HttpRequest) -> Any:
    pk = request.session.get(PENDING)
    if pk is None:
        return None
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


def _finish(request: HttpRequest, user: Any, device: Any) -> HttpResponse:
    target = _next_url(request, user)
    user.backend = request.session.get(PENDING_BACKEND)
    auth.login(request, user)
    otp_login(request, device)
    request.session.pop(PENDING, None)
    request.session.pop(PENDING_BACKEND, None)
    return redirect(target)


def _lockout_context(request: HttpRequest) -> dict[str, Any]:
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    return {"minutes": minutes}


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Step 1: username and password (django-axes counts failures through ``authenticate``)."""
    context: dict[str, Any] = {"next": request.POST.get("next") or request.GET.get("next", "")}
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        # A user name with a control character names nobody (and PostgreSQL cannot look up a NUL).
        valid_name = text_problem(username, max_length=150) is None
        user = auth.authenticate(request, username=username, password=password) if valid_name else None
        if user is None:
            if getattr(request, "axes_locked_out", False):
                # The workspace renders its own Vietnamese lockout page instead of axes' default one.
                request.axes_locked_out = False  # type: ignore[attr-defined]
                return render(request, "workspace/locked.html", _lockout_context(request), status=429)
            context["error"] = _("Tên đăng nhập hoặc mật khẩu không đúng.")
            context["username"] = username
            return render(request, "workspace/login.html", context, status=200)
        if staff_of(user=user) is None and not user.is_staff:
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


def _fresh_key(request: HttpRequest, *, user: Any) -> str:
    """A new authenticator secret for this page view, remembered by this session only."""
    key = services.new_authenticator_key()
    request.session[ENROL_KEY] = {"user": user.pk, "key": key}
    return key


def _session_key(request: HttpRequest, *, user: Any) -> str | None:
    stored = request.session.get(ENROL_KEY)
    if isinstance(stored, dict) and stored.get("user") == user.pk and isinstance(stored.get("key"), str):
        return str(stored["key"])
    return None


def _setup_context(*, user: Any, key: str) -> dict[str, Any]:
    secret, url = selectors.authenticator_setup(user=user, key=key)
    return {"secret": secret, "qr": mark_safe(_qr_svg(url))}  # SVG generated by segno from our own URL


@never_cache  # the page shows a secret
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """First login: register an authenticator app (TOTP) and confirm it with one code.

    Every GET shows a new secret kept in this session; the device is stored only when a code
    from that secret verifies, so a secret seen by another session is worth nothing.
    """
    user = _pending_user(request)
    if user is None:
        return redirect("workspace:login")
    if any(devices_for_user(user, confirmed=True)):
        return redirect("workspace:verify")
    if not settings.MOTCUA_ENROL_WITH_PASSWORD:
        request.session.pop(PENDING, None)
        message = _(
            "Tài khoản chưa cài đặt ứng dụng xác thực. Vui lòng đề nghị quản trị viên cấp liên kết kích hoạt "
            "dùng một lần để đăng nhập lần đầu."
        )
        return render(
            request,
            "workspace/link_refused.html",
            {"message": message, "title": _("Cần liên kết kích hoạt")},
            status=403,
        )
    context: dict[str, Any] = {"next": request.POST.get("next") or request.GET.get("next", "")}
    key = _session_key(request, user=user) if request.method == "POST" else None
    if request.method == "POST" and key is not None:
        try:
            device = services.enrol_authenticator(user=user, key=key, token=request.POST.get("token", ""))
        except DomainError as error:
            if error.code == errors.ALREADY_ENROLLED:
                request.session.pop(ENROL_KEY, None)
                return redirect("workspace:verify")
            context["error"] = str(error)
        else:
            request.session.pop(ENROL_KEY, None)
            return _finish(request, user, device)
    context.update(_setup_context(user=user, key=key or _fresh_key(request, user=user)))
    return render(request, "workspace/enrol.html", context)


def _link_refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    request.session.pop(LINK, None)
    request.session.pop(ENROL_KEY, None)
    status = http_status(error)
    return render(request, "workspace/link_refused.html", {"message": str(error)}, status=status)


@never_cache
@require_http_methods(["GET"])
def enrolment_link(request: HttpRequest, token: str) -> HttpResponse:
    """A one-time enrolment link: checked, remembered by a fresh session, then out of the address bar."""
    try:
        link = selectors.enrolment_link_for(token=token)
    except DomainError as error:
        return _link_refused(request, error)
    request.session.flush()  # whoever was logged in on this browser, the link starts a new session
    request.session[LINK] = link.pk
    return redirect("workspace:activate")


class ActivationForm(forms.Form):
    new_password1 = forms.CharField(
        label=_("Mật khẩu mới"), strip=False, max_length=128, widget=forms.PasswordInput(render_value=False)
    )
    new_password2 = forms.CharField(
        label=_("Nhập lại mật khẩu mới"), strip=False, max_length=128, widget=forms.PasswordInput()
    )
    token = forms.CharField(label=_("Mã 6 chữ số"), max_length=10)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("Hai mật khẩu không giống nhau."))
        return data


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """The page behind an enrolment link: choose a password, register the authenticator, logged in."""
    try:
        link = selectors.enrolment_link_for(link_id=request.session.get(LINK))
    except DomainError as error:
        return _link_refused(request, error)
    user = link.user
    key = _session_key(request, user=user) if request.method == "POST" else None
    form = ActivationForm(request.POST if request.method == "POST" and key is not None else None)
    if key is not None and form.is_valid():
        try:
            device = services.complete_enrolment(
                link_id=link.pk,
                password=form.cleaned_data["new_password1"],
                key=key,
                token=form.cleaned_data["token"],
            )
        except DomainError as error:
            field = {errors.WRONG_CODE: "token", errors.WEAK_PASSWORD: "new_password1"}.get(error.code)
            if field is None:
                return _link_refused(request, error)
            form.add_error(field, str(error))
        else:
            request.session.pop(LINK, None)
            request.session.pop(ENROL_KEY, None)
            request.session[PENDING_BACKEND] = MODEL_BACKEND
            return _finish(request, device.user, device)  # the user with the new password hash
    context = {
        "form": form,
        "account": user,
        **_setup_context(user=user, key=key or _fresh_key(request, user=user)),
    }
    return render(request, "workspace/activate.html", context)


@require_http_methods(["POST"])
def logout(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    return redirect("workspace:login")
