"""The review page offers an action exactly when its service allows it: for every state a
submission can be in and every reviewer role, the recommend, return and assign forms are on the
page if and only if the service, called as that user, goes through."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from evaluation.models import Assessment, State
from review import services as review_services

from ..conftest import login

FORMS = {
    "recommend": 'data-testid="recommend-form"',
    "return": 'data-testid="return-form"',
    "assign": 'data-testid="assign-form"',
}


def service_allows(action: str, assessment, actor, expert) -> bool:
    """The service's answer, its writes rolled back."""
    calls = {
        "recommend": lambda: review_services.assessment_recommend(
            assessment=assessment, actor=actor, comment=""
        ),
        "return": lambda: review_services.assessment_return(
            assessment=assessment, actor=actor, comment="请补充材料"
        ),
        "assign": lambda: review_services.assignment_add(
            assessment=assessment, expert=expert, actor=actor
        ),
    }
    try:
        with transaction.atomic():
            calls[action]()
            transaction.set_rollback(True)
    except (PermissionDenied, ValidationError):
        return False
    return True


@pytest.mark.parametrize("state", [s for s in State if s != State.DRAFT])
def test_each_action_is_offered_exactly_when_its_service_allows_it(
    client, state, submitted, city_reviewer_suzhou, province_admin, expert
):
    Assessment.objects.filter(pk=submitted.pk).update(state=state)
    submitted.refresh_from_db()
    seen = []
    for reviewer in (city_reviewer_suzhou, province_admin):
        page = login(client, reviewer).get(reverse("review-detail", args=[submitted.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        for action, marker in FORMS.items():
            offered = marker in html
            allowed = service_allows(action, submitted, reviewer, expert)
            assert offered == allowed, (state, reviewer.role, action, offered, allowed)
            seen.append(allowed)
    if state == State.SUBMITTED:
        assert seen.count(True) == 3  # city recommends and returns; the province returns
