"""Reads of the review workflow. ``review_queue_for`` and ``assignments_for`` are the gates:
a city reviewer sees its own city's submissions, an expert only what is assigned to them, the
province everything."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from portal.models import City, IndustryType, SizeClass
from portal.selectors import experts
from scenarios.models import Batch, SupportCategory, Tier
from scenarios.selectors import catalog_dimensions

from .aggregation import Aggregate, Method, ReviewScore, aggregate
from .anonymity import evidence_shown, identity_visible_to
from .models import (
    LIVE_ASSIGNMENT_STATES,
    NO_TIER,
    TIER_RECOMMENDATIONS,
    AnswerStatus,
    Assessment,
    AssignmentStatus,
    Decision,
    Evaluation,
    ExpertAssignment,
    Recommendation,
    State,
)
from .results import indicator_rows, tier_outcome
from .review_services import awaiting_experts, claimed_in
from .tiers import CatalogShape, evaluate_tiers, rules_for_batch

REVIEW_STATES = [s for s in State if s != State.DRAFT]


def review_queue_for(user) -> QuerySet[Assessment]:
    """Submitted assessments a city reviewer (own city) or the province admin (all) reviews."""
    qs = Assessment.objects.select_related("enterprise", "batch", "evaluation").exclude(
        state=State.DRAFT
    )
    if not user.is_authenticated:
        return qs.none()
    if user.is_province_admin:
        return qs
    if user.is_city_reviewer:
        return qs.filter(enterprise__city=user.city)
    return qs.none()


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


# --- the dossier: a frozen submission as reviewers read it ------------------------------------


@dataclass
class Dossier:
    """A submission as its reviewers read it: the frozen snapshot, the evaluation computed
    from it, and (unless the batch hides it from experts) who the applicant is."""

    assessment: Assessment
    reference: str
    identity_visible: bool
    enterprise: dict
    dimensions: list
    support: list
    financial_statements: list
    declarations: dict
    indicators: list
    tiers: object
    evaluation: Evaluation | None
    claimed: list[int] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.enterprise["name"] if self.identity_visible else self.reference


def _profile_shown(snapshot: dict, identity_visible: bool) -> dict:
    profile = dict(snapshot.get("enterprise", {}))
    shown = {
        "city": City(profile["city"]).label if profile.get("city") in City.values else "",
        "industry_code": profile.get("industry_code", ""),
        "industry_type": IndustryType(profile["industry_type"]).label
        if profile.get("industry_type") in IndustryType.values
        else "",
        "size": SizeClass(profile["size"]).label if profile.get("size") in SizeClass.values else "",
    }
    if identity_visible:
        for key in ("name", "credit_code", "district", "address", "contact_name", "contact_phone"):
            shown[key] = profile.get(key, "")
    return shown


def _evidence_by(snapshot: dict, key: str) -> dict:
    grouped = {}
    for item in snapshot.get("evidence", []):
        if item.get(key) is not None:
            grouped.setdefault(item[key], []).append(item)
    return grouped


def _answered(answer: dict | None) -> bool:
    return bool(answer) and answer.get("status") != AnswerStatus.NOT_STARTED


def dossier(
    assessment: Assessment,
    viewer=None,
    *,
    snapshot: dict | None = None,
    evaluation: Evaluation | None = None,
) -> Dossier:
    """``snapshot`` and ``evaluation`` default to the frozen submission and its stored
    evaluation; the report passes a draft's live ones to preview it. With no ``viewer`` (the
    applicant's own report) the identity is shown."""
    snapshot = snapshot if snapshot is not None else assessment.snapshot or {}
    identity_visible = identity_visible_to(viewer, assessment)
    snapshot = {
        **snapshot,
        "evidence": evidence_shown(snapshot.get("evidence", []), identity_visible),
    }
    statuses = dict(AnswerStatus.choices)
    scenarios = snapshot.get("scenarios", {})
    scenario_files = _evidence_by(snapshot, "scenario")
    dimensions = []
    for dimension in catalog_dimensions(version=assessment.batch.catalog_version):
        links = []
        for link in dimension.links.all():
            rows = [
                {
                    "scenario": s,
                    "answer": scenarios[str(s.no)],
                    "status_display": statuses.get(scenarios[str(s.no)]["status"], ""),
                    "evidence": scenario_files.get(s.no, []),
                }
                for s in link.scenarios.all()
                if _answered(scenarios.get(str(s.no)))
            ]
            links.append({"link": link, "scenarios": rows})
        dimensions.append({"dimension": dimension, "links": links})
    elements = snapshot.get("support_elements", {})
    element_files = _evidence_by(snapshot, "support_element")
    support = [
        {
            "element": e,
            "category": SupportCategory(e.category).label,
            "answer": elements[str(e.no)],
            "status_display": statuses.get(elements[str(e.no)]["status"], ""),
            "evidence": element_files.get(e.no, []),
        }
        for e in assessment.batch.catalog_version.support_elements.order_by("no")
        if _answered(elements.get(str(e.no)))
    ]
    if evaluation is None:
        evaluation = Evaluation.objects.filter(assessment=assessment).first()
    statements = _evidence_by(snapshot, "financial_year")
    return Dossier(
        assessment=assessment,
        reference=assessment.review_reference,
        identity_visible=identity_visible,
        enterprise=_profile_shown(snapshot, identity_visible),
        dimensions=dimensions,
        support=support,
        financial_statements=sorted(statements.items(), reverse=True),
        declarations=snapshot.get("declarations", {}),
        indicators=indicator_rows(evaluation) if evaluation else [],
        tiers=tier_outcome(evaluation) if evaluation else None,
        evaluation=evaluation,
        claimed=claimed_in(snapshot),
    )


def review_rounds(assessment: Assessment) -> QuerySet[Recommendation]:
    """Every recommendation or return of the assessment, newest first."""
    return assessment.recommendations.select_related("reviewer")


def returned_comments(assessment: Assessment) -> QuerySet[Recommendation]:
    """What the enterprise is told: the comments of each round its submission was returned."""
    return assessment.recommendations.filter(outcome=Recommendation.Outcome.RETURNED)


# --- scores and their aggregation ------------------------------------------------------------


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


def decision_rows(batch: Batch) -> list[DecisionRow]:
    """Every assessment in or past expert review: its scores side by side with the tier the
    portal computed and the experts' recommendations, highest normalised score first."""
    aggregates = batch_aggregates(batch)
    assessments = (
        Assessment.objects.filter(
            batch=batch, state__in=(State.UNDER_REVIEW, State.APPROVED, State.REJECTED)
        )
        .select_related("enterprise", "evaluation", "decision")
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
    rows = [
        DecisionRow(
            assessment=a,
            aggregate=aggregates.get(a.pk),
            reviews_done=a.reviews_done,
            reviews_total=a.reviews_total,
            recommended=sorted(recommended.get(a.pk, [])),
            computed_tier=getattr(getattr(a, "evaluation", None), "highest_tier", ""),
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


# --- home page summaries ------------------------------------------------------------------


def expert_summary(user) -> dict:
    """How many of the expert's assignments wait for review and how many are submitted."""
    return (
        assignments_for(user)
        .filter(expert=user)
        .aggregate(
            pending=Count("pk", filter=Q(status=AssignmentStatus.ACTIVE)),
            submitted=Count("pk", filter=Q(status=AssignmentStatus.SUBMITTED)),
        )
    )


def city_summary(user) -> dict:
    """The city's submissions by where they stand: waiting for the reviewer, recommended to the
    province (and on since), returned."""
    return review_queue_for(user).aggregate(
        waiting=Count("pk", filter=Q(state=State.SUBMITTED)),
        recommended=Count(
            "pk",
            filter=Q(
                state__in=(
                    State.CITY_RECOMMENDED,
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
    step: waiting for the city, waiting for experts, under review, decided. One query."""

    def in_state(*states):
        return Count("assessments", filter=Q(assessments__state__in=states))

    return (
        review_batches()
        .filter(list_published_at__isnull=True)
        .annotate(
            n_submitted=in_state(State.SUBMITTED),
            n_awaiting_experts=in_state(State.CITY_RECOMMENDED),
            n_under_review=in_state(State.UNDER_REVIEW),
            n_decided=in_state(State.APPROVED, State.REJECTED),
        )[:limit]
    )


# --- the public list ----------------------------------------------------------------------------


def published_batches() -> QuerySet[Batch]:
    return Batch.objects.filter(list_published_at__isnull=False).order_by("-year")


def public_list(batch: Batch) -> list[dict]:
    """The approved enterprises of a published batch: name, city and tier, nothing else."""
    if batch.list_published_at is None:
        return []
    order = {t: i for i, t in enumerate(reversed(Tier.values))}
    rows = (
        Assessment.objects.filter(batch=batch, state=State.APPROVED)
        .select_related("enterprise")
        .only("decided_tier", "enterprise__name", "enterprise__city")
    )
    shown = [
        {
            "enterprise": a.enterprise.name,
            "city": a.enterprise.get_city_display(),
            "city_code": a.enterprise.city,
            "tier": a.decided_tier,
            "tier_display": Tier(a.decided_tier).label,
        }
        for a in rows
    ]
    return sorted(shown, key=lambda r: (order.get(r["tier"], 9), r["city_code"], r["enterprise"]))


def decision_of(assessment: Assessment) -> Decision | None:
    return Decision.objects.filter(assessment=assessment).first()
