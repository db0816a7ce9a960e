"""Enterprises registering themselves: the registration with its business licence, the e-mail
verification by a signed link that expires, then either a new enterprise awaiting its district's
(or city's) confirmation with its first admin, or — the credit code being registered already —
a request to join that enterprise, decided by its admin. The answer to a registration is the
same whether its credit code exists or not (no enumeration): only the e-mail differs."""

import os

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.uploads import checked_upload, safe_name, save_with_file, sha256_of
from portal.exceptions import StateConflict
from portal.models import (
    Enterprise,
    EnterpriseRegistration,
    RegistrationStatus,
    Role,
    User,
)
from portal.services import audit_log_record, invitation_create, notify, user_create_record
from portal.validators import normalize_credit_code, normalize_phone

from ..selectors.onboarding import (
    may_decide_join_request,
    may_decide_registration,
    registration_confirmers,
)

Status = EnterpriseRegistration.Status
# What a registration asks for, in the order the form shows it (the licence besides).
REGISTRATION_FIELDS = (
    "name",
    "credit_code",
    "city",
    "district",
    "industry_code",
    "industry_type",
    "size",
    "contact_name",
    "contact_phone",
    "email",
)
LICENCE_EXTENSIONS = ("pdf", "jpg", "png")
LICENCE_FIELDS = ("licence", "licence_name", "licence_content_type", "licence_sha256")
LINK_SALT = "review.onboarding.registration"
MAX_REASON = 2000


def _checked_licence(licence, errors: dict) -> tuple[str, str]:
    """The safe name of a PDF or image licence, checked as evidence files are (size, name, type
    read from the content); else the error on ``licence``."""
    if not licence:
        errors["licence"] = [_("请上传营业执照（PDF 或 JPG/PNG 图片）。")]
        return "", ""
    extension = os.path.splitext(safe_name(licence.name or ""))[1].lstrip(".").lower()
    if extension not in (*LICENCE_EXTENSIONS, "jpeg"):
        errors["licence"] = [_("营业执照请上传 PDF 或图片（JPG/PNG）。")]
        return "", ""
    try:
        return checked_upload(licence, field="licence", kinds=LICENCE_EXTENSIONS)
    except ValidationError as exc:
        errors["licence"] = exc.message_dict.get("licence", exc.messages)
        return "", ""


def _registration_of(data: dict, errors: dict) -> EnterpriseRegistration:
    values = {f: str(data.get(f) or "").strip() for f in REGISTRATION_FIELDS}
    values["credit_code"] = normalize_credit_code(values["credit_code"])
    values["industry_code"] = values["industry_code"].upper()
    values["contact_phone"] = normalize_phone(values["contact_phone"])
    values["email"] = values["email"].lower()
    values.pop("district")
    district = data.get("district")  # a division, or its code as a form or a script sends it
    district = str(getattr(district, "pk", district) or "").strip()
    registration = EnterpriseRegistration(**values, district_id=district or None)
    try:
        registration.full_clean(exclude=list(LICENCE_FIELDS))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    checkable = "district" not in errors and "city" not in errors and registration.district_id
    if checkable and registration.district.city != registration.city:
        errors["district"] = [_("所选县（市、区）不属于所选设区市，请重新选择。")]
    return registration


def _tell_confirmers(registration, enterprise, body) -> None:
    """The district's (or city's) reviewers: a registration waits for them."""
    notify(
        recipients=registration_confirmers(registration),
        kind="registration.pending",
        title=gettext_lazy("企业注册待确认：%(name)s"),
        body=body,
        params={"name": enterprise.name},
        url=reverse("registration-queue"),
    )


@transaction.atomic
def registration_submit(*, data: dict, licence, request=None) -> EnterpriseRegistration:
    """Keep a registration with its licence and e-mail the link that verifies the address:
    to register a new enterprise, or — its credit code being registered — to ask to join it.
    Every wrong field is named at once; nothing is kept unless all are right."""
    errors = {}
    registration = _registration_of(data, errors)
    name, content_type = _checked_licence(licence, errors)
    if errors:
        raise ValidationError(errors)
    registration.licence_name = name
    registration.licence_content_type = content_type
    registration.licence_size = licence.size
    registration.licence_sha256 = sha256_of(licence)
    save_with_file(registration, "licence", name, licence)
    existing = Enterprise.objects.filter(credit_code=registration.credit_code).first()
    link = settings.PORTAL_BASE_URL + reverse(
        "registration-verify", args=[registration_token(registration)]
    )
    template = "review/email/registration_join.txt" if existing else "review/email/registration.txt"
    context = {
        "registration": registration,
        "link": link,
        "hours": settings.REGISTRATION_LINK_MAX_AGE // 3600,
    }
    message = render_to_string(template, context)
    email = registration.email
    transaction.on_commit(
        lambda: send_mail(
            subject=_("请验证您的邮箱：智改数转网联自评估企业注册"),
            message=message,
            from_email=None,
            recipient_list=[email],
        )
    )
    audit_log_record(
        actor=None,
        action="registration.submit",
        target=registration,
        summary=_("%(name)s 提交注册（%(email)s）")
        % {"name": registration.name, "email": registration.email},
        data={"credit_code": registration.credit_code, "sha256": registration.licence_sha256},
        request=request,
    )
    return registration


def registration_token(registration: EnterpriseRegistration) -> str:
    return signing.dumps(registration.pk, salt=LINK_SALT, compress=True)


LINK_INVALID = gettext_lazy("验证链接无效或已过期，请重新注册。")
LINK_USED = gettext_lazy("该验证链接已使用过。如尚未收到处理结果，请耐心等待或联系主管部门。")


def registration_from_token(token: str) -> EnterpriseRegistration:
    """The registration of a verification link still valid and not used yet; else
    ValidationError saying why."""
    try:
        pk = signing.loads(token, salt=LINK_SALT, max_age=settings.REGISTRATION_LINK_MAX_AGE)
    except signing.BadSignature as exc:
        raise ValidationError(str(LINK_INVALID), code="invalid") from exc
    registration = EnterpriseRegistration.objects.filter(pk=pk).first()
    if registration is None:
        raise ValidationError(str(LINK_INVALID), code="invalid")
    if registration.status != Status.UNVERIFIED:
        raise ValidationError(str(LINK_USED), code="used")
    return registration


def registered_enterprise(registration: EnterpriseRegistration) -> Enterprise | None:
    """The enterprise already registered under the registration's credit code, if any."""
    return Enterprise.objects.filter(credit_code=registration.credit_code).first()


def _lock_unverified(registration: EnterpriseRegistration) -> EnterpriseRegistration:
    locked = EnterpriseRegistration.objects.select_for_update().get(pk=registration.pk)
    if locked.status != Status.UNVERIFIED:
        raise StateConflict(str(LINK_USED), code="used")
    return locked


@transaction.atomic
def registration_verify(
    *,
    registration: EnterpriseRegistration,
    username: str,
    password: str,
    first_name: str = "",
    request=None,
) -> User:
    """The address verified: the enterprise, awaiting confirmation (it drafts, but does not
    submit until confirmed), and its first admin account; its confirmers are told."""
    registration = _lock_unverified(registration)
    if registered_enterprise(registration) is not None:
        raise StateConflict(
            _("该统一社会信用代码已有企业注册，请重新打开邮件中的链接申请加入该企业。"),
            code="registered",
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("该用户名已被使用。")})
    user = User(
        username=username,
        email=registration.email,
        first_name=first_name or registration.contact_name,
        role=Role.ENTERPRISE_ADMIN,
        phone=registration.contact_phone,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.create(
                name=registration.name,
                credit_code=registration.credit_code,
                city=registration.city,
                district=registration.district,
                industry_code=registration.industry_code,
                industry_type=registration.industry_type,
                size=registration.size,
                contact_name=registration.contact_name,
                contact_phone=registration.contact_phone,
                registration_status=RegistrationStatus.PENDING,
            )
    except IntegrityError as exc:  # registered by another in the meantime
        raise StateConflict(
            _("该统一社会信用代码已有企业注册，请重新打开邮件中的链接申请加入该企业。"),
            code="registered",
        ) from exc
    user.enterprise = enterprise
    user.set_password(password)
    user.save()
    user_create_record(user=user, actor=user, request=request)
    registration.status = Status.PENDING
    registration.enterprise = enterprise
    registration.verified_at = timezone.now()
    registration.save(update_fields=["status", "enterprise", "verified_at"])
    audit_log_record(
        actor=user,
        action="registration.verify",
        target=registration,
        enterprise=enterprise,
        summary=_("%(name)s 完成邮箱验证，待主管部门确认") % {"name": enterprise.name},
        request=request,
    )
    _tell_confirmers(
        registration, enterprise, gettext_lazy("%(name)s 已完成注册，请核对营业执照后确认或退回。")
    )
    return user


@transaction.atomic
def join_request(*, registration: EnterpriseRegistration, request=None) -> EnterpriseRegistration:
    """The address verified, for a credit code already registered: a request to join that
    enterprise, which its admins are told of."""
    registration = _lock_unverified(registration)
    enterprise = registered_enterprise(registration)
    if enterprise is None:
        raise StateConflict(_("该统一社会信用代码尚无企业注册，请设置账号完成注册。"))
    registration.status = Status.JOIN_PENDING
    registration.enterprise = enterprise
    registration.verified_at = timezone.now()
    registration.save(update_fields=["status", "enterprise", "verified_at"])
    audit_log_record(
        actor=None,
        action="registration.join_request",
        target=registration,
        enterprise=enterprise,
        summary=_("%(person)s（%(email)s）申请加入企业")
        % {"person": registration.contact_name, "email": registration.email},
        request=request,
    )
    notify(
        recipients=enterprise.users.filter(role=Role.ENTERPRISE_ADMIN),
        kind="registration.join",
        title=gettext_lazy("%(person)s 申请加入本企业"),
        body=gettext_lazy("%(person)s（%(email)s）申请加入本企业，请在成员页面同意或不同意。"),
        params={"person": registration.contact_name, "email": registration.email},
        url=reverse("member-list", args=[enterprise.pk]),
    )
    return registration


def _reason(reason: str, *, required: bool, message: str) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({"reason": message})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("理由不能超过 %(n)s 字。") % {"n": MAX_REASON}})
    return reason


@transaction.atomic
def registration_decide(
    *, registration: EnterpriseRegistration, actor, confirm: bool, reason: str = "", request=None
) -> EnterpriseRegistration:
    """The district (or city, or province) confirms a registration against its licence — the
    enterprise may then submit — or rejects it with a reason; the registrant is told."""
    if not may_decide_registration(actor, registration, any_state=True):
        raise PermissionDenied(_("只有企业所在县（市、区）或设区市的主管部门可以确认企业注册。"))
    registration = EnterpriseRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Status.PENDING:
        raise StateConflict(
            _("该注册当前为“%(status)s”，不能再处理。")
            % {"status": registration.get_status_display()},
            code="wrong_state",
        )
    reason = _reason(reason, required=not confirm, message=_("退回注册须写明理由。"))
    enterprise = registration.enterprise
    registration.status = Status.CONFIRMED if confirm else Status.REJECTED
    registration.decided_at, registration.decided_by = timezone.now(), actor
    registration.reason = reason
    registration.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    enterprise.registration_status = (
        RegistrationStatus.CONFIRMED if confirm else RegistrationStatus.REJECTED
    )
    enterprise.save(update_fields=["registration_status"])
    audit_log_record(
        actor=actor,
        action="registration.confirm" if confirm else "registration.reject",
        target=registration,
        enterprise=enterprise,
        summary=(_("确认 %(name)s 的注册") if confirm else _("退回 %(name)s 的注册"))
        % {"name": enterprise.name},
        data={"reason": reason} if reason else {},
        request=request,
    )
    if confirm:
        title = gettext_lazy("企业注册已确认：%(name)s")
        body = gettext_lazy("主管部门已确认 %(name)s 的注册，企业现在可以提交自评估申报。")
    else:
        title = gettext_lazy("企业注册未通过：%(name)s")
        body = gettext_lazy("主管部门退回了 %(name)s 的注册，理由：%(reason)s")
    notify(
        recipients=enterprise.users.all(),
        kind="registration.decided",
        title=title,
        body=body,
        params={"name": enterprise.name, "reason": reason},
        url=reverse("enterprise-page", args=[enterprise.pk]),
    )
    return registration


@transaction.atomic
def join_request_decide(
    *, registration: EnterpriseRegistration, actor, approve: bool, reason: str = "", request=None
) -> EnterpriseRegistration:
    """The enterprise's admin approves a request to join — the requester is invited as a
    member (the invitation's e-mail creates the account) — or refuses it, the requester told
    by e-mail with the reason given."""
    if not may_decide_join_request(actor, registration, any_state=True):
        raise PermissionDenied(_("只有本企业管理员可以处理加入申请。"))
    registration = EnterpriseRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Status.JOIN_PENDING:
        raise StateConflict(
            _("该申请当前为“%(status)s”，不能再处理。")
            % {"status": registration.get_status_display()},
            code="wrong_state",
        )
    reason = _reason(reason, required=False, message="")
    enterprise = registration.enterprise
    if approve:
        invitation_create(
            enterprise=enterprise,
            email=registration.email,
            role=Role.ENTERPRISE_MEMBER,
            actor=actor,
            request=request,
        )
    else:
        message = render_to_string(
            "review/email/registration_join_refused.txt",
            {"registration": registration, "enterprise": enterprise, "reason": reason},
        )
        email = registration.email
        transaction.on_commit(
            lambda: send_mail(
                subject=_("您加入 %(name)s 的申请未获同意") % {"name": enterprise.name},
                message=message,
                from_email=None,
                recipient_list=[email],
            )
        )
    registration.status = Status.JOINED if approve else Status.JOIN_REFUSED
    registration.decided_at, registration.decided_by = timezone.now(), actor
    registration.reason = reason
    registration.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    audit_log_record(
        actor=actor,
        action="registration.join_approve" if approve else "registration.join_refuse",
        target=registration,
        enterprise=enterprise,
        summary=_("%(person)s（%(email)s）的加入申请")
        % {"person": registration.contact_name, "email": registration.email},
        data={"reason": reason} if reason else {},
        request=request,
    )
    return registration


@transaction.atomic
def registration_resubmit(
    *, enterprise: Enterprise, actor, licence, request=None
) -> EnterpriseRegistration:
    """The admin of an enterprise whose registration was rejected sends a new business licence:
    the registration awaits confirmation again, its confirmers told."""
    if not (actor.is_enterprise_admin and actor.enterprise_id == enterprise.pk):
        raise PermissionDenied(_("只有本企业管理员可以重新提交注册。"))
    registration = (
        EnterpriseRegistration.objects.select_for_update()
        .filter(enterprise=enterprise, status=Status.REJECTED)
        .order_by("-pk")
        .first()
    )
    if registration is None:
        raise StateConflict(_("企业注册没有被退回，无需重新提交。"), code="wrong_state")
    errors = {}
    name, content_type = _checked_licence(licence, errors)
    if errors:
        raise ValidationError(errors)
    previous = registration.licence.name
    registration.licence_name, registration.licence_content_type = name, content_type
    registration.licence_size, registration.licence_sha256 = licence.size, sha256_of(licence)
    registration.status = Status.PENDING
    save_with_file(registration, "licence", name, licence)
    storage = registration.licence.storage
    transaction.on_commit(lambda: storage.delete(previous))
    enterprise.registration_status = RegistrationStatus.PENDING
    enterprise.save(update_fields=["registration_status"])
    audit_log_record(
        actor=actor,
        action="registration.resubmit",
        target=registration,
        enterprise=enterprise,
        summary=_("%(name)s 重新提交注册") % {"name": enterprise.name},
        data={"sha256": registration.licence_sha256, "rejected_for": registration.reason},
        request=request,
    )
    _tell_confirmers(
        registration, enterprise, gettext_lazy("%(name)s 已重新提交营业执照，请核对后确认或退回。")
    )
    return registration
