"""Decisions proposed under a batch's four-eyes rule: the gate (the province admin only; any
other role reaches none) and the proposals of one assessment."""

from django.db.models import QuerySet

from ..models import DecisionProposal


def proposals_for(user) -> QuerySet[DecisionProposal]:
    qs = DecisionProposal.objects.select_related(
        "assessment__batch", "assessment__enterprise", "proposed_by", "reviewed_by"
    )
    if user.is_authenticated and user.is_province_admin:
        return qs
    return qs.none()


def pending_proposal(assessment) -> DecisionProposal | None:
    """The proposal awaiting a second admin's confirmation, if any (at most one)."""
    return (
        proposals_for_assessment(assessment).filter(status=DecisionProposal.Status.PENDING).first()
    )


def proposals_for_assessment(assessment) -> QuerySet[DecisionProposal]:
    """Every proposal of the assessment, newest first (the rejected ones with their reason)."""
    return DecisionProposal.objects.filter(assessment=assessment).select_related(
        "proposed_by", "reviewed_by"
    )


def pending_proposals(batch) -> dict[int, DecisionProposal]:
    """The batch's proposals awaiting confirmation, by assessment id (one query)."""
    return {
        p.assessment_id: p
        for p in DecisionProposal.objects.filter(
            assessment__batch=batch, status=DecisionProposal.Status.PENDING
        ).select_related("proposed_by")
    }
