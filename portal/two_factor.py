"""Who signs in with a second factor and what a session still owes: the rules that the sign-in
pages, the middleware, the API's session authentication, the token endpoint and the admin site
all ask (the writes are in ``portal.two_factor_services``).

Officials — province admins, city reviewers, experts — and staff decide who is selected: they
must enrol an authenticator (TOTP) and pass it after their password. Enterprise users may enrol
from their account page; once enrolled, they pass it too.
"""

from base64 import b32encode

import segno
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Role

OFFICIAL_ROLES = (Role.PROVINCE_ADMIN, Role.CITY_REVIEWER, Role.DISTRICT_REVIEWER, Role.EXPERT)

# What a signed-in session may still owe before any page.
VERIFY = "verify"
ENROL = "enrol"

SECOND_FACTOR_PENDING = _("请先在网页上完成双因素认证（动态验证码），再使用 API。")
PASSWORD_TOKEN_REFUSED = _(
    "该账号登录需要双因素认证，不能仅凭密码获取 API 令牌：请在网页登录并完成双因素认证后创建令牌。"
)


def second_factor_required(user) -> bool:
    """Officials and staff (the admin site) must enrol; nobody else has to."""
    return bool(
        user.is_authenticated
        and (user.role in OFFICIAL_ROLES or user.is_staff or user.is_superuser)
    )


def _authenticators(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True)


def totp_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator, if any."""
    return _authenticators(user).first() if user.is_authenticated else None


def has_second_factor(user) -> bool:
    return user.is_authenticated and _authenticators(user).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_step(request) -> str | None:
    """What the signed-in session still owes before any page: ``VERIFY`` (an authenticator is
    enrolled and this session has not passed it), ``ENROL`` (an official without one), or
    None. Asked once per request."""
    if not hasattr(request, "_second_factor_step"):
        user = request.user
        step = None
        if user.is_authenticated and not user.is_verified():
            if has_second_factor(user):
                step = VERIFY
            elif second_factor_required(user):
                step = ENROL
        request._second_factor_step = step
    return request._second_factor_step


def may_enrol(request) -> bool:
    """A new authenticator replaces an enrolled one only from a verified session: a password
    alone never does."""
    return request.user.is_verified() or not has_second_factor(request.user)


def password_token_allowed(user) -> bool:
    """Whether the token endpoint may issue a token for a username and password alone: not to
    whoever signs in with a second factor (officials, staff, an enrolled enterprise user) — they
    create tokens from a verified session."""
    return not (second_factor_required(user) or has_second_factor(user))


# --- enrolment: what the authenticator app is shown ------------------------------------------


def enrolment_uri(user, key: str) -> str:
    """The ``otpauth://`` URI of a new authenticator with ``key`` (hex), as its QR code holds."""
    return TOTPDevice(user=user, key=key).config_url


def key_text(key: str) -> str:
    """The secret as an authenticator app asks for it when typed in: base32, in groups of 4."""
    secret = b32encode(bytes.fromhex(key)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(data: str) -> str:
    """An inline SVG QR code of ``data``, drawn here (nothing is fetched)."""
    return segno.make(data, error="m", micro=False).svg_inline(scale=4, border=2)
