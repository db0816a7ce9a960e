"""The review's gates and queues: a city reviewer sees its own city's submissions, an expert only
what is assigned to them, the province everything; and each submission's review rounds."""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from evaluation.eligibility import formal_checklist
from evaluation.models import Assessment, State
from evaluation.selectors import local_reviewer_scope
from portal.models import Role
from scenarios.models import Batch, Tier

from ..models import LIVE_ASSIGNMENT_STATES, ExpertAssignment, Recommendation

REVIEW_STATES = [s for s in State if s != State.DRAFT]


def review_queue_for(user) -> QuerySet[Assessment]:
    """Submitted assessments a district or city reviewer (``local_reviewer_scope``) or the
    province admin (all) reviews."""
    qs = Assessment.objects.select_related("enterprise", "batch", "evaluation").exclude(
        state=State.DRAFT
    )
    if not user.is_authenticated:
        return qs.none()
    if user.is_province_admin:
        return qs
    if (scope := local_reviewer_scope(user)) is not None:
        return qs.filter(scope)
    return qs.none()


def reached_city() -> Q:
    """The assessments that once reached their city: a district recommended them to it, or a
    city reviewer gave its verdict (recommended or returned, also before the batch asked for
    the district step)."""
    rounds = Recommendation.objects.filter(assessment=OuterRef("pk")).filter(
        Q(reviewer__role=Role.CITY_REVIEWER)
        | Q(reviewer__role=Role.DISTRICT_REVIEWER, outcome=Recommendation.Outcome.RECOMMENDED)
    )
    return Q(Exists(rounds))


def awaiting_local_review(user) -> Q:
    """What awaits ``user``'s own verdict (as ``rules.recommendable_states`` has it): a
    district's submissions of batches with the district step; a city's submissions of batches
    without it and those its districts recommended. Nothing for anyone else."""
    with_step = Q(batch__requires_district_step=True)
    if user.is_district_reviewer:
        direct = Q(enterprise__direct_batches=F("batch"))  # to the province directly
        return with_step & Q(state=State.SUBMITTED) & ~direct
    if user.is_city_reviewer:
        return (~with_step & Q(state=State.SUBMITTED)) | Q(state=State.DISTRICT_RECOMMENDED)
    return Q(pk__in=[])


def assignments_for(user) -> QuerySet[ExpertAssignment]:
    """An expert's own live assignments (not those withdrawn or declined); all for the
    province admin."""
    qs = ExpertAssignment.objects.select_related(
        "assessment__enterprise", "assessment__batch", "expert"
    )
    if not user.is_authenticated:
        return qs.none()
    if user.is_province_admin:
        return qs
    if user.is_expert:
        return qs.filter(expert=user, status__in=LIVE_ASSIGNMENT_STATES)
    return qs.none()


def review_batches() -> QuerySet[Batch]:
    return Batch.objects.order_by("-year", "-opens_at")


def review_rounds(assessment: Assessment) -> QuerySet[Recommendation]:
    """Every recommendation or return of the assessment, newest first."""
    return assessment.recommendations.select_related("reviewer__district")


def returned_comments(assessment: Assessment) -> QuerySet[Recommendation]:
    """What the enterprise is told: the comments of each round its submission was returned."""
    return assessment.recommendations.filter(outcome=Recommendation.Outcome.RETURNED)


def returns_awaiting_answer(assessment: Assessment) -> QuerySet[Recommendation]:
    """The returns the enterprise answers when it submits again: those of its latest
    submission (made since it was submitted), not answered yet; none unless returned."""
    if assessment.state != State.RETURNED or assessment.submitted_at is None:
        return Recommendation.objects.none()
    return (
        returned_comments(assessment)
        .filter(answer="", created_at__gte=assessment.submitted_at)
        .select_related("reviewer")
        .order_by("created_at", "pk")
    )


def applies_directly() -> Exists:
    """The application's enterprise is one its batch lets apply to the province directly
    (``rules.applies_directly``, as a condition on a queryset of applications)."""
    return Exists(
        Batch.direct_enterprises.through.objects.filter(
            enterprise_id=OuterRef("enterprise_id"), batch_id=OuterRef("batch_id")
        )
    )


def awaiting_formal_check(qs: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Recommended by their city, or submitted by a direct applicant
    (``rules.formal_check_states``)."""
    return qs.filter(
        Q(state=State.CITY_RECOMMENDED) | (Q(state=State.SUBMITTED) & applies_directly())
    )


def formal_check_queue(batch: Batch) -> QuerySet[Assessment]:
    """The batch's applications awaiting the province's formal check, oldest first."""
    return (
        awaiting_formal_check(Assessment.objects.filter(batch=batch))
        .select_related("enterprise", "batch", "evaluation")
        .order_by("submitted_at", "pk")
    )


@dataclass(frozen=True)
class FormalCheckRow:
    id: int
    applicant_name: str
    applicant_city: str
    state: str
    submitted_at: object
    complete: bool
    missing: list  # checklist keys
    allowed_tier: str
    assessment: Assessment

    @property
    def allowed_tier_label(self) -> str:
        return Tier(self.allowed_tier).label if self.allowed_tier else ""


def formal_check_rows(batch: Batch) -> list[FormalCheckRow]:
    """The formal-check queue with each application's checklist summed up."""
    rows = []
    for assessment in formal_check_queue(batch):
        checklist = formal_checklist(assessment)
        rows.append(
            FormalCheckRow(
                id=assessment.pk,
                applicant_name=assessment.applicant_name,
                applicant_city=assessment.applicant_city,
                state=assessment.state,
                submitted_at=assessment.submitted_at,
                complete=checklist.complete,
                missing=[item.key for item in checklist.missing],
                allowed_tier=checklist.allowed_tier,
                assessment=assessment,
            )
        )
    return rows
