"""The province's decision on a submission and its confirmation by a second admin.

A decision above the tier the indicator engine computed, or against most of the experts
(``review.guards``), needs a written justification and is kept flagged. Under the batch's
four-eyes rule (every decision, or flagged ones only) a decision is first a proposal: it
takes effect — state, notifications, the public list — once a second province admin confirms
it; rejected, the submission is open to a new proposal."""

from dataclasses import asdict, dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.models import Assessment, Evaluation, State
from portal.exceptions import StateConflict
from portal.selectors import city_reviewers, enterprise_users, province_admins
from portal.services import notify
from scenarios.models import Tier

from .. import guards, rules
from ..models import (
    AssignmentStatus,
    Decision,
    DecisionProposal,
    ExpertAssignment,
)
from .common import lock_in_state, log, overview_url, require_province_admin, review_url

JUSTIFICATION_MAX = 5000


@dataclass(frozen=True)
class CheckedTerms:
    """A decision's checked terms, as a decision or a proposal stores them."""

    outcome: str
    tier: str
    reason: str
    justification: str
    flags: list
    summary: str = ""


def decision_facts(assessment: Assessment) -> tuple[str | None, list[str]]:
    """What a decision is measured against: the tier the indicator engine computed (blank when
    the evaluation reaches none, None while there is no evaluation, as ``rules.reaches_no_tier``
    reads it) and the tier each submitted review recommends."""
    computed = (
        Evaluation.objects.filter(assessment=assessment)
        .values_list("highest_tier", flat=True)
        .first()
    )
    recommended = ExpertAssignment.objects.filter(
        assessment=assessment, status=AssignmentStatus.SUBMITTED
    ).values_list("recommended_tier", flat=True)
    return computed, list(recommended)


def decision_check(
    *,
    assessment: Assessment,
    outcome: str,
    tier: str = "",
    reason: str,
    justification: str = "",
    summary: str = "",
) -> CheckedTerms:
    """The rule of a decision's terms, asked by the services and by the decide form before it
    asks for confirmation: a known outcome, a tier when approving, a reason, and a
    justification when the decision is flagged; the summary of the experts' discussion is
    optional. ValidationError names each field at fault."""
    errors = {}
    summary = (summary or "").strip()
    if len(summary) > JUSTIFICATION_MAX:
        errors["summary"] = [_("讨论总结意见不能超过 %(n)s 字。") % {"n": JUSTIFICATION_MAX}]
    if outcome not in Decision.Outcome.values:
        errors["outcome"] = [_("请选择认定或不予认定。")]
    approved = outcome == Decision.Outcome.APPROVED
    if approved and tier not in Tier.values:
        errors["tier"] = [_("认定时请选择层级。")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写决定理由。")]
    justification = (justification or "").strip()
    if len(justification) > JUSTIFICATION_MAX:
        errors["justification"] = [_("偏离说明不能超过 %(n)s 字。") % {"n": JUSTIFICATION_MAX}]
    flags = []
    if "outcome" not in errors and "tier" not in errors:
        computed, recommended = decision_facts(assessment)
        flags = guards.decision_flags(
            approved=approved, tier=tier, computed_tier=computed, recommended=recommended
        )
        if flags and not justification:
            errors["justification"] = [
                _("该决定将被标记，须填写偏离说明：%(why)s")
                % {"why": "".join(guards.flag_texts(flags))}
            ]
    if errors:
        raise ValidationError(errors)
    return CheckedTerms(
        outcome=outcome,
        tier=tier if approved else "",
        reason=reason,
        justification=justification,
        flags=flags,
        summary=summary,
    )


@transaction.atomic
def assessment_decide(
    *,
    assessment: Assessment,
    actor,
    outcome: str,
    tier: str = "",
    reason: str,
    justification: str = "",
    figures=None,
    summary: str = "",
) -> Decision | DecisionProposal:
    """Approve a tier or reject, with a reason, once every assigned expert has submitted; a
    flagged decision with its justification. Under the batch's four-eyes rule this makes a
    proposal (returned instead of a decision) for a second province admin to confirm."""
    require_province_admin(actor)
    assessment = lock_in_state(assessment, rules.DECIDABLE, _("作出认定决定"))
    terms = decision_check(
        assessment=assessment,
        outcome=outcome,
        tier=tier,
        reason=reason,
        justification=justification,
        summary=summary,
    )
    if not rules.reviews_complete(assessment):
        raise StateConflict(_("还有专家未提交评审意见，暂不能作出决定。"), code="reviews_pending")
    if rules.proposal_pending(assessment):
        raise StateConflict(
            _("该申报已有待确认的认定提议，请先由另一位省级管理员确认或驳回。"),
            code="proposal_pending",
        )
    if rules.site_visit_pending(assessment):
        raise StateConflict(
            _("本批次要求对该申报进行现场核查，核查报告提交前不能作出认定决定。"),
            code="site_visit_pending",
        )
    if rules.needs_second_admin(assessment.batch, terms.flags):
        return _proposal_create(assessment, actor, terms, figures or {})
    return _decision_take(assessment, terms, figures or {}, decided_by=actor)


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _decision_take(
    assessment: Assessment, terms: CheckedTerms, figures: dict, *, decided_by, confirmed_by=None
) -> Decision:
    """The decision takes effect: the state changes, it is logged, and the enterprise and its
    city are told. The applicant's entry (``review.decide``) says what it is told; the flags
    and the justification go to a province-only entry (``review.decide_flagged``)."""
    approved = terms.outcome == Decision.Outcome.APPROVED
    decision = Decision.objects.create(
        assessment=assessment,
        **asdict(terms),
        figures=figures,
        decided_by=decided_by,
        confirmed_by=confirmed_by,
        valid_until=(
            years_after(timezone.localdate(), assessment.batch.validity_years) if approved else None
        ),
    )
    assessment.state = State.APPROVED if approved else State.REJECTED
    assessment.decided_tier = decision.tier
    assessment.decided_at = decision.decided_at
    assessment.save(update_fields=["state", "decided_tier", "decided_at", "updated_at"])
    actor = confirmed_by or decided_by
    outcome, reason = terms.outcome, terms.reason
    log(
        actor,
        "review.decide",
        assessment,
        reason,
        {
            "outcome": outcome,
            "tier": decision.tier,
            "valid_until": decision.valid_until.isoformat() if decision.valid_until else None,
        },
    )
    if decision.flagged:
        log(
            actor,
            "review.decide_flagged",
            assessment,
            _("%(flags)s 偏离说明：%(justification)s")
            % {
                "flags": "".join(decision.flag_reasons),
                "justification": decision.justification,
            },
            {
                "decision": decision.pk,
                "flags": decision.flags,
                "justification": decision.justification,
            },
        )
    params = {
        "enterprise": assessment.applicant_name,
        "batch": assessment.batch.name,
        "outcome": Decision.Outcome(outcome).label,
        "tier": Tier(decision.tier).label if decision.tier else "—",
        "reason": reason,
        "valid_until": decision.valid_until.isoformat() if decision.valid_until else "—",
    }
    title = gettext_lazy("%(batch)s：%(enterprise)s 的认定结果为“%(outcome)s”")
    body = gettext_lazy("认定层级：%(tier)s\n理由：%(reason)s")
    if approved:
        body = gettext_lazy("认定层级：%(tier)s\n有效期至：%(valid_until)s\n理由：%(reason)s")
    notify(
        recipients=enterprise_users(assessment.enterprise_id),
        kind="review.decide",
        title=title,
        body=body,
        params=params,
        url=overview_url(assessment),
    )
    notify(
        recipients=city_reviewers(assessment.applicant_city),
        kind="review.decide",
        title=title,
        body=body,
        params=params,
        url=review_url(assessment),
    )
    return decision


def _proposal_params(proposal: DecisionProposal) -> dict:
    return {
        "enterprise": proposal.assessment.applicant_name,
        "outcome": Decision.Outcome(proposal.outcome).label,
        "tier": Tier(proposal.tier).label if proposal.tier else "—",
        "proposer": proposal.proposed_by.get_full_name() or proposal.proposed_by.username,
    }


def _proposal_create(
    assessment: Assessment, actor, terms: CheckedTerms, figures: dict
) -> DecisionProposal:
    proposal = DecisionProposal.objects.create(
        assessment=assessment, **asdict(terms), figures=figures, proposed_by=actor
    )
    log(
        actor,
        "review.decision_propose",
        assessment,
        terms.reason,
        {
            "proposal": proposal.pk,
            "outcome": terms.outcome,
            "tier": terms.tier,
            "flags": terms.flags,
            "justification": terms.justification,
        },
    )
    notify(
        recipients=province_admins().exclude(pk=actor.pk),
        kind="review.propose",
        title=gettext_lazy("%(enterprise)s 的认定提议待您确认"),
        body=gettext_lazy(
            "提议：%(outcome)s（%(tier)s），提议人：%(proposer)s。须由另一位省级管理员确认后生效。"
        ),
        params=_proposal_params(proposal),
        url=review_url(assessment),
    )
    return proposal


def _proposal_locked(proposal: DecisionProposal, actor, action: str):
    """The proposal and its assessment locked for a second admin's verdict: refused to its
    proposer (403), once closed or when the assessment moved on (409)."""
    require_province_admin(actor)
    if not rules.may_review_proposal(actor, proposal):
        raise PermissionDenied(_("提议人不能确认或驳回自己的认定提议，须由另一位省级管理员复核。"))
    assessment = lock_in_state(proposal.assessment, rules.DECIDABLE, action)
    proposal = (
        DecisionProposal.objects.select_for_update(of=("self",))
        .select_related("proposed_by")
        .get(pk=proposal.pk)
    )
    proposal.assessment = assessment
    if proposal.status != DecisionProposal.Status.PENDING:
        raise StateConflict(
            _("该认定提议的状态为“%(status)s”，不能再确认或驳回。")
            % {"status": proposal.get_status_display()},
            code="proposal_closed",
        )
    return proposal


def _proposal_close(proposal: DecisionProposal, actor, status: str, **fields) -> None:
    proposal.status = status
    proposal.reviewed_by = actor
    proposal.reviewed_at = timezone.now()
    for name, value in fields.items():
        setattr(proposal, name, value)
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at", *fields])


@transaction.atomic
def decision_proposal_confirm(*, proposal: DecisionProposal, actor) -> Decision:
    """A second province admin confirms a proposal: the decision takes effect as proposed."""
    proposal = _proposal_locked(proposal, actor, _("确认认定提议"))
    assessment = proposal.assessment
    submitted = ExpertAssignment.objects.filter(
        assessment=assessment, status=AssignmentStatus.SUBMITTED
    ).count()
    if not rules.reviews_complete(assessment) or submitted != proposal.figures.get("n", submitted):
        raise StateConflict(
            _("提议后专家评审有变化，请驳回该提议并重新提议。"), code="reviews_changed"
        )
    _proposal_close(proposal, actor, DecisionProposal.Status.CONFIRMED)
    terms = CheckedTerms(**{f: getattr(proposal, f) for f in CheckedTerms.__dataclass_fields__})
    decision = _decision_take(
        assessment, terms, proposal.figures, decided_by=proposal.proposed_by, confirmed_by=actor
    )
    log(
        actor,
        "review.decision_confirm",
        assessment,
        proposal.reason,
        {"proposal": proposal.pk, "proposed_by": proposal.proposed_by.username},
    )
    return decision


@transaction.atomic
def decision_proposal_reject(*, proposal: DecisionProposal, actor, reason: str) -> DecisionProposal:
    """A second province admin rejects a proposal, saying why: the submission is open to a
    new proposal, and the proposer is told."""
    reason = (reason or "").strip()
    proposal = _proposal_locked(proposal, actor, _("驳回认定提议"))
    if not reason:
        raise ValidationError({"reason": _("请填写驳回理由。")})
    if len(reason) > JUSTIFICATION_MAX:
        raise ValidationError(
            {"reason": _("驳回理由不能超过 %(n)s 字。") % {"n": JUSTIFICATION_MAX}}
        )
    _proposal_close(proposal, actor, DecisionProposal.Status.REJECTED, rejection_reason=reason)
    log(
        actor,
        "review.decision_reject",
        proposal.assessment,
        reason,
        {"proposal": proposal.pk, "proposed_by": proposal.proposed_by.username},
    )
    notify(
        recipients=[proposal.proposed_by],
        kind="review.proposal_reject",
        title=gettext_lazy("您对 %(enterprise)s 的认定提议被驳回"),
        body=gettext_lazy("驳回理由：%(reason)s\n可重新提出认定提议。"),
        params={**_proposal_params(proposal), "reason": reason},
        url=review_url(proposal.assessment),
    )
    return proposal
