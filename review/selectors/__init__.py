"""Reads of the review workflow, one module per concern. ``review_queue_for`` and
``assignments_for`` (in ``queues``) are the gates: a city reviewer sees its own city's
submissions, an expert only what is assigned to them, the province everything."""

from .dossier import (
    Dossier,
    dossier,
)
from .proposals import (
    pending_proposal,
    pending_proposals,
    proposals_for,
    proposals_for_assessment,
)
from .public import (
    decision_of,
    public_list,
    published_batches,
)
from .publicity import (
    Publicity,
    PublicityStatus,
    listed_count_filter,
    objections_for,
    on_public_list,
    pending_objections,
    publication_defaults,
    publicity_of,
    undecided,
)
from .queues import (
    REVIEW_STATES,
    FormalCheckRow,
    assignments_for,
    formal_check_queue,
    formal_check_rows,
    returned_comments,
    returns_awaiting_answer,
    review_batches,
    review_queue_for,
    review_rounds,
)
from .reviews import (
    ExpertReview,
    batch_expert_reviews,
    expert_reviews,
)
from .scores import (
    DecisionRow,
    ExpertLoad,
    ReviewSummary,
    batch_aggregates,
    decision_rows,
    expert_loads,
    review_summary,
    tier_label,
    waiting_for_experts,
)
from .site_visits import (
    SiteVisitReport,
    SiteVisitStage,
    batch_site_visits,
    finding_text,
    site_visit_photos_for,
    site_visit_report,
    site_visit_stage,
    site_visit_stages,
    site_visits_for,
)
from .summaries import (
    city_summary,
    expert_summary,
    province_batches,
)

__all__ = [
    "DecisionRow",
    "ExpertReview",
    "Dossier",
    "ExpertLoad",
    "Publicity",
    "PublicityStatus",
    "REVIEW_STATES",
    "ReviewSummary",
    "SiteVisitReport",
    "SiteVisitStage",
    "batch_site_visits",
    "finding_text",
    "site_visit_photos_for",
    "site_visit_report",
    "site_visit_stage",
    "site_visit_stages",
    "site_visits_for",
    "assignments_for",
    "batch_aggregates",
    "batch_expert_reviews",
    "city_summary",
    "decision_of",
    "decision_rows",
    "dossier",
    "expert_loads",
    "expert_reviews",
    "expert_summary",
    "FormalCheckRow",
    "formal_check_queue",
    "formal_check_rows",
    "pending_proposal",
    "pending_proposals",
    "proposals_for",
    "proposals_for_assessment",
    "listed_count_filter",
    "objections_for",
    "on_public_list",
    "pending_objections",
    "publication_defaults",
    "publicity_of",
    "province_batches",
    "public_list",
    "published_batches",
    "returned_comments",
    "returns_awaiting_answer",
    "review_batches",
    "review_queue_for",
    "review_rounds",
    "review_summary",
    "tier_label",
    "undecided",
    "waiting_for_experts",
]
