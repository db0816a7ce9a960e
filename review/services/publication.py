"""Publishing the batch's public list (公示名单) with its 公示 period and contact, and withdrawing
it. Every recommended application must be decided first, unless the province explicitly
publishes without the undecided ones (a partial publication, named in the audit log)."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.exceptions import StateConflict
from portal.selectors import enterprise_users
from portal.services import audit_log_record, notify
from portal.validators import normalize_phone, validate_phone
from scenarios.models import Batch, Tier

from ..selectors.publicity import approved as approved_in
from ..selectors.publicity import undecided
from ..working_days import period_end, working_day_from, working_days_in
from .common import require_province_admin

NAMES_SHOWN = 10  # undecided applications named in a refusal; the rest counted


def undecided_names(assessments) -> str:
    """The applicants' names, the first ``NAMES_SHOWN`` of them, then how many more."""
    text = "、".join(a.applicant_name for a in assessments[:NAMES_SHOWN])
    rest = len(assessments) - NAMES_SHOWN
    if rest > 0:
        text += _("等（另 %(n)s 份）") % {"n": rest}
    return text


def _period(starts_on: date | None, ends_on: date | None, today: date) -> tuple[date, date]:
    """The given dates, each missing one from the default period; refused when the start
    is in the past or the end before the start."""
    start = starts_on or working_day_from(today)
    errors = {}
    if start < today:
        errors["starts_on"] = [_("公示开始日期不能早于今天。")]
    end = ends_on or period_end(start, settings.PUBLICITY_WORKING_DAYS)
    if end < start:
        errors["ends_on"] = [_("公示截止日期不能早于开始日期。")]
    elif working_days_in(start, end) < 1:
        errors["ends_on"] = [_("公示期内至少应有一个工作日。")]
    if errors:
        raise ValidationError(errors)
    return start, end


def _contact(department, phone, email) -> dict:
    """Whom the public contacts, each missing part from the settings; department and phone
    are required, the email optional."""
    department = (
        settings.PUBLICITY_CONTACT_DEPARTMENT if department is None else department
    ).strip()
    phone = normalize_phone(settings.PUBLICITY_CONTACT_PHONE if phone is None else phone)
    email = (settings.PUBLICITY_CONTACT_EMAIL if email is None else email).strip()
    errors = {}
    if not department:
        errors["contact_department"] = [_("请填写公示联系单位。")]
    elif len(department) > 100:
        errors["contact_department"] = [_("联系单位不能超过 100 字。")]
    if not phone:
        errors["contact_phone"] = [_("请填写公示联系电话。")]
    else:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            errors["contact_phone"] = exc.messages
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["contact_email"] = [_("请填写有效的电子邮箱地址。")]
    if errors:
        raise ValidationError(errors)
    return {
        "publicity_contact_department": department,
        "publicity_contact_phone": phone,
        "publicity_contact_email": email,
    }


@transaction.atomic
def batch_list_publish(
    *,
    batch: Batch,
    actor,
    publish: bool = True,
    partial: bool = False,
    starts_on: date | None = None,
    ends_on: date | None = None,
    contact_department: str | None = None,
    contact_phone: str | None = None,
    contact_email: str | None = None,
) -> Batch:
    """Publish the batch's list of approved enterprises for a 公示 period (by default
    ``PUBLICITY_WORKING_DAYS`` working days from the first working day from today) with a
    contact (by default the settings'). Refused while a recommended application is undecided,
    unless ``partial``: the list is then published without them. ``publish=False`` withdraws
    the list (``batch_list_withdraw``)."""
    if not publish:
        return batch_list_withdraw(batch=batch, actor=actor)
    require_province_admin(actor)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.list_published_at is not None:
        raise StateConflict(
            {"batch": ValidationError(_("公示名单已发布；如需修改，请先撤回。"), code="published")}
        )
    approved = list(approved_in(batch).select_related("enterprise"))
    if not approved:
        raise ValidationError({"batch": _("该批次还没有认定通过的企业，不能发布公示名单。")})
    errors = {}
    try:
        start, end = _period(starts_on, ends_on, timezone.localdate())
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        contact = _contact(contact_department, contact_phone, contact_email)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    left_out = list(undecided(batch).order_by("applicant_name", "pk"))
    if left_out and not partial:
        raise StateConflict(
            {
                "partial": ValidationError(
                    _(
                        "还有 %(n)s 份推荐的申报尚未作出认定决定：%(names)s。请先作出决定，"
                        "或确认发布不含这些申报的部分名单。"
                    )
                    % {"n": len(left_out), "names": undecided_names(left_out)},
                    code="undecided",
                )
            }
        )
    batch.list_published_at = timezone.now()
    batch.publicity_starts_on, batch.publicity_ends_on = start, end
    for field, value in contact.items():
        setattr(batch, field, value)
    batch.save(
        update_fields=["list_published_at", "publicity_starts_on", "publicity_ends_on", *contact]
    )
    period = {"start": start.isoformat(), "end": end.isoformat()}
    summary = _("发布公示名单，公示期 %(start)s 至 %(end)s") % period
    if left_out:
        summary += _("（部分发布：不含 %(n)s 份尚未决定的申报）") % {"n": len(left_out)}
    audit_log_record(
        actor=actor,
        action="batch.publish",
        target=batch,
        summary=summary,
        data={
            "approved": len(approved),
            "partial": bool(left_out),
            "undecided": [[a.pk, a.applicant_name] for a in left_out],
            "period": period,
            "contact": contact,
        },
    )
    for assessment in approved:
        notify(
            recipients=enterprise_users(assessment.enterprise_id),
            kind="batch.publish",
            title=gettext_lazy("%(batch)s 公示名单已发布"),
            body=gettext_lazy(
                "贵企业列入公示名单，认定层级：%(tier)s。公示期：%(start)s 至 %(end)s。"
            ),
            params={"batch": batch.name, "tier": Tier(assessment.decided_tier).label, **period},
            url=reverse("public-list", args=[batch.pk]),
        )
    return batch


@transaction.atomic
def batch_list_withdraw(*, batch: Batch, actor) -> Batch:
    """Take the list off the public pages; its 公示 period ends with it (objections already
    received stay, to be resolved). Publishing again starts a new period."""
    require_province_admin(actor)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.list_published_at is None:
        raise StateConflict(
            {"batch": ValidationError(_("公示名单尚未发布。"), code="not_published")}
        )
    published_at = batch.list_published_at
    batch.list_published_at = None
    batch.publicity_starts_on = batch.publicity_ends_on = None
    batch.save(update_fields=["list_published_at", "publicity_starts_on", "publicity_ends_on"])
    audit_log_record(
        actor=actor,
        action="batch.unpublish",
        target=batch,
        summary=_("撤回公示名单"),
        data={"published_at": published_at.isoformat()},
    )
    return batch
