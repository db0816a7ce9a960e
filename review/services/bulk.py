"""Bulk actions: a district or city reviewer recommends several applications at once; the
province decides several whose computed tier and experts' majority agree.

A plan says, before anything is done, what will happen to each chosen application, or why it
is left out (the one confirmation lists it). Carrying it out runs each included item through
the single-item service — the same rules, audit entries and notifications — each in its own
transaction: the outcome is per item (done, or refused with the service's reason), never
half-done within an item, and one refusal does not undo the others."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from evaluation.models import Assessment
from portal.services import audit_log_record
from scenarios.models import Tier

from .. import guards, rules
from ..models import Decision, DecisionProposal
from ..selectors.scores import review_summary
from .city import assessment_recommend
from .decisions import JUSTIFICATION_MAX, assessment_decide, decision_facts

BULK_MAX = 200


@dataclass(frozen=True)
class PlanItem:
    """What will happen to one application (``included``), or why it is left out."""

    assessment: Assessment
    included: bool
    says: str
    outcome: str = ""
    tier: str = ""


@dataclass(frozen=True)
class ItemResult:
    assessment: Assessment
    done: bool
    says: str


def _chosen(assessments) -> list[Assessment]:
    chosen = list(assessments)
    if not chosen:
        raise ValidationError({"assessments": _("请至少选择一份申报。")})
    if len(chosen) > BULK_MAX:
        raise ValidationError({"assessments": _("一次最多处理 %(n)s 份申报。") % {"n": BULK_MAX}})
    return chosen


def _refusal(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "".join(exc.messages)
    return str(exc) or _("您没有执行此操作的权限。")


def _wrong_state(assessment) -> str:
    return _("申报当前状态为“%(state)s”，不能处理。") % {"state": assessment.get_state_display()}


# --- recommending ---------------------------------------------------------------------------


def recommend_plan(*, actor, assessments) -> list[PlanItem]:
    """Each chosen application: recommended onwards (to the city, or the province), with a
    warning when its evaluation reaches no tier; or left out, saying why."""
    plan = []
    for a in _chosen(assessments):
        if not rules.may_recommend(actor, a):
            plan.append(PlanItem(a, False, _("您不是该申报所在地的主管部门，不能推荐。")))
        elif not rules.can_recommend(actor, a):
            plan.append(PlanItem(a, False, _wrong_state(a)))
        else:
            says = (
                _("将推荐至设区市。") if rules.acts_as_district(actor, a) else _("将推荐至省级。")
            )
            if rules.reaches_no_tier(a):
                says += _("注意：自评估未达到任何层级。")
            plan.append(PlanItem(a, True, says))
    return plan


def bulk_recommend(*, actor, assessments, comment: str = "") -> list[ItemResult]:
    """Recommend each application the plan includes, with the same comment. The confirmation
    listed those reaching no tier, so they are recommended knowingly (``confirm_no_tier``)."""
    results = []
    for item in recommend_plan(actor=actor, assessments=assessments):
        if not item.included:
            results.append(ItemResult(item.assessment, False, item.says))
            continue
        try:
            assessment_recommend(
                assessment=item.assessment, actor=actor, comment=comment, confirm_no_tier=True
            )
        except (PermissionDenied, ValidationError) as exc:
            results.append(ItemResult(item.assessment, False, _refusal(exc)))
        else:
            results.append(ItemResult(item.assessment, True, _("已推荐。")))
    _audit_bulk(actor, "review.bulk_recommend", results)
    return results


# --- deciding -------------------------------------------------------------------------------


def _why_undecidable(actor, a) -> str:
    if a.state not in rules.DECIDABLE:
        return _wrong_state(a)
    if not rules.reviews_complete(a):
        return _("还有专家未提交评审意见。")
    if rules.proposal_pending(a):
        return _("已有待确认的认定提议。")
    if rules.site_visit_pending(a):
        return _("现场核查报告尚未提交。")
    return _("不能作出决定。")


def decide_plan(*, actor, assessments) -> list[PlanItem]:
    """Each chosen application: the decision its computed tier and a strict majority of its
    experts agree on (never a flagged one, ``guards.decision_flags``) — taken, or proposed
    under the batch's four-eyes rule; or left out, saying why."""
    if not actor.is_province_admin:
        raise PermissionDenied(_("只有省级管理员可以执行此操作。"))
    plan = []
    for a in _chosen(assessments):
        if not rules.can_decide(actor, a):
            plan.append(PlanItem(a, False, _why_undecidable(actor, a)))
            continue
        computed, recommended = decision_facts(a)
        agreed = rules.agreed_terms(computed, recommended)
        flags = agreed and guards.decision_flags(
            approved=agreed[0] == Decision.Outcome.APPROVED,
            tier=agreed[1],
            computed_tier=computed,
            recommended=recommended,
        )
        if agreed is None or flags:
            plan.append(
                PlanItem(a, False, _("系统计算层级与多数专家的建议不一致，请逐份作出决定。"))
            )
            continue
        outcome, tier = agreed
        says = (
            _("认定为“%(tier)s”。") % {"tier": Tier(tier).label}
            if outcome == Decision.Outcome.APPROVED
            else _("不予认定。")
        )
        if rules.needs_second_admin(a.batch, []):
            says = _("提出认定提议：%(terms)s须另一位省级管理员确认后生效。") % {"terms": says}
        plan.append(PlanItem(a, True, says, outcome, tier))
    return plan


def bulk_decide(*, actor, assessments, reason: str, summary: str = "") -> list[ItemResult]:
    """Decide (or propose) each application the plan includes, with the same reason, through
    ``assessment_decide``."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写决定理由。")})
    if len(reason) > JUSTIFICATION_MAX:
        raise ValidationError(
            {"reason": _("决定理由不能超过 %(n)s 字。") % {"n": JUSTIFICATION_MAX}}
        )
    results = []
    for item in decide_plan(actor=actor, assessments=assessments):
        if not item.included:
            results.append(ItemResult(item.assessment, False, item.says))
            continue
        try:
            made = assessment_decide(
                assessment=item.assessment,
                actor=actor,
                outcome=item.outcome,
                tier=item.tier,
                reason=reason,
                summary=summary,
                figures=review_summary(item.assessment).figures(),
            )
        except (PermissionDenied, ValidationError) as exc:
            results.append(ItemResult(item.assessment, False, _refusal(exc)))
        else:
            said = (
                _("已提出认定提议，待确认。")
                if isinstance(made, DecisionProposal)
                else _("已作出认定决定。")
            )
            results.append(ItemResult(item.assessment, True, said))
    _audit_bulk(actor, "review.bulk_decide", results)
    return results


def _audit_bulk(actor, action: str, results: list[ItemResult]) -> None:
    """One entry for the batch of items (each item has its own entry from its service)."""
    done = [r.assessment.pk for r in results if r.done]
    audit_log_record(
        actor=actor,
        action=action,
        summary=_("%(done)s 份完成，%(left)s 份未处理")
        % {"done": len(done), "left": len(results) - len(done)},
        data={"done": done, "left_out": [r.assessment.pk for r in results if not r.done]},
    )
