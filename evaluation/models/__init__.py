"""The evaluation app's models: assessments and their data (the review of them is the review app's)."""

from .assessment import (
    DECLARATIONS,
    EDITABLE_STATES,
    FINANCIAL_YEARS,
    IN_REVIEW_STATES,
    Answer,
    AnswerStatus,
    Assessment,
    Evaluation,
    Evidence,
    EvidenceQuerySet,
    Period,
    ScenarioAnswer,
    State,
    SupportElementAnswer,
    evidence_path,
    private_storage,
)

__all__ = [
    "DECLARATIONS",
    "EDITABLE_STATES",
    "FINANCIAL_YEARS",
    "IN_REVIEW_STATES",
    "Answer",
    "AnswerStatus",
    "Assessment",
    "Evaluation",
    "Evidence",
    "EvidenceQuerySet",
    "Period",
    "ScenarioAnswer",
    "State",
    "SupportElementAnswer",
    "evidence_path",
    "private_storage",
]
