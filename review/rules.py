"""Who may do what to a submission under review, and in which state: one predicate per action,
asked by the services before they act and by the pages before they offer the action (a
button, a form), so a page never offers what its service refuses."""

from django.utils import timezone

from evaluation.models import State
from scenarios.models import DecisionConfirmation, SiteVisitRule, Tier

from .guards import tier_rank
from .models import (
    LIVE_ASSIGNMENT_STATES,
    AssignmentStatus,
    DecisionProposal,
    DiscussionPeriod,
    ExpertAssignment,
    SiteVisit,
)

RECOMMENDABLE = (State.SUBMITTED, State.DISTRICT_RECOMMENDED)
RETURNABLE = (State.SUBMITTED, State.DISTRICT_RECOMMENDED, State.CITY_RECOMMENDED)
DECIDABLE = (State.UNDER_REVIEW,)
# What the district may still return: before the city recommended (its own recommendation
# withdrawn, as the city withdraws its own before expert review).
DISTRICT_RETURNABLE = (State.SUBMITTED, State.DISTRICT_RECOMMENDED)


def is_city_reviewer_of(actor, assessment) -> bool:
    return actor.is_city_reviewer and actor.city == assessment.applicant_city


def is_district_reviewer_of(actor, assessment) -> bool:
    """The reviewer of the district the applicant applied from (its frozen district)."""
    return (
        actor.is_district_reviewer
        and bool(assessment.applicant_district_code)
        and actor.district_id == assessment.applicant_district_code
    )


def applies_directly(assessment) -> bool:
    """The batch marks the enterprise as applying to the province directly."""
    return assessment.batch.direct_enterprises.filter(pk=assessment.enterprise_id).exists()


def acts_as_district(actor, assessment) -> bool:
    """The applicant's district acts on it: only in a batch that requires the district step,
    and not for an enterprise that applies to the province directly."""
    return (
        is_district_reviewer_of(actor, assessment)
        and assessment.batch.requires_district_step
        and not applies_directly(assessment)
    )


def recommendable_states(actor, assessment) -> tuple:
    """A district recommends a submission; the city one its district recommended, or, in a
    batch without the district step, one submitted (and one a district recommended before the
    batch dropped the step)."""
    if acts_as_district(actor, assessment):
        return (State.SUBMITTED,)
    if assessment.batch.requires_district_step:
        return (State.DISTRICT_RECOMMENDED,)
    return RECOMMENDABLE


def returnable_states(actor, assessment) -> tuple:
    """The district returns what it has not passed on yet; in a batch with the district step,
    the city only what reached it (its district recommended it); the province anything before
    expert review."""
    if acts_as_district(actor, assessment):
        return DISTRICT_RETURNABLE
    if acts_as_city(actor, assessment) and assessment.batch.requires_district_step:
        return (State.DISTRICT_RECOMMENDED, State.CITY_RECOMMENDED)
    return RETURNABLE


def recommended_state(actor, assessment) -> str:
    """The state a recommendation by ``actor`` leads to."""
    if acts_as_district(actor, assessment):
        return State.DISTRICT_RECOMMENDED
    return State.CITY_RECOMMENDED


def acts_as_city(actor, assessment) -> bool:
    """The applicant's city acts on it, unless the enterprise applies to the province directly."""
    return is_city_reviewer_of(actor, assessment) and not applies_directly(assessment)


def may_recommend(actor, assessment) -> bool:
    """The applicant's city recommends; in a batch with the district step, its district first."""
    return acts_as_city(actor, assessment) or acts_as_district(actor, assessment)


def may_return(actor, assessment) -> bool:
    """The applicant's city, its district (in a batch with the district step), or the province
    returns."""
    return (
        acts_as_city(actor, assessment)
        or acts_as_district(actor, assessment)
        or actor.is_province_admin
    )


def can_recommend(actor, assessment) -> bool:
    return may_recommend(actor, assessment) and assessment.state in recommendable_states(
        actor, assessment
    )


def reaches_no_tier(assessment) -> bool:
    """The evaluation is computed and reaches no tier: recommending it asks to be sure."""
    evaluation = getattr(assessment, "evaluation", None)
    return evaluation is not None and not evaluation.highest_tier


def can_return(actor, assessment) -> bool:
    return may_return(actor, assessment) and assessment.state in returnable_states(
        actor, assessment
    )


# --- the formal check (形式审查) ----------------------------------------------------------------


def formal_check_states(assessment) -> tuple:
    """Awaiting the province's formal check: recommended by the city, or submitted by a direct
    applicant."""
    return (State.SUBMITTED,) if applies_directly(assessment) else (State.CITY_RECOMMENDED,)


def can_formally_check(actor, assessment) -> bool:
    """Province staff pass or return an application awaiting its formal check."""
    return actor.is_province_admin and assessment.state in formal_check_states(assessment)


def can_pass_formal_check(actor, assessment, checklist) -> bool:
    """Passed only with nothing missing on its checklist (``evaluation.eligibility``)."""
    return can_formally_check(actor, assessment) and checklist.complete


# --- experts ----------------------------------------------------------------------------------

ASSIGNABLE = (State.FORMALLY_CHECKED, State.UNDER_REVIEW)


def assignable_states(assessment) -> tuple:
    """Passed by the formal check, or already in review: experts see nothing else."""
    return ASSIGNABLE


def can_assign(actor, assessment) -> bool:
    return actor.is_province_admin and assessment.state in assignable_states(assessment)


def reviews_complete(assessment) -> bool:
    """Every live assignment's review submitted (and at least one)."""
    live = ExpertAssignment.objects.filter(assessment=assessment, status__in=LIVE_ASSIGNMENT_STATES)
    return live.exists() and not live.filter(status=AssignmentStatus.ACTIVE).exists()


def proposal_pending(assessment) -> bool:
    return DecisionProposal.objects.filter(
        assessment=assessment, status=DecisionProposal.Status.PENDING
    ).exists()


def site_visit_required(assessment) -> bool:
    """The batch sends experts to this applicant's site: every applicant, or those whose
    computed tier (the tier its submission reaches, known from the submission on and the
    same whatever the experts recommend) is at or above the batch's tier."""
    batch = assessment.batch
    if batch.site_visit == SiteVisitRule.ALL:
        return True
    if batch.site_visit != SiteVisitRule.FROM_TIER:
        return False
    evaluation = getattr(assessment, "evaluation", None)
    computed = evaluation.highest_tier if evaluation is not None else ""
    return tier_rank(computed) >= tier_rank(batch.site_visit_tier) > 0


def site_visit_pending(assessment) -> bool:
    """A required site visit whose report is not submitted yet: no decision before it."""
    return (
        site_visit_required(assessment)
        and not SiteVisit.objects.filter(assessment=assessment, submitted_at__isnull=False).exists()
    )


def can_assign_visit(actor, assessment) -> bool:
    """The province sends experts once the material review is complete, to an applicant the
    batch requires a visit of, until the visit's report is in."""
    return (
        actor.is_province_admin
        and assessment.state in DECIDABLE
        and site_visit_pending(assessment)
        and reviews_complete(assessment)
    )


def can_record_visit(actor, visit) -> bool:
    """One of the visit's experts, until its report is submitted (then it is final)."""
    return (
        not visit.is_submitted
        and visit.assessment.state in DECIDABLE
        and visit.assignments.filter(expert_id=actor.pk).exists()
    )


def can_decide(actor, assessment) -> bool:
    """Decide, or propose a decision: not while a proposal awaits its confirmation, nor before
    a required site visit's report."""
    return (
        actor.is_province_admin
        and assessment.state in DECIDABLE
        and reviews_complete(assessment)
        and not proposal_pending(assessment)
        and not site_visit_pending(assessment)
    )


def needs_second_admin(batch, flags) -> bool:
    """The batch's four-eyes rule applies to this decision: every decision, or flagged ones."""
    rule = batch.decision_confirmation
    return rule == DecisionConfirmation.ALL or (
        rule == DecisionConfirmation.FLAGGED and bool(flags)
    )


def may_review_proposal(actor, proposal) -> bool:
    """A second province admin confirms or rejects a proposal: never the one who made it."""
    return actor.is_province_admin and actor.pk != proposal.proposed_by_id


def can_review_proposal(actor, proposal) -> bool:
    return (
        may_review_proposal(actor, proposal)
        and proposal.status == DecisionProposal.Status.PENDING
        and proposal.assessment.state in DECIDABLE
    )


def can_review(actor, assignment) -> bool:
    """The assigned expert, while the review is a draft (submitted, it is final)."""
    return assignment.expert_id == actor.pk and assignment.status == AssignmentStatus.ACTIVE


def rubric_locked(batch) -> bool:
    """The batch's rubric is fixed from its first expert assignment (whatever became of that
    assignment since): experts are given a submission to score against a known rubric."""
    return ExpertAssignment.objects.filter(assessment__batch=batch).exists()


# --- the public list, its 公示 period and the objections ----------------------------------------


def objections_open(batch, today=None) -> bool:
    """The list is published and today is in its 公示 period (first and last day included):
    the only time objections are received. The public page offers its form by this, the
    service refuses by it."""
    today = today or timezone.localdate()
    return (
        batch.list_published_at is not None
        and batch.publicity_starts_on is not None
        and batch.publicity_ends_on is not None
        and batch.publicity_starts_on <= today <= batch.publicity_ends_on
    )


def can_publish(actor, batch, approved: int) -> bool:
    """The province publishes a list not yet published, once it has an approved enterprise."""
    return actor.is_province_admin and batch.list_published_at is None and approved > 0


def can_withdraw(actor, batch) -> bool:
    return actor.is_province_admin and batch.list_published_at is not None


def can_resolve(actor, objection) -> bool:
    """The province resolves each objection once."""
    return actor.is_province_admin and objection.is_pending


# --- bulk decisions and the discussion period -------------------------------------------------


def agreed_terms(computed_tier, recommended) -> tuple[str, str] | None:
    """The decision the computed tier and a strict majority of the experts agree on — approve
    at that tier, or reject when neither reaches one — or None where they part. What the
    province decides in bulk; each is still checked by ``guards.decision_flags`` (never
    flagged) before it is offered."""
    if computed_tier is None or not recommended:
        return None
    wanted = computed_tier if computed_tier in Tier.values else "none"
    if sum(t == wanted for t in recommended) * 2 <= len(recommended):
        return None
    return ("approved", wanted) if wanted != "none" else ("rejected", "")


def discussion_of(batch):
    return DiscussionPeriod.objects.filter(batch=batch).first()


def discussion_open(batch, today=None) -> bool:
    """The batch's discussion period runs: opened, not closed, its end date not passed."""
    period = discussion_of(batch)
    today = today or timezone.localdate()
    return period is not None and period.closed_at is None and today <= period.ends_on


def can_open_discussion(actor, batch) -> bool:
    """The province opens a period (or opens it again with a new end date) while none runs."""
    return actor.is_province_admin and not discussion_open(batch)


def can_close_discussion(actor, batch) -> bool:
    return actor.is_province_admin and discussion_open(batch)


def in_discussion(assessment) -> bool:
    """An application under discussion: its batch's period runs, every expert has submitted,
    and it is not decided (nor proposed: a revision would change the figures proposed on)."""
    return (
        assessment.state in DECIDABLE
        and discussion_open(assessment.batch)
        and reviews_complete(assessment)
        and not proposal_pending(assessment)
    )


def takes_part_in_discussion(actor, assessment) -> bool:
    """The province, or an expert whose review of the application is submitted."""
    return (
        actor.is_province_admin
        or ExpertAssignment.objects.filter(
            assessment=assessment, expert_id=actor.pk, status=AssignmentStatus.SUBMITTED
        ).exists()
    )


def can_post(actor, assessment) -> bool:
    return takes_part_in_discussion(actor, assessment) and in_discussion(assessment)


def can_revise(actor, assignment) -> bool:
    """An expert revises their own submitted review while its application is in discussion."""
    return (
        assignment.expert_id == actor.pk
        and assignment.status == AssignmentStatus.SUBMITTED
        and in_discussion(assignment.assessment)
    )
