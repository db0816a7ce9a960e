"""What the role home pages show of the review: an expert's tasks, a city's queue, the
province's batches."""

from django.db.models import Count, Q

from evaluation.models import State

from ..models import AssignmentStatus
from .queues import assignments_for, awaiting_local_review, review_batches, review_queue_for
from .site_visits import site_visits_for


def expert_summary(user) -> dict:
    """How many of the expert's assignments wait for review and how many are submitted, and
    how many site visits they still have to report on."""
    summary = (
        assignments_for(user)
        .filter(expert=user)
        .aggregate(
            pending=Count("pk", filter=Q(status=AssignmentStatus.ACTIVE)),
            submitted=Count("pk", filter=Q(status=AssignmentStatus.SUBMITTED)),
        )
    )
    summary["visits"] = (
        site_visits_for(user).filter(assignments__expert=user, submitted_at__isnull=True).count()
    )
    return summary


def city_summary(user) -> dict:
    """A city's (or a district's) submissions by where they stand: waiting for the reviewer,
    recommended onwards (and on since), returned."""
    return review_queue_for(user).aggregate(
        waiting=Count("pk", filter=awaiting_local_review(user)),
        recommended=Count(
            "pk",
            filter=~awaiting_local_review(user)
            & Q(
                state__in=(
                    State.DISTRICT_RECOMMENDED,
                    State.CITY_RECOMMENDED,
                    State.FORMALLY_CHECKED,
                    State.UNDER_REVIEW,
                    State.APPROVED,
                    State.REJECTED,
                )
            ),
        ),
        returned=Count("pk", filter=Q(state=State.RETURNED)),
    )


def province_batches(limit: int = 5):
    """The batches still in review (list not yet published), with their submissions counted by
    step: waiting for the district or the city, for the formal check, for experts, under review, decided. One
    query."""

    def in_state(*states):
        return Count("assessments", filter=Q(assessments__state__in=states))

    return (
        review_batches()
        .filter(list_published_at__isnull=True)
        .annotate(
            n_submitted=in_state(State.SUBMITTED, State.DISTRICT_RECOMMENDED),
            n_formal_check=in_state(State.CITY_RECOMMENDED),
            n_awaiting_experts=in_state(State.FORMALLY_CHECKED),
            n_under_review=in_state(State.UNDER_REVIEW),
            n_decided=in_state(State.APPROVED, State.REJECTED),
        )[:limit]
    )
