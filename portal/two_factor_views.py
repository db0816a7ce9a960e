"""The account's security page and the second factor's pages: enrolment (QR code, secret,
confirmation, recovery codes shown once), the verify step after the password, sign-in with a
recovery code, new recovery codes, turning it off."""

from urllib.parse import urlencode

import django_otp
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import two_factor
from . import two_factor_services as services
from .forms import SecondFactorCodeForm
from .views import apply_validation_error, safe_url

PENDING_KEY = "two_factor_pending_key"  # the secret shown while enrolling, until confirmed
NEW_CODES = "two_factor_new_codes"  # recovery codes to show once


def _next(request) -> str:
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    return url if safe_url(request, url) else ""


def with_next(name: str, next_url: str) -> str:
    """The page ``name``, to go on to ``next_url`` afterwards (``?next=``, as the login page's)."""
    url = reverse(name)
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url}, safe='/')}" if next_url else url


def _verified(request, device) -> None:
    """The session has passed its second factor; a new session key for the raised trust."""
    django_otp.login(request, device)
    request.session.cycle_key()


@login_required
@require_GET
def account_security(request):
    user = request.user
    return render(
        request,
        "portal/account_security.html",
        {
            "device": two_factor.totp_device(user),
            "required": two_factor.second_factor_required(user),
            "recovery_left": two_factor.recovery_codes_left(user),
        },
    )


@login_required
def setup(request):
    """Enrol an authenticator (or replace it, from a verified session): scan the QR code or
    type the secret, confirm with a code it shows."""
    if not two_factor.may_enrol(request):
        return redirect(with_next("two-factor-verify", _next(request)))
    key = request.session.get(PENDING_KEY)
    if not key:
        key = request.session[PENDING_KEY] = services.totp_key_new()
    form = SecondFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                device, codes = services.two_factor_enrol(
                    user=request.user, key=key, code=form.cleaned_data["code"], request=request
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                del request.session[PENDING_KEY]
                _verified(request, device)
                request.session[NEW_CODES] = codes
                messages.success(request, _("双因素认证已启用。"))
                return redirect(with_next("two-factor-recovery-codes", _next(request)))
    uri = two_factor.enrolment_uri(request.user, key)
    return render(
        request,
        "portal/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_svg(uri),
            "secret": two_factor.key_text(key),
            "replacing": two_factor.has_second_factor(request.user),
            "next": _next(request),
        },
        status=status,
    )


@login_required
def verify(request, recovery=False):
    """After the password: a code of the authenticator, or (``recovery``) a recovery code."""
    user = request.user
    next_url = _next(request)
    if user.is_verified():
        return redirect(next_url or "home")
    if not two_factor.has_second_factor(user):
        if two_factor.second_factor_required(user):
            return redirect(with_next("two-factor-setup", next_url))
        return redirect(next_url or "home")
    form = SecondFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                device = services.second_factor_verify(
                    user=user, code=form.cleaned_data["code"], recovery=recovery, request=request
                )
            except ValidationError as exc:
                status = 429 if isinstance(exc, services.SecondFactorLocked) else 400
                apply_validation_error(form, exc)
            else:
                _verified(request, device)
                if not recovery:
                    return redirect(next_url or "home")
                messages.warning(
                    request,
                    _(
                        "您已使用一个恢复码登录（每个恢复码只能使用一次，还剩 %(n)s 个）。"
                        "如验证器已丢失，请立即更换验证器。"
                    )
                    % {"n": two_factor.recovery_codes_left(user)},
                )
                return redirect("account-security")
    return render(
        request,
        "portal/two_factor_verify.html",
        {"form": form, "recovery": recovery, "next": next_url},
        status=status,
    )


@login_required
def recovery_codes(request):
    """The new recovery codes, shown once (GET); POST replaces them with ten new ones."""
    if request.method == "POST":
        try:
            codes = services.recovery_codes_regenerate(user=request.user, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("account-security")
        request.session[NEW_CODES] = codes
        return redirect("two-factor-recovery-codes")
    return render(
        request,
        "portal/two_factor_codes.html",
        {"codes": request.session.pop(NEW_CODES, None), "next": _next(request)},
    )


@login_required
@require_POST
def disable(request):
    """An enterprise user turns the second factor off (officials get 403)."""
    services.two_factor_disable(user=request.user, request=request)
    messages.success(request, _("双因素认证已停用。"))
    return redirect("account-security")
