"""Reads of the onboarding: who confirms an enterprise's self-registration (its district's
reviewer, else its city's), the registrations each reviewer sees, and an enterprise's requests
to join. The pages offer an action by the very predicate its service checks."""

from django.db.models import QuerySet

from portal.models import EnterpriseRegistration
from portal.selectors import city_reviewers, district_reviewers, join_requests_for

Status = EnterpriseRegistration.Status
# a registration its confirmers see: verified, a new enterprise (not a request to join)
CONFIRMATION_STATES = (Status.PENDING, Status.CONFIRMED, Status.REJECTED)


def registrations_for(user) -> QuerySet[EnterpriseRegistration]:
    """The registrations of new enterprises a reviewer confirms, by the enterprise's place: a
    district reviewer its district's, a city reviewer its city's (the districts without a
    reviewer of their own among them), the province all; nobody else any."""
    qs = EnterpriseRegistration.objects.filter(status__in=CONFIRMATION_STATES).select_related(
        "enterprise", "enterprise__district", "decided_by"
    )
    if not user.is_authenticated:
        return qs.none()
    if user.is_province_admin:
        return qs
    if user.is_city_reviewer:
        return qs.filter(enterprise__city=user.city)
    if user.is_district_reviewer:
        return qs.filter(enterprise__district_id=user.district_id)
    return qs.none()


def may_decide_registration(user, registration, *, any_state: bool = False) -> bool:
    """The user confirms or rejects this registration: one it sees, pending (``any_state``:
    whatever its state, for the service to say why not)."""
    if not any_state and registration.status != Status.PENDING:
        return False
    return registrations_for(user).filter(pk=registration.pk).exists()


def registration_confirmers(registration) -> QuerySet:
    """Whom a registration awaiting confirmation is told of: its district's reviewers where the
    district has one; else its city's."""
    enterprise = registration.enterprise
    local = district_reviewers(enterprise.district_id or "")
    return local if local.exists() else city_reviewers(enterprise.city)


def may_decide_join_request(user, registration, *, any_state: bool = False) -> bool:
    if not any_state and registration.status != Status.JOIN_PENDING:
        return False
    return join_requests_for(user).filter(pk=registration.pk).exists()
