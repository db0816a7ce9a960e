"""The tenancy gate: every read of tenant data starts from one of these selectors.

A view that calls ``Enterprise.objects`` (or any tenant model's manager)
directly for a user is a bug: it must go through the selector that scopes
the rows to what that user may see.
"""

from django.db.models import Case, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    ApiToken,
    AuditLog,
    Enterprise,
    EnterpriseRegistration,
    IdentityChangeRequest,
    Invitation,
    Notification,
    RegistrationStatus,
    Role,
    User,
)


def enterprises_for(user) -> QuerySet[Enterprise]:
    if not user.is_authenticated:
        return Enterprise.objects.none()
    if user.is_province_admin:
        return Enterprise.objects.all()
    if user.is_city_reviewer:
        return Enterprise.objects.filter(city=user.city)
    if user.is_district_reviewer:
        return Enterprise.objects.filter(district_id=user.district_id)
    if user.is_enterprise_user:
        return Enterprise.objects.filter(pk=user.enterprise_id)
    return Enterprise.objects.none()


def registration_submit_refusal(enterprise: Enterprise) -> str | None:
    """Why an enterprise that registered itself may not submit yet (it drafts meanwhile): its
    registration awaits confirmation, or was rejected; None once confirmed."""
    status = enterprise.registration_status
    if status == RegistrationStatus.PENDING:
        return _(
            "企业注册尚待所在县（市、区）或设区市主管部门核对营业执照后确认，确认前可以填报，"
            "但不能提交。"
        )
    if status == RegistrationStatus.REJECTED:
        return _("企业注册未通过主管部门确认，不能提交申报。请查看通知中的理由，或联系主管部门。")
    return None


def join_requests_for(user) -> QuerySet[EnterpriseRegistration]:
    """An enterprise admin's requests to join its enterprise (made by registering its credit
    code again), pending first."""
    if not (user.is_authenticated and user.is_enterprise_admin):
        return EnterpriseRegistration.objects.none()
    status = EnterpriseRegistration.Status
    return EnterpriseRegistration.objects.filter(
        enterprise_id=user.enterprise_id,
        status__in=(status.JOIN_PENDING, status.JOINED, status.JOIN_REFUSED),
    ).order_by(Case(When(status=status.JOIN_PENDING, then=0), default=1), "-created_at")


def enterprises_without_district() -> QuerySet[Enterprise]:
    """Enterprises whose district matched no division when it became a choice (the text typed
    is kept in ``district_text``), by city: the province corrects them."""
    return Enterprise.objects.filter(district__isnull=True).order_by("city", "name", "pk")


def enterprise_members(*, enterprise: Enterprise) -> QuerySet[User]:
    return enterprise.users.order_by("-role", "username")


def invitations_for(user) -> QuerySet[Invitation]:
    if user.is_authenticated and user.is_enterprise_admin:
        return Invitation.objects.filter(enterprise_id=user.enterprise_id)
    return Invitation.objects.none()


# Who reviews an application stays hidden from the applicant: these entries name experts, or
# record the province's deliberation (a decision's flags against the experts' advice, its
# justification, proposals under the four-eyes rule).
REVIEWER_PRIVATE_ACTIONS = (
    "review.assign",
    "review.unassign",
    "review.conflict",
    "review.submit",
    "review.decide_flagged",
    "review.decision_propose",
    "review.decision_confirm",
    "review.decision_reject",
    "review.site_visit_assign",
    "review.site_visit_submit",
    "review.site_visit_photo",
)


def audit_log_for(user) -> QuerySet[AuditLog]:
    if user.is_authenticated and user.is_province_admin:
        return AuditLog.objects.select_related("actor", "enterprise")
    if user.is_authenticated and user.is_enterprise_admin:
        return (
            AuditLog.objects.filter(enterprise_id=user.enterprise_id)
            .exclude(action__in=REVIEWER_PRIVATE_ACTIONS)
            .select_related("actor")
        )
    return AuditLog.objects.none()


def user_can_see_audit_log(user) -> bool:
    """The province admin (everything) and an enterprise admin (its enterprise's entries)."""
    return user.is_authenticated and (user.is_province_admin or user.is_enterprise_admin)


def user_administers_enterprise(user, enterprise: Enterprise) -> bool:
    """The user is an admin of this very enterprise (and may invite its members)."""
    return (
        user.is_authenticated and user.is_enterprise_admin and user.enterprise_id == enterprise.pk
    )


def user_can_edit_enterprise(user, enterprise: Enterprise) -> bool:
    return user.is_authenticated and (
        user.is_province_admin or (user.is_enterprise_admin and user.enterprise_id == enterprise.pk)
    )


def api_tokens_for(user) -> QuerySet[ApiToken]:
    """The user's own API tokens still valid, newest first: nobody sees or revokes another's."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created", "-pk")


def city_reviewers(city: str) -> QuerySet[User]:
    return User.objects.filter(role=Role.CITY_REVIEWER, city=city, is_active=True)


def district_reviewers(district_code: str) -> QuerySet[User]:
    if not district_code:
        return User.objects.none()
    return User.objects.filter(
        role=Role.DISTRICT_REVIEWER, district_id=district_code, is_active=True
    )


def province_admins() -> QuerySet[User]:
    return User.objects.filter(is_active=True).filter(
        Q(role=Role.PROVINCE_ADMIN) | Q(is_superuser=True)
    )


def enterprise_users(enterprise_id: int) -> QuerySet[User]:
    return User.objects.filter(enterprise_id=enterprise_id, is_active=True)


def experts() -> QuerySet[User]:
    return User.objects.filter(role=Role.EXPERT, is_active=True).order_by("pk")


def notifications_for(user) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def notifications_awaiting_email(*, created_before, created_after) -> QuerySet[Notification]:
    """Not emailed although their recipient has an address: the email task was never queued
    (the broker was down) or gave up. Oldest first."""
    return (
        Notification.objects.filter(
            emailed_at=None,
            recipient__is_active=True,
            created_at__lt=created_before,
            created_at__gte=created_after,
        )
        .exclude(recipient__email="")
        .order_by("created_at", "pk")
    )


def identity_changes_pending(enterprise: Enterprise):
    return enterprise.identity_changes.filter(status=IdentityChangeRequest.Status.PENDING).first()


def identity_changes_for_review() -> QuerySet[IdentityChangeRequest]:
    """Pending requests first, then the latest decided ones."""
    pending = IdentityChangeRequest.Status.PENDING
    return IdentityChangeRequest.objects.select_related(
        "enterprise", "requested_by", "decided_by"
    ).order_by(Case(When(status=pending, then=0), default=1), "-requested_at", "-pk")[:200]
