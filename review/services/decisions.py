"""The province's decision on a submission."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.models import Assessment, State
from portal.exceptions import StateConflict
from portal.selectors import city_reviewers, enterprise_users
from portal.services import notify
from scenarios.models import Tier

from .. import rules
from ..models import (
    Decision,
)
from .common import lock_in_state, log, overview_url, require_province_admin, review_url


@transaction.atomic
def assessment_decide(
    *, assessment: Assessment, actor, outcome: str, tier: str = "", reason: str, figures=None
) -> Decision:
    """Approve a tier or reject, with a reason, once every assigned expert has submitted."""
    require_province_admin(actor)
    assessment = lock_in_state(assessment, rules.DECIDABLE, _("作出认定决定"))
    errors = {}
    if outcome not in Decision.Outcome.values:
        errors["outcome"] = [_("请选择认定或不予认定。")]
    if outcome == Decision.Outcome.APPROVED and tier not in Tier.values:
        errors["tier"] = [_("认定时请选择层级。")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写决定理由。")]
    if errors:
        raise ValidationError(errors)
    if not rules.reviews_complete(assessment):
        raise StateConflict(_("还有专家未提交评审意见，暂不能作出决定。"), code="reviews_pending")
    approved = outcome == Decision.Outcome.APPROVED
    decision = Decision.objects.create(
        assessment=assessment,
        outcome=outcome,
        tier=tier if approved else "",
        reason=reason,
        figures=figures or {},
        decided_by=actor,
    )
    assessment.state = State.APPROVED if approved else State.REJECTED
    assessment.decided_tier = decision.tier
    assessment.decided_at = decision.decided_at
    assessment.save(update_fields=["state", "decided_tier", "decided_at", "updated_at"])
    log(actor, "review.decide", assessment, reason, {"outcome": outcome, "tier": decision.tier})
    params = {
        "enterprise": assessment.applicant_name,
        "batch": assessment.batch.name,
        "outcome": Decision.Outcome(outcome).label,
        "tier": Tier(decision.tier).label if decision.tier else "—",
        "reason": reason,
    }
    title = gettext_lazy("%(batch)s：%(enterprise)s 的认定结果为“%(outcome)s”")
    body = gettext_lazy("认定层级：%(tier)s\n理由：%(reason)s")
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
