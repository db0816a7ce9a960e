"""Objections (异议) to a published list: lodged by a named person or organisation with a signed
letter during the 公示 period, resolved by the province (upheld: the enterprise's decision
reopens; dismissed: the list stands), the objector told by email and the enterprise in the
portal, never of who objected."""

import os
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.uploads import checked_upload, safe_name, save_with_file, sha256_of
from portal.exceptions import StateConflict
from portal.selectors import enterprise_users, province_admins
from portal.services import audit_log_record, notify
from portal.task_queue import task_publish_on_commit
from portal.validators import normalize_phone, validate_phone
from scenarios.models import Batch

from .. import rules
from ..models import Objection
from ..selectors.publicity import on_public_list
from ..tasks import send_objection_outcome
from .common import require_province_admin
from .reopen import decision_reopen

LETTER_EXTENSIONS = ("pdf", "jpg", "jpeg", "png")
MAX_GROUNDS = 5000
MAX_REASON = 2000


def objections_closed_message(batch: Batch) -> str:
    """Why no objection is received now, with the period's dates when it has some."""
    if batch.publicity_starts_on and batch.publicity_ends_on:
        return _("本名单的公示期为 %(start)s 至 %(end)s，目前不在公示期内，不受理异议。") % {
            "start": batch.publicity_starts_on.isoformat(),
            "end": batch.publicity_ends_on.isoformat(),
        }
    return _("本名单目前不在公示期内，不受理异议。")


def _text(data: dict, field: str) -> str:
    return str(data.get(field) or "").strip()


def _checked_letter(letter, errors: dict) -> tuple[str, str]:
    """(safe name, type) of a PDF or image letter, checked as evidence files are (size, name,
    type read from the content); else the error on ``letter``."""
    if not letter:
        errors["letter"] = [_("请上传签名（单位须加盖公章）的书面异议材料，不受理匿名异议。")]
        return "", ""
    extension = os.path.splitext(safe_name(letter.name or ""))[1].lstrip(".")
    if extension not in LETTER_EXTENSIONS:
        errors["letter"] = [_("书面异议材料请上传 PDF 或图片（JPG/PNG）。")]
        return "", ""
    try:
        return checked_upload(letter)
    except ValidationError as exc:
        errors["letter"] = exc.message_dict.get("file", exc.messages)
        return "", ""


def _objector(data: dict, errors: dict) -> dict:
    """Who objects: named, with a phone number (anonymous objections are not accepted)."""
    objector_type = _text(data, "objector_type")
    if objector_type not in Objection.ObjectorType.values:
        errors["objector_type"] = [_("请选择以个人还是单位名义提出异议。")]
    name = _text(data, "objector_name")
    if not name:
        errors["objector_name"] = [_("请填写异议人姓名或单位名称，不受理匿名异议。")]
    elif len(name) > 100:
        errors["objector_name"] = [_("姓名或单位名称不能超过 100 字。")]
    phone = normalize_phone(_text(data, "phone"))
    if not phone:
        errors["phone"] = [_("请填写联系电话，不受理匿名异议。")]
    else:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    email = _text(data, "email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("请填写有效的电子邮箱地址。")]
    return {
        "objector_type": objector_type,
        "objector_name": name,
        "phone": phone,
        "email": email.lower(),
    }


@transaction.atomic
def objection_lodge(*, batch: Batch, data: dict, letter, request=None) -> Objection:
    """Receive a member of the public's objection to an enterprise on ``batch``'s list, during
    its 公示 period only. ``data``: objector_type, objector_name, phone, email (optional),
    assessment (the id of an enterprise's entry on the list), grounds; ``letter``: the signed
    letter (PDF or image). Every missing or wrong field is named at once; nothing is stored
    unless all are right. The province admins are told."""
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if not rules.objections_open(batch):
        raise StateConflict(objections_closed_message(batch), code="objections_closed")
    errors = {}
    fields = _objector(data, errors)
    listed = _text(data, "assessment")
    assessment = on_public_list(batch).filter(pk=listed).first() if listed.isdigit() else None
    if assessment is None:
        errors["assessment"] = [_("请选择异议涉及的公示名单中的企业。")]
    grounds = _text(data, "grounds")
    if not grounds:
        errors["grounds"] = [_("请写明异议理由和事实依据。")]
    elif len(grounds) > MAX_GROUNDS:
        errors["grounds"] = [_("异议理由不能超过 %(n)s 字。") % {"n": MAX_GROUNDS}]
    name, content_type = _checked_letter(letter, errors)
    if errors:
        raise ValidationError(errors)
    objection = Objection(
        batch=batch,
        assessment=assessment,
        grounds=grounds,
        letter_name=name,
        letter_content_type=content_type,
        letter_size=letter.size,
        letter_sha256=sha256_of(letter),
        **fields,
    )
    save_with_file(objection, "letter", name, letter)
    audit_log_record(
        actor=None,
        action="objection.lodge",
        target=objection,
        # not on the enterprise's own log: the objection names the objector
        summary=_("收到对“%(enterprise)s”的公示异议（%(type)s）")
        % {"enterprise": assessment.applicant_name, "type": objection.get_objector_type_display()},
        data={
            "batch": batch.pk,
            "assessment": assessment.pk,
            "letter_sha256": objection.letter_sha256,
        },
        request=request,
    )
    notify(
        recipients=province_admins(),
        kind="objection.lodge",
        title=gettext_lazy("%(batch)s：收到对 %(enterprise)s 的公示异议"),
        body=gettext_lazy("请核查后作出处理：异议成立或不成立。"),
        params={"batch": batch.name, "enterprise": assessment.applicant_name},
        url=reverse("objection-detail", args=[objection.pk]),
    )
    return objection


OUTCOME_TEXTS = {
    # (title, body) the enterprise is told; never who objected
    "reopened": (
        gettext_lazy("%(batch)s：关于贵企业的公示异议经核查成立"),
        gettext_lazy(
            "经核查，公示期间收到的关于贵企业的异议成立，原认定决定已撤回，贵企业不再列入"
            "本批次公示名单，省级将重新作出决定。\n处理理由：%(reason)s"
        ),
    ),
    Objection.Status.UPHELD: (
        gettext_lazy("%(batch)s：关于贵企业的公示异议经核查成立"),
        gettext_lazy("经核查，公示期间收到的关于贵企业的异议成立。\n处理理由：%(reason)s"),
    ),
    Objection.Status.DISMISSED: (
        gettext_lazy("%(batch)s：关于贵企业的公示异议经核查不成立"),
        gettext_lazy(
            "经核查，公示期间收到的关于贵企业的异议不成立，公示结果不变。\n处理理由：%(reason)s"
        ),
    ),
}


@transaction.atomic
def objection_resolve(*, objection: Objection, actor, outcome: str, reason: str) -> Objection:
    """The province resolves a pending objection with a written reason. Upheld, the
    enterprise's decision on the list is withdrawn (``decision_reopen``) and the province
    decides again; dismissed, the list stands. The enterprise is told in the portal, the
    objector by email when they gave one."""
    require_province_admin(actor)
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("batch", "assessment")
        .get(pk=objection.pk)
    )
    if not rules.can_resolve(actor, objection):
        raise StateConflict(
            _("该异议已处理（%(status)s），不能再次处理。")
            % {"status": objection.get_status_display()},
            code="resolved",
        )
    errors = {}
    if outcome not in (Objection.Status.UPHELD, Objection.Status.DISMISSED):
        errors["outcome"] = [_("请选择异议成立或异议不成立。")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写处理理由。")]
    elif len(reason) > MAX_REASON:
        errors["reason"] = [_("处理理由不能超过 %(n)s 字。") % {"n": MAX_REASON}]
    if errors:
        raise ValidationError(errors)
    assessment = objection.assessment
    listed = on_public_list(objection.batch).filter(pk=assessment.pk).exists()
    reopened = outcome == Objection.Status.UPHELD and listed
    if reopened:
        decision_reopen(
            assessment=assessment,
            actor=actor,
            reason=_("公示异议成立：%(reason)s") % {"reason": reason},
            data={"objection": objection.pk},
        )
    objection.status = outcome
    objection.resolution = reason
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    objection.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    audit_log_record(
        actor=actor,
        action="objection.resolve",
        target=objection,
        summary=f"{objection.get_status_display()}：{reason}",
        data={"outcome": outcome, "assessment": assessment.pk, "reopened": reopened},
    )
    title, body = OUTCOME_TEXTS["reopened" if reopened else outcome]
    notify(
        recipients=enterprise_users(assessment.enterprise_id),
        kind="objection.resolve",
        title=title,
        body=body,
        params={"batch": objection.batch.name, "reason": reason},
        url=reverse("assessment-overview", args=[assessment.pk]),
    )
    if objection.email:
        task_publish_on_commit(send_objection_outcome, objection.pk)
    return objection


def _outcome_email(objection: Objection) -> tuple[str, str]:
    """The subject and text of the email telling the objector the outcome, in Chinese then
    English."""
    subjects, texts = [], []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            subjects.append(
                _("关于“%(enterprise)s”的公示异议处理结果")
                % {"enterprise": objection.assessment.applicant_name}
            )
            texts.append(
                render_to_string("review/email/objection_outcome.txt", {"objection": objection})
            )
    subject = subjects[0] if subjects[0] == subjects[1] else " / ".join(subjects)
    return subject[:250], "\n\n----------\n\n".join(texts)


def objection_outcome_email_send(objection_id: int) -> bool:
    """Email the objector the outcome of a resolved objection once (locked, so a retried or
    repeated task sends nothing twice); False when there is nothing to send."""
    with transaction.atomic():
        objection = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("batch", "assessment")
            .exclude(status=Objection.Status.PENDING)
            .exclude(email="")
            .filter(pk=objection_id, objector_emailed_at=None)
            .first()
        )
        if objection is None:
            return False
        subject, message = _outcome_email(objection)
        send_mail(
            subject=subject, message=message, from_email=None, recipient_list=[objection.email]
        )
        Objection.objects.filter(pk=objection.pk).update(objector_emailed_at=timezone.now())
    return True


def objection_emails_sweep(*, limit: int | None = None) -> int:
    """Email the objectors whose outcome is still unsent ``NOTIFICATION_EMAIL_RETRY_AFTER``
    seconds after the resolution (the task was never queued, or gave up), none resolved more
    than ``NOTIFICATION_EMAIL_GIVE_UP_AFTER`` ago; returns how many were sent."""
    now = timezone.now()
    unsent = (
        Objection.objects.exclude(status=Objection.Status.PENDING)
        .exclude(email="")
        .filter(
            objector_emailed_at=None,
            resolved_at__lt=now - timedelta(seconds=settings.NOTIFICATION_EMAIL_RETRY_AFTER),
            resolved_at__gte=now - timedelta(seconds=settings.NOTIFICATION_EMAIL_GIVE_UP_AFTER),
        )
        .order_by("resolved_at", "pk")
    )
    ids = list(unsent.values_list("pk", flat=True)[: limit or settings.SWEEP_BATCH_SIZE])
    return sum(objection_outcome_email_send(pk) for pk in ids)
