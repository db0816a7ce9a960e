"""Writes of the second factor: enrolling an authenticator (with its recovery codes), passing it
at sign-in, new recovery codes, turning it off (enterprise users only) and the province's reset
of someone else's; each audited (the rules are in ``portal.two_factor``)."""

import re
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from .models import User
from .rules import may_change_account
from .services import audit_log_record
from .two_factor import has_second_factor, second_factor_required

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery"


class SecondFactorLocked(ValidationError):
    """Too many wrong codes in a row: no code is tried until the pause is over."""


def totp_key_new() -> str:
    """A new authenticator's secret: 20 random bytes, hex (as django-otp stores it)."""
    return random_hex(20)


def _totp_code(code: str) -> int | None:
    code = re.sub(r"\s", "", code or "")
    return int(code) if re.fullmatch(r"\d{6}", code) else None


def _recovery_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _audit(user: User, action: str, summary: str, *, actor=None, request=None) -> None:
    audit_log_record(
        actor=actor or user,
        action=action,
        target=user,
        enterprise=user.enterprise,
        summary=summary,
        request=request,
    )


def _recovery_codes_issue(user: User) -> list[str]:
    # the device stays (a session that signed in with a recovery code stays verified), its
    # codes are replaced
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@transaction.atomic
def two_factor_enrol(*, user: User, key: str, code: str, request=None) -> tuple:
    """Confirm a new authenticator with a code it shows: it replaces any earlier one, with ten
    new recovery codes. Returns ``(device, codes)``; the codes are shown once, never again."""
    totp, token = TOTP(bytes.fromhex(key)), _totp_code(code)
    totp.time = time.time()
    if token is None or not totp.verify(token, tolerance=1):
        raise ValidationError({"code": _("验证码不正确：请输入验证器应用当前显示的 6 位数字。")})
    replacing = has_second_factor(user)
    TOTPDevice.objects.filter(user=user).delete()
    # last_t: the code just typed cannot sign in a second time
    device = TOTPDevice.objects.create(
        user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=True, last_t=totp.t()
    )
    codes = _recovery_codes_issue(user)
    _audit(
        user,
        "two_factor.enrol",
        _("更换双因素认证验证器") if replacing else _("启用双因素认证"),
        request=request,
    )
    return device, codes


def second_factor_verify(*, user: User, code: str, recovery: bool = False, request=None):
    """The device that accepts ``code`` — the authenticator's, or a recovery code, which is used
    up — or a ValidationError naming ``code``. Throttled per device like passwords are: after n
    wrong codes in a row no code is tried for 2^(n-1) seconds (``OTP_THROTTLE_FACTOR``)."""
    model = StaticDevice if recovery else TOTPDevice
    token = _recovery_code(code) if recovery else _totp_code(code)
    with transaction.atomic():  # the failure count is kept: the refusal is raised after it
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            raise ValidationError(
                {"code": _("该账号没有可用的恢复码。") if recovery else _("该账号尚未绑定验证器。")}
            )
        allowed, info = device.verify_is_allowed()
        accepted = allowed and token is not None and device.verify_token(token)
        if allowed and token is None:
            device.throttle_increment()
    if not allowed:
        until = timezone.localtime(info["locked_until"])
        raise SecondFactorLocked(
            {
                "code": _("连续多次输错验证码，请于 %(time)s 之后再试。")
                % {"time": date_format(until, "H:i:s")}
            }
        )
    if not accepted:
        raise ValidationError(
            {"code": _("恢复码不正确或已使用。") if recovery else _("验证码不正确。")}
        )
    if recovery:
        left = StaticToken.objects.filter(device=device).count()
        _audit(
            user,
            "two_factor.recovery_used",
            _("使用恢复码登录（剩余 %(n)s 个）") % {"n": left},
            request=request,
        )
    return device


@transaction.atomic
def recovery_codes_regenerate(*, user: User, request=None) -> list[str]:
    """Ten new recovery codes replace the old ones (used or not)."""
    if not has_second_factor(user):
        raise ValidationError(_("尚未启用双因素认证，没有恢复码。"))
    codes = _recovery_codes_issue(user)
    _audit(user, "two_factor.recovery_codes", _("重新生成恢复码"), request=request)
    return codes


def _devices_remove(user: User) -> bool:
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    return bool(removed)


@transaction.atomic
def two_factor_disable(*, user: User, request=None) -> None:
    """An enterprise user turns the second factor off; officials may not."""
    if second_factor_required(user):
        raise PermissionDenied(
            _("省级管理员、市级主管部门和评审专家必须使用双因素认证，不能停用。")
        )
    if _devices_remove(user):
        _audit(user, "two_factor.disable", _("停用双因素认证"), request=request)


@transaction.atomic
def two_factor_reset(*, user: User, actor: User, request=None) -> None:
    """The province removes someone's authenticator and recovery codes (a lost device, no
    codes left): at their next sign-in they enrol anew. Their signed-in sessions lose their
    verification at once. A superuser's or another province admin's account is a superuser's
    to reset (``portal.rules``)."""
    if not actor.is_province_admin:
        raise PermissionDenied(_("只有省级管理员可以重置他人的双因素认证。"))
    if user.pk == actor.pk:
        raise PermissionDenied(_("不能重置自己的双因素认证：请在“账户安全”页面更换验证器。"))
    if not may_change_account(actor, user):
        raise PermissionDenied(_("只有超级管理员可以重置超级管理员或其他省级管理员的双因素认证。"))
    if _devices_remove(user):
        _audit(
            user,
            "two_factor.reset",
            _("重置 %(user)s 的双因素认证") % {"user": user.get_username()},
            actor=actor,
            request=request,
        )
