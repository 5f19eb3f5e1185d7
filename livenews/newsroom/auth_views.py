"""Newsroom sign-in: password (with lockout, by django-axes), then TOTP."""

from __future__ import annotations

import base64

import segno
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from livenews.newsroom import audit
from livenews.newsroom.access import needs_second_factor


def safe_next(request: HttpRequest, default: str = "/newsroom/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


class NewsroomLoginView(LoginView):
    template_name = "newsroom/login.html"
    redirect_authenticated_user = False

    def form_valid(self, form: object) -> HttpResponse:
        response = super().form_valid(form)  # type: ignore[arg-type]
        audit.record(self.request, "login")
        if needs_second_factor(self.request.user):
            return redirect(f"/newsroom/2fa/?next={self.get_success_url()}")
        return response

    def get_default_redirect_url(self) -> str:
        return "/newsroom/"


def _qr_data_uri(uri: str) -> str:
    svg = segno.make(uri, error="m").svg_inline(scale=4)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def second_factor(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP code; on first use, enrol a new authenticator app."""
    user = request.user
    if not user.is_authenticated:
        return redirect("/newsroom/login/")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=False, defaults={"name": "authenticator"}
        )
    error = ""
    if request.method == "POST":
        token = "".join(request.POST.get("token", "").split())
        if token.isdigit() and device.verify_token(token):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(request, "2fa.enrolled" if enrolling else "2fa.verified")
            return redirect(safe_next(request))
        error = "That code is not right. Codes change every 30 seconds."
        audit.record(request, "2fa.failed")
    context = {
        "enrolling": enrolling,
        "secret": base64.b32encode(device.bin_key).decode() if enrolling else "",
        "qr": _qr_data_uri(device.config_url) if enrolling else "",
        "error": error,
        "next": safe_next(request),
    }
    return render(
        request, "newsroom/second_factor.html", context, status=400 if error else 200
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    audit.record(request, "logout")
    logout(request)
    return redirect("/")
