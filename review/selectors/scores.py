"""The experts' scores and their aggregation: per submission, per batch's decision list, and
each expert's load."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from evaluation.models import AnswerStatus, Assessment, State
from evaluation.tiers import CatalogShape, evaluate_tiers, rules_for_batch
from portal.selectors import experts
from scenarios.models import Batch, Tier

from ..aggregation import Aggregate, Method, ReviewScore, aggregate
from ..models import (
    LIVE_ASSIGNMENT_STATES,
    NO_TIER,
    TIER_RECOMMENDATIONS,
    AssignmentStatus,
    ExpertAssignment,
)
from ..services import awaiting_experts
from .site_visits import batch_site_visits, site_visit_stages


def _batch_reviews(batch: Batch) -> list[ReviewScore]:
    rows = ExpertAssignment.objects.filter(
        assessment__batch=batch, status=AssignmentStatus.SUBMITTED, total__isnull=False
    ).values_list("assessment_id", "expert_id", "total")
    return [ReviewScore(a, e, float(t)) for a, e, t in rows]


def batch_aggregates(batch: Batch) -> dict[int, Aggregate]:
    """Each assessment's mean, normalised score (z-score over each expert's reviews across the
    batch, or a trimmed mean), spread and disagreement flag."""
    return aggregate(
        _batch_reviews(batch),
        method=Method(batch.aggregation),
        threshold=float(batch.disagreement_threshold),
    )


@dataclass
class ReviewSummary:
    """The experts' reviews of one assessment, for the province admin deciding it."""

    assignments: list
    aggregate: Aggregate | None
    computed_tier: str
    accepted_tier: str | None  # the tier reached counting only scenarios most experts accept
    scenario_votes: dict  # scenario no → (accepted, rejected)
    recommended: dict  # tier → number of experts recommending it
    complete: bool

    def figures(self) -> dict:
        """What the province decides on, kept with its decision (the web and the API alike)."""
        agg = self.aggregate
        return {
            "mean": agg.mean if agg else None,
            "normalised": agg.normalised if agg else None,
            "spread": agg.spread if agg else None,
            "n": agg.n if agg else 0,
            "computed_tier": self.computed_tier or "",
            "accepted_tier": self.accepted_tier,
        }


def review_summary(assessment: Assessment, aggregates: dict | None = None) -> ReviewSummary:
    assignments = list(
        assessment.assignments.select_related("expert").order_by("status", "assigned_at")
    )
    submitted = [a for a in assignments if a.status == AssignmentStatus.SUBMITTED]
    votes = {}
    for a in submitted:
        for no, verdict in a.verdicts.items():
            yes, no_ = votes.get(int(no), (0, 0))
            accepted = verdict.get("accepted") is True
            votes[int(no)] = (yes + accepted, no_ + (not accepted))
    recommended = {}
    for a in submitted:
        recommended[a.recommended_tier] = recommended.get(a.recommended_tier, 0) + 1
    evaluation = getattr(assessment, "evaluation", None)
    accepted_tier = None
    if submitted and assessment.snapshot:
        scenario_status = {
            int(no): a["status"] for no, a in assessment.snapshot["scenarios"].items()
        }
        for no, (yes, rejected) in votes.items():
            if rejected >= yes:
                scenario_status[no] = AnswerStatus.IN_PROGRESS
        support_status = {
            int(no): a["status"] for no, a in assessment.snapshot["support_elements"].items()
        }
        outcome = evaluate_tiers(
            CatalogShape.for_version(assessment.batch.catalog_version),
            rules_for_batch(assessment.batch),
            scenario_status,
            support_status,
            evaluation.indicators_improved if evaluation else 0,
        )
        accepted_tier = outcome.highest_tier or ""
    if aggregates is None:
        aggregates = batch_aggregates(assessment.batch)
    live = [a for a in assignments if a.status in LIVE_ASSIGNMENT_STATES]
    return ReviewSummary(
        assignments=assignments,
        aggregate=aggregates.get(assessment.pk),
        computed_tier=evaluation.highest_tier if evaluation else "",
        accepted_tier=accepted_tier,
        scenario_votes=votes,
        recommended=recommended,
        complete=bool(live) and len(submitted) == len(live),
    )


def tier_label(tier: str | None) -> str:
    if tier == NO_TIER:
        return dict(TIER_RECOMMENDATIONS)[NO_TIER]
    return Tier(tier).label if tier in Tier.values else _("未达到")


@dataclass
class DecisionRow:
    assessment: Assessment
    aggregate: Aggregate | None
    reviews_done: int
    reviews_total: int
    recommended: list
    computed_tier: str
    site_visit_stage: object = None  # SiteVisitStage
    site_visit: object = None  # the SiteVisit, once its report is submitted


def in_or_past_expert_review(batch: Batch) -> QuerySet[Assessment]:
    """The batch's assessments the decisions are about: in expert review, approved or
    rejected (the rows of ``decision_rows``, counted without building them)."""
    return Assessment.objects.filter(
        batch=batch, state__in=(State.UNDER_REVIEW, State.APPROVED, State.REJECTED)
    )


def decision_rows(batch: Batch) -> list[DecisionRow]:
    """Every assessment in or past expert review: its scores side by side with the tier the
    portal computed, the experts' recommendations and the site visit's stage and report,
    highest normalised score first."""
    aggregates = batch_aggregates(batch)
    assessments = (
        in_or_past_expert_review(batch)
        .select_related("enterprise", "evaluation", "decision", "batch")
        .annotate(
            reviews_total=Count(
                "assignments", filter=Q(assignments__status__in=LIVE_ASSIGNMENT_STATES)
            ),
            reviews_done=Count(
                "assignments", filter=Q(assignments__status=AssignmentStatus.SUBMITTED)
            ),
        )
    )
    recommended = {}
    for aid, tier in ExpertAssignment.objects.filter(
        assessment__batch=batch, status=AssignmentStatus.SUBMITTED
    ).values_list("assessment_id", "recommended_tier"):
        recommended.setdefault(aid, []).append(tier)
    assessments = list(assessments)
    stages, visits = site_visit_stages(assessments), batch_site_visits(batch)
    rows = [
        DecisionRow(
            assessment=a,
            aggregate=aggregates.get(a.pk),
            reviews_done=a.reviews_done,
            reviews_total=a.reviews_total,
            recommended=sorted(recommended.get(a.pk, [])),
            computed_tier=getattr(getattr(a, "evaluation", None), "highest_tier", ""),
            site_visit_stage=stages.get(a.pk),
            site_visit=visits.get(a.pk),
        )
        for a in assessments
    ]
    rows.sort(key=lambda r: (r.aggregate is None, -(r.aggregate.normalised if r.aggregate else 0)))
    return rows


@dataclass
class ExpertLoad:
    expert: object
    active: int
    submitted: int
    declined: int

    @property
    def load(self) -> int:
        return self.active + self.submitted


def expert_loads(batch: Batch) -> list[ExpertLoad]:
    """Each expert's assignments in the batch: to do, done, declined."""
    in_batch = Q(assignments__assessment__batch=batch)
    rows = experts().annotate(
        active=Count(
            "assignments", filter=in_batch & Q(assignments__status=AssignmentStatus.ACTIVE)
        ),
        submitted=Count(
            "assignments", filter=in_batch & Q(assignments__status=AssignmentStatus.SUBMITTED)
        ),
        declined=Count(
            "assignments", filter=in_batch & Q(assignments__status=AssignmentStatus.DECLINED)
        ),
    )
    return [ExpertLoad(e, e.active, e.submitted, e.declined) for e in rows]


def waiting_for_experts(batch: Batch) -> QuerySet[Assessment]:
    """Assessments of the batch that still need reviewers assigned."""
    return (
        Assessment.objects.filter(batch=batch)
        .filter(awaiting_experts(batch))
        .annotate(
            live=Count("assignments", filter=Q(assignments__status__in=LIVE_ASSIGNMENT_STATES))
        )
        .filter(live__lt=batch.reviewers_per_assessment)
        .select_related("enterprise")
        .order_by("submitted_at", "pk")
    )
