"""The experts' submitted reviews in full, as the province reads them before deciding: who
reviewed, each criterion's score under its name, each claimed scenario's verdict with its
reason, the opinion and the recommended tier. For the province only (the decision pages, the
API's detail and decision list, the decisions export): an expert reads only their own review,
and the applicant never learns who reviewed it."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from scenarios.models import Batch, Scenario

from ..models import AssignmentStatus, ExpertAssignment
from .scores import tier_label


@dataclass(frozen=True)
class CriterionScore:
    criterion_id: int
    name: str
    score: object  # as the expert gave it (a number), None when missing
    max_score: int


@dataclass(frozen=True)
class ScenarioVerdict:
    no: int
    name: str
    accepted: bool | None
    comment: str


@dataclass(frozen=True)
class ExpertReview:
    assignment_id: int
    assessment_id: int
    expert: object  # the User
    total: Decimal | None
    recommended_tier: str
    recommended_label: str
    opinion: str
    submitted_at: datetime | None
    scores: list[CriterionScore]
    verdicts: list[ScenarioVerdict]

    @property
    def expert_name(self) -> str:
        return self.expert.get_full_name() or self.expert.username


def _shown(assignment: ExpertAssignment, criteria: list, scenarios: dict) -> ExpertReview:
    scores = assignment.scores or {}
    verdicts = assignment.verdicts or {}
    return ExpertReview(
        assignment_id=assignment.pk,
        assessment_id=assignment.assessment_id,
        expert=assignment.expert,
        total=assignment.total,
        recommended_tier=assignment.recommended_tier,
        recommended_label=str(tier_label(assignment.recommended_tier)),
        opinion=assignment.opinion,
        submitted_at=assignment.submitted_at,
        scores=[
            CriterionScore(c.pk, c.display_name, scores.get(str(c.pk)), c.max_score)
            for c in criteria
        ],
        verdicts=[
            ScenarioVerdict(
                no=int(no),
                name=scenarios.get(int(no), ""),
                accepted=verdict.get("accepted"),
                comment=verdict.get("comment") or "",
            )
            for no, verdict in sorted(verdicts.items(), key=lambda item: int(item[0]))
        ],
    )


def _reviews(batch: Batch, assignments) -> list[ExpertReview]:
    criteria = list(batch.rubric.order_by("no"))
    scenarios = {
        s.no: s.display_name
        for s in Scenario.objects.filter(version_id=batch.catalog_version_id).only(
            "no", "name", "name_en"
        )
    }
    return [_shown(a, criteria, scenarios) for a in assignments]


def _submitted():
    return (
        ExpertAssignment.objects.filter(status=AssignmentStatus.SUBMITTED)
        .select_related("expert")
        .order_by("submitted_at", "pk")
    )


def expert_reviews(assessment) -> list[ExpertReview]:
    """The submitted reviews of one assessment, first submitted first. Three queries."""
    return _reviews(assessment.batch, _submitted().filter(assessment=assessment))


def batch_expert_reviews(batch: Batch) -> dict[int, list[ExpertReview]]:
    """The submitted reviews of every assessment of the batch, by assessment id. Three
    queries, whatever the size of the batch."""
    by_assessment: dict[int, list[ExpertReview]] = {}
    for review in _reviews(batch, _submitted().filter(assessment__batch=batch)):
        by_assessment.setdefault(review.assessment_id, []).append(review)
    return by_assessment
