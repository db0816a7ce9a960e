"""API tokens: the one door that issues them (``token_create``: the password endpoint, the tokens
page and the API all come here, so a rule on who may hold a token has one place), their
revocation by their owner, and their revocation when the account's password changes or the
account is deactivated, through whichever channel (a signal on the user's save)."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from knox.settings import knox_settings

from . import two_factor
from .exceptions import StateConflict
from .models import ApiToken, User
from .services import audit_log_record

# "Last used" is kept to the minute: at most one write a minute per token in use.
LAST_USED_PRECISION = timedelta(minutes=1)
DEFAULT_TOKEN_NAME = "API"


class TokenChannel(models.TextChoices):
    """How a token was asked for (recorded in the audit log): a username and password, the
    tokens page, or the API."""

    PASSWORD = "password"
    PAGE = "page"
    API = "api"


def _clean_name(name) -> str:
    try:
        return ApiToken._meta.get_field("name").clean(str(name or "").strip(), None)
    except ValidationError as exc:
        raise ValidationError({"name": exc.messages}) from exc


@transaction.atomic
def token_create(*, user: User, name: str, via: str, request=None) -> tuple[ApiToken, str]:
    """Issue ``user`` a new token named ``name``: its row and the token itself, which is
    returned this once and never stored (only its hash is). A token of the same name is
    replaced (each integration renews its own without piling tokens up); a user holds at most
    ``TOKEN_LIMIT_PER_USER`` tokens. Whoever signs in with a second factor gets no token for a
    password alone (``via`` the password endpoint): only from a session that passed it."""
    if via == TokenChannel.PASSWORD and not two_factor.password_token_allowed(user):
        raise PermissionDenied(two_factor.PASSWORD_TOKEN_REFUSED)
    name = _clean_name(name)
    # one issue at a time per user, so the limit and the one-per-name rule hold under races
    User.objects.select_for_update().filter(pk=user.pk).first()
    held = ApiToken.objects.filter(user=user)
    held.filter(expiry__lte=timezone.now()).delete()  # dead already: knox refuses them
    replaced = held.filter(name=name).delete()[0] > 0
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is not None and held.count() >= limit:
        raise StateConflict(
            _("每个账户最多持有 %(n)s 个 API 令牌，请先撤销不再使用的令牌。") % {"n": limit}
        )
    token, raw = ApiToken.objects.create(user=user, name=name)
    audit_log_record(
        actor=user,
        action="token.create",
        target=token,
        enterprise=user.enterprise,
        summary=_("创建 API 令牌「%(name)s」") % {"name": name},
        data={"name": name, "via": via, "expiry": token.expiry.isoformat(), "replaced": replaced},
        request=request,
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User, request=None) -> None:
    """Revoke one token (the caller found it through ``api_tokens_for``: its owner's own)."""
    token.delete()
    audit_log_record(
        actor=actor,
        action="token.revoke",
        target=token,
        enterprise=token.user.enterprise,
        summary=_("撤销 API 令牌「%(name)s」") % {"name": token.name},
        data={"name": token.name},
        request=request,
    )


def token_mark_used(token: ApiToken) -> None:
    """Note that ``token`` authenticated a request now (to the minute)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


REVOKED_BECAUSE = {
    "password": gettext_lazy("密码已修改或停用，撤销全部 API 令牌（%(n)s 个）"),
    "deactivated": gettext_lazy("账户已停用，撤销全部 API 令牌（%(n)s 个）"),
}


def tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revoke every token of ``user`` (``reason``: a key of ``REVOKED_BECAUSE``); how many."""
    revoked = ApiToken.objects.filter(user=user).delete()[0]
    if revoked:
        audit_log_record(
            actor=None,
            action="token.revoke_all",
            target=user,
            enterprise=user.enterprise,
            summary=str(REVOKED_BECAUSE[reason]) % {"n": revoked},
            data={"reason": reason, "revoked": revoked},
        )
    return revoked


def _credentials_change(user: User) -> str | None:
    if not user.is_active:
        return "deactivated"
    # set_password() keeps the new password on the instance until it is saved: the password
    # change and reset pages, the admin site's password form and the services all go through
    # it. Re-hashing at sign-in (a stronger hasher) clears it before saving: no change there.
    if user._password is not None or not user.has_usable_password():
        return "password"
    return None


@receiver(post_save, sender=User, dispatch_uid="portal.tokens.revoke_on_credentials_change")
def _revoke_on_credentials_change(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    reason = _credentials_change(instance)
    if reason:
        tokens_revoke_all(user=instance, reason=reason)
