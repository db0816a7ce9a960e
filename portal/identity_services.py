"""Writes of an enterprise's identity while it is locked by a submission in review: the
enterprise's admin asks for a change, the province confirms it (the profile changes) or refuses
it; each step audited and notified."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import audit_diff
from .exceptions import StateConflict
from .identity import IDENTITY_FIELDS, identity_lock_reason
from .models import Enterprise, IdentityChangeRequest
from .selectors import enterprise_users, province_admins, user_administers_enterprise
from .services import audit_log_record, notify


def _confirmed_copy(enterprise: Enterprise, changes: dict) -> Enterprise:
    """The enterprise with ``changes`` applied and validated (format, checksum, uniqueness),
    the identity lock set aside: a confirmed change is the way past it."""
    changed = Enterprise.objects.get(pk=enterprise.pk)
    for field, value in changes.items():
        # a division as chosen, or by its code as a request keeps it
        name = (
            field if isinstance(value, models.Model) else Enterprise._meta.get_field(field).attname
        )
        setattr(changed, name, value)
    changed._identity_change_confirmed = True
    changed.full_clean()
    return changed


@transaction.atomic
def identity_change_request(
    *, enterprise: Enterprise, actor, data: dict, reason: str, request=None
) -> IdentityChangeRequest:
    """Ask the province to confirm a change of the identity fields given in ``data``."""
    if not user_administers_enterprise(actor, enterprise):
        raise PermissionDenied(_("只有本企业管理员可以申请变更企业信息。"))
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if not identity_lock_reason(enterprise):
        raise StateConflict(
            _("贵企业当前没有审核中的申报，请直接修改企业信息。"), code="not_locked"
        )
    if IdentityChangeRequest.objects.filter(
        enterprise=enterprise, status=IdentityChangeRequest.Status.PENDING
    ).exists():
        raise StateConflict(_("已有一项变更申请等待省级确认，请等待处理后再申请。"), code="pending")
    reason = (reason or "").strip()
    changes = {
        f: data[f] for f in IDENTITY_FIELDS if f in data and data[f] != getattr(enterprise, f)
    }
    errors = {}
    if not changes:
        errors["name"] = [_("请至少修改一项企业信息。")]
    if not reason:
        errors["reason"] = [_("请说明变更理由（如工商登记变更）。")]
    if errors:
        raise ValidationError(errors)
    changed = _confirmed_copy(enterprise, changes)
    # as stored (credit code upper-case, a division by its code)
    changes = {f: changed.serializable_value(f) for f in changes}
    change = IdentityChangeRequest.objects.create(
        enterprise=enterprise,
        previous={f: enterprise.serializable_value(f) for f in changes},
        changes=changes,
        reason=reason,
        requested_by=actor,
    )
    audit_log_record(
        actor=actor,
        action="enterprise.identity_request",
        target=enterprise,
        summary=_("申请变更企业信息：%(fields)s") % {"fields": "、".join(changes)},
        data={"previous": change.previous, "changes": changes, "request": change.pk},
        request=request,
    )
    notify(
        recipients=province_admins(),
        kind="enterprise.identity_request",
        title=gettext_lazy("%(enterprise)s 申请变更企业信息"),
        body=gettext_lazy("理由：%(reason)s\n请核实后确认或不同意。"),
        params={"enterprise": enterprise.name, "reason": reason},
        url=reverse("identity-changes"),
    )
    return change


@transaction.atomic
def identity_change_decide(
    *, change: IdentityChangeRequest, actor, approve: bool, note: str = "", request=None
) -> IdentityChangeRequest:
    """The province confirms (the profile changes) or refuses (with a reason) a request."""
    if not actor.is_province_admin:
        raise PermissionDenied(_("只有省级管理员可以确认企业信息变更。"))
    change = IdentityChangeRequest.objects.select_for_update().get(pk=change.pk)
    if change.status != IdentityChangeRequest.Status.PENDING:
        raise StateConflict(
            _("该申请已处理（%(status)s）。") % {"status": change.get_status_display()},
            code="decided",
        )
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": _("不同意时请填写理由。")})
    enterprise = Enterprise.objects.select_for_update().get(pk=change.enterprise_id)
    before = {f: enterprise.serializable_value(f) for f in change.changes}
    if approve:
        enterprise = _confirmed_copy(enterprise, change.changes)
        enterprise.save()
    change.status = (
        IdentityChangeRequest.Status.APPROVED if approve else IdentityChangeRequest.Status.REJECTED
    )
    change.decided_by, change.decided_at, change.decision_note = actor, timezone.now(), note
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_log_record(
        actor=actor,
        action="enterprise.identity_confirm" if approve else "enterprise.identity_refuse",
        target=enterprise,
        summary=(_("确认企业信息变更") if approve else _("不同意企业信息变更"))
        + (f"：{note}" if note else ""),
        # the audit log's own shape for a change, so its page and export show before → after
        data={
            "changed": audit_diff(before, change.changes if approve else before),
            "request": change.pk,
        },
        request=request,
    )
    notify(
        recipients=enterprise_users(enterprise.pk),
        kind="enterprise.identity_decide",
        title=gettext_lazy("企业信息变更申请：%(status)s"),
        body=gettext_lazy("%(note)s"),
        params={"status": change.get_status_display(), "note": note or "—"},
        url=reverse("enterprise-page", args=[enterprise.pk]),
    )
    return change
