"""Writes of the accounts and tenancy core: enterprises, invitations, the audit log."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .audit import HIDDEN, audit_diff, audit_values
from .client_ip import client_ip
from .exceptions import EditConflict
from .models import (
    ENTERPRISE_PROFILE_FIELDS,
    AuditLog,
    District,
    Enterprise,
    Invitation,
    Notification,
    Role,
    User,
)
from .selectors import (
    notifications_awaiting_email,
    user_administers_enterprise,
    user_can_edit_enterprise,
)
from .task_queue import task_publish_on_commit


def audit_log_record(
    *,
    actor,
    action: str,
    target=None,
    enterprise=None,
    summary: str = "",
    data=None,
    request=None,
) -> AuditLog:
    if enterprise is None and isinstance(target, Enterprise):
        enterprise = target
    return AuditLog.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        enterprise=enterprise,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        data=data or {},
        ip_address=client_ip(request),
    )


def _as_loaded(value) -> str:
    """As a form posts it: a division by its code."""
    if isinstance(value, District):
        value = value.pk
    if isinstance(value, Decimal):  # 1200 and 1200.00 are the same capital
        value = format(value.normalize(), "f")
    return "" if value is None else str(value)


def enterprise_profile_loaded(enterprise: Enterprise) -> dict:
    """The profile's fields as an editor loads them: what ``enterprise_update`` compares with."""
    return {field: _as_loaded(getattr(enterprise, field)) for field in ENTERPRISE_PROFILE_FIELDS}


def _profile_merged(stored: Enterprise, data: dict, loaded: dict) -> dict:
    """Each field as its editor loaded it decides: one the editor left as loaded keeps what is
    stored (a colleague's newer value survives); one both changed differently since is a
    conflict, refused with both values."""
    data, yours, theirs = dict(data), {}, {}
    for field in ENTERPRISE_PROFILE_FIELDS:
        if field not in data or field not in loaded:
            continue
        mine, now = _as_loaded(data[field]), _as_loaded(getattr(stored, field))
        if mine == loaded[field]:
            data[field] = getattr(stored, field)
        elif now != loaded[field] and mine != now:
            yours[field], theirs[field] = mine, now
    if yours:
        last = (
            AuditLog.objects.filter(
                action="enterprise.update",
                target_type=ContentType.objects.get_for_model(Enterprise),
                target_id=str(stored.pk),
            )
            .select_related("actor")
            .order_by("-pk")
            .first()
        )
        who = last.actor if last and last.actor else None
        raise EditConflict(
            _(
                "企业信息在您打开页面后已被 %(who)s 修改，您的修改没有保存。请对照双方的内容："
                "再次保存将保留您的内容，也可以逐项采用对方的内容。"
            )
            % {"who": (who.get_full_name() or who.get_username()) if who else _("他人")},
            item="profile",
            label=_("企业信息"),
            yours=yours,
            theirs=theirs,
            version=0,
            by=(who.get_full_name() or who.get_username()) if who else None,
            at=last.created_at if last else None,
        )
    return data


@transaction.atomic
def enterprise_update(
    *, enterprise: Enterprise, actor: User, data: dict, request=None, loaded: dict | None = None
) -> Enterprise:
    """Update the profile; only the enterprise's own admin or the province admin may.

    ``loaded``: the fields as the editor loaded them (``enterprise_profile_loaded``); then only
    the fields the editor changed are written, and a field a colleague changed differently since
    is refused (EditConflict, both values) — colleagues editing different fields never conflict.
    """
    if not user_can_edit_enterprise(actor, enterprise):
        raise PermissionDenied(_("只有本企业管理员可以修改企业信息。"))
    # locked, so that a submission freezing this profile meanwhile is seen by the identity lock
    stored = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if isinstance(data.get("district"), str):  # by its code, as a form or a script sends it
        data = {**data, "district": District.objects.filter(pk=data["district"]).first()}
    if loaded is not None:
        data = _profile_merged(stored, data, loaded)
    changed = {}
    for field in ENTERPRISE_PROFILE_FIELDS:
        value = data[field] if field in data else getattr(stored, field)
        if getattr(stored, field) != value:
            changed[field] = [getattr(stored, field), value]
        setattr(enterprise, field, value)
    enterprise.full_clean()
    enterprise.save()
    if changed:
        audit_log_record(
            actor=actor,
            action="enterprise.update",
            target=enterprise,
            summary=_("修改企业信息：%(fields)s") % {"fields": "、".join(changed)},
            data={"changed": {k: [str(v) for v in pair] for k, pair in changed.items()}},
            request=request,
        )
    return enterprise


@transaction.atomic
def invitation_create(
    *, enterprise: Enterprise, email: str, role: str, actor: User, request=None
) -> Invitation:
    if not user_administers_enterprise(actor, enterprise):
        raise PermissionDenied(_("只有本企业管理员可以邀请成员。"))
    return invitation_send(
        enterprise=enterprise, email=email, role=role, actor=actor, request=request
    )


def invitation_send(
    *, enterprise: Enterprise, email: str, role: str, actor: User, request=None
) -> Invitation:
    """Invite ``email`` to ``enterprise`` and e-mail the link once committed; the caller has
    decided that ``actor`` may (its admin, or an official importing the enterprise)."""
    if role not in (Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_MEMBER):
        raise ValidationError({"role": _("邀请只能授予企业管理员或企业成员角色。")})
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email, enterprise=enterprise).exists():
        raise ValidationError({"email": _("该邮箱已是本企业成员。")})
    invitation = Invitation.objects.create(
        enterprise=enterprise, email=email, role=role, invited_by=actor
    )
    accept_url = reverse("invitation-accept", args=[invitation.token])
    if request is not None:
        accept_url = request.build_absolute_uri(accept_url)
    context = {"invitation": invitation, "accept_url": accept_url}
    transaction.on_commit(
        lambda: send_mail(
            subject=_("邀请您加入 %(name)s 的智改数转网联自评估") % {"name": enterprise.name},
            message=render_to_string("portal/email/invitation.txt", context),
            from_email=None,
            recipient_list=[email],
        )
    )
    audit_log_record(
        actor=actor,
        action="invitation.create",
        target=invitation,
        enterprise=enterprise,
        summary=_("邀请 %(email)s") % {"email": email},
        request=request,
    )
    return invitation


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, username: str, password: str, first_name: str = "", request=None
) -> User:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(_("该邀请已使用或已过期，请联系企业管理员重新邀请。"))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("该用户名已被使用。")})
    user = User(
        username=username,
        email=invitation.email,
        first_name=first_name,
        role=invitation.role,
        enterprise=invitation.enterprise,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc
    user.set_password(password)
    user.save()
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    user_create_record(user=user, actor=user, request=request)
    audit_log_record(
        actor=user,
        action="invitation.accept",
        target=invitation,
        enterprise=invitation.enterprise,
        summary=_("%(user)s 接受邀请") % {"user": username},
        request=request,
    )
    return user


PROVINCE_ADMIN_GROUP = "province_admin"
PROVINCE_ADMIN_APPS = ("portal", "scenarios", "indicators", "evaluation", "review", "reports")


def province_admin_group_sync():
    """The group that gives province admins the admin site's permissions on every portal app."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=PROVINCE_ADMIN_GROUP)
    # by key: set() writes only what differs, and the permissions need not be loaded
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=PROVINCE_ADMIN_APPS).values_list(
            "pk", flat=True
        )
    )
    return group


def _account_record(*, user: User, actor, action: str, summary: str, changed: dict, request):
    return audit_log_record(
        actor=actor,
        action=action,
        target=user,
        enterprise=user.enterprise,
        summary=summary,
        data={"model": user._meta.label_lower, "changed": changed},
        request=request,
    )


def user_create_record(*, user: User, actor=None, request=None):
    """A new account on the audit log with every field it was created with (the password as
    set, never its hash); ``actor`` None: the portal's own act (a seed, a command)."""
    return _account_record(
        user=user,
        actor=actor,
        action="user.create",
        summary=_("创建账户 %(user)s") % {"user": user.get_username()},
        changed=audit_diff(None, audit_values(user)),
        request=request,
    )


def user_password_record(*, user: User, actor, reset: bool = False, request=None):
    """A password set on the account's own pages (changed, or reset through the emailed
    link) on the audit log; the admin site records its own."""
    return _account_record(
        user=user,
        actor=actor,
        action="user.password_reset" if reset else "user.password_change",
        summary=_("%(user)s 的密码已更改") % {"user": user.get_username()},
        changed={"password": [HIDDEN, HIDDEN]},
        request=request,
    )


@transaction.atomic
def user_create(*, username: str, role: str, password: str | None = None, **fields) -> User:
    """Create an account with its role; province admins get the admin site. Recorded as the
    portal's own act (its callers are the seed and the commands)."""
    user = User(username=username, role=role, **fields)
    if role == Role.PROVINCE_ADMIN:
        user.is_staff = True
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    if role == Role.PROVINCE_ADMIN:
        user.groups.add(province_admin_group_sync())
    user_create_record(user=user)
    return user


NOTIFICATION_LANGUAGES = (("zh-hans", ""), ("en", "_en"))


def notify(*, recipients, kind: str, title, body="", params=None, url: str = "") -> list:
    """Tell each (active) recipient in the portal, in both languages, and have a worker email
    them once the transaction commits. ``title`` and ``body`` are lazy translatable strings
    formatted with ``params`` (whose values may be lazy too)."""
    params = params or {}
    texts = {}
    for language, suffix in NOTIFICATION_LANGUAGES:
        with translation.override(language):
            values = {k: str(v) for k, v in params.items()}
            texts[f"title{suffix}"] = (str(title) % values)[:200]
            texts[f"body{suffix}"] = str(body) % values if body else ""
    unique = {u.pk: u for u in recipients if u is not None and u.is_active}
    created = Notification.objects.bulk_create(
        [Notification(recipient=u, kind=kind, url=url, **texts) for u in unique.values()]
    )
    ids = [n.pk for n in created]
    if ids:
        from .tasks import send_notification_emails

        task_publish_on_commit(send_notification_emails, ids)
    return created


def notification_mark_read(*, user, notification_ids=None) -> int:
    """Mark the user's notifications read (all of them when no ids are given)."""
    unread = Notification.objects.filter(recipient=user, read_at=None)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


def notification_emails_sweep(*, limit: int | None = None) -> int:
    """Email the notifications still unsent ``NOTIFICATION_EMAIL_RETRY_AFTER`` seconds after
    they were written (none older than ``NOTIFICATION_EMAIL_GIVE_UP_AFTER``); returns how many."""
    now = timezone.now()
    pending = notifications_awaiting_email(
        created_before=now - timedelta(seconds=settings.NOTIFICATION_EMAIL_RETRY_AFTER),
        created_after=now - timedelta(seconds=settings.NOTIFICATION_EMAIL_GIVE_UP_AFTER),
    )
    ids = list(pending.values_list("pk", flat=True)[: limit or settings.SWEEP_BATCH_SIZE])
    sent = 0
    for notification_id in ids:
        with transaction.atomic():
            # locked, so two sweeps running at once never send the same email twice
            notification = (
                pending.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(pk=notification_id)
                .first()
            )
            if notification is not None:
                sent += notification_email_send(notification)
    return sent


def notification_email_send(notification: Notification) -> bool:
    """Email one notification unless it was already sent or its recipient has no address."""
    recipient = notification.recipient
    if notification.emailed_at is not None or not recipient.email:
        return False
    link = f"{settings.PORTAL_BASE_URL}{notification.url}" if notification.url else ""
    message = render_to_string(
        "portal/email/notification.txt", {"notification": notification, "link": link}
    )
    subject = notification.title
    if notification.title_en and notification.title_en != notification.title:
        subject = f"{subject} / {notification.title_en}"  # not twice when not translated yet
    send_mail(
        subject=subject[:250],
        message=message,
        from_email=None,
        recipient_list=[recipient.email],
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True
